/* SPDX-License-Identifier: MIT */
/* misuse_cond.c - waits and the life cycle of objects (see misuse.h):
 * cond-wait-not-held, cond-mixed-mutex, cond-signal-not-held, the waiters
 * of conds, semaphores and barriers and the wakes that may have reached
 * them, destroy-locked, destroy-with-waiters, use-after-destroy,
 * reinit-in-use.
 *
 * A waiter counts until a wake (signal, broadcast, post, barrier release)
 * comes after the start of its wait: POSIX lets one signal wake more than
 * one thread, so only a waiter whose wait began after the last wake cannot
 * have been woken. A woken waiter still takes its mutex back and returns
 * after a destroy that is legal; that return is no use after destroy. */
#include "misuse.h"

#include "grow.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

/* ---- waiters and wakes ---- */

static void mu_cond_wait_start(struct misuse *mu, const struct trace_event *ev);

void mu_wait_begin(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_thread *t = mu_thread(mu, ev->thread);
	struct mu_lock *l = mu_lock(mu, ev->obj);
	t->pending_waiter = true;
	t->pending_wakes = l->wakes;
	l->waiters++;
	l->unwoken++;
	if ((op_class(ev->op) & OPC_COND))
		mu_cond_wait_start(mu, ev);
}

void mu_wait_end(struct misuse *mu, uint32_t thread)
{
	struct mu_thread *t = mu_thread(mu, thread);
	if (!t->pending_waiter)
		return;
	t->pending_waiter = false;
	struct mu_lock *l = mu_lock(mu, t->pending_obj);
	t = mu_thread(mu, thread);
	if (l->waiters)
		l->waiters--;
	if (t->pending_wakes == l->wakes && l->unwoken)
		l->unwoken--;
}

void mu_wake(struct misuse *mu, uint32_t obj)
{
	struct mu_lock *l = mu_lock(mu, obj);
	l->wakes++;
	l->unwoken = 0;
}

/* ---- condition variables ---- */

static void mu_cond_wait_start(struct misuse *mu, const struct trace_event *ev)
{
	uint32_t mutex = ev->obj2;
	if (!mutex)
		return;
	if (mu_lock_peek(mu, mutex)->owner != ev->thread && !mu_may_hold(mu, ev->thread, mutex))
		mu_report(mu, REPORT_MISUSE_COND_WAIT_NOT_HELD, ev->thread, mutex, ev->stack,
			  "wait on {cond} with {lock} not held by this thread")->cond = ev->obj;
	/* POSIX binds a condition to the mutex of a wait until it returns:
	 * only waits at the same time must share one. A wait alone on it
	 * binds it anew (this wait is counted among the waiters already). */
	struct mu_lock *c = mu_lock(mu, ev->obj);
	if (!c->cond_mutex || c->waiters <= 1) {
		c->cond_mutex = mutex;
		c->cond_mutex_thread = ev->thread;
		c->cond_mixed = false;
		return;
	}
	if (c->cond_mutex == mutex)
		return;
	c->cond_mixed = true;
	uint32_t first = c->cond_mutex, first_thread = c->cond_mutex_thread;
	struct report_misuse *r = mu_report(mu, REPORT_MISUSE_COND_MIXED_MUTEX, ev->thread, mutex,
					    ev->stack, "wait on {cond} with {lock} while a thread "
					    "waits on it with {other_lock}");
	r->other_lock = first;
	r->other_thread = first_thread;
	r->cond = ev->obj;
}

void mu_cond_signal(struct misuse *mu, const struct trace_event *ev)
{
	const struct mu_lock *c = mu_lock_peek(mu, ev->obj);
	uint32_t mutex = c->cond_mutex;
	if (!mutex || c->cond_mixed)
		return;   /* no known mutex (or two): nothing to hold */
	const struct mu_lock *m = mu_lock_peek(mu, mutex);
	if (m->owner == ev->thread || mu_may_hold(mu, ev->thread, mutex))
		return;
	/* Lock, change the state, unlock, then signal: the state changed
	 * under the mutex (a common, correct idiom that spares the woken
	 * thread a wait for the mutex). */
	if (mu_thread(mu, ev->thread)->last_released == mutex)
		return;
	char fn[48];
	struct report_misuse *r = mu_report(mu, REPORT_MISUSE_COND_SIGNAL_NOT_HELD, ev->thread, mutex,
					    ev->stack, "%s on {cond} without holding {lock}, which "
					    "its waiters use (allowed, but a wakeup is lost if "
					    "their condition changed without it)",
					    report_op_function(ev->op, fn, sizeof(fn)));
	r->cond = ev->obj;
	r->op = ev->op;
}

