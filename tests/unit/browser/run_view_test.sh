#!/bin/sh
# SPDX-License-Identifier: MIT
# run_view_test.sh - the browser test of `ctrace view`: traces view_subject,
# writes its page, and has view_test.js check it in Debian's chromium.
# Exits 77 (CTest: skipped) when node or chromium is missing.
# usage: run_view_test.sh CTRACE SUBJECT SRC_DIR WORK_DIR ARTIFACT_DIR
set -eu
ctrace=$1 subject=$2 src=$3 work=$4 art=$5
chromium=${CTRACE_CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null 2>&1; then
	echo "SKIP: node is not installed (apt-get install nodejs npm)"
	exit 77
fi
if [ ! -x "$chromium" ]; then
	echo "SKIP: $chromium is missing (apt-get install chromium)"
	exit 77
fi

# playwright-core, pinned by package-lock.json, installed once into the build tree.
if [ ! -f "$work/node_modules/playwright-core/package.json" ] ||
   ! cmp -s "$src/package-lock.json" "$work/package-lock.json"; then
	cp "$src/package.json" "$src/package-lock.json" "$work/"
	if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
		echo "FAIL: 'npm ci' of playwright-core failed in $work"
		exit 1
	fi
fi

mkdir -p "$art"
rm -rf "$art/view-trace"
"$ctrace" run -o "$art/view-trace" -- "$subject"
"$ctrace" view -o "$art/view.html" "$art/view-trace"
echo "page: $art/view.html ($(wc -c < "$art/view.html") bytes)"
CTRACE_CHROMIUM=$chromium NODE_PATH="$work/node_modules" node "$src/view_test.js" \
	"$art/view.html" "$art/view.png" \
	main worker-1 worker-2 worker-3 left right producer consumer
