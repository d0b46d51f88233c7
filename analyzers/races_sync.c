/* SPDX-License-Identifier: MIT */
/* races_sync.c - the synchronization rules: what each event of the trace
 * orders, as releases into an object's clock and acquisitions from it
 * (TSan's semantics: compiler-rt tsan_rtl_mutex.cpp, tsan_interface_atomic.cpp).
 *
 *   mutex, spinlock, C11 mtx   unlock releases, lock acquires
 *   rwlock                     write unlock -> clk, read unlock -> rclk;
 *                              rdlock acquires clk, wrlock clk and rclk
 *   cond                       signal/broadcast release to the woken wait;
 *                              the wait's mutex: COND_RELEASE / REACQUIRE
 *   sem, mq                    post/send release, wait/receive acquire (a
 *                              send from its start: its BEGIN)
 *   barrier                    a round's arrivals (BEGINs, stamped) before
 *                              its departures (ENDs)
 *   once                       each return acquires what the run released
 *   create -> start, end -> join, fork -> the child's first thread
 *   atomics                    release stores replace, release RMWs join
 *                              (release sequences continue through RMWs),
 *                              acquire loads/RMWs acquire; relaxed: fences
 *   annotations                happens-before / happens-after on an address
 *
 * A gap on an object (obj_gap) lost some release into it: the object is
 * taken as released by everything so far, and the thread there as having
 * acquired it, so nothing unknown turns into a race. */
#include "races.h"
#include "op_class.h"

#include <errno.h>

/* Kinds whose objects can race themselves (init/destroy vs use). */
static bool rc_obj_races(uint8_t kind)
{
	switch (kind) {
	case TRACE_OBJ_MUTEX: case TRACE_OBJ_RWLOCK: case TRACE_OBJ_SPINLOCK:
	case TRACE_OBJ_COND: case TRACE_OBJ_SEM: case TRACE_OBJ_BARRIER:
		return true;
	}
	return false;
}

static void rc_send(struct rc_hb *hb, uint32_t t)
{
	struct rc_thread *th = rc_thread(hb, t);
	vclock_copy(&th->sent, &th->vc);
	vclock_tick(&th->vc, t);
	th->has_sent = true;
}

static void rc_create(struct rc_hb *hb, const struct trace_event *ev)
{
	struct rc_thread *t = rc_thread(hb, ev->thread);
	if (ev->phase == TRACE_PHASE_BEGIN || !t->has_sent) {
		rc_send(hb, ev->thread);
		hb->threads[ev->thread].sent_to = ev->peer_thread;
	}
	if (ev->phase == TRACE_PHASE_BEGIN)
		return;
	if (ev->result == 0 && ev->peer_thread != TRACE_NONE && ev->peer_thread != ev->thread) {
		rc_thread(hb, ev->peer_thread);
		t = &hb->threads[ev->thread];
		vclock_join(&hb->threads[ev->peer_thread].vc, &t->sent);
	}
	hb->threads[ev->thread].has_sent = false;
}

/* The child's first record: its create may still be in flight. Only its
 * own: a child that starts after its create returned got the clock then,
 * and the create in flight now is a later one's, whose clock holds what
 * the parent did after this child's create (a race with it, not an order). */
static void rc_thread_start(struct rc_hb *hb, const struct trace_event *ev)
{
	uint32_t parent = ev->peer_thread;
	if (parent == TRACE_NONE || parent == ev->thread)
		return;
	rc_thread(hb, parent);
	struct rc_thread *p = &hb->threads[parent];
	if (p->has_sent && (p->sent_to == ev->thread || p->sent_to == TRACE_NONE))
		vclock_join(&hb->threads[ev->thread].vc, &p->sent);
}

void rc_extra_of(const struct trace_catalog *cat, const struct trace_event *ev, bool first_of_thread,
		 struct rc_extra *x)
{
	const struct trace_object *o = ev->obj ? trace_catalog_object(cat, ev->obj) : NULL;
	x->obj_key = o ? o->key : 0;
	x->fork_parent = TRACE_NONE;
	const struct trace_process *p = ev->process < cat->nprocesses ? &cat->processes[ev->process] : NULL;
	x->unseen_order = !p || p->openmp_unordered || !p->accesses_seen;
	const struct trace_thread *th = first_of_thread ? trace_catalog_thread(cat, ev->thread) : NULL;
	if (th && th->index == 0 && th->process < cat->nprocesses)
		x->fork_parent = cat->processes[th->process].parent_thread;
}

