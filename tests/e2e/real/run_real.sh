#!/usr/bin/env bash
# run_real.sh - one end-to-end case of a real Debian program (cases.sh): it
# runs natively and under `ctrace run` on the same inputs, and must keep its
# exit status, stdout, the files it writes and its duration, while
# `ctrace report` finds nothing and `ctrace info` shows no dropped event and
# the threads and processes the program is known to start.
# Usage: run_real.sh CTRACE CASE. Exit 0 passed, 1 failed, 2 unknown case,
# 77 a program of the case is not installed. KEEP=1 keeps the work folder.
set -u
CTRACE=$1
[[ $CTRACE != */* ]] || CTRACE=$(realpath "$CTRACE") # the runs cd elsewhere
CASE=$2
here=$(cd "$(dirname "$0")" && pwd)

# The case's description, filled by case_$CASE (see cases.sh).
cmd=()
files=()
run_opts=()
expect=0
min_threads=1
min_processes=1
min_seconds=0
feed=""
envs=() # what setenv exported, for the reproducer

# need PROG...: skip the case when one of its programs is not installed
# (need and setenv are called by the case functions).
# shellcheck disable=SC2317
need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null || { echo "SKIP ($CASE): $p is not installed"; exit 77; }
	done
}

# setenv NAME=VALUE: for the inputs' preparation and both runs.
# shellcheck disable=SC2317
setenv() {
	export "${1?}"
	envs+=("$1")
}

# run_one NAME [WRAPPER...]: the case's command in its own copy of the
# inputs, $work/NAME; its stdout, stderr, status and duration (in
# microseconds) go to $work/NAME.{out,err,status,us}.
run_one() {
	local name=$1 t0 status
	shift
	cp -a "$work/in" "$work/$name"
	t0=${EPOCHREALTIME/./}
	if [ -n "$feed" ]; then
		(cd "$work/$name" && sh -c "$feed" | "$@" "${cmd[@]}" >"$work/$name.out" 2>"$work/$name.err")
	else
		(cd "$work/$name" && "$@" "${cmd[@]}" >"$work/$name.out" 2>"$work/$name.err" </dev/null)
	fi
	status=$?
	echo $(( ${EPOCHREALTIME/./} - t0 )) >"$work/$name.us"
	echo "$status" >"$work/$name.status"
}

failures=()
fail() { failures+=("$*"); }

# shellcheck source=cases.sh
. "$here/cases.sh"
declare -F "case_$CASE" >/dev/null || { echo "run_real.sh: no case '$CASE' in cases.sh"; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-real-$CASE.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir "$work/in" && cd "$work/in" || exit 1
if ! "case_$CASE"; then
	echo "FAIL ($CASE): preparing the inputs failed"
	exit 1
fi
cd "$work" || exit 1
trace="$work/trace"
# Native and traced side by side: no run waits for the other, and a slow
# machine slows both alike.
run_one native &
run_one traced "$CTRACE" run -o "$trace" "${run_opts[@]}" -- &
wait

native=$(cat "$work/native.status")
traced=$(cat "$work/traced.status")
[ "$native" = "$expect" ] ||
	fail "the native run exited $native, the case expects $expect: $(head -c 300 "$work/native.err")"
[ "$traced" = "$native" ] || fail "exit status $traced traced, $native native"
cmp -s "$work/native.out" "$work/traced.out" ||
	fail "stdout differs: $(wc -c <"$work/traced.out") bytes traced, $(wc -c <"$work/native.out") native"
for f in "${files[@]}"; do
	cmp -s "$work/native/$f" "$work/traced/$f" ||
		fail "file $f differs: $(wc -c <"$work/traced/$f" 2>&1) bytes traced, $(wc -c <"$work/native/$f" 2>&1) native"
done
us=$(cat "$work/traced.us")
[ "$us" -ge $(( min_seconds * 1000000 )) ] ||
	fail "the traced run ended after $(( us / 1000 )) ms; the program takes at least $min_seconds s"

"$CTRACE" report --format=json "$trace" >"$work/report.json" 2>"$work/report.err"
rs=$?
[ "$rs" = 0 ] || fail "ctrace report exited $rs $(head -c 300 "$work/report.err")"
jq -e --argjson st "$native" '.deadlocks == [] and .races == [] and .misuse == []
	and .program.exit_status == $st' "$work/report.json" >/dev/null 2>&1 ||
	fail "report: $(jq -c '{exit_status: .program.exit_status, deadlocks: [.deadlocks[] | .kind],
		races: (.races | length), misuse: [.misuse[] | .kind]}' "$work/report.json" 2>&1 | head -c 300)"
"$CTRACE" info --format=json "$trace" >"$work/info.json" 2>"$work/info.err" ||
	fail "ctrace info failed: $(head -c 300 "$work/info.err")"
jq -e --argjson t "$min_threads" --argjson p "$min_processes" \
	'.dropped == 0 and .threads >= $t and .processes >= $p' "$work/info.json" >/dev/null 2>&1 ||
	fail "info: $(jq -c '{dropped, threads, processes}' "$work/info.json" 2>&1 | head -c 300)," \
		"expected dropped 0, threads >= $min_threads, processes >= $min_processes"

if [ ${#failures[@]} = 0 ]; then
	echo "PASS ($CASE): $(jq -c '{threads, processes, events}' "$work/info.json")," \
		"$(( $(cat "$work/native.us") / 1000 )) ms native, $(( us / 1000 )) ms traced"
	exit 0
fi
echo "FAIL ($CASE):"
for f in "${failures[@]}"; do echo "  - $f"; done
echo "--- reproduce (KEEP=1 keeps $work):"
printf '  cd %q && ' "$work/in"
[ ${#envs[@]} = 0 ] || printf 'export %s && ' "$(printf '%q ' "${envs[@]}")"
[ -z "$feed" ] || printf 'sh -c %q | ' "$feed"
printf '%q ' "$CTRACE" run "${run_opts[@]}" -- "${cmd[@]}"
echo
echo "--- stderr of ctrace run (last 30 lines):"
tail -n 30 "$work/traced.err"
echo "--- findings (stacks cut to 4 frames):"
jq -c '(.deadlocks + .misuse + .races)[] | walk(if type == "array" and length > 4
	and (.[0] | type == "object") and (.[0] | has("pc")) then .[:4] else . end)' \
	"$work/report.json" 2>/dev/null | head -c 4000
echo
exit 1
