# shellcheck shell=bash
# hang_watch.sh - a case's own deadline, before ctest's: whatever still runs
# under the case then is described (each process: its threads' states and
# kernel waits and, where gdb exists, their stacks) and killed, so a hang
# seen once in CI says where it was instead of a bare "Timeout". Sourced by
# run_case.sh.

# The pids under each PID, by /proc/*/stat's ppid.
descendants() {
	local pid kid
	for pid in "$@"; do
		for kid in $(awk -v p="$pid" '{ sub(/.*\) /, ""); split($0, f, " ");
				if (f[2] == p) { split(FILENAME, d, "/"); print d[3] } }' /proc/[0-9]*/stat 2>/dev/null); do
			echo "$kid"
			descendants "$kid"
		done
	done
}

describe_process() {
	local pid=$1 t
	[ -r "/proc/$pid/cmdline" ] || return 0  # ended meanwhile
	echo "process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | head -c 300)"
	for t in /proc/"$pid"/task/*; do
		echo "  thread ${t##*/}: state $(awk '{ sub(/.*\) /, ""); print $1 }' "$t/stat" 2>/dev/null)," \
			"wchan $(cat "$t/wchan" 2>/dev/null), syscall $(cut -d' ' -f1 "$t/syscall" 2>/dev/null)"
	done
}

# Run in the background by the case (CASE_PID): once SECONDS passes
# DEADLINE, describes what runs under the case into OUT and kills it.
watch_case() {
	local case_pid=$1 deadline=$2 out=$3 self=$BASHPID pid n=0
	while [ "$SECONDS" -lt "$deadline" ]; do
		kill -0 "$case_pid" 2>/dev/null || return 0
		sleep 1
	done
	local pids
	pids=$(descendants "$case_pid" | grep -vxF -e "$self" -e "$(descendants "$self")")
	[ -n "$pids" ] || return 0
	for pid in $pids; do
		describe_process "$pid"
		# gdb stops the process a moment; the first three are read.
		if command -v gdb >/dev/null && [ $((n += 1)) -le 3 ]; then
			timeout 8 gdb -p "$pid" -batch -nx -ex 'thread apply all bt 25' 2>/dev/null |
				grep -E '^(Thread|#)' | head -n 120
		fi
	done >"$out" 2>&1
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
}
