# trace_checks.sh - sourced by the end-to-end case scripts: checks a trace
# directory with `ctrace info` and `ctrace report`. INFO_JQ, REPORT_JQ,
# SARIF_JQ: jq files whose expression must be true of `ctrace info` JSON,
# the JSON report and the SARIF report; the program's last stdout line, if
# it is a JSON object, is $out in them. TEXT_GREP: a file of grep -E
# patterns, one a line, each matching a line of the text report. HANG_JQ:
# a jq file that must be true of the hang report ctrace run's watchdog
# wrote (DIR/hang.json), which must exist.
# Needs CTRACE, $work (the traced run's stdout in $work/stdout) and fail().

progout=$(tail -n 1 "$work/stdout" 2>/dev/null)
{ [ -n "$progout" ] && echo "$progout" | jq -e 'type == "object"' >/dev/null 2>&1; } || progout='{}'

check() { # check NAME JSONFILE JQFILE
	jq -e --argjson out "$progout" -f "$3" "$2" >/dev/null || {
		echo "--- $1:"; head -c 6000 "$2"; echo
		fail "$1 does not satisfy $(basename "$3"): $(tr '\n' ' ' <"$3")"
	}
}

# report_to FILE DIR [OPTIONS...]: `ctrace report`, which must exit 0 or 1
report_to() {
	local out=$1 dir=$2
	shift 2
	"$CTRACE" report "$@" "$dir" >"$out" 2>"$out.err"
	local rs=$?
	[ "$rs" = 0 ] || [ "$rs" = 1 ] || fail "ctrace report $* exit $rs: $(cat "$out.err")"
}

trace_checks() { # trace_checks DIR
	local dir=$1
	if [ -n "${INFO_JQ:-}" ]; then
		"$CTRACE" info --format=json "$dir" >"$work/info.json" 2>"$work/info.err" ||
			fail "ctrace info failed: $(cat "$work/info.err")"
		check "ctrace info" "$work/info.json" "$INFO_JQ"
	fi
	if [ -n "${REPORT_JQ:-}" ]; then
		report_to "$work/report.json" "$dir" --format=json
		check "ctrace report" "$work/report.json" "$REPORT_JQ"
	fi
	if [ -n "${HANG_JQ:-}" ]; then
		[ -f "$dir/hang.json" ] || fail "no hang.json in the trace"
		check "hang.json" "$dir/hang.json" "$HANG_JQ"
	fi
	if [ -n "${SARIF_JQ:-}" ]; then
		report_to "$work/report.sarif" "$dir" --format=sarif
		check "ctrace report --format=sarif" "$work/report.sarif" "$SARIF_JQ"
	fi
	if [ -n "${TEXT_GREP:-}" ]; then
		report_to "$work/report.txt" "$dir"
		while IFS= read -r pattern; do
			[ -z "$pattern" ] || grep -Eq -- "$pattern" "$work/report.txt" || {
				echo "--- ctrace report:"; head -c 4000 "$work/report.txt"; echo
				fail "the text report has no line matching /$pattern/"
			}
		done <"$TEXT_GREP"
	fi
}
