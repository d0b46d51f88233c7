/* SPDX-License-Identifier: MIT */
/* lock_view_sem.c - which semaphore an object is (one across the processes
 * that share it), and a semaphore as a lock while it is used as one. */
#include "lock_view_priv.h"

#include "fnv.h"
#include "grow.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

static uint64_t lv_shared_key(uint32_t process, uint64_t address)
{
	return (uint64_t)process << 48 ^ (address & ((1ull << 48) - 1));
}

static uint64_t lv_name_hash(const char *s)
{
	uint64_t h = fnv1a_str(FNV1A_INIT, s);
	return h == U64MAP_EMPTY ? 0 : h;
}

static uint8_t *lv_state(struct lock_view *lv, uint32_t c)
{
	return &lv_sem_of(lv, c)->state;
}

static uint32_t lv_holder(const struct lock_view *lv, uint32_t c)
{
	return c < lv->nsems ? lv->sems[c].holder - 1 : LV_NONE;  /* 0 - 1 = LV_NONE */
}

static void lv_set_holder(struct lock_view *lv, uint32_t c, uint32_t thread)
{
	lv_sem_of(lv, c)->holder = thread + 1;  /* LV_NONE + 1 = 0 */
}

/* The shared semaphore at ADDRESS in PROCESS or in the processes it was
 * forked from (a mapping a fork child inherited), or 0. */
static uint32_t lv_inherited(const struct lock_view *lv, uint32_t process, uint64_t address)
{
	for (uint32_t p = process, hops = 0; p < lv->cat->nprocesses && hops < 64;
	     p = lv->cat->processes[p].parent, hops++) {
		const uint32_t *c = u64map_get(&lv->shared, lv_shared_key(p, address));
		if (c)
			return *c;
	}
	return 0;
}

static void lv_share(struct lock_view *lv, uint32_t process, uint64_t address, uint32_t c)
{
	int added;
	*u64map_put(&lv->shared, lv_shared_key(process, address), c, &added) = c;
}

/* A semaphore made (or made again) by EV: its canonical id and state. */
static uint32_t lv_made(struct lock_view *lv, const struct trace_event *ev,
			const struct trace_object *o)
{
	uint32_t c = ev->obj;
	bool lock;
	if (ev->op == TRACE_OP_SEM_OPEN) {
		int added;
		uint32_t *named = u64map_put(&lv->names, lv_name_hash(ev->str ? ev->str : ""),
					     ev->obj, &added);
		c = *named;
		if (!added) {
			lv_share(lv, ev->process, o->key, c);
			return c;   /* an existing semaphore opened again */
		}
		lock = (ev->args[0] & O_CREAT) && ev->args[1] == 1;
		lv_share(lv, ev->process, o->key, c);
	} else {
		lock = ev->args[0] == 1;
		if (ev->args[1])  /* process-shared: a fork child may use it too */
			lv_share(lv, ev->process, o->key, c);
	}
	*lv_state(lv, c) = lock ? LV_LOCK : LV_OTHER;
	lv_set_holder(lv, c, LV_NONE);
	return c;
}

/* The canonical id of semaphore EV->obj, decided at its first event. */
static uint32_t lv_canonical(struct lock_view *lv, const struct trace_event *ev)
{
	bool made = (ev->op == TRACE_OP_SEM_INIT || ev->op == TRACE_OP_SEM_OPEN) &&
		    ev->phase == TRACE_PHASE_END && !ev->result;
	if (ev->obj < lv->ncanon && lv->canon[ev->obj] && !made)
		return lv->canon[ev->obj] - 1;
	const struct trace_object *o = trace_catalog_object(lv->cat, ev->obj);
	uint32_t c = ev->obj;
	if (made && o) {
		c = lv_made(lv, ev, o);
	} else {
		uint32_t inherited = o ? lv_inherited(lv, ev->process, o->key) : 0;
		if (inherited)
			c = inherited;
		else
			*lv_state(lv, c) = LV_OTHER;  /* its value is unknown */
	}
	if (ev->obj >= lv->ncanon)
		lv->canon = grow_zeroed(lv->canon, &lv->ncanon, ev->obj + 1, sizeof(*lv->canon));
	lv->canon[ev->obj] = c + 1;
	return c;
}