/* A forked process's main thread starts after its parent's fork. */
static void rc_fork_child(struct rc_hb *hb, const struct trace_event *ev, uint32_t parent)
{
	if (parent == TRACE_NONE || parent == ev->thread)
		return;
	rc_thread(hb, parent);
	rc_thread(hb, ev->thread);
	if (hb->threads[parent].has_forked)
		vclock_join(&hb->threads[ev->thread].vc, &hb->threads[parent].forked);
}

/* An ended thread nobody joins any more: its clocks go (a program that
 * makes thousands of threads keeps the clocks of those alive, not of all
 * it ever made), its last epoch stays. */
static void rc_thread_let_go(struct rc_thread *th)
{
	if (th->released)
		return;
	th->released = true;
	vclock_release(&th->vc);
	if (!th->has_forked)   /* a forked child may start later */
		vclock_release(&th->forked);
}

static void rc_thread_end(struct rc_hb *hb, uint32_t t)
{
	struct rc_thread *th = rc_thread(hb, t);
	/* A lock it still holds is let go with it: a robust mutex's next
	 * owner gets EOWNERDEAD (rc_lock) and takes what it did; any other's
	 * next taker follows an unlock by another thread, a misuse reported
	 * as such. */
	for (uint32_t i = 0; i < th->nheld; i++)
		rc_release(hb, t, th->held[i].read ? &rc_obj(hb, th->held[i].lock)->rclk
						   : &rc_obj(hb, th->held[i].lock)->clk);
	th->end_epoch = vclock_get(&th->vc, t);
	th->ended = true;
	vclock_tick(&th->vc, t);
	if (!th->has_sent)
		vclock_release(&th->sent);
	vclock_release(&th->fence_acq);
	vclock_release(&th->fence_rel);
	th->has_fence_rel = false;
	if (th->detached)
		rc_thread_let_go(th);
}

static void rc_join(struct rc_hb *hb, const struct trace_event *ev)
{
	uint32_t peer = ev->peer_thread;
	if (ev->phase != TRACE_PHASE_END || ev->result != 0 || peer == TRACE_NONE || peer == ev->thread)
		return;
	rc_thread(hb, peer);
	struct rc_thread *j = rc_thread(hb, ev->thread), *p = &hb->threads[peer];
	if (!p->ended) {
		vclock_join(&j->vc, &p->vc);
		return;
	}
	/* its clock at the end: the ticked one, but its own entry */
	uint32_t own = vclock_get(&j->vc, peer);
	vclock_join(&j->vc, &p->vc);
	vclock_set(&j->vc, peer, own > p->end_epoch ? own : p->end_epoch);
	rc_thread_let_go(p);
}

/* A detach, or a thread made detached: nobody joins it. */
static void rc_detached(struct rc_hb *hb, uint32_t t)
{
	if (t == TRACE_NONE)
		return;
	struct rc_thread *th = rc_thread(hb, t);
	th->detached = true;
	if (th->ended)
		rc_thread_let_go(th);
}

static void rc_lock(struct rc_hb *hb, const struct trace_event *ev, struct rc_sync *s)
{
	if (ev->result != 0 && ev->result != EOWNERDEAD)
		return;
	bool read = op_class(ev->op) & OPC_READ;
	rc_acquire(hb, ev->thread, &s->clk);
	if (!read)
		rc_acquire(hb, ev->thread, &s->rclk);
	rc_held_add(hb, ev->thread, ev->obj, read);
}

static void rc_unlock(struct rc_hb *hb, const struct trace_event *ev, struct rc_sync *s)
{
	if (ev->result != 0)
		return;
	bool read = false;
	rc_held_remove(hb, ev->thread, ev->obj, &read);
	rc_release(hb, ev->thread, read ? &s->rclk : &s->clk);
}

