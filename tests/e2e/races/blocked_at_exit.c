// SPDX-License-Identifier: MIT
// blocked_at_exit.c HOW [END] - a thread writes `written_before_block`,
// raises a flag and blocks for good in the call HOW names (or, for "spin",
// runs on for good, or, for "futex", blocks in a raw futex wait the shim
// does not know); main waits for the flag, reads the value and ends as END
// says: return from main (the default), _exit, abort or exec, so the
// process ends while the writer still blocks or runs. A race, every run
// (TSan reports it): the writer's write must be in the trace although the
// writer records nothing after it (the flag's accesses are not
// instrumented, or they would be records).
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int written_before_block;
static atomic_int writer_tid;  /* the writer wrote */
static int fds[2];
static sigset_t usr1;
volatile int spins;     /* the spinning writer's own */
static int never;       /* no futex wake */

static void block_in(const char *how)
{
	struct timespec day = { 86400, 0 };
	char c;
	int sig;
	if (!strcmp(how, "sleep"))
		sleep(86400);
	else if (!strcmp(how, "usleep"))
		for (;;)
			usleep(999999);
	else if (!strcmp(how, "nanosleep"))
		nanosleep(&day, NULL);
	else if (!strcmp(how, "clock_nanosleep"))
		clock_nanosleep(CLOCK_MONOTONIC, 0, &day, NULL);
	else if (!strcmp(how, "pause"))
		pause();
	else if (!strcmp(how, "poll")) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		poll(&p, 1, -1);
	} else if (!strcmp(how, "select")) {
		fd_set r;
		FD_ZERO(&r);
		FD_SET(fds[0], &r);
		select(fds[0] + 1, &r, NULL, NULL, NULL);
	} else if (!strcmp(how, "sigwait"))
		sigwait(&usr1, &sig);
	else if (!strcmp(how, "read"))
		(void)!read(fds[0], &c, 1);
	else if (!strcmp(how, "recv"))
		recv(fds[0], &c, 1, 0);
	else if (!strcmp(how, "spin"))
		for (;;)
			spins++;
	else if (!strcmp(how, "futex"))
		for (;;)
			syscall(SYS_futex, &never, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	else if (!strcmp(how, "epoll_wait")) {
		struct epoll_event ev = { .events = EPOLLIN }, out;
		int ep = epoll_create1(0);
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
		epoll_wait(ep, &out, 1, -1);
	}
}

#ifdef __clang__  /* clang instruments atomics even with no_sanitize */
#define UNSEEN __attribute__((noinline, disable_sanitizer_instrumentation))
#else
#define UNSEEN __attribute__((noinline, no_sanitize("thread")))
#endif

static UNSEEN void flag_raise(void)
{
	atomic_store_explicit(&writer_tid, gettid(), memory_order_relaxed);
}

static UNSEEN int flag_wait(void)
{
	int tid;
	while (!(tid = atomic_load_explicit(&writer_tid, memory_order_relaxed)))
		;
	return tid;
}

/* Until thread TID sleeps in the kernel (its blocking call), so that the
 * process surely ends while it blocks, however loaded the machine. */
static void wait_blocked(int tid)
{
	char path[64], stat[512];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	for (int i = 0; i < 10000; i++) {
		FILE *f = fopen(path, "r");
		char *state = f && fgets(stat, sizeof stat, f) ? strrchr(stat, ')') : NULL;
		if (f)
			fclose(f);
		if (state && state[1] == ' ' && state[2] == 'S')
			return;
		usleep(1000);
	}
}

static void *writer(void *arg)
{
	written_before_block = 42;
	flag_raise();
	block_in(arg);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "sleep";
	pthread_t t;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 ||
	    pthread_create(&t, NULL, writer, (void *)how) != 0)
		return 2;
	int tid = flag_wait();
	if (strcmp(how, "spin"))
		wait_blocked(tid);
	const char *end = argc > 2 ? argv[2] : "return";
	printf("{\"mode\": \"%s\", \"value\": %d}\n", how, written_before_block);
	fflush(stdout);
	if (!strcmp(end, "_exit"))
		_exit(0);
	if (!strcmp(end, "abort"))
		abort();
	if (!strcmp(end, "exec"))
		execl("/bin/true", "true", (char *)NULL);
	return 0;
}
