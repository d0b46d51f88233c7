# SPDX-License-Identifier: MIT
# bench/run_print.sh - sourced by bench/run.sh: the machine line, the table
# (a Markdown table, so it pastes into bench/README.md), the targets of
# issue 2 checked against the figures, the host benchmarks and the profile.

print_machine()
{
	local cpu rev
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)
	[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && rev="$rev+changes"
	echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)," \
		"$(ldd --version 2>/dev/null | head -1 | sed 's/.* //') glibc, $(gcc -dumpfullversion 2>/dev/null) gcc"
	echo "ctrace: ${rev:-?} ($BUILD); mode: $([ $QUICK -eq 1 ] && echo quick || echo full)," \
		"median of $REPS runs (native, ctrace) or $REPS2 (others); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# A value, or "-" when missing or not a number (FAIL stays FAIL).
num_or_dash()
{
	case $1 in FAIL) printf FAIL ;; ''|-|*[!0-9.e+-]*) printf -- - ;; *) printf '%s' "$1" ;; esac
}

# ratio T NATIVE: "12.3x".
cell_ratio()
{
	local t n
	t=$(num_or_dash "$1") n=$(num_or_dash "$2")
	[ "$t" = FAIL ] && { printf FAIL; return; }
	fmt "%.2fx" "$(calc "$t" / "$n")"
}

# cell_nsev T NATIVE EVENTS: nanoseconds added per event ("-" under
# NSEV_MIN events, where it is noise).
NSEV_MIN=100000
cell_nsev()
{
	local t n
	t=$(num_or_dash "$1") n=$(num_or_dash "$2")
	[ "$t" = FAIL ] && { printf FAIL; return; }
	[ "$(num_or_dash "$3")" != - ] && [ "$3" -ge $NSEV_MIN ] || { printf -- -; return; }
	fmt "%.1f" "$(calc "$(calc "$t" - "$n")" '*' "$(calc 1e9 / "$3")")"
}

cell_div()
{
	fmt "$3" "$(calc "$(num_or_dash "$1")" / "$(num_or_dash "$2")")"
}

# LTTng bytes per event, when it recorded enough events to tell.
cell_lttng_bytes()
{
	[ "$(num_or_dash "$2")" != - ] && [ "$2" -ge $NSEV_MIN ] || { printf -- -; return; }
	cell_div "$1" "$2" %.1f
}

TABLE_FMT="| %-12s | %8s | %8s | %7s | %7s | %7s | %10s | %6s | %6s | %6s | %6s | %5s | %5s | %7s | %8s | %6s | %5s | %7s | %8s |\n"

print_table_row()
{
	local r=$1 n=${R[$1:native]:-} ev=${R[$1:events]:-} lev=${R[$1:lttng_events]:-}
	printf "$TABLE_FMT" "$r" "$(fmt %.3f "$(num_or_dash "$n")")" \
		"$(fmt %.3f "$(num_or_dash "${R[$r:c16]:-}")")" "$(cell_ratio "${R[$r:c16]:-}" "$n")" \
		"$(cell_ratio "${R[$r:c0]:-}" "$n")" "$(cell_ratio "${R[$r:shim]:-}" "$n")" "${ev:--}" \
		"$(cell_nsev "${R[$r:c16]:-}" "$n" "$ev")" "$(cell_nsev "${R[$r:c0]:-}" "$n" "$ev")" \
		"$(cell_nsev "${R[$r:shim]:-}" "$n" "$ev")" \
		"$(cell_nsev "${R[$r:c16_cpu]:-}" "${R[$r:native_cpu]:-}" "$ev")" \
		"$(cell_div "${R[$r:record_bytes]:-}" "$ev" %.2f)" "$(cell_div "${R[$r:bytes]:-}" "$ev" %.2f)" \
		"${R[$r:dropped]:--}" "$(cell_ratio "${R[$r:lttng]:-}" "$n")" \
		"$(cell_nsev "${R[$r:lttng]:-}" "$n" "$lev")" "$(cell_lttng_bytes "${R[$r:lttng_bytes]:-}" "$lev")" \
		"$(cell_ratio "${R[$r:tsan]:-}" "$n")" "$(cell_ratio "${R[$r:hg]:-}" "$n")"
}

