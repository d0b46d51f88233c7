#!/usr/bin/env bash
# run_program.sh - builds SOURCE with `ctrace cc` (or `ctrace c++` for C++)
# using gcc or clang, runs it natively and under `ctrace run`: both must
# exit 0 with the same output, and under `ctrace run` the __tsan_* calls
# must reach the shim, not the stub (the entry points linked into the
# program through the thread state the shim defines). Usage: run_program.sh CTRACE gcc|clang SOURCE
# [compiler args...]. Exit 77 if the compiler is missing.
set -u
ctrace=$1 family=$2 src=$3
shift 3
case $src in
*.c) sub=cc var=CC; [ "$family" = clang ] && compiler=clang || compiler=gcc ;;
*) sub=c++ var=CXX; [ "$family" = clang ] && compiler=clang++ || compiler=g++ ;;
esac
command -v "$compiler" >/dev/null || { echo "SKIP: no $compiler"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-cc-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
env "$var=$compiler" "$ctrace" "$sub" "$@" "$src" -o "$work/prog" -pthread 2>"$work/cc.err" ||
	{ cat "$work/cc.err"; fail "ctrace $sub with $compiler"; }
objdump -d "$work/prog" | grep -q "call .*<__tsan_func_entry>" || fail "not instrumented"
ldd "$work/prog" | grep -q libctrace-tsan.so || fail "not linked with the stub runtime"
ldd "$work/prog" | grep -q libtsan && fail "linked with libtsan"
"$work/prog" >"$work/native.out" 2>&1 || { cat "$work/native.out"; fail "native run failed"; }
"$ctrace" run -q -o "$work/trace" -- "$work/prog" >"$work/traced.out" 2>"$work/traced.err" ||
	{ cat "$work/traced.out" "$work/traced.err"; fail "run under ctrace failed"; }
diff "$work/native.out" "$work/traced.out" || fail "output differs under ctrace run"
LD_DEBUG=bindings "$ctrace" run -q -o "$work/trace2" -- "$work/prog" >/dev/null 2>"$work/bindings"
for sym in __ctrace_tsan_thread_v2 __tsan_atomic32_fetch_add; do
	grep -q "binding file $work/prog .*libctrace-shim.so.*\`$sym'" "$work/bindings" ||
		fail "$sym does not bind to the shim under ctrace run"
done
tail -n 1 "$work/native.out"
echo "PASS: $(basename "$src") with $compiler, natively and under ctrace run"
