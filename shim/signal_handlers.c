/* SPDX-License-Identifier: MIT */
/* signal_handlers.c - a signal handler's run is ordered after the
 * sigaction() that installed it (as TSan orders it): what the installing
 * thread did before is seen by the handler, on whichever thread the
 * signal lands. Only in programs with instrumented code (tsan_on): the
 * order matters to their accesses alone.
 *
 * The program's handler is kept here and the kernel is given a trampoline
 * in its place, with the program's flags (SA_SIGINFO added) and mask. The
 * trampoline records a happens-after on the signal's handler channel
 * (HANDLER_CHANNEL_ADDR), then calls the program's handler; sigaction()
 * records the happens-before there first. The program never sees the
 * trampoline: every old action it reads names its own handler.
 *
 * Each install takes a new, immutable record (a handler and its flags)
 * and publishes it with one atomic store, so a signal landing during
 * another thread's sigaction() calls a whole handler, old or new. The
 * records are never freed; when they run out, handlers are installed
 * as they are (unordered, as before). */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "emit.h"
#include "real.h"
#include "signal_handlers.h"
#include "tsan_thread.h"

#define HANDLER_CHANNEL_ADDR(sig) (0xf900000000000000ull | (unsigned)(sig))
#define HANDLER_RECORDS 4096u

struct user_handler {
	union {
		void (*plain)(int);
		void (*info)(int, siginfo_t *, void *);
	};
	int flags;                 /* the program's sa_flags */
};

static struct user_handler records[HANDLER_RECORDS];
static _Atomic uint32_t records_used;
/* The program's handler behind the trampoline, by signal; NULL: none
 * (the kernel has the program's action itself). */
static _Atomic(const struct user_handler *) installed[NSIG];

static void trampoline(int sig, siginfo_t *si, void *uc)
{
	const struct user_handler *h =
		sig > 0 && sig < NSIG ? atomic_load_explicit(&installed[sig], memory_order_acquire) : NULL;
	if (!h)
		return;   /* cannot be: the trampoline is installed with a record */
	if (h->flags & SA_RESETHAND)   /* the kernel has put SIG_DFL back */
		atomic_store_explicit(&installed[sig], NULL, memory_order_release);
	shim_annotate_channel_in_handler(TRACE_ANN_HAPPENS_AFTER, HANDLER_CHANNEL_ADDR(sig));
	if (h->flags & SA_SIGINFO)
		h->info(sig, si, uc);
	else
		h->plain(sig);
}

static bool is_trampoline(const struct sigaction *a)
{
	return (a->sa_flags & SA_SIGINFO) && a->sa_sigaction == trampoline;
}

bool signal_handler_wrap(int sig, const struct sigaction *act, struct sigaction *out,
			 uintptr_t pc0, uintptr_t sp)
{
	bool handler = (act->sa_flags & SA_SIGINFO) ||
		       (act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN);
	if (!atomic_load_explicit(&tsan_on, memory_order_relaxed) || !handler || sig <= 0 ||
	    sig >= NSIG || !shim_is_own_process())
		return false;
	uint32_t i = atomic_fetch_add_explicit(&records_used, 1, memory_order_relaxed);
	if (i >= HANDLER_RECORDS)
		return false;
	struct user_handler *h = &records[i];
	h->flags = act->sa_flags;
	if (act->sa_flags & SA_SIGINFO)
		h->info = act->sa_sigaction;
	else
		h->plain = act->sa_handler;
	shim_annotate_channel(TRACE_ANN_HAPPENS_BEFORE, HANDLER_CHANNEL_ADDR(sig), pc0, sp);
	atomic_store_explicit(&installed[sig], h, memory_order_release);
	*out = *act;
	out->sa_flags |= SA_SIGINFO;
	out->sa_sigaction = trampoline;
	return true;
}

void signal_handler_set(int sig, const struct user_handler *h)
{
	if (sig > 0 && sig < NSIG && shim_is_own_process())
		atomic_store_explicit(&installed[sig], h, memory_order_release);
}

void signal_handler_shown(const struct user_handler *was, struct sigaction *old)
{
	if (!old || !is_trampoline(old) || !was)
		return;
	old->sa_flags = was->flags;
	if (was->flags & SA_SIGINFO)
		old->sa_sigaction = was->info;
	else
		old->sa_handler = was->plain;
}

const struct user_handler *signal_handler_current(int sig)
{
	return sig > 0 && sig < NSIG ? atomic_load_explicit(&installed[sig], memory_order_acquire) : NULL;
}