print_table()
{
	local r
	echo
	printf "$TABLE_FMT" workload "native s" "ctrace s" "x" "x s0" "x shim" events \
		"ns/ev" "ns/ev" "ns/ev" "cpu" "rec" "disk" dropped "LTTng" "LTTng" LTTng "TSan" Helgrind
	printf "$TABLE_FMT" "" "" "" "" "" "" "" "" "s0" "shim" "ns/ev" "B/ev" "B/ev" "" "x" "ns/ev" "B/ev" "x" "x (est)"
	printf "$TABLE_FMT" | sed 's/ /-/g; s/-|/ |/g; s/|-/| /g'
	for r in "${ROWS[@]}"; do
		[ -n "${R[$r:native]:-}" ] && print_table_row "$r"
	done
}

# The uncontended row per lock/unlock pair.
print_pairs()
{
	local n=${R[uncontended:native]:-} pairs v label
	[ -n "$n" ] && [ "$n" != FAIL ] || return
	local -a words
	read -ra words <<<"${ROW_CMD[uncontended]}"
	pairs=${words[2]}
	printf '\nuncontended lock/unlock pair: native %.1f ns; added per pair:' "$(calc "$n" '*' "$(calc 1e9 / "$pairs")")"
	for v in c16:ctrace c0:"ctrace stacks off" shim:"shim only" lttng:LTTng tsan:TSan hg:"Helgrind (est)"; do
		label=${v#*:}
		[ -n "${R[uncontended:${v%%:*}]:-}" ] || continue
		printf ' %s %s ns,' "$label" "$(cell_nsev "${R[uncontended:${v%%:*}]}" "$n" "$pairs")"
	done
	printf ' mutrace %s\n' "$([ $HAVE_MUTRACE -eq 1 ] && echo 'not run' || echo 'not installed')"
	if [ -n "${R[pairmin:native]:-}" ] && [ "${R[pairmin:native]}" != - ]; then
		printf 'steady uncontended pair (fastest of 100 batches, robust to noise): native %s ns; added per pair:' \
			"${R[pairmin:native]}"
		for v in c16:ctrace c0:"ctrace stacks off" shim:"shim only"; do
			printf ' %s %s ns,' "${v#*:}" \
				"$(fmt %.1f "$(calc "${R[pairmin:${v%%:*}]:--}" - "${R[pairmin:native]}")")"
		done
		echo
	fi
	if [ -n "${R[uncontended:info_s]:-}" ] && [ -n "${R[uncontended:events]:-}" ]; then
		printf 'ctrace info read the uncontended trace (%s events) in %.2f s: %.1f M events/s\n' \
			"${R[uncontended:events]}" "${R[uncontended:info_s]% *}" \
			"$(calc "$(calc "${R[uncontended:events]}" / "${R[uncontended:info_s]% *}")" / 1e6)"
	fi
}

print_rate()
{
	[ -n "${R[rate:native]:-}" ] || return
	printf '20M events/s check (%s pairs on 2 threads, own mutexes): native %.1f M events/s;' \
		"${R[rate:pairs]}" "$(calc "$(calc 2 '*' "${R[rate:pairs]}")" / "$(calc "${R[rate:native]}" '*' 1e6)")"
	printf ' ctrace run recorded %s events in %s s = %s M events/s, dropped %s;' \
		"${R[rate:events]:--}" "$(fmt %.2f "$(calc "${R[rate:duration_ns]:--}" / 1e9)")" \
		"$(fmt %.1f "$(calc "${R[rate:events]:--}" / "$(calc "${R[rate:duration_ns]:--}" / 1e3)")")" \
		"${R[rate:dropped]:--}"
	printf ' shim only %s M events/s, dropped %s\n' \
		"$(fmt %.1f "$(calc "${R[rate:shim_events]:--}" / "$(calc "${R[rate:shim_duration_ns]:--}" / 1e3)")")" \
		"${R[rate:shim_dropped]:--}"
}

# verdict OK: "met" or "NOT met".
verdict() { [ "$1" = 1 ] && printf met || printf 'NOT met'; }

# le A B: 1 if A <= B (numbers), else 0.
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a != "-" && a != "" && a + 0 <= b + 0) ? 1 : 0 }'; }

