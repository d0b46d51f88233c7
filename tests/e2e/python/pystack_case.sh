#!/usr/bin/env bash
# pystack_case.sh - one Python case: SCRIPT run by PY (a full path, default
# /usr/bin/python3: CPython 3.11-3.13, else the case is skipped) natively
# and under `ctrace run` must print the same and exit the same; then the
# trace's pystack_dump JSON must satisfy DUMP_JQ, and `ctrace info` /
# `ctrace report` JSON INFO_JQ / REPORT_JQ. The script's last stdout line,
# a JSON object, is $out in the jq files (line numbers it knows).
# Environment: CTRACE, DUMP, CASE, SCRIPT (or PROGRAM: a program to run
# instead of python3 SCRIPT; its exit 77 skips), DUMP_JQ, INFO_JQ, REPORT_JQ,
# RUN_OPTS (options of ctrace run).
set -u
py=${PY:-/usr/bin/python3}
[ -x "$py" ] || { echo "SKIP ($CASE): no $py"; exit 77; }
"$py" -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12), (3, 13)))' ||
	{ echo "SKIP ($CASE): $py is not CPython 3.11-3.13 (the layouts measured here)"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-e2e-${CASE}.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL ($CASE): $*"
	echo "--- stderr of ctrace run:"; tail -n 40 "$work/stderr"
	exit 1
}
if [ -n "${PROGRAM:-}" ]; then cmd=("$PROGRAM"); else cmd=("$py" "$SCRIPT"); fi
(cd "$work" && "${cmd[@]}" >"$work/native.out" 2>"$work/native.err")
native=$?
[ "$native" = 77 ] && { echo "SKIP ($CASE): $(head -1 "$work/native.out")"; exit 77; }
# shellcheck disable=SC2086
(cd "$work" && "$CTRACE" run -o "$work/trace" ${RUN_OPTS:-} -- "${cmd[@]}" >"$work/stdout" 2>"$work/stderr")
status=$?
[ "$status" = "$native" ] || fail "exit status $status, natively $native"
cmp -s "$work/native.out" "$work/stdout" ||
	fail "output differs from the native run: $(diff "$work/native.out" "$work/stdout" | head -5)"
# shellcheck source=../trace_checks.sh
. "$(dirname "$0")/../trace_checks.sh"
if [ -n "${DUMP_JQ:-}" ]; then
	"$DUMP" "$work/trace" >"$work/dump.json" || fail "pystack_dump failed"
	check "pystack_dump" "$work/dump.json" "$DUMP_JQ"
fi
trace_checks "$work/trace"
echo "PASS ($CASE)"
