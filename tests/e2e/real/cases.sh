# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034,SC2154 # run_real.sh sources it, reads the variables
# cases.sh - the real-program cases, sourced by run_real.sh; cases.cmake
# registers one ctest per case_NAME() function found here.
#
# case_NAME runs in an empty input folder, writes its inputs there (from
# fixed seeds) and sets what run_real.sh runs and checks:
#   cmd            the command line (array), run in a copy of the inputs
#   feed           a shell command whose output is the command's stdin
#                  (else /dev/null); run for the native and the traced run
#   files          files the command writes, compared byte for byte
#   run_opts       options of `ctrace run`
#   expect         the native exit status the case is built for (0)
#   min_threads    threads and processes `ctrace info` must show at least
#   min_processes  (1): the program really used its threads
#   min_seconds    the traced run must last this long (the program sleeps)
# `need PROG...` skips the case when a program is not installed;
# `setenv NAME=VALUE` exports a variable for the inputs and both runs.
#
# Inputs are a few MiB so that each case takes a few seconds at most traced;
# the cases that run longer than the hang watchdog's stall timeout use
# --stall-timeout=2 and programs that sleep or read a pipe for 3 s.

PY=/usr/bin/python3 # Debian's python, not a pyenv shim that may come first

# gen_text FILE LINES: words and numbers, compressible about 2.5:1.
gen_text() {
	awk -v n="$2" 'BEGIN {
		srand(42)
		split("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda " \
			"mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega lock " \
			"mutex thread cond barrier queue semaphore", w, " ")
		for (i = 0; i < n; i++)
			printf "%07d %s %s %s %d\n", int(rand() * 10000000), w[int(rand() * 32) + 1],
				w[int(rand() * 32) + 1], w[int(rand() * 32) + 1], int(rand() * 100000)
	}' >"$1"
}

# gen_numbers FILE LINES: one number a line.
gen_numbers() {
	awk -v n="$2" 'BEGIN { srand(7); for (i = 0; i < n; i++) printf "%d\n", int(rand() * 100000000) }' >"$1"
}

# gen_repo DIR FILES: a git repository whose FILES text files are in the
# index (git grep searches what is tracked; no commit is needed).
gen_repo() {
	mkdir "$1" && git -C "$1" init -q . || return 1
	awk -v dir="$1" -v n="$2" 'BEGIN {
		srand(3)
		split("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda " \
			"mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega lock " \
			"mutex thread cond barrier queue semaphore", w, " ")
		for (f = 0; f < n; f++) {
			sub_dir = sprintf("%s/d%02d", dir, f % 10)
			if (f < 10) system("mkdir " sub_dir)
			name = sprintf("%s/f%03d.txt", sub_dir, f)
			for (i = 0; i < 200; i++)
				printf "%s %s %s %d\n", w[int(rand() * 32) + 1], w[int(rand() * 32) + 1],
					w[int(rand() * 32) + 1], int(rand() * 1000) >name
			close(name)
		}
	}' && git -C "$1" add -A
}

# A git that reads no configuration of the machine or the user.
git_isolated() {
	setenv GIT_CONFIG_NOSYSTEM=1
	setenv GIT_CONFIG_GLOBAL=/dev/null
}

# Stdin of the pipe cases: the data, then 3 s more before the end of file,
# as a slow producer does. The program idles in read() meanwhile.
FEED_SLOWLY='cat data; sleep 3'

# --- Compressors, sort, git grep: multithreaded, run directly ---

case_pigz_compress() {
	need pigz
	gen_text data 140000
	cmd=(pigz -p 4 -n -c data)
	min_threads=5
}

case_pigz_file() {
	need pigz
	gen_text data 140000
	cmd=(pigz -p 4 -k data)
	files=(data.gz)
	min_threads=5
}

case_pigz_decompress() {
	need pigz
	gen_text data 140000
	pigz -p 4 -n data
	cmd=(pigz -p 4 -d -c data.gz)
	min_threads=2
}

case_xz_t2() {
	need xz
	gen_text data 140000
	cmd=(xz -T2 -2 --block-size=1MiB -c data)
	min_threads=3
}

case_xz_t4_decompress() {
	need xz
	gen_text data 140000
	xz -T2 -2 --block-size=1MiB data
	cmd=(xz -T4 -d -c data.xz)
	min_threads=3
}

case_zstd_t2() {
	need zstd
	gen_text data 140000
	cmd=(zstd -T2 -B1MiB -c data)
	min_threads=3
}

case_zstd_t4_file() {
	need zstd
	gen_text data 140000
	cmd=(zstd -T4 -B1MiB -q data -o data.zst)
	files=(data.zst)
	min_threads=5
}

# sort sorts a buffer with threads from 128 Ki lines (4 threads cost 96
# bytes a line), so -S 24M: three buffers, two of them sorted by 2 threads,
# written to temporary files and merged.
case_sort_parallel() {
	need sort
	gen_numbers nums 600000
	setenv LC_ALL=C
	cmd=(sort --parallel=4 -S 24M -T . nums)
	min_threads=3
}

