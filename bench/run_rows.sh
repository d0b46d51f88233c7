# SPDX-License-Identifier: MIT
# bench/run_rows.sh - sourced by bench/run.sh: measuring one row of the
# table (every variant of one workload) and the 20M events/s check. Results
# go to R[row:metric]; nothing is printed here.

# Helgrind is run twice, small: ITERS / HG_DIV and 0 (start-up); the full-size
# time is extrapolated as t0 + (t_small - t0) * HG_DIV.
bench_helgrind()
{
	local row=$1 t0 tn
	tn=$(measure "$row" hg 1)
	t0=$(measure "$row" hg0 1)
	tn=${tn% *} t0=${t0% *}
	if [ "$tn" = FAIL ] || [ "$t0" = FAIL ]; then
		R[$row:hg]=FAIL
		return
	fi
	# Start-up noise larger than the work: no estimate.
	[ "$(le "$tn" "$t0")" = 1 ] && return
	R[$row:hg]=$(calc "$t0" + "$(calc "$(calc "$tn" - "$t0")" '*' "$HG_DIV")")
}

bench_lttng()
{
	local row=$1
	measure_into "$row" "$REPS2" lttng
	[ "${R[$row:lttng]}" = FAIL ] && return
	read -r "R[$row:lttng_events]" "R[$row:lttng_discarded]" < <(lttng_count "$WORK/trace-lttng")
	R[$row:lttng_bytes]=$(du -sb "$WORK/trace-lttng" | cut -f1)
	rm -rf "$WORK/trace-lttng"
}

# What the default-stacks trace holds, and how fast `ctrace info` reads it.
bench_ctrace_info()
{
	local row=$1 info=$WORK/info-$1.json t problem
	if ! t=$(time_run "$info" "$CTRACE" info --format=json "$WORK/trace-c16"); then
		problem=$("$CTRACE" info --format=json "$WORK/trace-c16" 2>&1 >/dev/null | tail -2 | tr '\n' ' ')
		note "$row: ctrace info failed, its counts may be short: ${problem:-no reason given}"
	fi
	R[$row:events]=$(json_num "$info" events)
	R[$row:record_bytes]=$(json_num "$info" record_bytes)
	R[$row:bytes]=$(json_num "$info" bytes)
	R[$row:dropped]=$(json_num "$info" dropped)
	R[$row:info_s]=$t
	[ -n "${R[$row:events]}" ] || note "$row: ctrace info gave no event count"
}

bench_row()
{
	local row=$1 v
	# native and ctrace in alternation: a drifting machine weighs on both
	measure_into "$row" "$REPS" native c16
	if [ "${R[$row:native]}" = FAIL ]; then
		note "$row: the native run failed (see $LOG)"
		return
	fi
	bench_ctrace_info "$row"
	measure_into "$row" "$REPS2" c0 shim
	ctrace_info "$WORK/trace-c0" "$WORK/info-c0.json"
	R[$row:dropped0]=$(json_num "$WORK/info-c0.json" dropped)
	ctrace_info "$WORK/trace-shim" "$WORK/info-shim.json"
	R[$row:dropped_shim]=$(json_num "$WORK/info-shim.json" dropped)
	rm -rf "$WORK"/trace-c16 "$WORK"/trace-c0 "$WORK"/trace-shim
	[ $HAVE_LTTNG -eq 1 ] && bench_lttng "$row"
	if [ "${ROW_CMD[$row]:0:3}" = "@wl" ]; then
		[ $HAVE_TSAN -eq 1 ] && measure_into "$row" "$REPS2" tsan
		[ $HAVE_HG -eq 1 ] && bench_helgrind "$row"
	fi
	for v in c16 c0 shim lttng tsan hg; do
		[ "${R[$row:$v]:-}" = FAIL ] && note "$row: the $v run failed (see $LOG)"
	done
}

# 20M events/s: two threads on their own mutexes, natively well above 20M
# lock+unlock events/s; under ctrace for a few seconds: the recorded rate
# and the drops.
bench_rate()
{
	local info=$WORK/info-rate.json
	ROW_CMD[rate]=$RATE_SPEC
	local -a words
	read -ra words <<<"$RATE_SPEC"
	R[rate:pairs]=${words[2]}
	measure_into rate "$REPS" native
	measure_into rate 1 c16
	ctrace_info "$WORK/trace-c16" "$info" || note "20M check: ctrace info failed, its counts may be short"
	R[rate:events]=$(json_num "$info" events)
	R[rate:dropped]=$(json_num "$info" dropped)
	R[rate:duration_ns]=$(json_num "$info" duration_ns)
	rm -rf "$WORK/trace-c16"
	measure_into rate 1 shim
	ctrace_info "$WORK/trace-shim" "$info" || note "20M check: ctrace info failed on the shim-only trace"
	R[rate:shim_events]=$(json_num "$info" events)
	R[rate:shim_dropped]=$(json_num "$info" dropped)
	R[rate:shim_duration_ns]=$(json_num "$info" duration_ns)
	rm -rf "$WORK/trace-shim"
}

# The steady cost of an uncontended pair, robust to noise: the fastest of
# 100 timed batches (bench/workloads/mutex_pair_min.c), best of 3 runs, per
# variant, into R[pairmin:VARIANT] (ns per pair).
bench_pair_min()
{
	local variant out=$WORK/pairmin.out i v best
	for variant in native c16 c0 shim; do
		best=""
		for i in 1 2 3; do
			run_once "$variant" "$WORK/trace-pairmin" "$out" \
				"$WL_DIR/mutex_pair_min" 200000 100 >/dev/null || continue
			v=$(awk '$1 == "min_ns_per_pair" { print $2 }' "$out")
			[ -n "$v" ] && { [ -z "$best" ] || [ "$(le "$v" "$best")" = 1 ]; } && best=$v
		done
		R[pairmin:$variant]=${best:--}
	done
	rm -rf "$WORK/trace-pairmin"
}
