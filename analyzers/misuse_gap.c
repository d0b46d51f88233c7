/* SPDX-License-Identifier: MIT */
/* misuse_gap.c - what the misuse rules may still claim after a gap
 * (trace_event.h): a DROPPED event on a thread, or an event whose object
 * lost an operation (obj_gap). The holders a lock's state lists are always
 * certain (seen acquiring, not seen releasing, no gap since); what a gap
 * removes is the certainty that there is no other holder, which the rules
 * "not locked", "not owner", "not held" need. */
#include "misuse.h"

/* THREAD no longer counts as a holder of LOCK, whose other holders (if
 * any) may now be incomplete. */
static void mu_forget_holder(struct misuse *mu, uint32_t lock, uint32_t thread)
{
	struct mu_lock *l = mu_lock(mu, lock);
	for (uint32_t i = l->nreaders; i-- > 0;)
		if (l->readers[i] == thread)
			l->readers[i] = l->readers[--l->nreaders];
	if (l->owner == thread) {
		l->owner = MU_NONE;
		l->depth = 0;
	}
	l->unknown = true;
}

void mu_thread_gap(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_thread *t = mu_thread(mu, ev->thread);
	mu->gaps++;
	t->gap = mu->gaps;
	for (uint32_t i = 0; i < t->nheld; i++)
		mu_forget_holder(mu, t->held[i].lock, ev->thread);
	t = mu_thread(mu, ev->thread);
	t->nheld = 0;
	mu_wait_end(mu, ev->thread);
	t = mu_thread(mu, ev->thread);
	t->pending_op = 0;
	t->relock_reported = false;
	mu_process(mu, ev->process)->gap = true;
}

void mu_object_gap(struct misuse *mu, const struct trace_event *ev)
{
	mu_lock_clear(mu, ev->obj);
	mu_lock(mu, ev->obj)->unknown = true;
	mu_set_destroyed(mu, ev->obj, false);   /* the lost operation may have been an init */
	mu_wake(mu, ev->obj);   /* ... or a signal, a post */
}

bool mu_may_hold(struct misuse *mu, uint32_t thread, uint32_t lock)
{
	const struct mu_lock *l = mu_lock_peek(mu, lock);
	if (l->unknown)
		return true;
	if (mu_thread(mu, thread)->gap <= l->known_gaps)
		return false;
	/* its gap came after the lock's holders were last known: it may have
	 * taken the lock then, unless another thread holds it for writing */
	return l->owner == MU_NONE || l->owner == thread;
}

void mu_lock_known(struct misuse *mu, struct mu_lock *l, uint32_t lock, uint32_t thread)
{
	uint64_t gap = mu_thread(mu, thread)->gap;
	/* a recursive mutex: the thread may still hold it from before its gap */
	if (l->unknown && mu_is_recursive(mu, lock) && gap > l->known_gaps)
		return;
	l->unknown = false;
	l->known_gaps = mu->gaps;
}
