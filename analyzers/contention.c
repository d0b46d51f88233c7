/* SPDX-License-Identifier: MIT */
/* contention.c - lockstats: per lock (mutex, rwlock, spinlock) acquisitions,
 * contended acquisitions, wait and hold times (totals, maxima, log2
 * histograms), owner changes; per waiting site the holders that made it wait
 * (blame: each critical section running while a thread waited is charged
 * the overlap). Blame is computed lazily: a lock keeps the time it has been
 * held per holder stack; a wait snapshots those totals when it begins and
 * charges the difference when it ends, so a release costs the same with
 * one waiter or thousands. Waits on condition variables, semaphores, barriers, joins
 * and queues are lockstats of those kinds, with no hold time. Where the
 * numbers are kept (per live lock, per class) is contention_class.c's. */
#include "grow.h"
#include "analyzer.h"
#include "contention.h"
#include "op_class.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline struct ct_lock *ct_lock(struct contention *ct, uint32_t id)
{
	uint32_t slot = id_index_get(&ct->slot_of, id);
	return slot ? &ct->locks[slot - 1] : contention_lock(ct, id);
}

static inline struct ct_stat *ct_stat(struct contention *ct, const struct ct_lock *l)
{
	return &ct->stats[l->stat];
}

static inline struct ct_thread *ct_thread(struct contention *ct, uint32_t id)
{
	if (id < ct->nthreads)
		return &ct->threads[id];
	ct->threads = grow_zeroed(ct->threads, &ct->nthreads, id + 1, sizeof(*ct->threads));
	return &ct->threads[id];
}

static void ct_hist(struct contention *ct, const struct ct_lock *l, bool hold, uint64_t ns)
{
	uint64_t *h = ct->stats[l->stat].hist;
	if (!h)
		h = contention_hist(ct, l->stat);
	h[(hold ? REPORT_HIST_BUCKETS : 0) + report_hist_bucket(ns)]++;
}

/* ---- waiting ---- */

static void ct_wait_begin(struct contention *ct, struct ct_lock *l, const struct trace_event *ev)
{
	struct ct_thread *t = ct_thread(ct, ev->thread);
	t->begin_ns = ev->ts_ns;
	bool read = op_class(ev->op) & OPC_READ;
	t->begin_held = (l->writer.thread != CT_NONE && l->writer.thread != ev->thread && l->depth) ||
			(!read && l->nreaders);
	t->writer_blamed = false;
	t->nblame = 0;
	l->waiters = contention_push(l->waiters, &l->cap_waiters, l->nwaiters, sizeof(*l->waiters));
	l->waiters[l->nwaiters++] = ev->thread;
}

/* The wait that began at T's begin_ns ended: what the critical sections
 * that ended meanwhile were charged (ct_settle) goes to its site. */
static void ct_charge_wait(struct ct_site *s, struct ct_thread *t)
{
	for (uint32_t k = 0; k < t->nblame; k++)
		contention_add_blame(&s->blame, &s->nblame, &s->cap_blame, t->blame[k].stack,
				     t->blame[k].ns);
	t->nblame = 0;
}

/* The END of a call that may have waited on OBJ: a lock's acquisition
 * (LOCK), or a wait of another kind. */
static void ct_wait_end(struct contention *ct, const struct ct_lock *l, const struct trace_event *ev,
			bool lock, bool timed_out)
{
	struct ct_stat *st = ct_stat(ct, l);
	uint64_t wait = ev->ts_ns > ev->begin_ns ? ev->ts_ns - ev->begin_ns : 0;
	struct ct_thread *t = ev->had_begin && ev->thread < ct->nthreads ? &ct->threads[ev->thread] : NULL;
	if (!timed_out)
		st->acquisitions++;
	else
		st->timeouts++;
	/* an rwlock that no other thread held while it waited, or only other
	 * readers while it waited to read: it waited for nothing (a lock
	 * annotated for TSan, recorded as an rwlock, has a request at every
	 * lock; a pthread one only after a busy try) */
	if (lock && ev->kind == TRACE_OBJ_RWLOCK && t && !t->begin_held && !timed_out &&
	    !((op_class(ev->op) & OPC_READ) ? t->writer_blamed : t->nblame > 0))
		wait = 0;
	if (!wait)
		return;
	st->contended++;
	st->wait_ns += wait;
	if (wait > st->max_wait_ns)
		st->max_wait_ns = wait;
	ct_hist(ct, l, false, wait);
	struct ct_site *s = contention_site(ct, l->stat, ev->stack);
	s->contended++;
	s->wait_ns += wait;
	if (wait > s->max_wait_ns)
		s->max_wait_ns = wait;
	if (t)
		ct_charge_wait(s, t);
}