/* Semaphore C stops being a lock: its holder's hold ends here. */
static void lv_disqualify(struct lock_view *lv, uint32_t c, enum lv_sem_state why,
			  const struct trace_event *ev, lock_view_emit_fn emit, void *ctx)
{
	uint32_t holder = lv_holder(lv, c);
	if (holder != LV_NONE)
		lv_emit_release(lv, ev, holder, c, emit, ctx, false);
	lv_set_holder(lv, c, LV_NONE);
	*lv_state(lv, c) = (uint8_t)why;
}

static unsigned lv_wait_op(unsigned op)
{
	return op == TRACE_OP_SEM_WAIT ? TRACE_OP_MUTEX_LOCK : TRACE_OP_MUTEX_TIMEDLOCK;
}

/* A try that got semaphore EV->obj, as a lock's op: in CPython, whose
 * every acquire tries first, what the Python call asked for (a plain
 * acquire when the shim could not tell); elsewhere a trylock. */
static unsigned lv_try_op(const struct lock_view *lv, const struct trace_event *ev)
{
	if (!lv_is_python(lv, ev->process))
		return TRACE_OP_MUTEX_TRYLOCK;
	switch (ev->args[0]) {
	case TRACE_SEM_CALL_TRY: return TRACE_OP_MUTEX_TRYLOCK;
	case TRACE_SEM_CALL_TIMED: return TRACE_OP_MUTEX_TIMEDLOCK;
	default: return TRACE_OP_MUTEX_LOCK;
	}
}

/* The end of a wait that was shown as a lock request, on a semaphore that
 * has stopped being a lock since: the request ends without the lock. */
static void lv_end_request(struct lock_view *lv, const struct trace_event *ev, uint32_t c,
			   lock_view_emit_fn emit, void *ctx)
{
	bool wait = ev->op == TRACE_OP_SEM_WAIT || ev->op == TRACE_OP_SEM_TIMEDWAIT ||
		    ev->op == TRACE_OP_SEM_CLOCKWAIT;
	if (!wait || ev->phase != TRACE_PHASE_END || ev->thread >= lv->nthreads ||
	    lv->threads[ev->thread].waiting != c + 1)
		return;
	lv->threads[ev->thread].waiting = 0;
	struct trace_event e = *ev;
	e.result = ECANCELED;
	e.obj_gap = 0;
	lv_emit_as(lv, &e, lv_wait_op(ev->op), c, emit, ctx, false);
}

