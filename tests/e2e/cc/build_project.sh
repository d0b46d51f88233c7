#!/usr/bin/env bash
# build_project.sh - builds the test project (project/: a static archive, a
# shared library, a program) with make CC="ctrace cc" or with CMake and
# -DCMAKE_C_COMPILER=ctrace-cc -DCMAKE_CXX_COMPILER=ctrace-c++ (and a C++
# program), using gcc or clang; checks that everything
# is instrumented and linked with the stub runtime, then runs the programs
# natively and under `ctrace run`. Usage: build_project.sh CTRACE make|cmake
# gcc|clang. Exit 77 if the compiler is missing.
set -u
ctrace=$1 tool=$2 family=$3
case $family in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
command -v "$family" >/dev/null && command -v "$cxx" >/dev/null || { echo "SKIP: no $family"; exit 77; }
src=$(cd "$(dirname "$0")/project" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-cc-project.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
bin=$(dirname "$ctrace")
case $tool in
make)
	cp "$src"/*.c "$src"/*.h "$src/Makefile" "$work/"
	out=$work
	# make exports CC="ctrace cc" to its commands, so $CC cannot choose: --cc=
	make -C "$work" CC="$ctrace cc --cc=$family" >"$work/build.log" 2>&1 ||
		{ cat "$work/build.log"; fail "make"; }
	progs="prog quick" ;;
cmake)
	out=$work/build
	export CC=$family CXX=$cxx
	cmake -S "$src" -B "$out" -DCMAKE_C_COMPILER="$bin/ctrace-cc" -DCMAKE_CXX_COMPILER="$bin/ctrace-c++" \
		>"$work/build.log" 2>&1 && cmake --build "$out" >>"$work/build.log" 2>&1 ||
		{ cat "$work/build.log"; fail "cmake"; }
	progs="prog prog_cxx" ;;
esac
nm -u "$out/libshape.so" | grep -q __tsan_init || fail "libshape.so not instrumented"
ldd "$out/libshape.so" | grep -q libctrace-tsan.so || fail "libshape.so does not need the stub"
[ -f "$out/libcount.a" ] || fail "no libcount.a"
# clang's objects say so in .comment (gcc's crt files are in every link)
by_clang=no
readelf -p .comment "$out/libshape.so" | grep -q "clang version" && by_clang=yes
[ "$by_clang" = "$([ "$family" = clang ] && echo yes || echo no)" ] || fail "libshape.so not built by $family"
nm "$out/libcount.a" | grep -q "U __tsan_func_entry" || fail "libcount.a not instrumented"
for p in $progs; do
	ldd "$out/$p" | grep -q libtsan && fail "$p linked with libtsan"
	[ "$("$out/$p")" = "total 18000 (ctrace cc)" ] || fail "$p natively: $("$out/$p" 2>&1)"
	"$ctrace" run -q -o "$work/trace-$p" -- "$out/$p" >"$work/out" 2>"$work/err" ||
		{ cat "$work/err"; fail "$p under ctrace run"; }
	[ "$(cat "$work/out")" = "total 18000 (ctrace cc)" ] || fail "$p under ctrace run: $(cat "$work/out")"
done
echo "PASS: $tool with $family ($progs)"
