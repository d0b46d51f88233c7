#!/usr/bin/env bash
# run_race.sh - builds SOURCE with `ctrace cc` (C) or `ctrace c++` (C++),
# with gcc or clang, at -O1 -g, then runs it as one end-to-end case
# (run_case.sh: `ctrace run`, exit status, `ctrace report` JSON checked by
# REPORT_JQ). Environment as run_case.sh's (CASE, EXPECT, REPORT_JQ...),
# RACE_CFLAGS: more compiler options (-fopenmp), RACE_LIBS: libraries linked
# after the source, and PRELOAD: an LD_PRELOAD
# for the program's run only (an allocator of its own); RACE_LIB_SRC: a
# library built the same way (-shared), its path in RACE_LIB for the run.
# Usage: run_race.sh CTRACE gcc|clang SOURCE [PROGRAM ARGS...].
# Exit 77 if the compiler is missing.
set -u
ctrace=$1 family=$2 src=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
std=
case $src in
*.c) sub=cc; [ "$family" = clang ] && compiler=clang || compiler=gcc ;;
*) sub=c++ std=-std=c++17; [ "$family" = clang ] && compiler=clang++ || compiler=g++ ;;
esac
command -v "$compiler" >/dev/null || { echo "SKIP: no $compiler"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-race-${CASE:-case}.XXXXXX")
trap 'rm -rf "$work"' EXIT
name=$(basename "$src"); name=${name%.*}
"$ctrace" "$sub" --cc="$compiler" $std ${RACE_CFLAGS:-} -O1 -g -pthread "$src" ${RACE_LIBS:-} -o "$work/$name" \
	2>"$work/cc.err" ||
	{ cat "$work/cc.err"; echo "FAIL: ctrace $sub --cc=$compiler $src"; exit 1; }
if [ -n "${RACE_LIB_SRC:-}" ]; then
	"$ctrace" "$sub" --cc="$compiler" $std -O1 -g -fPIC -shared "$RACE_LIB_SRC" -o "$work/librace.so" \
		2>"$work/cc.err" || { cat "$work/cc.err"; echo "FAIL: ctrace $sub -shared $RACE_LIB_SRC"; exit 1; }
	export RACE_LIB=$work/librace.so
fi
run=("$work/$name")
[ -z "${PRELOAD:-}" ] || run=(env "LD_PRELOAD=$PRELOAD" "$work/$name")
CTRACE=$ctrace bash "$here/../run_case.sh" "${run[@]}" "$@"
