#!/usr/bin/env bash
# damaged.sh CTRACE PROG - zeroes one 4 KiB page inside the records of a
# thread's events chunk, at several places: every reading command names the
# file and offset in one line and exits 2, and no finding is made up from
# the events lost there (for the report, at every SWEEP_STEP'th page of
# records, 16 unless set).
set -u
ctrace=$1 prog=$2 step=${SWEEP_STEP:-16}
work=$(mktemp -d "${TMPDIR:-/tmp}/ctrace-damaged.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL (damaged): $*"; exit 1; }
"$ctrace" run -q -o "$work/clean" -- "$prog" >/dev/null 2>&1 || fail "run failed"
"$ctrace" report --format=json "$work/clean" >"$work/clean.json" || fail "clean trace has findings"
file=$(cd "$work/clean" && ls proc-*.ctr)
# The pages to zero: the middle page of the records of events chunks that
# hold 12 KiB of them or more (the chunk header: u32 magic, u16 version,
# u16 type, u32 size at 0..11, u32 records_end at 48).
pages=$(od -A d -t u4 -w4096 -v "$work/clean/$file" | awk '
	$2 == 1129464660 { type = int($3 / 65536); end = $14;
		if (type == 2 && end >= 12288) print int(($1 + end / 2) / 4096) }' | head -n 6)
[ -n "$pages" ] || fail "no events chunk large enough in $file"
for page in $pages; do
	rm -rf "$work/d" && cp -r "$work/clean" "$work/d"
	dd if=/dev/zero of="$work/d/$file" bs=4096 seek="$page" count=1 conv=notrunc 2>/dev/null
	for cmd in "info" "report --format=json" "timeline --width=80" "view -o $work/v.html" \
		"export --format=chrome -o $work/c.json" "export --format=perfetto -o $work/p.pf"; do
		# shellcheck disable=SC2086
		"$ctrace" $cmd "$work/d" >"$work/out" 2>"$work/err"
		rc=$?
		name=${cmd%% *}
		[ "$rc" = 2 ] || fail "page $page: $cmd exit $rc: $(cat "$work/err")"
		[ "$(grep -v ': note: ' "$work/err" | wc -l)" = 1 ] &&
			grep -Eq "^ctrace: $name: .*/$file: offset [0-9]+: .*" "$work/err" ||
			fail "page $page: $cmd: $(cat "$work/err")"
		if [ "$name" = report ]; then
			jq -e '.deadlocks == [] and .misuse == [] and .trace.problems >= 1' "$work/out" >/dev/null ||
				fail "page $page: findings made of lost events: $(jq -c '.deadlocks, .misuse' "$work/out")"
		fi
	done
done
# Every step'th page of records, each zeroed alone: the report only.
sweep=$(od -A d -t u4 -w4096 -v "$work/clean/$file" | awk -v step="$step" '
	$2 == 1129464660 { type = int($3 / 65536); end = $14;
		if (type == 2) for (p = 1; p * 4096 < end; p += step) print int($1 / 4096) + p }')
for page in $sweep; do
	rm -rf "$work/d" && cp -r "$work/clean" "$work/d"
	dd if=/dev/zero of="$work/d/$file" bs=4096 seek="$page" count=1 conv=notrunc 2>/dev/null
	"$ctrace" report --format=json "$work/d" >"$work/out" 2>"$work/err"
	rc=$?
	[ "$rc" = 2 ] && jq -e '.deadlocks == [] and .misuse == []' "$work/out" >/dev/null ||
		fail "page $page: report exit $rc: $(cat "$work/err"; jq -c '.deadlocks, .misuse' "$work/out")"
done
echo "PASS (damaged)"
