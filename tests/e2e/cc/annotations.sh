#!/usr/bin/env bash
# annotations.sh - ctrace.h in a program built with plain gcc (-I include/)
# and in one built with `ctrace cc`: both run natively (the annotations do
# nothing), and under `ctrace run` their calls bind to the shim's
# ctrace_annotate (LD_DEBUG=bindings), as they must to be recorded. And code
# written for TSan's interface (tsan_api.c) links with `ctrace cc` and runs.
# Usage: annotations.sh CTRACE SOURCE_DIR.
set -u
ctrace=$1 src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-cc-annotate.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
gcc -O2 -Wall -Wextra -Werror -I"$src/include" "$src/tests/e2e/cc/annotate.c" -o "$work/plain" -pthread ||
	fail "plain gcc"
g++ -x c++ -O2 -Wall -Wextra -Werror -I"$src/include" "$src/tests/e2e/cc/annotate.c" -o "$work/plain++" \
	-pthread || fail "plain g++"
"$ctrace" cc -O2 -Wall -Wextra -Werror "$src/tests/e2e/cc/annotate.c" -o "$work/cc" -pthread ||
	fail "ctrace cc"
for p in plain plain++ cc; do
	[ "$("$work/$p")" = "data 42" ] || fail "$p natively"
	LD_DEBUG=bindings "$ctrace" run -q -o "$work/trace-$p" -- "$work/$p" >"$work/out" 2>"$work/err" ||
		fail "$p under ctrace run: $(tail -n 5 "$work/err")"
	[ "$(cat "$work/out")" = "data 42" ] || fail "$p under ctrace run: output $(cat "$work/out")"
	for sym in ctrace_annotate __tsan_ignore_thread_begin; do
		grep -q "binding file $work/$p .*libctrace-shim.so.*\`$sym'" "$work/err" ||
			fail "$p: $sym not bound to the shim under ctrace run"
	done
done
for cc in gcc clang; do
	command -v $cc >/dev/null || continue
	"$ctrace" cc --cc=$cc -O2 "$src/tests/e2e/cc/tsan_api.c" -o "$work/api-$cc" -pthread ||
		fail "TSan's interface with $cc"
	[ "$("$work/api-$cc" 2>"$work/api.err")" = "shared 20000" ] || fail "tsan_api natively ($cc)"
	grep -q "api-$cc" "$work/api.err" || fail "no stack trace printed natively ($cc): $(head -c 300 "$work/api.err")"
	"$ctrace" run -q -o "$work/trace-api-$cc" -- "$work/api-$cc" >"$work/out" 2>"$work/api.err" ||
		fail "tsan_api under ctrace run ($cc)"
	grep -q "api-$cc" "$work/api.err" || fail "no stack trace printed under ctrace ($cc): $(head -c 300 "$work/api.err")"
	[ "$(cat "$work/out")" = "shared 20000" ] || fail "tsan_api under ctrace run ($cc)"
done
echo "PASS: annotations in plain and ctrace cc programs, TSan's interface"
