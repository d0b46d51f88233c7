/* SPDX-License-Identifier: MIT */
/* launch.h - starting a program under the shim and waiting for it.
 * Nothing here prints: problems come back in struct ct_error. */
#ifndef CTRACE_LAUNCH_H
#define CTRACE_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ct_error.h"

struct launch {
	char **argv;              /* (borrowed) program and arguments */
	const char *dir;          /* trace directory, absolute (borrowed), or NULL:
	                             ./ctrace-<prog>-<pid> named after the child */
	unsigned stack_depth;
	/* results */
	pid_t pid;
	int pidfd;                /* -1 until launch_wait opens it */
	char path[4096];          /* the program as found on PATH */
	char dir_buf[4096];       /* the default directory, once named */
	int exit_status;          /* as a shell reports it: 128+N for signal N */
	int exit_signal;          /* 0 if it exited */
	uint64_t start_tick, start_ns, end_tick, end_ns;
	/* what the program used, with the children it waited for (wait4);
	 * valid once it ended, if have_usage */
	bool have_usage;
	uint64_t user_us, sys_us, max_rss_kb;
};

/* Finds the program, refuses what cannot be traced (missing, not
 * executable, statically linked), forks and execs it with the shim
 * preloaded. Returns 0, or 127 (not found / cannot exec), 126 (not
 * executable) or 2 (cannot trace) with err filled. */
int launch_start(struct launch *l, struct ct_error *err);

/* Waits up to TIMEOUT_MS for the program to end (<0: forever). Returns 1
 * when it has ended (exit_status filled), 0 on timeout. */
int launch_wait(struct launch *l, int timeout_ms);

/* Ends the program (and its process group if it has one of its own). */
void launch_kill(struct launch *l, int signo);

/* The shim beside the ctrace executable (build tree or installed). */
const char *launch_shim_path(void);

/* Ticks of the clock the shim uses when the TSC is usable. */
uint64_t launch_tick(void);

#endif