static void rc_barrier(struct rc_hb *hb, const struct trace_event *ev, struct rc_sync *s)
{
	if (ev->phase == TRACE_PHASE_BEGIN) {
		rc_release(hb, ev->thread, &s->arrive);
		s->narrive++;
		return;
	}
	if (!s->ndepart) {   /* the first departure closes the round */
		vclock_copy(&s->clk, &s->arrive);
		vclock_release(&s->arrive);
		s->ndepart = s->narrive;
		s->narrive = 0;
	}
	rc_acquire(hb, ev->thread, &s->clk);
	if (s->ndepart)
		s->ndepart--;
}

static void rc_atomic(struct rc_hb *hb, const struct trace_event *ev, struct rc_sync *s)
{
	uint64_t op = ev->args[0] & TRACE_ATOMIC_OP_MASK, mo = ev->args[1];
	struct rc_thread *t = rc_thread(hb, ev->thread);
	bool load = op == TRACE_ATOMIC_LOAD || op == TRACE_ATOMIC_CAS_FAIL || op == TRACE_ATOMIC_RMW;
	bool store = op == TRACE_ATOMIC_STORE || op == TRACE_ATOMIC_RMW;
	if (load) {
		if (trace_mo_acquires(mo))
			rc_acquire(hb, ev->thread, &s->clk);
		else   /* a later acquire fence makes it an acquisition */
			vclock_join(&t->fence_acq, &s->clk);
	}
	if (!store)
		return;
	if (trace_mo_releases(mo)) {
		if (op == TRACE_ATOMIC_STORE)   /* a new release sequence */
			vclock_copy(&s->clk, &t->vc);
		rc_release(hb, ev->thread, &s->clk);
	} else if (t->has_fence_rel) {     /* an earlier release fence */
		vclock_join(&s->clk, &t->fence_rel);
	}
}

static void rc_fence(struct rc_hb *hb, const struct trace_event *ev)
{
	struct rc_thread *t = rc_thread(hb, ev->thread);
	if (trace_mo_acquires(ev->args[0]))
		vclock_join(&t->vc, &t->fence_acq);
	if (trace_mo_releases(ev->args[0])) {
		vclock_copy(&t->fence_rel, &t->vc);
		t->has_fence_rel = true;
		vclock_tick(&t->vc, ev->thread);
	}
}

static void rc_annotate(struct rc_hb *hb, const struct trace_event *ev)
{
	if (ev->args[0] != TRACE_ANN_HAPPENS_BEFORE && ev->args[0] != TRACE_ANN_HAPPENS_AFTER)
		return;
	struct rc_sync *s = rc_addr_sync(hb, ev->process, ev->args[1]);
	if (ev->args[0] == TRACE_ANN_HAPPENS_BEFORE)
		rc_release(hb, ev->thread, &s->clk);
	else
		rc_acquire(hb, ev->thread, &s->clk);
}

/* Calls that hand something over from the caller: their use of the object
 * is checked before the release. */
static bool rc_releases(const struct trace_event *ev)
{
	switch (ev->op) {
	case TRACE_OP_SEM_POST: case TRACE_OP_COND_SIGNAL: case TRACE_OP_COND_BROADCAST:
	case TRACE_OP_CND_SIGNAL: case TRACE_OP_CND_BROADCAST: case TRACE_OP_MQ_SEND:
	case TRACE_OP_MQ_TIMEDSEND:
		return true;
	case TRACE_OP_BARRIER_WAIT:
		return ev->phase == TRACE_PHASE_BEGIN;
	}
	return trace_op_is_lock_release(ev->op);
}

