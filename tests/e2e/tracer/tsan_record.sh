#!/usr/bin/env bash
# tsan_record.sh CTRACE PROG CHECK - runs tsan_record.c under ctrace and
# checks its trace with tsan_record_check.c.
set -u
ctrace=$1 prog=$2 check=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-e2e-tsan-record.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$ctrace" run -o "$work/trace" -- "$prog" >"$work/out" 2>"$work/err"
status=$?
[ "$status" = 77 ] && exit 77
[ "$status" = 0 ] || { echo "FAIL: exit status $status"; cat "$work/err"; exit 1; }
a=$(tail -n 1 "$work/out")
num() { echo "$a" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
[ "$(num value)" = 5 ] || [ "$(num value)" = 4005 ] || { echo "FAIL: counter $(num value)"; exit 1; }
"$check" "$work/trace" "$(num x)" "$(num y)" "$(num z)" "$(num counter)" "$(num src)" "$(num dst)" ||
	{ echo "FAIL: the trace"; exit 1; }
echo PASS
