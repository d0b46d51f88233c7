#!/usr/bin/env bash
# run_case.sh - one end-to-end case: `ctrace run` a program, check its exit
# status, then check `ctrace info` and/or `ctrace report` JSON with jq.
# Environment: CTRACE, CASE, EXPECT (exit status), INFO_JQ, REPORT_JQ,
# SARIF_JQ (jq files whose expression must be true of `ctrace info`,
# `ctrace report` JSON and SARIF; the program's last stdout line, if it is
# JSON, is $out), TEXT_GREP (a file of grep -E patterns, one a line, each
# of which must match a line of the text report), RUN_OPTS, STDIN_FILE, EXPECT_STDOUT, EXPECT_STDERR
# (a grep -E pattern), COMPARE_NATIVE (1: the program runs natively too,
# alongside, and the traced run must keep its exit status and stdout; the
# program must then write no file in the current folder), CHECK_ENDED (1:
# no process of the traced program may outlive `ctrace run`; survivors,
# found by a variable in their environment, are killed and the case fails),
# CASE_TIMEOUT (ctest's: what still runs at two thirds of it is described
# and killed, hang_watch.sh).
# Arguments: PROG [ARGS...].
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-e2e-${CASE}.XXXXXX")
# shellcheck source=hang_watch.sh
. "$(dirname "$0")/hang_watch.sh"
deadline=$((${CASE_TIMEOUT:-60} * 2 / 3))
watch_case $$ "$deadline" "$work/hang" </dev/null >/dev/null 2>&1 &
watcher=$!
trap 'kill "$watcher" 2>/dev/null; rm -rf "$work"' EXIT
dir="$work/trace"
fail() {
	echo "FAIL ($CASE): $*"
	echo "--- stderr of ctrace run:"; tail -n 40 "$work/stderr"
	[ ! -s "$work/hang" ] || { echo "--- still running after $deadline s, killed:"; cat "$work/hang"; }
	exit 1
}
if [ "${COMPARE_NATIVE:-}" = 1 ]; then
	"$@" >"$work/native.out" 2>"$work/native.err" <"${STDIN_FILE:-/dev/null}" &
	native_pid=$!
fi
mark=()
[ "${CHECK_ENDED:-}" != 1 ] || mark=(env "CTRACE_E2E_RUN=$work")
# shellcheck disable=SC2086
"${mark[@]}" "$CTRACE" run -o "$dir" ${RUN_OPTS:-} -- "$@" >"$work/stdout" 2>"$work/stderr" <"${STDIN_FILE:-/dev/null}"
status=$?
if [ "${CHECK_ENDED:-}" = 1 ]; then
	# /proc/PID/environ: the environment each process started with.
	left=$(grep -lzxF "CTRACE_E2E_RUN=$work" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\n' ' ')
	if [ -n "$left" ]; then
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null
		fail "processes of the program outlived ctrace run (killed now): $left"
	fi
fi
[ "$status" = "${EXPECT:-0}" ] || fail "exit status $status, expected ${EXPECT:-0}"
if [ "${COMPARE_NATIVE:-}" = 1 ]; then
	wait "$native_pid"
	native=$?
	[ "$native" = "$status" ] ||
		fail "exit status $status traced, $native native: $(head -c 300 "$work/native.err")"
	cmp -s "$work/native.out" "$work/stdout" ||
		fail "stdout differs from the native run's: $(diff "$work/native.out" "$work/stdout" | head -n 10)"
fi
if [ -n "${EXPECT_STDOUT:-}" ]; then
	[ "$(cat "$work/stdout")" = "$EXPECT_STDOUT" ] || fail "stdout was '$(head -c 200 "$work/stdout")'"
fi
if [ -n "${EXPECT_STDERR:-}" ]; then
	grep -Eq "$EXPECT_STDERR" "$work/stderr" || fail "stderr does not match /$EXPECT_STDERR/"
fi
# shellcheck source=trace_checks.sh
. "$(dirname "$0")/trace_checks.sh"
trace_checks "$dir"
echo "PASS ($CASE)"
