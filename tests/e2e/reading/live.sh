#!/usr/bin/env bash
# live.sh CTRACE PROG - every reading command on the trace of a program that
# is still running: one line says so, nothing is invented from the calls in
# flight (the program is correct), and the exit status is 0.
set -u
ctrace=$1 prog=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-live.XXXXXX")
trap 'touch "$work/stop"; wait; rm -rf "$work"' EXIT
fail() { echo "FAIL (live): $*"; exit 1; }
"$ctrace" run -q -o "$work/trace" -- "$prog" "$work/stop" >"$work/out" 2>"$work/run.err" &
for _ in $(seq 1 100); do  # until the program has recorded something
	"$ctrace" info --format=json "$work/trace" 2>/dev/null | jq -e '.events > 10000' >/dev/null && break
	sleep 0.1
done
for round in 1 2 3; do
	"$ctrace" report --format=json "$work/trace" >"$work/report.json" 2>"$work/report.err"
	rc=$?
	[ "$rc" = 0 ] || fail "report exit $rc (round $round): $(cat "$work/report.err"; jq -c '.deadlocks, .misuse' "$work/report.json")"
	jq -e '.trace.running == true and .deadlocks == [] and .misuse == [] and .program.exit_status == null' \
		"$work/report.json" >/dev/null || fail "report: $(jq -c '.trace, .deadlocks, .misuse' "$work/report.json")"
	grep -q "^ctrace: report: note: the program is still running (pid [0-9]*): the trace was read up to" \
		"$work/report.err" || fail "report says nothing of the running program: $(cat "$work/report.err")"
done
for cmd in "info" "timeline --width=80" "view -o $work/v.html" "export --format=chrome -o $work/c.json"; do
	# shellcheck disable=SC2086
	"$ctrace" $cmd "$work/trace" >/dev/null 2>"$work/cmd.err" || fail "$cmd: exit $?: $(cat "$work/cmd.err")"
	name=${cmd%% *}
	[ "$(grep -c "^ctrace: $name: note: the program is still running" "$work/cmd.err")" = 1 ] ||
		fail "$cmd: $(cat "$work/cmd.err")"
done
touch "$work/stop"
wait
[ "$(cat "$work/out")" = stopped ] || fail "the program did not end normally"
"$ctrace" report --format=json "$work/trace" >"$work/report.json" 2>"$work/report.err" ||
	fail "report of the finished trace: $(cat "$work/report.err")"
jq -e '.trace.running == false and .program.exit_status == 0' "$work/report.json" >/dev/null ||
	fail "finished: $(jq -c '.trace, .program' "$work/report.json")"
echo "PASS (live)"
