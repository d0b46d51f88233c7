#!/bin/sh
# SPDX-License-Identifier: MIT
# hang_cli.sh CTRACE DEADLOCK NOLOCKS WORKDIR SRCDIR - end to end: DEADLOCK
# really deadlocks and `ctrace run` ends it (exit 137). Every view shows the
# hang until the run ended (DIR/run.info), not until the last event, with
# the findings where the waits began: `ctrace timeline`, the Chrome JSON
# (jq), the Perfetto trace (protoc), the CTF directory (babeltrace2: its
# streams end with the run; a thread without a parent has parent_index -1).
# Then `ctrace timeline` on NOLOCKS, a trace without any lock.
set -eu
ctrace=$1 deadlock=$2 nolocks=$3 work=$4 src=$5
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "hang_cli: $*" >&2; exit 1; }

st=0
"$ctrace" run -o dl -- "$deadlock" 2> run.err || st=$?
[ "$st" = 137 ] || { cat run.err >&2; fail "ctrace run exited $st, not 137 (ended by the watchdog)"; }
end=$(sed -n 's/^end_mono_ns //p' dl/run.info)
[ -n "$end" ] || fail "no end_mono_ns in run.info"

# the terminal: both deadlocked threads wait to the last column, marked
"$ctrace" timeline --width 100 --color=never dl > timeline.txt || fail "timeline failed"
[ "$(grep -c '█|$' timeline.txt)" -ge 2 ] || { cat timeline.txt; fail "deadlocked rows do not wait until the end"; }
[ "$(grep -c '^  ! .* deadlock: holds mutex lock_' timeline.txt)" = 2 ] ||
	{ cat timeline.txt; fail "timeline lists no deadlock finding per thread"; }

# Chrome: each finding is at its thread's wait (begin of a "wait mutex"
# slice, after 0, before the end); every slice still open ends with the run
"$ctrace" export --format=chrome -o dl.json dl || fail "chrome export failed"
python3 "$src/check_chrome.py" dl.json || fail "malformed Chrome JSON"
jq -e --argjson run_end "$end" '
	.traceEvents as $ev
	| (.otherData.start_ns | tonumber) as $t0
	| ([$ev[] | select(.ph == "E" and .args.open_at_end) | .ts]) as $ends
	| ($ends | max) as $last
	| [$ev[] | select(.cat == "finding" and .args.kind == "deadlock")] as $f
	| ($f | length) == 2
	  and all($f[]; . as $x | .ts > 0 and .ts < $last and
	      any($ev[]; .ph == "B" and .tid == $x.tid and .ts == $x.ts and
	          (.name | startswith("wait mutex"))))
	  and all($ends[]; . == $last)
	  and (($last * 1000 + $t0) - $run_end | fabs) < 2' dl.json > /dev/null ||
	fail "Chrome JSON: findings not at the waits, or the waits do not last until the run ended"

"$ctrace" export --format=perfetto -o dl.pftrace dl || fail "perfetto export failed"
protoc --proto_path="$src" --decode=perfetto.protos.Trace "$src/perfetto_min.proto" \
	< dl.pftrace > dl.pftrace.txt || fail "protoc cannot decode the Perfetto trace"
[ "$(grep -c 'string_value: "deadlock"' dl.pftrace.txt)" = 2 ] || fail "no deadlock instants in Perfetto"

if command -v babeltrace2 > /dev/null; then
	"$ctrace" export --format=ctf -o dl.ctf dl || fail "ctf export failed"
	babeltrace2 dl.ctf > ctf.txt || fail "babeltrace2 cannot read the CTF"
	grep -q 'ctrace:thread_start: .* parent_index = -1,' ctf.txt || fail "main thread's parent_index is not -1"
	if grep -q 18446744073709551615 ctf.txt; then
		fail "a 'none' printed as 2^64-1 in the CTF"
	fi
	babeltrace2 -c sink.text.details -p color=never dl.ctf | grep -B2 'Packet end' |
		sed -n 's/^\[\([0-9,]*\) cycles.*/\1/p' | tr -d , > packet_ends.txt
	[ "$(sort -u packet_ends.txt)" = "$end" ] || fail "CTF streams do not end when the run ended ($end)"
fi

# no lock at all: nothing to sort, nothing undefined (UBSan build)
"$ctrace" run -o nl -- "$nolocks" 2> run.err || { cat run.err >&2; fail "ctrace run of $nolocks failed"; }
"$ctrace" timeline --width 80 --color=never nl > nl.txt 2> nl.err || { cat nl.err >&2; fail "timeline without locks failed"; }
if grep -q 'runtime error' nl.err || grep -q '^locks:' nl.txt; then
	cat nl.err >&2; fail "timeline without locks"
fi
grep -q '▄' nl.txt || fail "timeline without locks shows no sem wait"
echo "hang_cli: ok"
