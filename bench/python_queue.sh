#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/python_queue.sh - the Python row (issue 11): workloads/python_queue.py
# (a queue.Queue, one producer, 4 consumer threads) run by /usr/bin/python3
# natively, under `ctrace run` with Python frames, and under `ctrace run`
# with CTRACE_PYTHON_LAYOUT=unknown (C frames only), in alternation; prints
# the median wall times and their ratios to native. Never run by ctest.
# Usage: bench/python_queue.sh [--reps N] [--items N]   (from the repo root;
# CTRACE_BUILD=dir for a build other than ./build)
set -uo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${CTRACE_BUILD:-$HERE/../build}
CTRACE=$BUILD/ctrace
PY=/usr/bin/python3
REPS=7 ITEMS=1000000
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=$2; shift ;;
	--items) ITEMS=$2; shift ;;
	*) sed -n '9,10s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
[ -x "$CTRACE" ] || { echo "bench: no $CTRACE (build first)" >&2; exit 1; }
[ -x "$PY" ] || { echo "bench: no $PY" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-bench-py.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
WL="$HERE/workloads/python_queue.py $ITEMS 4"

# wall SECONDS of one run of the command (its output checked)
wall()
{
	local t0 t1 out
	t0=$EPOCHREALTIME
	out=$("$@" 2>>"$WORK/log") || { echo FAIL; return; }
	t1=$EPOCHREALTIME
	[ "$out" = "$ITEMS" ] || { echo FAIL; return; }
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -a native frames cframes
for ((i = 0; i < REPS; i++)); do
	native+=("$(wall $PY $WL)")
	rm -rf "$WORK/t"
	frames+=("$(wall "$CTRACE" run --quiet -o "$WORK/t" -- $PY $WL)")
	rm -rf "$WORK/t"
	cframes+=("$(wall env CTRACE_PYTHON_LAYOUT=unknown "$CTRACE" run --quiet -o "$WORK/t" -- $PY $WL)")
done
if printf '%s\n' "${native[@]}" "${frames[@]}" "${cframes[@]}" | grep -q FAIL; then
	echo "bench: a run failed, see:" >&2; tail -5 "$WORK/log" >&2; exit 1
fi
rm -rf "$WORK/t"
"$CTRACE" run --quiet -o "$WORK/t" -- $PY $WL >/dev/null 2>>"$WORK/log"
events=$("$CTRACE" info --format=json "$WORK/t" | grep -o '"events": *[0-9]*' | head -1 | sed 's/.*: *//')
n=$(median "${native[@]}") f=$(median "${frames[@]}") c=$(median "${cframes[@]}")
echo "python queue.Queue, 1 producer + 4 consumers, $ITEMS items, $(nproc) CPUs, median of $REPS"
printf '%-28s %8s %8s\n' variant "wall s" "x native"
printf '%-28s %8.3f %8s\n' native "$n" 1.00
printf '%-28s %8.3f %8.2f\n' "ctrace, Python frames" "$f" "$(awk -v a="$f" -v b="$n" 'BEGIN { print a / b }')"
printf '%-28s %8.3f %8.2f\n' "ctrace, C frames only" "$c" "$(awk -v a="$c" -v b="$n" 'BEGIN { print a / b }')"
echo "events per run: $events ($(awk -v e="$events" -v t="$n" 'BEGIN { printf "%.1f", e / t / 1e6 }') M lock calls/s natively)"