print_targets()
{
	local r worst_ns=- worst_row="" worst_b=- worst_brow="" v ok
	for r in "${ROWS[@]}"; do
		[ "${ROW_CMD[$r]:0:3}" = "@wl" ] && [ -n "${R[$r:events]:-}" ] || continue
		v=$(cell_nsev "${R[$r:c16_cpu]:-}" "${R[$r:native_cpu]:-}" "${R[$r:events]}")
		[ "$v" != - ] && [ "$v" != FAIL ] && { [ "$worst_ns" = - ] || [ "$(le "$worst_ns" "$v")" = 1 ]; } &&
			worst_ns=$v worst_row=$r
		v=$(cell_div "${R[$r:record_bytes]:-}" "${R[$r:events]}" %.2f)
		[ "$v" != - ] && { [ "$worst_b" = - ] || [ "$(le "$worst_b" "$v")" = 1 ]; } && worst_b=$v worst_brow=$r
	done
	echo
	echo "targets (issue 2):"
	v=$(cell_nsev "${R[uncontended:c16]:-}" "${R[uncontended:native]:-}" "${R[uncontended:events]:-}")
	printf '  <= 25 ns/event: uncontended %s ns/ev (cpu %s) -> %s; worst workload by cpu ns/ev: %s %s -> %s\n' \
		"$v" "$(cell_nsev "${R[uncontended:c16_cpu]:-}" "${R[uncontended:native_cpu]:-}" "${R[uncontended:events]:-}")" \
		"$(verdict "$(le "$v" 25)")" "${worst_row:--}" "$worst_ns" "$(verdict "$(le "$worst_ns" 25)")"
	printf '  <= 16 B/event (records, stacks excluded): worst %s %s B/ev -> %s\n' "${worst_brow:--}" \
		"$worst_b" "$(verdict "$(le "$worst_b" 16)")"
	local -a words
	read -ra words <<<"${ROW_CMD[uncontended]}"
	v=$(cell_nsev "${R[uncontended:c16]:-}" "${R[uncontended:native]:-}" "${words[2]}")
	printf '  <= 50 ns added per uncontended pair, default stacks: %s ns -> %s\n' "$v" "$(verdict "$(le "$v" 50)")"
	v=$(cell_nsev "${R[uncontended:c16_min]:-}" "${R[uncontended:native_min]:-}" "${words[2]}")
	printf '    fastest whole runs: %s ns per pair = %s ns per event -> %s\n' "$v" \
		"$(fmt %.1f "$(calc "$v" / 2)")" "$(verdict "$(le "$v" 50)")"
	if [ -n "${R[pairmin:c16]:-}" ] && [ "${R[pairmin:c16]}" != - ]; then
		v=$(fmt %.1f "$(calc "${R[pairmin:c16]}" - "${R[pairmin:native]}")")
		printf '    steady (fastest batches): %s ns per pair = %s ns per event -> %s\n' "$v" \
			"$(fmt %.1f "$(calc "$v" / 2)")" "$(verdict "$(le "$v" 50)")"
	fi
	if [ -n "${R[rate:native]:-}" ]; then
		v=$(calc "${R[rate:events]:--}" / "$(calc "${R[rate:duration_ns]:--}" / 1e3)")
		ok=$([ "${R[rate:dropped]:-x}" = 0 ] && le 20 "$v" || echo 0)
		printf '  0 dropped at 20M events/s: %s M events/s recorded, %s dropped -> %s\n' \
			"$(fmt %.1f "$v")" "${R[rate:dropped]:--}" "$(verdict "$ok")"
	fi
	for r in pigz xz zstd; do
		[ -n "${R[$r:c16]:-}" ] || continue
		v=$(calc "$(num_or_dash "${R[$r:c16]}")" / "${R[$r:native]}")
		local f
		f=$(calc "$(num_or_dash "${R[$r:c16_min]:--}")" / "${R[$r:native_min]:--}")
		printf '  <= 1.05x on %s: median %s -> %s; fastest runs %s -> %s\n' "$r" "$(fmt %.3fx "$v")" \
			"$(verdict "$(le "$v" 1.05)")" "$(fmt %.3fx "$f")" "$(verdict "$(le "$f" 1.05)")"
	done
}

