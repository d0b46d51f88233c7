#!/usr/bin/env bash
# bench_cc.sh - what a `ctrace cc` build costs when run without ctrace:
# bench/cc_loops.c built with plain -O2 and with `ctrace cc -O2` (the stub
# runtime: a call per memory access), by gcc and by clang, each run REPS
# times (interleaved), each kernel alone and all together; prints the
# median CPU seconds (user + system) and the ratio. Not a test.
# Usage: bench/bench_cc.sh [BUILD_DIR] [REPS]
set -eu
build=${1:-build} reps=${2:-5}
src=$(cd "$(dirname "$0")" && pwd)/cc_loops.c
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-bench-cc.XXXXXX")
trap 'rm -rf "$work"' EXIT
cpu() { # CPU seconds of one run of $@
	local TIMEFORMAT='%3U %3S' t
	t=$({ time "$@" >/dev/null; } 2>&1)
	awk -v t="$t" 'BEGIN { split(t, f, " "); printf "%.3f\n", f[1] + f[2] }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-8s %-10s %10s %14s %7s\n' compiler kernel "plain -O2" "ctrace cc -O2" ratio
for cc in gcc clang; do
	command -v $cc >/dev/null || continue
	$cc -O2 -pthread "$src" -o "$work/plain-$cc"
	CC=$cc "$build/ctrace" cc -O2 -pthread "$src" -o "$work/cc-$cc"
	for kernel in matrix sieve histogram list sort threads all; do
		: >"$work/t-plain" && : >"$work/t-cc"
		for _ in $(seq "$reps"); do
			arg=$kernel && [ $kernel = all ] && arg=
			# shellcheck disable=SC2086
			cpu "$work/plain-$cc" $arg >>"$work/t-plain"
			# shellcheck disable=SC2086
			cpu "$work/cc-$cc" $arg >>"$work/t-cc"
		done
		p=$(median <"$work/t-plain") c=$(median <"$work/t-cc")
		printf '%-8s %-10s %10s %14s %7s\n' $cc $kernel "$p" "$c" \
			"$(awk -v p="$p" -v c="$c" 'BEGIN { printf "%.2fx", c / p }')"
	done
done