/* An event on semaphore C while it is a lock. */
static void lv_sem_as_lock(struct lock_view *lv, const struct trace_event *ev, uint32_t c,
			   lock_view_emit_fn emit, void *ctx)
{
	uint32_t holder = lv_holder(lv, c);
	if (ev->obj_gap) {  /* an operation on it was lost: its state is unknown */
		lv_disqualify(lv, c, LV_OTHER, ev, emit, ctx);
		lv_end_request(lv, ev, c, emit, ctx);
		emit(ctx, ev, LOCK_VIEW_PROGRAM);
		return;
	}
	switch (ev->op) {
	case TRACE_OP_SEM_WAIT: case TRACE_OP_SEM_TIMEDWAIT: case TRACE_OP_SEM_CLOCKWAIT:
		/* A wait by its holder stays a lock request: a self-deadlock
		 * unless another thread posts (then it was a signal, as Python's
		 * Condition waiters are, and stops being a lock there). With a
		 * timeout it is a signal at once: it cannot hang. */
		if (ev->phase == TRACE_PHASE_BEGIN && holder == ev->thread &&
		    ev->op != TRACE_OP_SEM_WAIT) {
			lv_disqualify(lv, c, LV_NOT_LOCK, ev, emit, ctx);
			emit(ctx, ev, LOCK_VIEW_PROGRAM);
			return;
		}
		if (ev->phase == TRACE_PHASE_BEGIN)
			lv_thread(lv, ev->thread)->waiting = c + 1;
		if (ev->phase == TRACE_PHASE_END && !ev->result) {
			if (holder != LV_NONE) {  /* taken twice: a count above 1 */
				lv_disqualify(lv, c, LV_OTHER, ev, emit, ctx);
				lv_end_request(lv, ev, c, emit, ctx);
				emit(ctx, ev, LOCK_VIEW_PROGRAM);
				return;
			}
			lv_set_holder(lv, c, ev->thread);
			lv_note_acquire(lv, ev, c, emit, ctx);
		}
		if (ev->phase == TRACE_PHASE_END) {
			struct lv_thread *t = lv_thread(lv, ev->thread);
			t->waiting = 0;
			t->interrupted = ev->result == EINTR && holder == ev->thread ? c + 1 : 0;
		}
		lv_emit_as(lv, ev, lv_wait_op(ev->op), c, emit, ctx, false);
		return;
	case TRACE_OP_SEM_TRYWAIT:
		if (ev->result)
			return;   /* a try that failed changes nothing */
		if (holder != LV_NONE) {
			lv_disqualify(lv, c, LV_OTHER, ev, emit, ctx);
			emit(ctx, ev, LOCK_VIEW_PROGRAM);
			return;
		}
		lv_set_holder(lv, c, ev->thread);
		lv_note_acquire(lv, ev, c, emit, ctx);
		lv_emit_as(lv, ev, lv_try_op(lv, ev), c, emit, ctx, false);
		return;
	case TRACE_OP_SEM_POST:
		if (ev->result)
			return;
		if (holder != ev->thread) {  /* released by another thread, or while free */
			lv_disqualify(lv, c, holder == LV_NONE ? LV_OTHER : LV_NOT_LOCK, ev, emit, ctx);
			emit(ctx, ev, LOCK_VIEW_PROGRAM);
			return;
		}
		/* posted by its holder between its own wait on it, which a
		 * signal interrupted, and the wait's retry: by the handler
		 * (CPython runs its handlers there: an Event.set() in one ends
		 * the Condition.wait it interrupted), a signal, not a lock */
		if (lv_thread(lv, ev->thread)->interrupted == c + 1) {
			lv_disqualify(lv, c, LV_NOT_LOCK, ev, emit, ctx);
			emit(ctx, ev, LOCK_VIEW_PROGRAM);
			return;
		}
		lv_set_holder(lv, c, LV_NONE);
		lv_note_release(lv, ev, c);
		lv_emit_as(lv, ev, TRACE_OP_MUTEX_UNLOCK, c, emit, ctx, false);
		return;
	case TRACE_OP_SEM_DESTROY:
		if (ev->phase == TRACE_PHASE_END && !ev->result) {
			lv_set_holder(lv, c, LV_NONE);
			lv_emit_as(lv, ev, TRACE_OP_MUTEX_DESTROY, c, emit, ctx, false);
			return;
		}
		break;
	}
	emit(ctx, ev, LOCK_VIEW_PROGRAM);
}

void lv_sem_annotation(struct lock_view *lv, const struct trace_event *ev)
{
	struct lv_thread *t = lv_thread(lv, ev->thread);
	if (t->just_made && ev->args[0] == TRACE_ANN_HAPPENS_BEFORE && ev->args[1] == t->just_made_at &&
	    lv_is_python(lv, ev->process))
		lv_sem_of(lv, t->just_made - 1)->state = LV_PARKING;
	t->just_made = 0;
}

void lv_sem(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit, void *ctx)
{
	uint32_t c = lv_canonical(lv, ev);
	struct lv_thread *th = lv_thread(lv, ev->thread);
	th->just_made = 0;
	if (ev->op == TRACE_OP_SEM_INIT && ev->phase == TRACE_PHASE_END && !ev->result) {
		lv_note_made(lv, ev, c);
		const struct trace_object *o = trace_catalog_object(lv->cat, ev->obj);
		th->just_made = o ? c + 1 : 0;
		th->just_made_at = o ? o->key : 0;
	}
	if (*lv_state(lv, c) == LV_LOCK) {
		lv_sem_as_lock(lv, ev, c, emit, ctx);
		return;
	}
	lv_end_request(lv, ev, c, emit, ctx);
	if (c == ev->obj) {
		emit(ctx, ev, LOCK_VIEW_PROGRAM);
		return;
	}
	struct trace_event t = *ev;  /* the same semaphore as in the process that made it */
	t.obj = c;
	emit(ctx, &t, LOCK_VIEW_PROGRAM);
}

