#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/races/run.sh - the cost of recording memory accesses (issue 10): a
# memory-heavy workload with locks (counters_striped.c) and, with --pigz
# DIR, a real program (pigz built from its source in DIR, compressing
# K KiB with its zopfli code, -11, and 16 MiB with zlib, -6; text from
# bench/gen_input), built with clang three ways:
# native; -fsanitize=thread with clang's own runtime (TSan); and with
# `ctrace cc` (CC=clang, what users get). Rows: tsan; stub (the `ctrace cc`
# build run without ctrace); shim (under the bare shim: the recording
# alone); ctrace-run (`ctrace run --quiet`: the recording and the live
# watchdog; without --quiet its summary analyzes the trace as ctrace report
# does); report (`ctrace report` of that trace) and run+report. Prints
# CPU (user + system) and wall time (the run with the least CPU of REPS),
# their ratios to native, peak RSS (of the program: for ctrace-run, as
# `ctrace info` gives it), trace size and growth per second of
# run, the share of accesses kept, and the analysis rate. Never run by
# ctest. Usage: bench/races/run.sh [--reps N] [--threads T] [--rounds R]
# [--counters N] [--passes "P..."] [--pigz DIR] [--pigz-kib K]  (repo root)
set -uo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CTRACE_BUILD:-$ROOT/build}
REPS=5 THREADS=4 ROUNDS=20000 COUNTERS=4194304 PASSES="4 32" PIGZ="" PIGZ_KIB=8
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=$2; shift ;;
	--threads) THREADS=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--counters) COUNTERS=$2; shift ;;
	--passes) PASSES=$2; shift ;;
	--pigz) PIGZ=$(cd "$2" && pwd) || exit 2; shift ;;
	--pigz-kib) PIGZ_KIB=$2; shift ;;
	*) sed -n '17,19s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
CTRACE=$BUILD/ctrace
SHIM=$BUILD/libctrace-shim.so
[ -x "$CTRACE" ] && [ -f "$SHIM" ] || { echo "build ctrace first ($BUILD)" >&2; exit 2; }
command -v clang >/dev/null || { echo "clang is needed" >&2; exit 2; }
OUT=$BUILD/bench/races
mkdir -p "$OUT"
: >"$OUT/run.log"

# build NAME SOURCES...: the three builds OUT/NAME.{native,tsan,cc}
build()
{
	local name=$1 v
	shift
	for v in native tsan cc; do
		local cc=(clang) objs=() f
		[ $v = tsan ] && cc=(clang -fsanitize=thread)
		[ $v = cc ] && cc=(env CC=clang "$CTRACE" cc)
		mkdir -p "$OUT/obj-$name-$v"
		for f in "$@"; do
			objs+=("$OUT/obj-$name-$v/$(basename "${f%.c}").o")
			"${cc[@]}" -O2 -g -Wno-unknown-pragmas -c "$f" -o "${objs[-1]}" || return 1
		done
		"${cc[@]}" -O2 -o "$OUT/$name.$v" "${objs[@]}" -lm -lpthread -lz || return 1
	done
}

build counters "$HERE/counters_striped.c" || exit 1
if [ -n "$PIGZ" ]; then
	build pigz "$PIGZ"/pigz.c "$PIGZ"/yarn.c "$PIGZ"/try.c "$PIGZ"/zopfli/src/zopfli/*.c || exit 1
	"$BUILD/bench/gen_input" $((PIGZ_KIB * 1024)) >"$OUT/pigz-11.in" || exit 1
	"$BUILD/bench/gen_input" $((16 << 20)) >"$OUT/pigz-6.in" || exit 1
fi

# run_min VAR CMD...: the run with the least CPU time of REPS: "cpu wall rss";
# a trace written to OUT/trace is kept as OUT/best
run_min()
{
	local var=$1 best="" f
	shift
	f=$(mktemp)
	rm -rf "$OUT/best"
	for _ in $(seq "$REPS"); do
		rm -rf "$OUT/trace"
		[ "${MKTRACE:-0}" = 1 ] && mkdir -p "$OUT/trace"
		/usr/bin/time -o "$f" -f "%U %S %e %M" "$@" >"$OUT/stdout" 2>>"$OUT/run.log"
		read -r u s e m <"$f"
		local c
		c=$(echo "$u + $s" | bc)
		if [ -z "$best" ] || (( $(echo "$c < ${best%% *}" | bc) )); then
			best="$c $e $m"
			[ -d "$OUT/trace" ] && { rm -rf "$OUT/best"; mv "$OUT/trace" "$OUT/best"; }
		fi
	done
	rm -rf "$OUT/trace"
	rm -f "$f"
	printf -v "$var" '%s' "$best"
}

ratio() { [ "$(echo "$2 > 0" | bc)" = 1 ] && echo "scale=2; $1 / $2" | bc || echo -; }

# row NAME CPU WALL RSS [TRACE_DIR]: one line, ratios to the native run
row()
{
	local size="-" rate="-" kept="-"
	if [ -n "${5:-}" ] && [ -d "$5" ]; then
		local bytes
		bytes=$(du -sb "$5" | cut -f1)
		size=$(echo "scale=1; $bytes / 1048576" | bc)
		rate=$(echo "scale=1; $bytes / 1048576 / $3" | bc)
		kept=$("$CTRACE" info --format=json "$5" 2>/dev/null |
			sed -n 's/.*"accesses":{"seen":\([0-9]*\),"kept":\([0-9]*\)[,}].*/\2 \1/p' |
			awk '$2 > 0 { printf "%.1f", 100 * $1 / $2 }')
	fi
	local rss="-" rx="-"
	[ "$4" != - ] && rss=$(($4 / 1024)) rx=$(ratio "$4" "$nr")
	printf '%-12s %7s %6s %7s %6s %7s %5s %8s %7s %6s\n' "$1" "$2" "$(ratio "$2" "$nc")" \
		"$3" "$(ratio "$3" "$nw")" "$rss" "$rx" "$size" "$rate" "${kept:--}"
}

