#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/run.sh - the tracer's performance suite (issue 2, "Performance"):
# builds ctrace and the workloads, times every workload natively, under
# ctrace and under the tools it is compared with, and prints one table.
# Never run by ctest or CI. Usage: bench/run.sh [--quick] [--reps N]
# [--only NAME[,NAME...]] [--no-build] [--profile] [--nice]   (from the repo root)
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${CTRACE_BUILD:-$ROOT/build}
. "$HERE/lib.sh"

QUICK=0 REPS="" ONLY="" DO_BUILD=1 PROFILE=0 NICE=0
usage()
{
	sed -n '6,7s/^# \{0,1\}//p' "$0" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--reps) REPS=${2:-}; shift ;;
	--only) ONLY=${2:-}; shift ;;
	--no-build) DO_BUILD=0 ;;
	--profile) PROFILE=1 ;;
	--nice) NICE=1 ;;
	*) usage ;;
	esac
	shift
done
[ -z "$REPS" ] && REPS=$((QUICK ? 3 : 5))
[[ $REPS =~ ^[1-9][0-9]*$ ]] || usage
REPS2=$((REPS < 3 ? REPS : 3))   # runs of the secondary variants (s0, shim, LTTng, TSan)

# Rows: name, then the command. "@wl PROG ITERS THREADS" is a workload of
# bench/workloads/ (also built with TSan, and run small under Helgrind);
# "@in" is the generated input file. Full and quick sizes. The blocking rows
# are short: on an idle VM every handoff waits for a vCPU to wake (a
# semaphore round trip took 75 us here, against 3 us on a busy machine).
ROWS=(uncontended mutex-2t mutex-4t nested rwlock-4t condvar sem-pingpong mq-3stage
      pigz xz zstd)
declare -A ROW_CMD ROW_QUICK
ROW_CMD=(
	[uncontended]="@wl mutex_uncontended 10000000 1"
	[mutex-2t]="@wl mutex_contended 4000000 2"
	[mutex-4t]="@wl mutex_contended 4000000 4"
	[nested]="@wl mutex_nested 2000000 2"
	[rwlock-4t]="@wl rwlock_read_mostly 4000000 4"
	[condvar]="@wl condvar_pc 300000 2"
	[sem-pingpong]="@wl sem_pingpong 40000 2"
	[mq-3stage]="@wl mq_pipeline 200000 3"
	[pigz]="pigz -p 2 -c @in"
	[xz]="xz -T2 -0 -c @in"
	[zstd]="zstd -T2 -q -c @in"
)
ROW_QUICK=(
	[uncontended]="@wl mutex_uncontended 1000000 1"
	[mutex-2t]="@wl mutex_contended 400000 2"
	[mutex-4t]="@wl mutex_contended 400000 4"
	[nested]="@wl mutex_nested 200000 2"
	[rwlock-4t]="@wl rwlock_read_mostly 400000 4"
	[condvar]="@wl condvar_pc 50000 2"
	[sem-pingpong]="@wl sem_pingpong 10000 2"
	[mq-3stage]="@wl mq_pipeline 20000 3"
)
HG_DIV=$((QUICK ? 10 : 100))            # Helgrind runs ITERS / HG_DIV
INPUT_SIZE=$((QUICK ? 8 : 64))          # MiB
RATE_SPEC="@wl mutex_uncontended $((QUICK ? 10000000 : 40000000)) 2"
if [ $QUICK -eq 1 ]; then
	for r in "${!ROW_QUICK[@]}"; do ROW_CMD[$r]=${ROW_QUICK[$r]}; done
fi
if [ -n "$ONLY" ]; then
	IFS=, read -ra ROWS <<<"${ONLY//python/}"
	for r in "${ROWS[@]}"; do [ -n "${ROW_CMD[$r]:-}" ] || { echo "bench: no row $r" >&2; exit 2; }; done
fi

WORK=$BUILD/bench/work
WL_DIR=$BUILD/bench/native
TSAN_DIR=$BUILD/bench/tsan
CTRACE=$BUILD/ctrace
SHIM=$BUILD/libctrace-shim.so
INPUT=$BUILD/bench/input-${INPUT_SIZE}M.txt
LTTNG_WRAPPER=liblttng-ust-pthread-wrapper.so
LOG=$BUILD/bench/run.log
declare -A R            # results: R[row:metric]
NOTES=()

note() { NOTES+=("$*"); }

# ctrace itself: configure once (Release), build the command and the shim.
build_ctrace()
{
	if [ $DO_BUILD -eq 1 ]; then
		echo "bench: building ctrace in $BUILD" >&2
		if [ ! -f "$BUILD/CMakeCache.txt" ]; then
			cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >>"$LOG" 2>&1 ||
				{ echo "bench: cmake configure failed, see $LOG" >&2; exit 1; }
		fi
		if ! cmake --build "$BUILD" -j2 --target ctrace ctrace-shim >>"$LOG" 2>&1; then
			[ -x "$CTRACE" ] && [ -f "$SHIM" ] ||
				{ echo "bench: build failed, see $LOG" >&2; exit 1; }
			note "the build failed (see $LOG): measured the ctrace binaries already in $BUILD"
		fi
	fi
	[ -x "$CTRACE" ] && [ -f "$SHIM" ] || { echo "bench: no $CTRACE or $SHIM" >&2; exit 1; }
	local type
	type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null)
	[ "$type" = Release ] || note "build type of $BUILD is '${type:-?}', not Release"
}

