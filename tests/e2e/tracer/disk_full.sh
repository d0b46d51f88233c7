#!/usr/bin/env bash
# disk_full.sh - the trace directory on a 1 MiB file system: the program
# still runs to the end with the right result, and the trace says how
# many events were dropped. Needs root (mount); skipped otherwise.
set -u
CTRACE=$1 PROG=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to mount a small tmpfs"; exit 77; }
mnt=$(mktemp -d)
mount -t tmpfs -o size=1m tmpfs "$mnt" 2>/dev/null || { echo "SKIP: cannot mount tmpfs"; rmdir "$mnt"; exit 77; }
trap 'umount "$mnt"; rmdir "$mnt"' EXIT
out=$("$CTRACE" run -o "$mnt/t" -- "$PROG" 300000 2>"$mnt/../ctrace-disk-full.err")
status=$?
[ "$status" = 0 ] || { echo "FAIL: exit status $status"; exit 1; }
echo "$out" | jq -e '.counter == 600000' >/dev/null || { echo "FAIL: wrong output: $out"; exit 1; }
info=$("$CTRACE" info --format=json "$mnt/t") || { echo "FAIL: ctrace info failed"; exit 1; }
echo "$info" | jq -e '.dropped > 0 and .events > 1000 and .by_kind.mutex_lock + .dropped >= 600000' >/dev/null ||
	{ echo "FAIL: $info"; exit 1; }
echo "PASS (dropped $(echo "$info" | jq .dropped) of $(echo "$info" | jq '.events + .dropped'))"
