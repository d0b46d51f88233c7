#!/usr/bin/env bash
# modes.sh - `ctrace cc` as build systems call a compiler: --version, -E,
# -M/-MM/-MD, -c with several files, -S, -fsyntax-only, stdin, -flto,
# -save-temps, a preprocessed .i, -shared in one
# command (and that library used by a program built without ctrace),
# configure-style $CC=ctrace-cc, CC="ctrace cc" in the environment (no
# loop), ctrace-c++, ctrace c++ --cc=gcc|clang (the C++ driver),
# ctrace.h without -I, -static refused. Usage: modes.sh
# CTRACE gcc|clang. Exit 77 if the compiler is missing.
set -u
ctrace=$1 family=$2
case $family in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
command -v "$family" >/dev/null && command -v "$cxx" >/dev/null || { echo "SKIP: no $family"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-cc-modes.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail() { echo "FAIL ($family): $*"; exit 1; }
# The program calls the entry point __tsan_$2 (linked into it, hidden there).
calls_hook() { objdump -d "$1" | grep -q "call .*<__tsan_$2>"; }
cc() { "$ctrace" cc --cc="$family" "$@"; }
bin=$(dirname "$ctrace")

cat >a.c <<'C'
#include <ctrace.h>
int from_b(void);
int seen = CTRACE_CC + __SANITIZE_THREAD__ + 0;
int main(void) { CTRACE_NAME_THREAD("main"); return from_b() + seen - 2; }
C
printf '#ifndef __SANITIZE_THREAD__\n#if defined(__has_feature)\n#if __has_feature(thread_sanitizer)\n#define __SANITIZE_THREAD__ 1\n#endif\n#endif\n#endif\n' >san.h
sed -i '1i #include "san.h"' a.c
echo 'int counter; int from_b(void) { return counter++ * 0; }' >b.c

[ "$(cc --version)" = "$("$family" --version)" ] || fail "--version is not the compiler's"
cc -E a.c | grep -q 'seen = 1 + 1 + 0' || fail "-E: CTRACE_CC or __SANITIZE_THREAD__ missing"
cc -M a.c | grep -q 'a.o: a.c' || fail "-M"
cc -MM -MF a.d a.c && grep -q 'san.h' a.d || fail "-MM -MF"
rm -f ./*.o
cc -c a.c b.c && [ -f a.o ] && [ -f b.o ] || fail "-c with two files"
nm -u a.o | grep -q __tsan_func_entry || fail "-c: not instrumented"
cc -MD -c b.c -o b2.o && [ -f b2.d ] || fail "-MD -c -o"
cc -S a.c -o a.s && grep -q __tsan_ a.s || fail "-S"
cc -fsyntax-only a.c || fail "-fsyntax-only"
cc a.o b.o -o ab && ./ab || fail "link of objects"
cc a.c b.o -o ab2 && ./ab2 || fail "compile and link in one command"
nm -u ab2 | grep -q __tsan_init || fail "compile and link: not instrumented"
ldd ab2 | grep -q libtsan && fail "compile and link: libtsan linked"
cc -O2 -flto -c b.c -o lto-b.o && cc -O2 -flto a.c lto-b.o -o lto && ./lto || fail "-flto"
calls_hook lto read4 || fail "-flto: not instrumented"
cc -save-temps a.c b.c -o saved && ./saved && calls_hook saved read4 || fail "-save-temps"
cc -E a.c -o a.i && cc a.i b.o -o from-i && calls_hook from-i read4 || fail ".i input"
echo 'int main(void) { return 0; }' | cc -x c - -o fromstdin && ./fromstdin || fail "stdin"
cc -shared -fPIC b.c -o libb.so && calls_hook libb.so func_entry || fail "-shared"
echo 'int from_b(void); int main(void) { return from_b(); }' >plain.c
"$family" plain.c -o plain -L. -lb -Wl,-rpath,"$work" && ./plain ||
	fail "a program built without ctrace, using the instrumented libb.so"
cat >conftest.sh <<'SH'
$CC -c b.c -o conf.o && $CC conf.o a.c -o conf && ./conf
SH
CC=$bin/ctrace-cc sh conftest.sh || fail "configure-style CC=ctrace-cc"
CC="$ctrace cc" timeout 20 "$ctrace" cc -c b.c -o loop.o || fail "CC=\"ctrace cc\" in the environment"
echo 'int g; int main() { return g; }' >c.cpp
CXX=$cxx "$bin/ctrace-c++" c.cpp -o cpp && ./cpp && calls_hook cpp read4 ||
	fail "ctrace-c++"
# the C driver's name for C++: its C++ driver, which links the C++ library
echo '#include <string>
int main() { std::string s("x"); return (int)s.size() - 1; }' >d.cpp
"$ctrace" c++ --cc="$family" d.cpp -o dcpp && ./dcpp || fail "ctrace c++ --cc=$family"
cc -static a.c b.c -o st 2>err; [ $? = 2 ] && grep -q static err || fail "-static not refused"
echo "PASS: $family"
