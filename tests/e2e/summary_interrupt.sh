#!/usr/bin/env bash
# summary_interrupt.sh CTRACE PROG - an interrupt to `ctrace run` after the
# program ended, while its summary reads the trace, ends the summary, not
# the trace: ctrace exits at once with the program's status, says where the
# complete trace is, and the trace reads. PROG N makes 5 N events
# (e2e_counts; N = 3000000: about 110 MB, seconds of summary, which the
# interrupt reaches within 50 ms of the program's end).
set -u
ctrace=$1 prog=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-interrupt.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$ctrace" run -o "$work/t" "$prog" 3000000 >"$work/out" 2>"$work/err" &
pid=$!
# run.info gets the program's exit status before the summary starts
for _ in $(seq 2400); do
	grep -q '^exit_status' "$work/t/run.info" 2>/dev/null && break
	sleep 0.05
done
grep -q '^exit_status' "$work/t/run.info" || fail "the program did not end in 120 s"
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" = 0 ] || fail "exit status $status, expected the program's (0): $(cat "$work/err")"
grep -q 'ctrace: summary interrupted; the trace is complete: ctrace report ' "$work/err" ||
	fail "no interruption message: $(cat "$work/err")"
! grep -q '^ctrace: trace in ' "$work/err" || fail "the summary ran to its end before the interrupt"
"$ctrace" info "$work/t" >/dev/null || fail "the trace does not read"
echo ok
