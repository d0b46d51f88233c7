#!/usr/bin/env bash
# read_progress.sh CTRACE PROG - on a terminal (script(1) gives one), a
# trace over 16 MB is read with a progress line on stderr, by `ctrace run`'s
# end-of-run summary and by `ctrace report`, erased before what follows;
# into a pipe, never. PROG N makes 5 N events of about 7 bytes (e2e_counts;
# N = 600000: about 20 MB). Exit 77 without script(1).
set -u
ctrace=$1 prog=$2
command -v script >/dev/null || { echo "SKIP: no script(1)"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-progress.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
erase=$'\r\033[K'
# on_tty OUT CMD...: CMD on a terminal, its output (stdout and stderr) in OUT
on_tty() {
	local out=$1
	shift
	script -qec "$(printf '%q ' "$@")" /dev/null >"$out" 2>&1 </dev/null
}
on_tty "$work/run.out" "$ctrace" run -o "$work/t" "$prog" 600000 || fail "ctrace run on a terminal: exit $?"
grep -aq 'ctrace: reading trace *[0-9]*% ([0-9]* of [0-9]* MB)' "$work/run.out" ||
	fail "ctrace run: no progress line: $(head -c 300 "$work/run.out" | cat -v)"
grep -aqF "${erase}ctrace: " "$work/run.out" || fail "ctrace run: the progress line is not erased before the summary"
grep -aq 'ctrace: trace in ' "$work/run.out" || fail "ctrace run: no summary"
on_tty "$work/report.out" "$ctrace" report "$work/t" || fail "ctrace report on a terminal: exit $?"
grep -aq 'ctrace: reading trace' "$work/report.out" || fail "ctrace report: no progress line"
"$ctrace" report "$work/t" >"$work/pipe.out" 2>&1 || fail "ctrace report into a pipe: exit $?"
! grep -aq 'reading trace' "$work/pipe.out" || fail "ctrace report: a progress line into a pipe"
echo "ok"