# bench_program NAME ARGS...: every variant of OUT/NAME.* on ARGS
bench_program()
{
	local name=$1 r c w m tc
	shift
	run_min nat "$OUT/$name.native" "$@"
	read -r nc nw nr <<<"$nat"
	cp "$OUT/stdout" "$OUT/native.out"
	run_min r "$OUT/$name.tsan" "$@"
	read -r c w m <<<"$r"
	tc=$c
	row tsan "$c" "$w" "$m"
	run_min r "$OUT/$name.cc" "$@"
	read -r c w m <<<"$r"
	cmp -s "$OUT/stdout" "$OUT/native.out" || echo "FAIL: the stub run's output differs"
	row stub "$c" "$w" "$m"
	MKTRACE=1 run_min r env LD_PRELOAD="$SHIM" CTRACE_DIR="$OUT/trace" "$OUT/$name.cc" "$@"
	read -r c w m <<<"$r"
	cmp -s "$OUT/stdout" "$OUT/native.out" || echo "FAIL: the shim run's output differs"
	row shim "$c" "$w" "$m" "$OUT/best"
	run_min r "$CTRACE" run --quiet -o "$OUT/trace" -- "$OUT/$name.cc" "$@"
	read -r c w m <<<"$r"
	local rc=$c rw=$w run_rss=$m prog_rss
	# the program's own peak (run.info), not ctrace's, which time(1) gives
	prog_rss=$("$CTRACE" info --format=json "$OUT/best" 2>/dev/null |
		sed -n 's/.*"max_rss_kb":\([0-9]*\).*/\1/p')
	row ctrace-run "$c" "$w" "${prog_rss:-$m}" "$OUT/best"
	local events kept
	events=$("$CTRACE" info --format=json "$OUT/best" 2>/dev/null |
		sed -n 's/^{.*"threads":[0-9]*,"events":\([0-9]*\),.*/\1/p')
	kept=$("$CTRACE" info --format=json "$OUT/best" 2>/dev/null |
		sed -n 's/.*"accesses":{"seen":[0-9]*,"kept":\([0-9]*\)[,}].*/\1/p')
	rm -rf "$OUT/kept" && mv "$OUT/best" "$OUT/kept"
	run_min r "$CTRACE" report "$OUT/kept"
	read -r c w m <<<"$r"
	row report "$c" "$w" "$m"
	row run+report "$(echo "$rc + $c" | bc)" "$(echo "$rw + $w" | bc)" -
	printf '%-12s %7s %6s %7s %6s %7s %5s\n' native "$nc" 1 "$nw" 1 "$((nr / 1024))" 1
	echo "   ctrace run: the program's peak RSS above (ctrace info); ctrace's own, its watchdog" \
		"reading the trace: $((run_rss / 1024)) MB"
	echo "   run+report / TSan CPU: $(ratio "$(echo "$rc + $c" | bc)" "$tc");" \
		"report reads $(ratio "${events:-0}" "$(echo "$c * 1000000" | bc)") M events per CPU second"
	# the race analysis alone, on one core: the issue's accesses per second per core
	run_min r env CTRACE_RACE_PARTS=1 "$CTRACE" report --only=races "$OUT/kept"
	read -r c w m <<<"$r"
	echo "   race analysis alone, one part: $c s CPU, $(ratio "${kept:-0}" "$(echo "$c * 1000000" | bc)")" \
		"M accesses kept per CPU second"
}

printf '%-12s %7s %6s %7s %6s %7s %5s %8s %7s %6s\n' variant cpu_s x wall_s x rss_MB x \
	trace_MB MB/s kept%
for p in $PASSES; do
	echo "-- counters_striped: $THREADS threads, $ROUNDS rounds, $COUNTERS counters, $p passes"
	bench_program counters "$THREADS" "$ROUNDS" "$COUNTERS" "$p"
done
if [ -n "$PIGZ" ]; then
	for level in 11 6; do
		echo "-- pigz -$level -p 2 -b 32, $(($(wc -c <"$OUT/pigz-$level.in") / 1024)) KiB of bench/gen_input text"
		bench_program pigz -"$level" -p 2 -b 32 -c "$OUT/pigz-$level.in"
	done
fi
rm -rf "$OUT/best" "$OUT/kept"
