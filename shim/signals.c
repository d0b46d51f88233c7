/* SPDX-License-Identifier: MIT */
/* signals.c - recording fatal signals. Where the program keeps a signal's
 * default action, the shim installs a recorder that writes a SIGNAL record
 * (with the stack), marks the process header, restores the default and
 * re-raises, so the process dies exactly as it would have. sigaction() and
 * signal() are wrapped so the program never sees our recorder: it reads
 * SIG_DFL, and whatever it installs replaces ours; a handler it installs
 * goes behind a trampoline that orders its runs (signal_handlers.c). */
#include "shim.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "emit.h"
#include "real.h"
#include "signal_handlers.h"
#include "stack.h"
#include "tsan_thread.h"

static const int fatal_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGTERM,
	SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGXCPU, SIGXFSZ,
};

static _Atomic unsigned char recorder_installed[NSIG];

static void record_fatal_signal(int signo, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	int saved = errno;
	struct shim_thread *t = shim_thread_self();
	if (t && !t->in_shim && shim_is_own_process()) {
		t->in_shim++;
		struct shim_call c = { .t = t, .stack = shim_stack_capture_signal(t) };
		t->in_shim--;
		shim_emit(&c, TRACE_OP_SIGNAL, 0, 0, signo, signo, 0, 0, NULL);
		tsan_publish_all();
		trace_writer_set_exit(&shim.writer, TRACE_EXIT_SIGNAL, signo);
	}
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	shim_real.sigaction(signo, &dfl, NULL);
	recorder_installed[signo] = 0;
	raise(signo);  /* delivered with the default action once we return */
	errno = saved;
}

bool shim_signal_install_hidden(int signo, void (*handler)(int, siginfo_t *, void *), int flags)
{
	struct sigaction old, act;
	if (signo <= 0 || signo >= NSIG || recorder_installed[signo] ||
	    shim_real.sigaction(signo, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
	    old.sa_handler != SIG_DFL)
		return recorder_installed[signo];
	memset(&act, 0, sizeof act);
	act.sa_sigaction = handler;
	act.sa_flags = SA_SIGINFO | flags;
	sigfillset(&act.sa_mask);
	if (shim_real.sigaction(signo, &act, NULL) != 0)
		return false;
	recorder_installed[signo] = 1;
	return true;
}

void shim_signals_install(void)
{
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		shim_signal_install_hidden(fatal_signals[i], record_fatal_signal, SA_ONSTACK);
}

/* The program's sigaction: it never sees the fatal recorder (SIG_DFL is
 * what it reads) nor the handlers' trampoline (signal_handlers.c). */
__attribute__((visibility("default")))
int sigaction(int signo, const struct sigaction *act, struct sigaction *old)
{
	if (shim_real_resolve() < 0 || !shim_real.sigaction) {
		errno = ENOSYS;
		return -1;
	}
	bool ours = signo > 0 && signo < NSIG && recorder_installed[signo];
	if (ours && old) {
		memset(old, 0, sizeof *old);
		old->sa_handler = SIG_DFL;
	}
	if (ours && !act)
		return 0;
	const struct user_handler *was = signal_handler_current(signo);
	struct sigaction wrapped;
	bool wraps = act && signal_handler_wrap(signo, act, &wrapped, SHIM_SITE());
	int r = shim_real.sigaction(signo, wraps ? &wrapped : act, ours ? NULL : old);
	if (r != 0 || (act && !wraps))
		signal_handler_set(signo, r != 0 ? was : NULL);
	if (r == 0 && act && ours)
		recorder_installed[signo] = 0;
	if (r == 0 && !ours)
		signal_handler_shown(was, old);
	return r;
}

/* signal(), as glibc's: a handler that restarts calls, its own signal
 * blocked while it runs. Through sigaction() once handlers are ordered. */
__attribute__((visibility("default")))
sighandler_t signal(int signo, sighandler_t handler)
{
	if (shim_real_resolve() < 0 || !shim_real.signal)
		return SIG_ERR;
	if (!atomic_load_explicit(&tsan_on, memory_order_relaxed)) {
		if (signo <= 0 || signo >= NSIG || !recorder_installed[signo])
			return shim_real.signal(signo, handler);
		recorder_installed[signo] = 0;
		shim_real.signal(signo, handler);
		return SIG_DFL;
	}
	if (handler == SIG_ERR || signo <= 0 || signo >= NSIG) {
		errno = EINVAL;
		return SIG_ERR;
	}
	struct sigaction act, old;
	memset(&act, 0, sizeof act);
	act.sa_handler = handler;
	sigemptyset(&act.sa_mask);
	sigaddset(&act.sa_mask, signo);
	act.sa_flags = SA_RESTART;
	if (sigaction(signo, &act, &old) != 0)
		return SIG_ERR;
	return (old.sa_flags & SA_SIGINFO) ? (sighandler_t)(void (*)(void))old.sa_sigaction : old.sa_handler;
}
