/* SPDX-License-Identifier: MIT */
/* races_objects.c - races on sync objects, from their calls alone: an
 * init or destroy (a write) unordered with a use by another thread (a
 * read: lock, unlock, wait, signal, post, barrier arrival and departure).
 * Per object (each incarnation has an id of its own): its init and each
 * thread's latest use, as FastTrack keeps a read vector.
 *
 * An init starts afresh: the memory may have been freed and allocated
 * again, an allocator's order is not traced. A destroy is checked against
 * the uses before it, then forgotten: later uses are the misuse analysis'
 * use-after-destroy (and the memory may be reused by an object set up
 * without an init call). But a barrier's: a thread that leaves the barrier
 * after it (its wait returns later in the trace) was still inside, as one
 * that left before it unordered was: both race with it, whichever the
 * trace holds first. */
#include "races_objects.h"

#include <stdlib.h>
#include <string.h>

static struct rc_objstate *rc_objstate(struct rc_objraces *o, uint32_t obj)
{
	if (!o->v.elem)   /* a part's table, made at its first use */
		id_table_init(&o->v, sizeof(struct rc_objstate));
	struct rc_objstate *st = id_table_entry(&o->v, obj, sizeof(struct rc_objstate));
	id_table_claim(&o->v, obj, &st->used);
	return st;
}

/* Object OBJ's state goes (destroyed or freed, not a barrier). */
static void rc_objstate_forget(struct rc_objraces *o, uint32_t obj, struct rc_objstate *st)
{
	free(st->reads);
	id_table_drop(&o->v, obj, st, sizeof(*st));
}

/* PREV and CUR (later in the trace) race: another thread's, unordered.
 * Where the order may go unrecorded (U->overlap_only), only calls that
 * overlapped in time certainly are (a recorded span lies within its call):
 * a worker that unlocks, then sets a plain flag its pool's owner spins on
 * before it destroys the mutex, as nginx's thread pool does, is ordered. */
static bool rc_unordered(struct rc_hb *hb, const struct rc_objuse *u, const struct rc_objacc *prev,
			 const struct rc_objacc *cur, const struct rc_thread *th)
{
	return prev->thread != cur->thread && !rc_hb_before(hb, prev->thread, prev->epoch, th) &&
	       (!u || !u->overlap_only || (cur->begin_ns <= prev->ts_ns && prev->begin_ns <= cur->ts_ns));
}

/* The usual read: the object's one user again (no init by another thread
 * to check): updated in place. */
static bool rc_objraces_same_user(struct rc_objstate *st, const struct trace_event *ev,
				  const struct rc_objuse *u, uint32_t epoch, uint32_t heldset)
{
	if (u->write || st->nreads != 1 || st->reads[0].thread != ev->thread ||
	    (st->has_init && st->init.thread != ev->thread))
		return false;
	struct rc_objacc *r = &st->reads[0];   /* fields, not a struct copy: no store-forward stall */
	r->epoch = epoch;
	r->stack = ev->stack;
	r->heldset = heldset;
	r->begin_ns = ev->begin_ns ? ev->begin_ns : ev->ts_ns;
	r->ts_ns = ev->ts_ns;
	r->op = ev->op;
	return true;
}

void rc_objraces_use(struct rc_objraces *o, struct rc_hb *hb, const struct trace_event *ev,
		     const struct rc_objuse *u, rc_objrace_fn found, void *ctx)
{
	uint32_t heldset = u->heldset;
	const struct rc_thread *th = rc_thread(hb, ev->thread);
	uint32_t epoch = vclock_get(&th->vc, ev->thread);
	struct rc_objstate *st = rc_objstate(o, u->obj);
	if (rc_objraces_same_user(st, ev, u, epoch, heldset))
		return;
	struct rc_objacc cur = {
		.thread = ev->thread, .epoch = epoch, .stack = ev->stack, .heldset = heldset,
		.begin_ns = ev->begin_ns ? ev->begin_ns : ev->ts_ns, .ts_ns = ev->ts_ns, .op = ev->op,
		.write = u->write,
	};
	if (u->init) {
		st->has_init = false;
		st->nreads = 0;
		st->destroy.op = 0;
	}
	if (st->destroy.op == TRACE_OP_BARRIER_DESTROY && ev->op == TRACE_OP_BARRIER_WAIT && ev->phase == TRACE_PHASE_END &&
	    rc_unordered(hb, u, &st->destroy, &cur, th))
		found(ctx, ev, u, &cur, &st->destroy);
	if (st->has_init && rc_unordered(hb, u, &st->init, &cur, th))
		found(ctx, ev, u, &cur, &st->init);
	if (u->write)
		for (uint32_t i = 0; i < st->nreads; i++)
			if (rc_unordered(hb, u, &st->reads[i], &cur, th))
				found(ctx, ev, u, &cur, &st->reads[i]);
	if (u->init) {
		st->init = cur;
		st->has_init = true;
		return;
	}
	if (u->write) {   /* a destroy: all is forgotten but a barrier's */
		if (cur.op != TRACE_OP_BARRIER_DESTROY) {
			rc_objstate_forget(o, u->obj, st);
			return;
		}
		st->has_init = false;
		st->nreads = 0;
		st->destroy = cur;
		return;
	}
	uint32_t keep = 0;   /* reads ordered before this one are covered by it */
	for (uint32_t i = 0; i < st->nreads; i++)
		if (st->reads[i].thread != cur.thread && rc_unordered(hb, NULL, &st->reads[i], &cur, th))
			st->reads[keep++] = st->reads[i];
	st->nreads = keep;
	if (st->nreads == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 2;
		st->reads = realloc(st->reads, st->cap * sizeof(*st->reads));
		if (!st->reads)
			abort();
	}
	st->reads[st->nreads++] = cur;
}

static void rc_objstate_release(void *entry, uint32_t id, void *ctx)
{
	(void)id, (void)ctx;
	free(((struct rc_objstate *)entry)->reads);
}

void rc_objraces_release(struct rc_objraces *o)
{
	id_table_each(&o->v, rc_objstate_release, NULL);
	id_table_release(&o->v);
}
