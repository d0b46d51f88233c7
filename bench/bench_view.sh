#!/bin/sh
# SPDX-License-Identifier: MIT
# bench_view.sh - performance check of `ctrace view` (not a test): traces a
# lock loop of about EVENTS events, times the page generation, prints the page
# size, and, when node, chromium and playwright-core (installed by the
# browser test in BUILD/tests/unit/browser) are there, how long the page
# takes to load and to draw a frame at several zooms.
# usage: bench/bench_view.sh [BUILD_DIR [EVENTS]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
events=${2:-1000000}
threads=8
iters=$((events / threads / 2))
work=$(mktemp -d /tmp/ctrace-bench-view.XXXXXX)
trap 'rm -rf "$work"' EXIT

cc -O2 -g -pthread -o "$work/view_lockloop" "$here/view_lockloop.c"
"$build/ctrace" run -o "$work/trace" -- "$work/view_lockloop" "$threads" "$iters" >/dev/null
echo "trace: $("$build/ctrace" info --format=json "$work/trace" | tr -d '\n' |
	sed -n 's/.*"events": *\([0-9]*\).*"bytes": *\([0-9]*\).*/\1 events, \2 bytes/p')"

start=$(date +%s.%N)
"$build/ctrace" view -o "$work/view.html" "$work/trace"
end=$(date +%s.%N)
size=$(wc -c < "$work/view.html")
awk -v a="$start" -v b="$end" -v n="$size" \
	'BEGIN { printf "ctrace view: %.2f s, page %d bytes (%.1f MiB)\n", b - a, n, n / 1048576 }'

modules="$build/tests/unit/browser/node_modules"
if command -v node >/dev/null 2>&1 && [ -x /usr/bin/chromium ] && [ -d "$modules/playwright-core" ]; then
	NODE_PATH="$modules" node "$here/bench_view_browser.js" "$work/view.html"
else
	echo "browser: skipped (needs node, /usr/bin/chromium and $modules from the browser test)"
fi