# The workloads and the input file are built here with gcc, whether or not
# bench/CMakeLists.txt is part of the build.
build_workloads()
{
	local src name
	local -a flags=(-O2 -g -pthread -D_GNU_SOURCE -Wall -Wextra -Werror)
	mkdir -p "$WL_DIR" "$TSAN_DIR" "$WORK"
	HAVE_TSAN=1
	for src in "$HERE"/workloads/*.c; do
		name=$(basename "$src" .c)
		[ "$name" = workload ] && continue
		gcc "${flags[@]}" -o "$WL_DIR/$name" "$src" "$HERE/workloads/workload.c" -lrt >>"$LOG" 2>&1 ||
			{ echo "bench: cannot build $name, see $LOG" >&2; exit 1; }
		[ $HAVE_TSAN -eq 1 ] &&
			! gcc "${flags[@]}" -fsanitize=thread -o "$TSAN_DIR/$name" "$src" \
				"$HERE/workloads/workload.c" -lrt >>"$LOG" 2>&1 && HAVE_TSAN=0
	done
	[ $HAVE_TSAN -eq 1 ] || note "TSan: gcc -fsanitize=thread failed (libtsan missing?): skipped"
	gcc "${flags[@]}" -o "$BUILD/bench/gen_input" "$HERE/gen_input.c" >>"$LOG" 2>&1 ||
		{ echo "bench: cannot build gen_input" >&2; exit 1; }
	if [ ! -s "$INPUT" ] || [ "$(stat -c %s "$INPUT")" -ne $((INPUT_SIZE << 20)) ]; then
		"$BUILD/bench/gen_input" $((INPUT_SIZE << 20)) >"$INPUT" ||
			{ echo "bench: cannot write $INPUT" >&2; exit 1; }
	fi
}

# Which comparison tools are here; LTTng needs a session daemon.
LTTNG_STARTED_PID=""
find_tools()
{
	HAVE_LTTNG=0 HAVE_HG=0 HAVE_MUTRACE=0
	command -v valgrind >/dev/null && HAVE_HG=1
	command -v mutrace >/dev/null && HAVE_MUTRACE=1
	# The versioned name needs only liblttng-ust1 (the bare .so is in -dev).
	ldconfig -p 2>/dev/null | grep -q "$LTTNG_WRAPPER.1 " && LTTNG_WRAPPER=$LTTNG_WRAPPER.1
	if command -v lttng >/dev/null && command -v babeltrace2 >/dev/null &&
	   ldconfig -p 2>/dev/null | grep -q "$LTTNG_WRAPPER "; then
		if ! lttng list >/dev/null 2>&1; then
			lttng-sessiond --daemonize >>"$LOG" 2>&1 && sleep 1
			local pidfile=/var/run/lttng/lttng-sessiond.pid
			[ "$(id -u)" -eq 0 ] || pidfile=$HOME/.lttng/lttng-sessiond.pid
			LTTNG_STARTED_PID=$(cat "$pidfile" 2>/dev/null)
		fi
		lttng list >/dev/null 2>&1 && HAVE_LTTNG=1
	fi
	[ $HAVE_LTTNG -eq 1 ] || note "LTTng-UST: not installed or no session daemon: skipped"
	[ $HAVE_HG -eq 1 ] || note "Helgrind: valgrind not installed: skipped"
	[ $HAVE_MUTRACE -eq 1 ] || note "mutrace: not installed (not packaged in Debian 12): skipped"
}

cleanup()
{
	[ -n "$LTTNG_STARTED_PID" ] && kill "$LTTNG_STARTED_PID" 2>/dev/null
	rm -rf "$WORK"
}

# A Debian program missing: skip its row.
row_available()
{
	local spec=${ROW_CMD[$1]}
	[ "${spec:0:3}" = "@wl" ] && return 0
	command -v "${spec%% *}" >/dev/null && return 0
	note "$1: ${spec%% *} not installed: skipped"
	return 1
}

. "$HERE/run_rows.sh"
. "$HERE/run_print.sh"

main()
{
	mkdir -p "$BUILD/bench"
	: >"$LOG"
	trap cleanup EXIT
	# --nice: on a shared machine, measure at a higher priority (root).
	[ $NICE -eq 1 ] && { renice -n -10 -p $$ >>"$LOG" 2>&1 || note "--nice: renice failed"; }
	build_ctrace
	build_workloads
	find_tools
	print_machine
	local row start=$EPOCHREALTIME
	for row in "${ROWS[@]}"; do
		row_available "$row" || continue
		echo "bench: $row" >&2
		bench_row "$row"
	done
	# the rows wrote gigabytes of trace: let the kernel write them back
	# first, or the check measures the disk's backlog, not the tracer
	sync
	[ -z "$ONLY" ] && echo "bench: 20M events/s check" >&2 && bench_rate
	[ -z "$ONLY" ] || [[ ,$ONLY, == *,uncontended,* ]] && echo "bench: steady pair cost" >&2 &&
		bench_pair_min
	print_table
	print_footer
	[ -z "$ONLY" ] && run_host_benchmarks
	# Python (issue 11): queue.Queue with 4 consumers, natively and traced
	if { [ -z "$ONLY" ] || [[ ,$ONLY, == *,python,* ]]; } && [ -x /usr/bin/python3 ]; then
		echo "bench: python" >&2
		printf '\n'
		# at full speed, and at about 3 M lock calls a second (the issue's rate)
		for steps in 0 10; do
			CTRACE_BUILD=$BUILD "$HERE/python_queue.sh" --reps "$REPS" --work "$steps" \
				$([ $QUICK -eq 1 ] && echo --items 300000)
		done
	fi
	[ $PROFILE -eq 1 ] && run_profile
	printf '\nbench: done in %.0f s (log: %s)\n' "$(calc "$EPOCHREALTIME" - "$start")" "$LOG"
}

main