/* ---- destroy, init, use after destroy ---- */

void mu_set_destroyed(struct misuse *mu, uint32_t id, bool on)
{
	uint32_t w = id / 64;
	uint64_t bit = 1ull << (id % 64);
	if (w >= mu->ndestroyed) {
		if (!on)
			return;
		mu->destroyed = grow_zeroed(mu->destroyed, &mu->ndestroyed, w + 1,
					    sizeof(*mu->destroyed));
	}
	struct mu_destroyed *d = &mu->destroyed[w];
	if (!on) {
		d->ever &= ~bit;
		d->recent &= ~bit;
		return;
	}
	if (d->epoch != mu->gaps) {
		d->recent = 0;   /* destroyed before a gap: stale */
		d->epoch = mu->gaps;
	}
	d->ever |= bit;
	d->recent |= bit;
}

bool mu_was_destroyed(const struct misuse *mu, uint32_t id, bool recent)
{
	if (id / 64 >= mu->ndestroyed)
		return false;
	const struct mu_destroyed *d = &mu->destroyed[id / 64];
	if (recent)
		return d->epoch == mu->gaps && (d->recent >> (id % 64) & 1);
	return d->ever >> (id % 64) & 1;
}

/* Nothing of L outlives a destroy: no holder, no waiter, no doubt. */
static bool mu_lock_is_idle(const struct mu_lock *l)
{
	return l->owner == MU_NONE && !l->nreaders && !l->waiters && !l->unwoken && !l->unknown;
}

void mu_reinit_unlocked(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_lock *l = mu_lock(mu, ev->obj);
	struct mu_reinit *r = &l->reinit;
	if (!r->pending || r->holder != ev->thread)
		return;
	r->pending = false;
	struct report_misuse *m = mu_report(mu, REPORT_MISUSE_REINIT_IN_USE, r->thread, ev->obj, r->stack,
					    "re-initialization of {lock} while thread T%" PRIu32
					    " holds it (it unlocked it after)", r->holder);
	m->other_thread = r->holder;
	m->other_stack = r->holder_stack;
}

/* A destroy while threads wait on the object: at the call's start when it
 * has one (glibc's condition destroy waits for them, maybe for good). */
void mu_destroy_waited_on(struct misuse *mu, const struct trace_event *ev)
{
	const struct mu_lock *l = mu_lock_peek(mu, ev->obj);
	if (l->unwoken)
		mu_report(mu, REPORT_MISUSE_DESTROY_WITH_WAITERS, ev->thread, ev->obj, ev->stack,
			  "destroy of {lock} while %" PRIu32 " thread%s wait%s on it", l->unwoken,
			  l->unwoken == 1 ? "" : "s", l->unwoken == 1 ? "s" : "");
}

void mu_destroy(struct misuse *mu, const struct trace_event *ev)
{
	const struct mu_lock *l = mu_lock_peek(mu, ev->obj);
	if (l->owner != MU_NONE || l->nreaders) {
		uint32_t owner = l->owner != MU_NONE ? l->owner : l->readers[0];
		struct report_misuse *m = mu_report(mu, REPORT_MISUSE_DESTROY_LOCKED, ev->thread, ev->obj,
						    ev->stack, "destroy of {lock} while thread T%" PRIu32
						    " holds it", owner);
		m->other_thread = owner;
		m->other_stack = l->owner != MU_NONE ? l->owner_stack : 0;
	} else if (!ev->had_begin) {   /* else told at the start */
		mu_destroy_waited_on(mu, ev);
	}
	if (ev->result != 0)
		return;
	if (ev->op != TRACE_OP_SEM_CLOSE)
		mu_set_destroyed(mu, ev->obj, true);
	/* its state ends here, unless someone still holds or waits on it */
	if (mu_lock_is_idle(mu_lock_peek(mu, ev->obj)))
		mu_lock_forget(mu, ev->obj);
}

/* An operator delete of a heap block holding a lock some thread holds:
 * its end, as a destroy (a std::mutex has no destroy call: deleting the
 * object that holds one locked is undefined behaviour in C++). Not a C
 * free(): code that frees a struct under its own lock, without unlocking
 * or destroying it, works with glibc. Its holders hold it no more. */
