# SPDX-License-Identifier: MIT
# bench/lib.sh - sourced by bench/run.sh: timing one run of a command under
# each tracer or checker (native, ctrace, the bare shim, LTTng-UST, TSan,
# Helgrind), medians, and reading `ctrace info --format=json`.
# Uses the globals set by run.sh: BUILD CTRACE SHIM WL_DIR TSAN_DIR WORK LOG
# INPUT LTTNG_WRAPPER.

# Prints A op B with awk's floating point ("-" if an operand is missing).
calc()
{
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		num = "^-?[0-9.]+([eE][-+]?[0-9]+)?$"
		if (a !~ num || b !~ num) { print "-"; exit }
		if (op == "-") r = a - b; else if (op == "+") r = a + b;
		else if (op == "*") r = a * b; else if (op == "/") { if (b == 0) { print "-"; exit } r = a / b }
		printf "%.9g", r }'
}

# fmt FORMAT VALUE: printf of a number, "-" stays "-".
fmt()
{
	if [ "$2" = "-" ] || [ -z "$2" ]; then printf -- "-"; else printf -- "$1" "$2"; fi
}

median()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.9g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_run OUT CMD...: runs CMD, stdout to OUT and stderr to the log;
# prints "WALL CPU" in seconds (CPU = user + system of CMD and every
# descendant it waited for); returns CMD's status.
time_run()
{
	local out=$1 t0 t1 rc cpu TIMEFORMAT='%3U %3S'
	shift
	t0=$EPOCHREALTIME
	{ time "$@" >"$out" 2>>"$LOG"; } 2>"$WORK/time.txt"
	rc=$?
	t1=$EPOCHREALTIME
	cpu=$(tail -1 "$WORK/time.txt" | awk '{ print $1 + $2 }')
	printf '%s %s' "$(calc "$t1" - "$t0")" "$cpu"
	return $rc
}

# The first "KEY": N of a JSON file (the top-level one in ctrace info's
# output, where per-thread counts come after).
json_num()
{
	grep -o "\"$2\": *[0-9]*" "$1" 2>/dev/null | head -1 | sed 's/.*: *//'
}

# row_cmd ROW VARIANT: the command line of a row as words, for a variant
# whose binary differs (tsan) or whose size differs (helgrind: ITERS / HG_DIV,
# or 0 for the start-up baseline).
row_cmd()
{
	local spec=$1 variant=$2 w
	local -a words
	read -ra words <<<"$spec"
	if [ "${words[0]}" = "@wl" ]; then
		case $variant in
		tsan) words[1]=$TSAN_DIR/${words[1]} ;;
		hg) words[1]=$WL_DIR/${words[1]}; words[2]=$((words[2] / HG_DIV)) ;;
		hg0) words[1]=$WL_DIR/${words[1]}; words[2]=0 ;;
		*) words[1]=$WL_DIR/${words[1]} ;;
		esac
		words=("${words[@]:1}")
	fi
	for w in "${words[@]}"; do
		[ "$w" = "@in" ] && w=$INPUT
		printf '%s\n' "$w"
	done
}

lttng_begin()
{
	rm -rf "$1"
	lttng create "ctrace-bench-$$" --output="$1" >>"$LOG" 2>&1 &&
	lttng enable-channel -u --subbuf-size=4M --num-subbuf=8 --blocking-timeout=inf \
		bench >>"$LOG" 2>&1 &&
	lttng enable-event -u -c bench 'lttng_ust_pthread:*' >>"$LOG" 2>&1 &&
	lttng start >>"$LOG" 2>&1
}

lttng_end()
{
	lttng stop >>"$LOG" 2>&1
	lttng destroy >>"$LOG" 2>&1
}

