/* SPDX-License-Identifier: MIT */
/* tsan_exit.c - the end of the process (exit, _exit, exec, a fatal
 * signal) publishes the accesses in every thread's open batch. A thread
 * still running then, or blocked in a call that records nothing, would
 * otherwise take its last interval's accesses with it, and a race with
 * them would be missed: a worker writes what main reads before it exits.
 *
 * Only a thread may end its own batch (it writes into it without a lock),
 * so each thread with one is asked by a signal, whose handler publishes
 * the batch unless it interrupted the shim (the thread is then asked
 * again). The signal is a real-time one the program leaves at its default,
 * installed hidden (signals.c) at the first end, never before. Asked with
 * SA_RESTART, a thread's calls go on; a thread that blocks the signal is
 * given up, and the wait for the others is bounded. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tsan_thread.h"

#define ASK_AGAIN_NS   1000000ull    /* a thread that did not answer is asked again */
#define ASK_MAX_NS     200000000ull  /* then the rest is given up */
#define ASK_POLL_NS    100000l

static _Atomic uint32_t request;     /* the current request's number */
static _Atomic int ask_signo;        /* 0: not chosen yet, -1: none free */
static atomic_flag asking;

/* The handler, on the thread asked. A signal that is not ours (another
 * process's, or the program's own) gets the default action it would have
 * had without us. */
static void answer(int signo, siginfo_t *si, void *uc)
{
	(void)uc;
	int saved = errno;
	if (si->si_code != SI_TKILL || si->si_pid != getpid()) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigaction(signo, &dfl, NULL);
		raise(signo);
		errno = saved;
		return;
	}
	struct shim_thread *t = shim_thread_peek();
	struct tsan_thread *ts = t ? t->tsan : NULL;
	if (ts && ts->owner == t && !t->in_shim) {
		tsan_publish(ts);
		atomic_store_explicit(&ts->answered, atomic_load(&request), memory_order_release);
	}
	errno = saved;
}

/* The signal to ask with: the highest real-time one at its default action. */
static int ask_signal(void)
{
	int s = atomic_load(&ask_signo);
	if (s)
		return s;
	s = -1;
	for (int i = SIGRTMAX; i >= SIGRTMIN; i--)
		if (shim_signal_install_hidden(i, answer, SA_RESTART)) {
			s = i;
			break;
		}
	atomic_store(&ask_signo, s);
	return s;
}

/* Whether thread TID blocks SIGNO (the SigBlk line of its /proc status);
 * false if unknown. Read in small pieces: this may run on a signal stack. */
static bool blocks(uint32_t tid, int signo)
{
	char path[64] = "/proc/self/task/", *p = path + 16, digits[12];
	int n = 0;
	do
		digits[n++] = (char)('0' + tid % 10);
	while ((tid /= 10) && n < 11);
	while (n)
		*p++ = digits[--n];
	memcpy(p, "/status", sizeof "/status");
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	static const char key[] = "\nSigBlk:";
	size_t matched = 0;
	bool in_value = false, found = false;
	uint64_t mask = 0;
	char buf[128];
	long got;
	while (!found && (got = syscall(SYS_read, fd, buf, sizeof buf)) > 0) {
		for (long i = 0; i < got && !found; i++) {
			char c = buf[i];
			if (in_value) {
				if (c >= '0' && c <= '9')
					mask = mask << 4 | (uint64_t)(c - '0');
				else if (c >= 'a' && c <= 'f')
					mask = mask << 4 | (uint64_t)(c - 'a' + 10);
				else if (c != ' ' && c != '\t')
					found = true;
			} else if (c == key[matched]) {
				in_value = ++matched == sizeof key - 1;
			} else {
				matched = c == '\n';
			}
		}
	}
	syscall(SYS_close, fd);
	return found && (mask >> (signo - 1)) & 1;
}

/* Whether T has accesses to publish (or merged loads to count) and has not
 * answered request REQ. */
static bool must_answer(struct shim_thread *t, uint32_t req)
{
	struct tsan_thread *ts = __atomic_load_n(&t->tsan, __ATOMIC_ACQUIRE);
	return ts && __atomic_load_n(&t->tid, __ATOMIC_RELAXED) &&
	       atomic_load_explicit(&ts->answered, memory_order_acquire) != req &&
	       ((__atomic_load_n(&ts->batch.count_at, __ATOMIC_RELAXED) &&
		 __atomic_load_n(&ts->batch.n, __ATOMIC_RELAXED)) ||
		__atomic_load_n(&ts->loads_merged, __ATOMIC_RELAXED));
}

/* Asks every thread but SELF with accesses to publish, with SIGNO, and
 * waits for their answers. */
static void ask_all(struct shim_thread *self, int signo)
{
	uint32_t req = atomic_fetch_add(&request, 1) + 1;
	pid_t pid = getpid();
	uint64_t start = trace_mono_ns(), asked = 0;
	for (bool first = true;; first = false) {
		uint64_t now = trace_mono_ns();
		bool again = first || now - asked >= ASK_AGAIN_NS, waiting = false;
		for (struct shim_thread *t = atomic_load(&shim.all); t; t = t->next_all) {
			if (t == self || !must_answer(t, req))
				continue;
			if (again) {
				uint32_t tid = __atomic_load_n(&t->tid, __ATOMIC_RELAXED);
				if (syscall(SYS_tgkill, pid, tid, signo) != 0 || (!first && blocks(tid, signo))) {
					/* gone, or it will not hear: not waited for */
					atomic_store(&t->tsan->answered, req);
					continue;
				}
			}
			waiting = true;
		}
		if (again)
			asked = now;
		if (!waiting || now - start >= ASK_MAX_NS)
			return;
		struct timespec pause = { 0, ASK_POLL_NS };
		syscall(SYS_nanosleep, &pause, NULL);
	}
}

void tsan_publish_all(void)
{
	if (!atomic_load_explicit(&tsan_on, memory_order_relaxed) ||
	    atomic_load_explicit(&shim.state, memory_order_acquire) != SHIM_ACTIVE ||
	    !shim_is_own_process())
		return;
	struct shim_thread *self = shim_thread_peek();
	if (self && self->tsan && self->tsan->owner == self)
		tsan_publish(self->tsan);
	if (atomic_flag_test_and_set(&asking))
		return;   /* another thread is asking */
	int signo = ask_signal();
	if (signo > 0)
		ask_all(self, signo);
	atomic_flag_clear(&asking);
}
