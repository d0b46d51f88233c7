#!/usr/bin/env bash
# forward_term.sh - SIGTERM to `ctrace run` reaches the program; ctrace
# stays, records how the program ended and exits with its status (143).
set -u
CTRACE=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$CTRACE" run -q -o "$dir/t" -- sleep 30 &
pid=$!
for _ in $(seq 50); do [ -f "$dir/t/run.info" ] && break; sleep 0.1; done
sleep 0.2
kill -TERM "$pid"
wait "$pid"
status=$?
[ "$status" = 143 ] || { echo "FAIL: ctrace run exited $status, expected 143"; exit 1; }
grep -q "^exit_signal 15$" "$dir/t/run.info" || { echo "FAIL: run.info: $(cat "$dir/t/run.info")"; exit 1; }
"$CTRACE" info "$dir/t" >/dev/null || { echo "FAIL: the trace is not readable"; exit 1; }
echo PASS