# run_once VARIANT DIR OUT CMD...: one timed run; prints seconds. DIR is
# the variant's trace directory (kept until the next run, for counting).
run_once()
{
	local variant=$1 dir=$2 out=$3 t rc
	shift 3
	case $variant in
	native|tsan)
		t=$(time_run "$out" "$@") ;;
	c16|c0)
		rm -rf "$dir"
		t=$(time_run "$out" "$CTRACE" run --quiet --stack-depth "${variant#c}" -o "$dir" -- "$@") ;;
	shim)
		rm -rf "$dir" && mkdir -p "$dir"
		t=$(time_run "$out" env CTRACE_DIR="$dir" CTRACE_STACK_DEPTH=16 LD_PRELOAD="$SHIM" "$@") ;;
	lttng)
		lttng_begin "$dir" || return 1
		t=$(time_run "$out" env LTTNG_UST_ALLOW_BLOCKING=1 LD_PRELOAD="$LTTNG_WRAPPER" "$@")
		rc=$?
		lttng_end
		[ $rc -eq 0 ] || return $rc ;;
	hg|hg0)
		t=$(time_run "$out" valgrind --tool=helgrind -q --error-exitcode=0 "$@") ;;
	esac || return 1
	printf '%s' "$t"
}

# measure_into ROW REPS VARIANT...: REPS rounds, each running every VARIANT
# once in turn (so that a drift of the machine weighs on all alike), into
# R[ROW:VARIANT] (the median wall time), R[ROW:VARIANT_min] (the fastest:
# a neighbour on the machine can slow a run, never speed it up) and
# R[ROW:VARIANT_cpu]; "FAIL" if a run failed or printed another checksum
# than the native run.
measure_into()
{
	local row=$1 reps=$2 i v t
	shift 2
	local -A walls=() cpus=() cmds=()
	for v in "$@"; do
		cmds[$v]=$(row_cmd "${ROW_CMD[$row]}" "$v")
		R[$row:$v]=""
	done
	for ((i = 0; i < reps; i++)); do
		for v in "$@"; do
			[ "${R[$row:$v]}" = FAIL ] && continue
			local -a cmd
			mapfile -t cmd <<<"${cmds[$v]}"
			if ! t=$(run_once "$v" "$WORK/trace-$v" "$WORK/out-$v" "${cmd[@]}"); then
				echo "$row/$v: run failed: ${cmd[*]}" >>"$LOG"
				R[$row:$v]=FAIL
				continue
			fi
			if [ "${ROW_CMD[$row]:0:3}" = "@wl" ] && [ "${v:0:2}" != hg ] &&
			   [ "$v" != native ] && ! cmp -s "$WORK/out-$v" "$WORK/out-native"; then
				echo "$row/$v: checksum differs from native" >>"$LOG"
				R[$row:$v]=FAIL
				continue
			fi
			walls[$v]+=" ${t% *}"
			cpus[$v]+=" ${t#* }"
		done
	done
	for v in "$@"; do
		[ "${R[$row:$v]}" = FAIL ] && continue
		# shellcheck disable=SC2086
		R[$row:$v]=$(median ${walls[$v]})
		# shellcheck disable=SC2086
		R[$row:${v}_min]=$(printf '%s\n' ${walls[$v]} | sort -g | head -n 1)
		# shellcheck disable=SC2086
		R[$row:${v}_cpu]=$(median ${cpus[$v]})
	done
}

# measure ROW VARIANT REPS: "WALL CPU" (or "FAIL") of measure_into, for one variant.
measure()
{
	measure_into "$1" "$3" "$2"
	if [ "${R[$1:$2]}" = FAIL ]; then
		printf FAIL
	else
		printf '%s %s' "${R[$1:$2]}" "${R[$1:$2_cpu]}"
	fi
}

# ctrace_info DIR FILE: `ctrace info --format=json` of a trace into FILE
# (what it printed, even if it found the trace damaged).
ctrace_info()
{
	"$CTRACE" info --format=json "$1" >"$2" 2>>"$LOG"
}

# LTTng's event count and discarded events, from babeltrace2's counter sink.
lttng_count()
{
	babeltrace2 "$1" -c sink.utils.counter 2>>"$LOG" |
		awk '/Event messages/ { e = $1 } /Discarded event messages/ { d = $1 }
		     END { print (e == "" ? "-" : e), (d == "" ? "-" : d) }'
}
