#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/races/run.sh - the cost of recording memory accesses (issue 10): a
# memory-heavy workload with locks (counters_striped.c), built with clang
# three ways: native; -fsanitize=thread with clang's own runtime (TSan);
# -fsanitize=thread with bench_tsan_abi.c, whose __tsan_* entry points
# forward to the shim's recording (run under `ctrace run`, and under the
# bare shim). Prints CPU and wall time (minimum of the runs), their ratios
# to native, peak RSS, trace size and growth per second, accesses seen and
# kept. Never run by ctest. Usage: bench/races/run.sh [--reps N]
# [--threads T] [--rounds R] [--counters N] [--passes P...]  (repo root)
set -uo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CTRACE_BUILD:-$ROOT/build}
REPS=5 THREADS=4 ROUNDS=20000 COUNTERS=4194304 PASSES="4 32"
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=$2; shift ;;
	--threads) THREADS=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--counters) COUNTERS=$2; shift ;;
	--passes) PASSES=$2; shift ;;
	*) sed -n '10,11s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
CTRACE=$BUILD/ctrace
SHIM=$BUILD/libctrace-shim.so
[ -x "$CTRACE" ] && [ -f "$SHIM" ] || { echo "build ctrace first ($BUILD)" >&2; exit 2; }
command -v clang >/dev/null || { echo "clang is needed" >&2; exit 2; }
OUT=$BUILD/bench/races
mkdir -p "$OUT"
WL=$HERE/counters_striped.c
clang -O2 -o "$OUT/native" "$WL" -lpthread &&
clang -O2 -g -fsanitize=thread -o "$OUT/tsan" "$WL" -lpthread &&
clang -O2 -g -fsanitize=thread -c "$WL" -o "$OUT/wl.o" &&
clang -O2 -c "$HERE/bench_tsan_abi.c" -o "$OUT/abi.o" &&
clang -O2 -o "$OUT/ctrace" "$OUT/wl.o" "$OUT/abi.o" -lpthread || exit 1

# run_min VAR CMD...: the run with the least CPU time of REPS: "cpu wall rss"
run_min()
{
	local var=$1 best="" f
	shift
	f=$(mktemp)
	rm -rf "$OUT/best"
	for _ in $(seq "$REPS"); do
		rm -rf "$OUT/trace"
		[ "${MKTRACE:-0}" = 1 ] && mkdir -p "$OUT/trace"
		/usr/bin/time -o "$f" -f "%U %S %e %M" "$@" >/dev/null 2>>"$OUT/run.log"
		read -r u s e m <"$f"
		local c
		c=$(echo "$u + $s" | bc)
		if [ -z "$best" ] || (( $(echo "$c < ${best%% *}" | bc) )); then
			best="$c $e $m"
			[ -d "$OUT/trace" ] && { rm -rf "$OUT/best"; mv "$OUT/trace" "$OUT/best"; }
		fi
	done
	rm -f "$f"
	printf -v "$var" '%s' "$best"
}

ratio() { echo "scale=2; $1 / $2" | bc; }

printf '%-22s %7s %6s %7s %6s %8s %6s %9s %10s %7s\n' variant cpu_s x wall_s x rss_MB x \
	trace_MB MB/s_run kept%
for p in $PASSES; do
	args=("$THREADS" "$ROUNDS" "$COUNTERS" "$p")
	echo "-- $THREADS threads, $ROUNDS rounds, $COUNTERS counters, $p passes"
	run_min nat "$OUT/native" "${args[@]}"
	read -r nc nw nr <<<"$nat"
	for v in tsan shim ctrace-run; do
		case $v in
		tsan) run_min r "$OUT/tsan" "${args[@]}" ;;
		shim) MKTRACE=1 run_min r env LD_PRELOAD="$SHIM" CTRACE_DIR="$OUT/trace" \
			"$OUT/ctrace" "${args[@]}" ;;
		ctrace-run) run_min r "$CTRACE" run -o "$OUT/trace" -- "$OUT/ctrace" "${args[@]}" ;;
		esac
		read -r c w m <<<"$r"
		size="-" rate="-" kept="-"
		if [ "$v" != tsan ] && [ -d "$OUT/best" ]; then
			bytes=$(du -sb "$OUT/best" | cut -f1)
			size=$(echo "scale=1; $bytes / 1048576" | bc)
			rate=$(echo "scale=1; $bytes / 1048576 / $w" | bc)
			kept=$("$CTRACE" info --format=json "$OUT/best" 2>/dev/null |
				sed -n 's/.*"accesses":{"seen":\([0-9]*\),"kept":\([0-9]*\)}.*/\2 \1/p' |
				awk '$2 > 0 { printf "%.1f", 100 * $1 / $2 }')
		fi
		printf '%-22s %7s %6s %7s %6s %8s %6s %9s %10s %7s\n' "$v" "$c" "$(ratio "$c" "$nc")" \
			"$w" "$(ratio "$w" "$nw")" "$((m / 1024))" "$(ratio "$m" "$nr")" "$size" "$rate" "${kept:--}"
	done
	printf '%-22s %7s %6s %7s %6s %8s %6s\n' native "$nc" 1 "$nw" 1 "$((nr / 1024))" 1
done