void mu_freed(struct misuse *mu, const struct trace_event *ev)
{
	if (ev->result != 0 || !(ev->args[2] & TRACE_FREED_DELETE))   /* realloc in place: result 1 */
		return;
	uint64_t addr = ev->args[0], size = ev->args[1];
	for (uint32_t t = 0; t < mu->nthreads; t++) {
		struct mu_thread *th = &mu->threads[t];
		for (uint32_t i = 0; i < th->nheld;) {
			uint32_t lock = th->held[i].lock, stack = th->held[i].stack, n = th->nheld;
			const struct trace_object *o = trace_catalog_object(mu->cat, lock);
			if (!o || o->process != ev->process || o->key - addr >= size) {
				i++;
				continue;
			}
			struct report_misuse *m = mu_report(mu, REPORT_MISUSE_DESTROY_LOCKED, ev->thread, lock,
							    ev->stack, "delete of the object holding {lock} while "
							    "thread T%" PRIu32 " holds it", t);
			m->other_thread = t;
			m->other_stack = stack;
			mu_lock_clear(mu, lock);
			if (th->nheld == n)   /* not in its holder's list after all: go on */
				i++;
		}
	}
}

/* An init of an object in use: held (told once its holder unlocks it,
 * *HELD until then), or with waiters no wake reached. */
static bool mu_reinit_in_use(struct misuse *mu, const struct trace_event *ev, struct mu_reinit *held)
{
	struct mu_lock *l = mu_lock(mu, ev->obj);
	if (l->owner != MU_NONE || l->nreaders) {
		*held = (struct mu_reinit){ true, l->owner != MU_NONE ? l->owner : l->readers[0],
					    l->owner != MU_NONE ? l->owner_stack : 0, ev->thread, ev->stack };
		return true;
	}
	if (!l->unwoken)
		return false;
	mu_report(mu, REPORT_MISUSE_REINIT_IN_USE, ev->thread, ev->obj, ev->stack,
		  "re-initialization of {lock} while %" PRIu32 " thread%s wait%s on it", l->unwoken,
		  l->unwoken == 1 ? "" : "s", l->unwoken == 1 ? "s" : "");
	return true;
}

void mu_init(struct misuse *mu, const struct trace_event *ev)
{
	/* opening a named semaphore or queue does not reset it */
	bool opens = ev->op == TRACE_OP_SEM_OPEN || ev->op == TRACE_OP_MQ_OPEN;
	struct mu_reinit held = { .pending = false };
	bool in_use = !opens && !mu_was_destroyed(mu, ev->obj, false) && mu_reinit_in_use(mu, ev, &held);
	mu_lock_clear(mu, ev->obj);
	struct mu_lock *l = mu_lock(mu, ev->obj);
	mu_set_destroyed(mu, ev->obj, false);
	l->reinit = held;
	if (opens)
		return;
	/* after a re-init in use, the old holders' unlocks are not misuse of
	 * their own: the state stays unknown until someone locks it */
	l->unknown = in_use;
	l->known_gaps = mu->gaps;
}

bool mu_use_after_destroy(struct misuse *mu, const struct trace_event *ev)
{
	/* since the last gap: a lost operation since may have been an init */
	if (!mu_was_destroyed(mu, ev->obj, true) || (op_class(ev->op) & OPC_INIT))
		return false;
	/* glibc marks a destroyed mutex (its kind -1), and every call on it
	 * fails with EINVAL: one that did not fail was on a new mutex, made
	 * at the address without a call (PTHREAD_MUTEX_INITIALIZER, zeroed
	 * memory, std::mutex) */
	if (ev->kind == TRACE_OBJ_MUTEX && (ev->phase != TRACE_PHASE_END || ev->result != EINVAL)) {
		if (ev->phase == TRACE_PHASE_END)
			mu_set_destroyed(mu, ev->obj, false);
		return false;
	}
	const struct mu_thread *t = mu_thread(mu, ev->thread);
	if (ev->phase == TRACE_PHASE_END && t->pending_op == ev->op && t->pending_obj == ev->obj &&
	    t->pending_waiter)
		return false;   /* the return of a wait that began before the destroy */
	char fn[48];
	mu_report(mu, REPORT_MISUSE_USE_AFTER_DESTROY, ev->thread, ev->obj, ev->stack,
		  "%s on {lock} after it was destroyed", report_op_function(ev->op, fn, sizeof(fn)));
	return true;
}