print_footer()
{
	print_pairs
	print_rate
	print_targets
	echo
	echo "columns: times are medians in seconds (wall); x = time / native; s0 = ctrace run --stack-depth 0;"
	echo "  shim = LD_PRELOAD of the shim alone (no ctrace run, no live watchdog), stacks 16;"
	echo "  ns/ev = (t - t native) / events, shown from $NSEV_MIN events; cpu ns/ev = the same with"
	echo "  user+system CPU time (ctrace run and its watchdog included) instead of wall time;"
	echo "  rec B/ev = record bytes (stacks excluded) / events; disk B/ev = trace directory bytes / events;"
	echo "  LTTng = liblttng-ust-pthread-wrapper.so (mutex lock/trylock/unlock only), blocking channel"
	echo "  (lossless), ns/ev and B/ev over its own event count; TSan = gcc -fsanitize=thread;"
	echo "  Helgrind x = extrapolated from runs at ITERS/$HG_DIV and 0 iterations."
	echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	local n
	for n in "${NOTES[@]}"; do echo "note: $n"; done
	for r in "${ROWS[@]}"; do
		[ "${R[$r:dropped0]:-0}" = 0 ] && [ "${R[$r:dropped_shim]:-0}" = 0 ] && continue
		echo "note: $r: dropped with stacks off ${R[$r:dropped0]:--}, with the shim alone ${R[$r:dropped_shim]:--}"
	done
	for r in "${ROWS[@]}"; do
		[ "${R[$r:lttng_discarded]:-0}" = 0 ] || echo "note: $r: LTTng discarded ${R[$r:lttng_discarded]} event messages"
	done
}

# bench_*.c of other parts: built by CMake when bench/ is in the build,
# else here with gcc against the static libraries of the build.
build_host_bench()
{
	local name=$1 bin=$BUILD/bench/$1
	if cmake --build "$BUILD" --target help 2>/dev/null | grep -q "\.\.\. $name\$"; then
		cmake --build "$BUILD" -j2 --target "$name" >>"$LOG" 2>&1 && [ -x "$BUILD/$name" ] &&
			echo "$BUILD/$name" && return
	fi
	local -a libs srcs=("$HERE/$name.c")
	mapfile -t libs < <(find "$BUILD/tracer" "$BUILD/analyzers" "$BUILD/viewer" -name 'lib*.a' 2>/dev/null | sort)
	grep -q '#include "fake_trace.h"' "$HERE/$name.c" && srcs+=("$ROOT/tests/unit/fake_trace.c")
	gcc -O2 -g -D_GNU_SOURCE -pthread -I"$ROOT/tracer/format" -I"$ROOT/tracer/util" \
		-I"$ROOT/analyzers" -I"$ROOT/viewer" -I"$ROOT/tests/unit" -o "$bin" "${srcs[@]}" \
		-Wl,--start-group "${libs[@]}" -Wl,--end-group \
		$(pkg-config --libs libdw babeltrace2 2>/dev/null) -lstdc++ -lm >>"$LOG" 2>&1 &&
		echo "$bin"
}

declare -A HOST_QUICK_ARGS=([bench_reader]=2000000 [bench_analyzers]=4 [bench_export]=200000)

run_host_benchmarks()
{
	local src name bin
	echo
	echo "host benchmarks (bench/bench_*):"
	for src in "$HERE"/bench_*.c; do
		[ -e "$src" ] || continue
		name=$(basename "$src" .c)
		if ! bin=$(build_host_bench "$name"); then
			echo "== $name: cannot build (see $LOG)"
			continue
		fi
		echo "== $name"
		if [ $QUICK -eq 1 ]; then
			"$bin" ${HOST_QUICK_ARGS[$name]:-} 2>&1 | sed 's/^/   /'
		else
			"$bin" 2>&1 | sed 's/^/   /'
		fi
	done
	if [ -f "$HERE/bench_view.sh" ]; then
		echo "== bench_view.sh"
		sh "$HERE/bench_view.sh" "$BUILD" $([ $QUICK -eq 1 ] && echo 200000) 2>&1 | sed 's/^/   /'
	fi
}

# Where the shim spends its time on the uncontended workload (perf, flat).
run_profile()
{
	local data=$WORK/perf.data dir=$WORK/trace-profile
	local -a cmd
	mapfile -t cmd < <(row_cmd "${ROW_CMD[uncontended]}" native)
	echo
	echo "profile: uncontended under the shim (stacks 16), perf record -e cpu-clock:"
	rm -rf "$dir" && mkdir -p "$dir"
	if ! perf record -q -e cpu-clock -F 10000 -o "$data" -- \
		env CTRACE_DIR="$dir" CTRACE_STACK_DEPTH=16 LD_PRELOAD="$SHIM" "${cmd[@]}" >/dev/null 2>>"$LOG"; then
		echo "   perf record failed (see $LOG)"
		return
	fi
	perf report -i "$data" --stdio --no-children --sort dso,symbol --percent-limit 0.5 2>>"$LOG" |
		grep -v '^#' | grep -v '^$' | head -30 | sed 's/[[:space:]-]*$//; s/^/   /'
	rm -rf "$dir" "$data"
}
