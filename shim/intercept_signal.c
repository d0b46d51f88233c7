/* SPDX-License-Identifier: MIT */
/* intercept_signal.c - a signal sent to a thread of the process and
 * waited for there is a hand-off (a pointer left in a global, then
 * pthread_kill, and the receiver's sigwait): what the sender did before
 * sending signal S is ordered before what a thread does after a wait that
 * returned S. Recorded as happens-before annotations on S's channel, in a
 * range no program memory uses (SIGNAL_CHANNEL_ADDR): a release before
 * pthread_kill, pthread_sigqueue, tgkill, and kill or sigqueue to the
 * process itself; an acquire when sigwait, sigwaitinfo or sigtimedwait
 * returns S. A handler's run is ordered after its install instead
 * (signal_handlers.c). The waits may block for long: the thread's accesses are
 * published first (tsan_before_block). Before the real functions are
 * resolved, the calls go to the kernel. */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emit.h"
#include "real.h"
#include "tsan_thread.h"

#define SIGNAL_CHANNEL_ADDR(sig) (0xfa00000000000000ull | (unsigned)(sig))
#define SIGSET_BYTES 8  /* the kernel's sigset_t */

/* A happens-before annotation of KIND on signal SIG's channel, by the
 * interceptor's caller at PC0 (its stack at SP). */
static void signal_annotate(unsigned kind, int sig, uintptr_t pc0, uintptr_t sp)
{
	if (sig > 0 && sig <= 64)   /* 0: a check that the target exists, no signal */
		shim_annotate_channel(kind, SIGNAL_CHANNEL_ADDR(sig), pc0, sp);
}

/* PID names this process (kill's 0 too: its group holds it). */
static bool to_self(pid_t pid)
{
	return pid == 0 || pid == (pid_t)syscall(SYS_getpid);
}

/* ---- sent ---- */

SHIM_EXPORT int pthread_kill(pthread_t thread, int sig)
{
	signal_annotate(TRACE_ANN_HAPPENS_BEFORE, sig, SHIM_SITE());
	return SHIM_CALL_REAL(pthread_kill, (thread, sig), ENOSYS);
}

SHIM_EXPORT int pthread_sigqueue(pthread_t thread, int sig, const union sigval value)
{
	signal_annotate(TRACE_ANN_HAPPENS_BEFORE, sig, SHIM_SITE());
	return SHIM_CALL_REAL(pthread_sigqueue, (thread, sig, value), ENOSYS);
}

SHIM_EXPORT int tgkill(pid_t tgid, pid_t tid, int sig)
{
	if (to_self(tgid))
		signal_annotate(TRACE_ANN_HAPPENS_BEFORE, sig, SHIM_SITE());
	return SHIM_CALL_REAL(tgkill, (tgid, tid, sig), (int)syscall(SYS_tgkill, tgid, tid, sig));
}

SHIM_EXPORT int kill(pid_t pid, int sig)
{
	if (to_self(pid))
		signal_annotate(TRACE_ANN_HAPPENS_BEFORE, sig, SHIM_SITE());
	return SHIM_CALL_REAL(kill, (pid, sig), (int)syscall(SYS_kill, pid, sig));
}

SHIM_EXPORT int sigqueue(pid_t pid, int sig, const union sigval value)
{
	if (to_self(pid))
		signal_annotate(TRACE_ANN_HAPPENS_BEFORE, sig, SHIM_SITE());
	return SHIM_CALL_REAL(sigqueue, (pid, sig, value), (errno = ENOSYS, -1));
}

/* ---- waited for ---- */

static int sigwait_kernel(const sigset_t *set, int *sig)
{
	long r;
	do
		r = syscall(SYS_rt_sigtimedwait, set, NULL, NULL, SIGSET_BYTES);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno;
	*sig = (int)r;
	return 0;
}

SHIM_EXPORT int sigwait(const sigset_t *set, int *sig)
{
	tsan_before_block();
	int r = SHIM_CALL_REAL(sigwait, (set, sig), sigwait_kernel(set, sig));
	if (r == 0)
		signal_annotate(TRACE_ANN_HAPPENS_AFTER, *sig, SHIM_SITE());
	return r;
}

SHIM_EXPORT int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	tsan_before_block();
	int r = SHIM_CALL_REAL(sigwaitinfo, (set, info),
			       (int)syscall(SYS_rt_sigtimedwait, set, info, NULL, SIGSET_BYTES));
	signal_annotate(TRACE_ANN_HAPPENS_AFTER, r, SHIM_SITE());
	return r;
}

SHIM_EXPORT int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	tsan_before_block();
	int r = SHIM_CALL_REAL(sigtimedwait, (set, info, timeout),
			       (int)syscall(SYS_rt_sigtimedwait, set, info, timeout, SIGSET_BYTES));
	signal_annotate(TRACE_ANN_HAPPENS_AFTER, r, SHIM_SITE());
	return r;
}
