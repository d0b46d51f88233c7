#!/usr/bin/env bash
# install.sh - `ctrace-cc` after `cmake --install` into a fresh prefix finds
# the stub runtime in lib/ctrace and ctrace.h in include, and its program
# runs natively and under the installed `ctrace run`.
# Usage: install.sh BUILD_DIR SOURCE_DIR.
set -u
build=$1 src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-cc-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cmake --install "$build" --prefix "$work/prefix" >"$work/log" 2>&1 || { cat "$work/log"; fail "install"; }
"$work/prefix/bin/ctrace-cc" -O2 "$src/tests/e2e/cc/annotate.c" -o "$work/prog" -pthread ||
	fail "installed ctrace-cc"
ldd "$work/prog" | grep -q "$work/prefix/lib/ctrace/libctrace-tsan.so" || fail "stub not from the prefix"
[ "$("$work/prog")" = "data 42" ] || fail "native run"
"$work/prefix/bin/ctrace" run -q -o "$work/trace" -- "$work/prog" >"$work/out" || fail "ctrace run"
[ "$(cat "$work/out")" = "data 42" ] || fail "traced run: $(cat "$work/out")"
echo "PASS: installed ctrace-cc"
