#!/usr/bin/env bash
# check_symbols.sh - every __tsan_* symbol that COMPILER emits for the broad
# test files (abi_broad.c, abi_broad.cpp; -O0 and -O2, with the options that
# add the volatile and read-write hooks) is defined by both the stub
# runtime and the shim; and both define exactly the rows of tsan_symbols.h.
# Usage: check_symbols.sh gcc|clang BUILD_DIR SOURCE_DIR. Exit 77 if the
# compiler is missing.
set -u
family=$1 build=$2 src=$3
case $family in
gcc) cc=gcc cxx=g++ extra=(--param=tsan-distinguish-volatile=1) ;;
clang) cc=clang cxx=clang++
	extra=(-mllvm -tsan-distinguish-volatile=1 -mllvm -tsan-compound-read-before-write=1) ;;
esac
command -v "$cc" >/dev/null && command -v "$cxx" >/dev/null || { echo "SKIP: no $cc"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-symbols.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The rows, through the preprocessor: one name a line.
lists='TSAN_ACCESS_SYMBOLS TSAN_RANGE_SYMBOLS TSAN_ATOMIC_SYMBOLS TSAN_OTHER_SYMBOLS TSAN_INTERFACE_SYMBOLS'
printf '#include "tsan_symbols.h"\n#define N(name, ...) name\n%s\n' "$(printf '%s(N) ' $lists)" |
	gcc -E -P -I "$src/shim" - | tr -s ' ' '\n' | grep . | sort -u >"$work/rows"
[ "$(wc -l <"$work/rows")" -ge 120 ] || fail "only $(wc -l <"$work/rows") rows in tsan_symbols.h"
for lib in libctrace-tsan.so libctrace-shim.so; do
	nm -D --defined-only "$build/$lib" | awk '{print $3}' | grep -E '^(__tsan_|ctrace_annotate$|Annotate|WTFAnnotate|__sanitizer_)' |
		sort -u >"$work/$lib"
	diff "$work/rows" "$work/$lib" >"$work/diff" ||
		fail "$lib does not define exactly the rows of tsan_symbols.h: $(tr '\n' ' ' <"$work/diff")"
done

for opt in -O0 -O2; do
	for flags in "" "${extra[*]}"; do
		# shellcheck disable=SC2086
		"$cc" -fsanitize=thread -mcx16 $opt $flags -Wno-atomic-alignment -c "$src/tests/e2e/cc/abi_broad.c" \
			-o "$work/c.o" 2>"$work/err" || { cat "$work/err"; fail "$cc $opt $flags"; }
		# shellcheck disable=SC2086
		"$cxx" -fsanitize=thread $opt $flags -c "$src/tests/e2e/cc/abi_broad.cpp" -o "$work/cxx.o" \
			2>"$work/err" || { cat "$work/err"; fail "$cxx $opt $flags"; }
		nm -u "$work/c.o" "$work/cxx.o" | awk '/__tsan_/ {print $2}' >>"$work/emitted"
	done
done 2>&1 | grep -v "unknown warning option" # gcc has no -Wno-atomic-alignment
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
sort -u -o "$work/emitted" "$work/emitted"
missing=$(comm -23 "$work/emitted" "$work/rows")
[ -z "$missing" ] || fail "$family emits symbols the runtime lacks: $missing"
# The test file must reach the families of F.1, or it proves little.
case $family in
gcc) want="__tsan_read_range __tsan_atomic128_compare_exchange_strong __tsan_volatile_write8 __tsan_atomic8_fetch_nand" ;;
clang) want="__tsan_unaligned_read4 __tsan_atomic128_compare_exchange_val __tsan_vptr_read __tsan_read_write4" ;;
esac
for w in $want __tsan_init __tsan_func_entry __tsan_vptr_update __tsan_atomic_thread_fence __tsan_write16; do
	grep -qx "$w" "$work/emitted" || fail "$family did not emit $w for the test files"
done
echo "PASS: $family emits $(wc -l <"$work/emitted") distinct __tsan_* symbols, all defined by the stub and the shim ($(wc -l <"$work/rows") rows)"