case_sort_parallel_keys() {
	need sort
	gen_text data 140000
	setenv LC_ALL=C
	cmd=(sort --parallel=4 -S 24M -T . '-k3,3' '-k1,1n' -o sorted data)
	files=(sorted)
	min_threads=2
}

case_git_grep() {
	need git
	git_isolated
	gen_repo repo 300
	cmd=(git -C repo -c grep.threads=4 grep -n -e 'mutex.*barrier [0-9]*2$')
	min_threads=5
}

case_git_grep_count() {
	need git
	git_isolated
	gen_repo repo 300
	cmd=(git -C repo -c grep.threads=4 grep -c -w lock)
	min_threads=5
}

# No match: git grep exits 1, and so must ctrace run.
case_git_grep_nomatch() {
	need git
	git_isolated
	gen_repo repo 300
	cmd=(git -C repo -c grep.threads=4 grep -e 'no such words')
	expect=1
	min_threads=5
}

# --- Python: threading and multiprocessing ---

case_python_threads() {
	need "$PY"
	cp "$here/py_threads.py" .
	cmd=("$PY" py_threads.py)
	min_threads=30
}

# 4 pool workers, 4 lock users, 3 queue producers and one terminated
# process: 12 children at least.
case_python_mp_fork() {
	need "$PY"
	cp "$here/py_multiprocessing.py" .
	cmd=("$PY" py_multiprocessing.py fork)
	min_processes=12
}

case_python_mp_spawn() {
	need "$PY"
	cp "$here/py_multiprocessing.py" .
	cmd=("$PY" py_multiprocessing.py spawn)
	min_processes=12
}

case_python_mp_forkserver() {
	need "$PY"
	cp "$here/py_multiprocessing.py" .
	cmd=("$PY" py_multiprocessing.py forkserver)
	min_processes=12
}

# --- Longer than the stall timeout (2 s): idle phases, then exec ---

# A worker idles on a queue while the main thread sleeps.
case_python_idle() {
	need "$PY"
	cp "$here/py_threads.py" .
	cmd=("$PY" py_threads.py --idle 3)
	run_opts=(--stall-timeout=2)
	min_threads=30
	min_seconds=3
}

# A process terminated (SIGTERM) while it waits for a Lock; the parent
# lives on 3 s.
case_python_mp_terminate() {
	need "$PY"
	cp "$here/py_multiprocessing.py" .
	cmd=("$PY" py_multiprocessing.py fork --linger 3)
	run_opts=(--stall-timeout=2)
	min_processes=12
	min_seconds=3
}

# Run directly, the control of the exec cases below.
case_xz_pipe() {
	need xz
	gen_text data 40000
	cmd=(xz -T2 -2 --block-size=256KiB -c)
	feed=$FEED_SLOWLY
	run_opts=(--stall-timeout=2)
	min_threads=3
}

# sh forks sleep and waits for it.
case_sh_sleep() {
	cmd=(sh -c 'sleep 3; echo slept')
	run_opts=(--stall-timeout=2)
	min_processes=2
	min_seconds=3
}

case_env_sleep() {
	need env
	cmd=(env sleep 3)
	run_opts=(--stall-timeout=2)
	min_seconds=3
}

case_sh_exec_sleep() {
	cmd=(sh -c 'exec sleep 3')
	run_opts=(--stall-timeout=2)
	min_seconds=3
}

case_nice_sleep() {
	need nice
	cmd=(nice -n 1 sleep 3)
	run_opts=(--stall-timeout=2)
	min_seconds=3
}

# The issue's `nice -n 1 xz -T2 -c big > out`, whose output came out cut.
case_nice_xz_pipe() {
	need nice xz
	gen_text data 40000
	cmd=(nice -n 1 xz -T2 -2 --block-size=256KiB -c)
	feed=$FEED_SLOWLY
	run_opts=(--stall-timeout=2)
	min_threads=3
}

case_env_pigz_pipe() {
	need env pigz
	gen_text data 40000
	cmd=(env pigz -p 4 -n -c)
	feed=$FEED_SLOWLY
	run_opts=(--stall-timeout=2)
	min_threads=5
}

case_sh_exec_zstd_pipe() {
	need zstd
	gen_text data 40000
	cmd=(sh -c 'exec zstd -T2 -B256KiB -c')
	feed=$FEED_SLOWLY
	run_opts=(--stall-timeout=2)
	min_threads=3
}

# A shim as pyenv installs them: a bash script, started through env by its
# #! line, that execs the interpreter.
case_python_shim() {
	need "$PY" bash
	cp "$here/py_threads.py" .
	printf '#!/usr/bin/env bash\nexec %s "$@"\n' "$PY" >python3
	chmod +x python3
	cmd=(./python3 py_threads.py --idle 3)
	run_opts=(--stall-timeout=2)
	min_threads=30
	min_seconds=3
}

# The issue's own command, with the default stall timeout (10 s).
case_env_sleep_default() {
	need env
	cmd=(env sleep 12)
	min_seconds=12
}
