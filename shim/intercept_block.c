/* SPDX-License-Identifier: MIT */
/* intercept_block.c - calls that may block for long and record nothing:
 * sleeps, polls, signal suspends, waits for a child (the signal waits,
 * which order: intercept_signal.c). A thread blocked in one
 * when the process ends would take the accesses of its open batch with it
 * (a write before a sleep, racing with a read by the thread that exits:
 * TSan's first example), so each call publishes them first
 * (tsan_before_block). Nothing else: the call and its result are the real
 * function's. Before the real functions are resolved, the kernel's. */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emit.h"
#include "real.h"
#include "tsan_thread.h"

/* NAME(PARAMS) calls the real NAME(ARGS), or evaluates KERNEL before the
 * real functions are known. */
#define BLOCKING_CALL(ret, name, params, args, kernel)            \
	SHIM_EXPORT ret name params                               \
	{                                                         \
		tsan_before_block();                              \
		return SHIM_CALL_REAL(name, args, kernel);        \
	}

#define SIGSET_BYTES 8  /* the kernel's sigset_t */

/* The calls that return an error number, not -1 and errno. */
static int error_number(long r)
{
	return r < 0 ? errno : 0;
}

static unsigned sleep_kernel(unsigned seconds)
{
	struct timespec t = { seconds, 0 }, rem;
	if (syscall(SYS_nanosleep, &t, &rem) == 0)
		return 0;
	return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
}

static int usleep_kernel(useconds_t us)
{
	struct timespec t = { us / 1000000, (long)(us % 1000000) * 1000 };
	return (int)syscall(SYS_nanosleep, &t, NULL);
}

static int ppoll_kernel(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
			const sigset_t *mask)
{
	struct timespec t, *tp = timeout ? (t = *timeout, &t) : NULL;
	return (int)syscall(SYS_ppoll, fds, n, tp, mask, SIGSET_BYTES);
}

static int pselect_kernel(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *timeout,
			  const sigset_t *mask)
{
	struct timespec t, *tp = timeout ? (t = *timeout, &t) : NULL;
	struct { const sigset_t *set; size_t bytes; } m = { mask, SIGSET_BYTES };
	return (int)syscall(SYS_pselect6, n, r, w, e, tp, &m);
}

BLOCKING_CALL(int, nanosleep, (const struct timespec *req, struct timespec *rem), (req, rem),
	      (int)syscall(SYS_nanosleep, req, rem))
BLOCKING_CALL(int, clock_nanosleep,
	      (clockid_t clock, int flags, const struct timespec *req, struct timespec *rem),
	      (clock, flags, req, rem),
	      error_number(syscall(SYS_clock_nanosleep, clock, flags, req, rem)))
BLOCKING_CALL(unsigned, sleep, (unsigned seconds), (seconds), sleep_kernel(seconds))
BLOCKING_CALL(int, usleep, (useconds_t us), (us), usleep_kernel(us))
BLOCKING_CALL(int, pause, (void), (), (int)syscall(SYS_pause))
BLOCKING_CALL(int, poll, (struct pollfd *fds, nfds_t n, int timeout), (fds, n, timeout),
	      (int)syscall(SYS_poll, fds, n, timeout))
/* poll() with _FORTIFY_SOURCE */
BLOCKING_CALL(int, __poll_chk, (struct pollfd *fds, nfds_t n, int timeout, size_t fds_len),
	      (fds, n, timeout, fds_len), (int)syscall(SYS_poll, fds, n, timeout))
BLOCKING_CALL(int, ppoll,
	      (struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask),
	      (fds, n, timeout, mask), ppoll_kernel(fds, n, timeout, mask))
BLOCKING_CALL(int, select, (int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout),
	      (n, r, w, e, timeout), (int)syscall(SYS_select, n, r, w, e, timeout))
BLOCKING_CALL(int, pselect,
	      (int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *timeout,
	       const sigset_t *mask),
	      (n, r, w, e, timeout, mask), pselect_kernel(n, r, w, e, timeout, mask))
BLOCKING_CALL(int, sigsuspend, (const sigset_t *mask), (mask),
	      (int)syscall(SYS_rt_sigsuspend, mask, SIGSET_BYTES))
BLOCKING_CALL(pid_t, waitpid, (pid_t pid, int *status, int options), (pid, status, options),
	      (pid_t)syscall(SYS_wait4, pid, status, options, NULL))
BLOCKING_CALL(pid_t, wait, (int *status), (status), (pid_t)syscall(SYS_wait4, -1, status, 0, NULL))