/* The object-level effect of ev (obj is valid). */
static void rc_object_event(struct rc_hb *hb, const struct trace_event *ev)
{
	struct rc_sync *s = rc_obj(hb, ev->obj);
	if (ev->obj_gap) {   /* some operation on it is lost */
		rc_sync_gap(hb, s);
		rc_acquire_all(hb, ev->thread);
		if (ev->obj_gap == TRACE_OBJ_GAP_LATE)
			return;
	}
	unsigned op = ev->op;
	if (op == TRACE_OP_ATOMIC) {
		rc_atomic(hb, ev, s);
		return;
	}
	if (op == TRACE_OP_BARRIER_WAIT) {
		if (ev->phase == TRACE_PHASE_BEGIN || ev->result == 0)
			rc_barrier(hb, ev, s);
		return;
	}
	if (trace_op_is_mq_send(op)) {
		/* The start releases (trace_op_is_mq_send); a send that then
		 * fails orders too (it can hide a race, never make one). */
		if (ev->phase == TRACE_PHASE_BEGIN || (!ev->had_begin && ev->result == 0))
			rc_release(hb, ev->thread, &s->clk);
		return;
	}
	if (ev->phase != TRACE_PHASE_END)
		return;
	unsigned c = op_class(op);
	if (c & OPC_ACQUIRE) {
		rc_lock(hb, ev, s);
	} else if (c & OPC_RELEASE) {
		rc_unlock(hb, ev, s);
	} else if (c & OPC_COND) {
		if (ev->result == 0)
			rc_acquire(hb, ev->thread, &s->clk);
		if (ev->obj2) {   /* it returns holding its mutex (also without COND_REACQUIRE) */
			struct rc_sync *m = rc_obj(hb, ev->obj2);
			rc_acquire(hb, ev->thread, &m->clk);
		}
	} else if (op == TRACE_OP_COND_RELEASE) {
		rc_held_remove(hb, ev->thread, ev->obj, NULL);
		rc_release(hb, ev->thread, &s->clk);
	} else if (op == TRACE_OP_COND_REACQUIRE) {
		rc_acquire(hb, ev->thread, &s->clk);
		rc_held_add(hb, ev->thread, ev->obj, false);
	} else if (rc_releases(ev)) {
		if (ev->result == 0)
			rc_release(hb, ev->thread, &s->clk);
	} else if (op == TRACE_OP_SEM_WAIT || op == TRACE_OP_SEM_TRYWAIT || op == TRACE_OP_SEM_TIMEDWAIT ||
		   op == TRACE_OP_SEM_CLOCKWAIT || op == TRACE_OP_MQ_RECEIVE ||
		   op == TRACE_OP_MQ_TIMEDRECEIVE) {
		if (ev->result == 0)
			rc_acquire(hb, ev->thread, &s->clk);
	} else if (op == TRACE_OP_ONCE || op == TRACE_OP_CALL_ONCE) {
		/* The run's return comes first in the once's order; the other
		 * calls return after it and take what it did. */
		if (ev->result == 0) {
			rc_acquire(hb, ev->thread, &s->clk);
			rc_release(hb, ev->thread, &s->clk);
		}
	}
}

static void rc_use(const struct trace_event *ev, uint32_t heldset, bool overlap_only,
		   void (*use)(void *ctx, const struct trace_event *ev, const struct rc_objuse *u),
		   void *ctx)
{
	if (!use || !ev->obj || !rc_obj_races(ev->kind) ||
	    !(trace_op_desc(ev->op) && (trace_op_desc(ev->op)->flags & TRACE_F_CALL)))
		return;
	/* A condition wait uses its condition from its start: woken, the waiter
	 * no longer waits on it, and may return after it was destroyed. */
	bool cond = op_class(ev->op) & OPC_COND;
	if (ev->phase == TRACE_PHASE_BEGIN && ev->op != TRACE_OP_BARRIER_WAIT && !cond)
		return;
	if (ev->phase == TRACE_PHASE_END && cond && ev->had_begin)
		return;
	/* A named semaphore's open and close are not its init and destroy:
	 * threads open and close the same one, each for itself. */
	if (ev->op == TRACE_OP_SEM_OPEN || ev->op == TRACE_OP_SEM_CLOSE || ev->op == TRACE_OP_SEM_UNLINK)
		return;
	unsigned c = op_class(ev->op);
	struct rc_objuse u = { ev->obj, (c & (OPC_INIT | OPC_DESTROY)) != 0, (c & OPC_INIT) != 0, heldset,
				overlap_only };
	use(ctx, ev, &u);
}