/* ---- holding ---- */

static void ct_acquired(struct contention *ct, struct ct_lock *l, uint32_t thread, bool read,
			uint32_t stack, uint64_t now)
{
	if (l->last_owner != CT_NONE && l->last_owner != thread)
		ct_stat(ct, l)->owner_changes++;
	l->last_owner = thread;
	if (read) {
		l->readers = contention_push(l->readers, &l->cap_readers, l->nreaders, sizeof(*l->readers));
		l->readers[l->nreaders++] = (struct ct_holder){ thread, stack, now };
	} else if (l->writer.thread == thread) {
		l->depth++;
	} else {
		l->writer = (struct ct_holder){ thread, stack, now };
		l->depth = 1;
	}
}

/* A critical section ended (a WRITER's, or a reader's): each thread
 * waiting for L now is charged its overlap with the section, to the
 * section's stack (where it took the lock), or, for a lock blamed at
 * release (the GIL), to where it released it. O(waiters) a release,
 * whatever the number of stacks that held L. */
static void ct_settle(struct contention *ct, struct ct_lock *l, const struct ct_holder *h, bool writer,
		      uint32_t release_stack, uint64_t now)
{
	uint32_t stack = l->blame_at_release ? release_stack : h->stack;
	for (uint32_t i = 0; i < l->nwaiters; i++) {
		struct ct_thread *w = ct_thread(ct, l->waiters[i]);
		if (writer && l->waiters[i] != h->thread)
			w->writer_blamed = true;
		uint64_t from = h->since_ns > w->begin_ns ? h->since_ns : w->begin_ns;
		if (l->waiters[i] != h->thread && now > from)
			contention_add_blame(&w->blame, &w->nblame, &w->cap_blame, stack, now - from);
	}
}

/* THREAD no longer waits for L (acquired, gave up, or failed). */
static void ct_unwait(struct ct_lock *l, uint32_t thread)
{
	for (uint32_t i = 0; i < l->nwaiters; i++)
		if (l->waiters[i] == thread) {
			l->waiters[i] = l->waiters[--l->nwaiters];
			return;
		}
}

static void ct_held_for(struct contention *ct, struct ct_lock *l, uint64_t ns)
{
	struct ct_stat *st = ct_stat(ct, l);
	st->hold_ns += ns;
	if (ns > st->max_hold_ns)
		st->max_hold_ns = ns;
	ct_hist(ct, l, true, ns);
}

static void ct_released(struct contention *ct, struct ct_lock *l, uint32_t thread,
			uint32_t stack, uint64_t now, bool all)
{
	for (uint32_t i = l->nreaders; i-- > 0;) {
		if (l->readers[i].thread != thread)
			continue;
		struct ct_holder h = l->readers[i];
		l->readers[i] = l->readers[--l->nreaders];
		ct_held_for(ct, l, now > h.since_ns ? now - h.since_ns : 0);
		ct_settle(ct, l, &h, false, stack, now);
		return;
	}
	if (l->writer.thread == CT_NONE)
		return;
	if (l->writer.thread == thread && !all && --l->depth > 0)
		return;
	struct ct_holder h = l->writer;
	l->writer.thread = CT_NONE;
	l->depth = 0;
	ct_held_for(ct, l, now > h.since_ns ? now - h.since_ns : 0);
	ct_settle(ct, l, &h, true, stack, now);
}

/* ---- dispatch ---- */

static bool ct_is_wait(unsigned op)
{
	switch (op) {
	case TRACE_OP_COND_WAIT: case TRACE_OP_COND_TIMEDWAIT: case TRACE_OP_COND_CLOCKWAIT:
	case TRACE_OP_CND_WAIT: case TRACE_OP_CND_TIMEDWAIT:
	case TRACE_OP_SEM_WAIT: case TRACE_OP_SEM_TIMEDWAIT: case TRACE_OP_SEM_CLOCKWAIT:
	case TRACE_OP_BARRIER_WAIT:
	case TRACE_OP_JOIN: case TRACE_OP_TIMEDJOIN_NP: case TRACE_OP_CLOCKJOIN_NP: case TRACE_OP_THRD_JOIN:
	case TRACE_OP_MQ_SEND: case TRACE_OP_MQ_TIMEDSEND: case TRACE_OP_MQ_RECEIVE:
	case TRACE_OP_MQ_TIMEDRECEIVE:
		return true;
	}
	return false;
}

static void ct_forget_waiter(struct contention *ct, const struct trace_event *ev)
{
	if (ev->thread < ct->nthreads)
		ct->threads[ev->thread].nblame = 0;  /* the charges of a wait that got nothing */
}

