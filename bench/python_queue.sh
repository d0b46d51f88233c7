#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/python_queue.sh - the Python row (issue 11): workloads/python_queue.py
# (a queue.Queue, one producer, 4 consumer threads) run by /usr/bin/python3
# natively, under `ctrace run` with Python frames, and under `ctrace run`
# with CTRACE_PYTHON_LAYOUT=unknown (C frames only), in alternation; prints
# the median wall and CPU times (the whole process tree) and their ratios
# to native. Never run by ctest.
# Usage: bench/python_queue.sh [--reps N] [--items N] [--work N]   (from
# the repo root; CTRACE_BUILD=dir for a build other than ./build; --work:
# Python work per item, to bring the lock calls a second down, e.g. to the
# issue's "about 3 million")
set -uo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${CTRACE_BUILD:-$HERE/../build}
CTRACE=$BUILD/ctrace
PY=/usr/bin/python3
REPS=7 ITEMS=1000000 STEPS=0
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=$2; shift ;;
	--items) ITEMS=$2; shift ;;
	--work) STEPS=$2; shift ;;
	*) sed -n '9,12s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
[ -x "$CTRACE" ] || { echo "bench: no $CTRACE (build first)" >&2; exit 1; }
[ -x "$PY" ] || { echo "bench: no $PY" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-bench-py.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
WL="$HERE/workloads/python_queue.py $ITEMS 4 $STEPS"

# "WALL CPU" seconds of one run of the command (its output checked); CPU
# is user + system of the whole process tree (ctrace, its watchdog, the
# program)
wall()
{
	local t0 t1 out
	t0=$EPOCHREALTIME
	out=$(/usr/bin/time -o "$WORK/time" -f "%U %S" "$@" 2>>"$WORK/log") || { echo FAIL; return; }
	t1=$EPOCHREALTIME
	[ "$out" = "$ITEMS" ] || { echo FAIL; return; }
	awk -v a="$t0" -v b="$t1" '{ printf "%.3f %.3f", b - a, $1 + $2 }' "$WORK/time"
}
# the median of field F (1: wall, 2: CPU) of "WALL CPU" pairs
median() {
	local f=$1
	shift
	printf '%s\n' "$@" | awk -v f="$f" '{ print $f }' | sort -g |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

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
n=$(median 1 "${native[@]}") f=$(median 1 "${frames[@]}") c=$(median 1 "${cframes[@]}")
nc=$(median 2 "${native[@]}") fc=$(median 2 "${frames[@]}") cc=$(median 2 "${cframes[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "python queue.Queue, 1 producer + 4 consumers, $ITEMS items, work $STEPS, $(nproc) CPUs, median of $REPS"
printf '%-28s %8s %8s %8s %8s\n' variant "wall s" "x native" "CPU s" "x native"
printf '%-28s %8.3f %8s %8.3f %8s\n' native "$n" 1.00 "$nc" 1.00
printf '%-28s %8.3f %8s %8.3f %8s\n' "ctrace, Python frames" "$f" "$(ratio "$f" "$n")" "$fc" "$(ratio "$fc" "$nc")"
printf '%-28s %8.3f %8s %8.3f %8s\n' "ctrace, C frames only" "$c" "$(ratio "$c" "$n")" "$cc" "$(ratio "$cc" "$nc")"
echo "events per run: $events ($(awk -v e="$events" -v t="$n" 'BEGIN { printf "%.1f", e / t / 1e6 }') M lock calls/s natively)"