void rc_sync_event(struct rc_hb *hb, const struct trace_event *ev, const struct rc_extra *x,
		   void (*use)(void *ctx, const struct trace_event *ev, const struct rc_objuse *u),
		   void *ctx)
{
	if (x->fork_parent != TRACE_NONE)
		rc_fork_child(hb, ev, x->fork_parent);
	struct rc_thread *t = rc_thread(hb, ev->thread);
	switch (ev->op) {
	case TRACE_OP_DROPPED:
		rc_thread_gap(hb, ev->thread);
		return;
	case TRACE_OP_THREAD_START:
		rc_thread_start(hb, ev);
		return;
	case TRACE_OP_THREAD_END:
		rc_thread_end(hb, ev->thread);
		return;
	case TRACE_OP_THREAD_ATTR:
		if (ev->args[0])
			rc_detached(hb, ev->thread);
		return;
	case TRACE_OP_DETACH: case TRACE_OP_THRD_DETACH:
		if (ev->phase == TRACE_PHASE_END && ev->result == 0)
			rc_detached(hb, ev->peer_thread);
		return;
	case TRACE_OP_CREATE: case TRACE_OP_THRD_CREATE:
		rc_create(hb, ev);
		return;
	case TRACE_OP_FORK:   /* the child's first thread takes it (rc_fork_child) */
		if (ev->phase == TRACE_PHASE_BEGIN || !t->fork_begun) {
			vclock_copy(&t->forked, &t->vc);
			vclock_tick(&t->vc, ev->thread);
			t->has_forked = true;
		}
		t->fork_begun = ev->phase == TRACE_PHASE_BEGIN;
		return;
	case TRACE_OP_FENCE:
		rc_fence(hb, ev);
		return;
	case TRACE_OP_ANNOTATE:
		rc_annotate(hb, ev);
		return;
	case TRACE_OP_FREED:   /* one object of a freed block (races.c): its end */
		if (use && ev->obj && rc_obj_races(ev->kind)) {
			struct rc_objuse u = { ev->obj, true, false, rc_heldset(hb, ev->thread),
					       x->unseen_order };
			use(ctx, ev, &u);
		}
		if (ev->obj)
			rc_obj_forget(hb, ev->obj);
		return;
	}
	unsigned c = op_class(ev->op);
	if (c & OPC_JOIN) {
		rc_join(hb, ev);
		return;
	}
	if (!ev->obj)
		return;
	if ((ev->op == TRACE_OP_ONCE || ev->op == TRACE_OP_CALL_ONCE) && ev->phase == TRACE_PHASE_END &&
	    ev->result == 0 && x->obj_key)
		/* what the routine did, released by the shim's annotation on the
		 * once before the library marked it done (its caller's END may
		 * come after this one) */
		rc_acquire(hb, ev->thread, &rc_addr_sync(hb, ev->process, x->obj_key)->clk);
	/* A use is checked before the release it makes, so that what it hands
	 * over orders it. Not a signal's: its wake orders what the signaller
	 * did before the call, while the call itself may still be running on
	 * the condition after the woken waiter returned and destroyed it (as
	 * ThreadSanitizer, which orders nothing by a signal, reports it). */
	bool first = (c & (OPC_RELEASE | OPC_DESTROY)) || (rc_releases(ev) && !trace_op_is_cond_signal(ev->op));
	uint32_t held = use && rc_obj_races(ev->kind) ? rc_heldset(hb, ev->thread) : RC_NONE;
	if (first)
		rc_use(ev, held, x->unseen_order, use, ctx);
	rc_object_event(hb, ev);
	if (!first)
		rc_use(ev, held, x->unseen_order, use, ctx);
	/* A destroyed object's clocks go with it (a barrier's stay for the
	 * threads still inside it; a named semaphore's close is one thread's,
	 * the others' stays open). */
	if ((c & OPC_DESTROY) && ev->phase == TRACE_PHASE_END && ev->result == 0 &&
	    ev->op != TRACE_OP_BARRIER_DESTROY && ev->op != TRACE_OP_SEM_CLOSE)
		rc_obj_forget(hb, ev->obj);
}