/* A destroyed object's numbers leave its slot for its class. */
static void ct_maybe_destroyed(struct contention *ct, const struct trace_event *ev)
{
	if ((op_class(ev->op) & OPC_DESTROY) && ev->phase == TRACE_PHASE_END && !ev->result)
		contention_fold(ct, ev->obj);
}

static void ct_lock_event(struct contention *ct, const struct trace_event *ev)
{
	struct ct_lock *l = ct_lock(ct, ev->obj);
	if (ev->phase == TRACE_PHASE_BEGIN) {
		if ((op_class(ev->op) & OPC_ACQUIRE))
			ct_wait_begin(ct, l, ev);
		return;
	}
	if (ev->op == TRACE_OP_COND_RELEASE) {
		ct_released(ct, l, ev->thread, ev->stack, ev->ts_ns, true);
	} else if (ev->op == TRACE_OP_COND_REACQUIRE) {
		ct_stat(ct, l)->acquisitions++;
		ct_acquired(ct, l, ev->thread, false, ct_thread(ct, ev->thread)->cond_stack, ev->ts_ns);
	} else if ((op_class(ev->op) & OPC_ACQUIRE)) {
		if (ev->had_begin)
			ct_unwait(l, ev->thread);  /* its charges are in its ct_thread */
		if (ev->result == 0 || ev->result == EOWNERDEAD) {
			ct_wait_end(ct, l, ev, true, false);
			ct_acquired(ct, l, ev->thread, (op_class(ev->op) & OPC_READ), ev->stack, ev->ts_ns);
		} else if (ev->result == ETIMEDOUT) {
			ct_wait_end(ct, l, ev, true, true);
		} else {
			ct_forget_waiter(ct, ev);
		}
	} else if ((op_class(ev->op) & OPC_RELEASE) && ev->result == 0) {
		ct_released(ct, l, ev->thread, ev->stack, ev->ts_ns, false);
	} else {
		ct_maybe_destroyed(ct, ev);
	}
}

static void ct_wait_event(struct contention *ct, const struct trace_event *ev)
{
	if (!ct_is_wait(ev->op)) {
		ct_maybe_destroyed(ct, ev);
		return;
	}
	if ((op_class(ev->op) & OPC_COND) && ev->phase == TRACE_PHASE_BEGIN)
		ct_thread(ct, ev->thread)->cond_stack = ev->stack;
	if (ev->phase == TRACE_PHASE_BEGIN)
		ct_wait_begin(ct, ct_lock(ct, ev->obj), ev);
	else if (ev->result == 0 || ev->result == ETIMEDOUT)
		ct_wait_end(ct, ct_lock(ct, ev->obj), ev, false, ev->result == ETIMEDOUT);
	else
		ct_forget_waiter(ct, ev);
}

static void ct_feed(void *state, const struct trace_event *ev)
{
	struct contention *ct = state;
	if (!ev->obj || ev->thread == TRACE_NONE)
		return;
	switch (ev->kind) {
	case TRACE_OBJ_MUTEX: case TRACE_OBJ_RWLOCK: case TRACE_OBJ_SPINLOCK:
		ct_lock_event(ct, ev);
		return;
	case TRACE_OBJ_COND: case TRACE_OBJ_SEM: case TRACE_OBJ_BARRIER: case TRACE_OBJ_MQ:
	case TRACE_OBJ_THREAD:
		ct_wait_event(ct, ev);
		return;
	case TRACE_OBJ_NONE: case TRACE_OBJ_ONCE: case TRACE_OBJ_SPAWN: case TRACE_OBJ_ATOMIC:
	case TRACE_OBJ_KIND_COUNT:
		return;
	}
}

/* ---- the analyzer ---- */

static void ct_finish(void *state, struct report *out)
{
	contention_report(state, out);
}

static void *ct_begin(const struct trace_catalog *cat, const struct analysis_options *opt)
{
	struct contention *ct = calloc(1, sizeof(*ct));
	if (!ct)
		abort();
	ct->cat = cat;
	ct->view = opt->locks;
	ct->free_lock = ct->free_stat = ct->free_site = CT_NONE;
	id_index_init(&ct->slot_of);
	return ct;
}

static void ct_free(void *state)
{
	struct contention *ct = state;
	contention_release(ct);
	for (uint32_t i = 0; i < ct->nthreads; i++)
		free(ct->threads[i].blame);
	free(ct->threads);
	free(ct);
}

const struct analyzer analyzer_contention = {
	.name = "contention",
	.category = ANALYZER_CONTENTION,
	.begin = ct_begin,
	.feed = ct_feed,
	.finish = ct_finish,
	.free = ct_free,
	.events = ANALYZER_LOCKS_PROGRAM | ANALYZER_LOCKS_GIL,
};
