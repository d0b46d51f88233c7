#!/bin/sh
# SPDX-License-Identifier: MIT
# export_cli.sh CTRACE PROG WORKDIR SRCDIR - end to end: trace PROG with
# `ctrace run`, then `ctrace export` (Perfetto checked by protoc against
# perfetto_min.proto with no unknown field; Chrome JSON by check_chrome.py
# and jq) and `ctrace timeline` (plain text with the lock and the finding).
set -eu
ctrace=$1 prog=$2 work=$3 src=$4
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "export_cli: $*" >&2; exit 1; }

"$ctrace" run -o trace -- "$prog" || fail "ctrace run failed ($?)"

"$ctrace" export --format=perfetto -o out.pftrace trace || fail "perfetto export failed"
protoc --proto_path="$src" --decode=perfetto.protos.Trace "$src/perfetto_min.proto" \
	< out.pftrace > out.pftrace.txt || fail "protoc cannot decode the Perfetto trace"
if grep -nE '^[[:space:]]*[0-9]+:' out.pftrace.txt; then
	fail "unknown fields in the Perfetto trace"
fi
grep -q 'terminating_flow_ids' out.pftrace.txt || fail "no release->acquire flow"
grep -q 'name: "hold mutex g_lock"' out.pftrace.txt || fail "no hold slice named after g_lock"
grep -q 'name: "finding: unlock-not-locked"' out.pftrace.txt || fail "no finding instant"
grep -q 'name: "receive mq /ctrace_viewer_cli"' out.pftrace.txt || fail "no message receive"

"$ctrace" export --format=chrome -o out.json trace || fail "chrome export failed"
python3 "$src/check_chrome.py" out.json || fail "malformed Chrome JSON"
jq -e '[.traceEvents[] | select(.ph == "f")] | length > 0' out.json > /dev/null ||
	fail "no flow in the Chrome JSON"

"$ctrace" timeline --width 100 --color=never trace > timeline.txt || fail "timeline failed"
grep -q 'mutex g_lock' timeline.txt || fail "timeline names no lock"
grep -q 'unlock-not-locked' timeline.txt || fail "timeline shows no finding"
if grep -q "$(printf '\033')" timeline.txt; then
	fail "colors with --color=never"
fi
echo "export_cli: ok"
