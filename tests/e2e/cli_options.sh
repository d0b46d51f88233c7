#!/usr/bin/env bash
# cli_options.sh CTRACE PROG - every subcommand reads its options the same
# way: --name=value and --name value alike, -h/--help (exit 0), and an
# unknown option or one missing its value is a usage error (exit 2) that
# names it. -o makes the directories it names.
set -u
ctrace=$1 prog=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect STATUS PATTERN ARGS...: exit status STATUS, stderr matching PATTERN ('' = any)
expect() {
	local want=$1 pattern=$2
	shift 2
	"$ctrace" "$@" >"$work/out" 2>"$work/err"
	local got=$?
	[ "$got" = "$want" ] || fail "ctrace $*: exit $got, expected $want ($(head -c 200 "$work/err"))"
	[ -z "$pattern" ] || grep -Eq "$pattern" "$work/err" || fail "ctrace $*: stderr does not match /$pattern/"
}
"$ctrace" run -q -o "$work/t" "$prog" 100 >/dev/null 2>&1 || { echo "FAIL: ctrace run"; exit 1; }
t=$work/t

expect 0 '' info --format json "$t"; cp "$work/out" "$work/info-space.json"
expect 0 '' info --format=json "$t"
cmp -s "$work/out" "$work/info-space.json" || fail "info: --format json and --format=json differ"
expect 0 '' report --format json --only misuse "$t"
expect 0 '' report --format=sarif --only=misuse "$t"
expect 0 '' report --only=contention --contention=all "$t"
expect 0 '' report --format=json --only=contention --contention 5 "$t"
expect 0 '' export --format perfetto -o "$work/t.pb" "$t"
expect 0 '' export --format=chrome --output="$work/t.json" --hot-locks 4 "$t"
expect 0 '' timeline --width 40 --color never --from 0ns "$t"
expect 0 '' view --output "$work/t.html" "$t"
for cmd in run info report export timeline view; do
	expect 0 '' "$cmd" --help
	expect 0 '' "$cmd" -h
	expect 2 "ctrace: $cmd: unknown option '--bogus'" "$cmd" --bogus "$t"
done
# cc and c++ pass every other option to the compiler
for cmd in cc c++; do
	expect 0 '' "$cmd" --help
	expect 0 '' "$cmd" -h
done
expect 2 "option '--format' needs a value" info "$t" --format
expect 2 "option '-o' needs a value" export --format=ctf "$t" -o
expect 2 "unknown format 'bad'" report --format=bad "$t"
expect 2 "bad --contention value '0'" report --contention=0 "$t"
expect 2 "bad --contention value 'most'" report --contention most "$t"
expect 0 '' report --max-memory=64M "$t"
expect 0 '' report --max-memory 1.5G "$t"
expect 2 "bad --max-memory value '12X'" report --max-memory=12X "$t"
expect 2 "bad --max-memory value '0'" report --max-memory=0 "$t"
expect 2 "bad --width '10'" timeline --width=10 "$t"
expect 2 "one trace directory only" view -o "$work/x.html" "$t" "$t"
expect 2 "missing trace directory" report --format=json
expect 2 "option '--stack-depth' needs a value" run --stack-depth
# -o DIR: its missing parents are made too (mkdir -p), for run and a CTF export
expect 0 '' run -q -o "$work/new/parent/t" "$prog" 10
[ -f "$work/new/parent/t/run.info" ] || fail "run -o: the trace directory under missing parents was not made"
expect 0 '' export --format=ctf -o "$work/ctf/under/new" "$t"
[ -d "$work/ctf/under/new" ] || fail "export -o: the CTF directory under missing parents was not made"
expect 2 "already holds a trace" run -q -o "$work/new/parent/t" "$prog" 10
[ "$fails" = 0 ] && echo "PASS (cli_options)"
[ "$fails" = 0 ]
