/* SPDX-License-Identifier: MIT */
/* lock_view.c - the lock view (lock_view.h): its state, its verdicts, and
 * each event to the file that knows its kind (lock_view_priv.h). */
#include "lock_view_priv.h"

#include "grow.h"

#include <stdlib.h>
#include <string.h>

struct lock_view *lock_view_new(const struct trace_catalog *cat)
{
	struct lock_view *lv = calloc(1, sizeof(*lv));
	if (!lv)
		abort();
	lv->cat = cat;
	return lv;
}

void lock_view_free(struct lock_view *lv)
{
	if (!lv)
		return;
	free(lv->canon);
	free(lv->sems);
	u64map_release(&lv->shared);
	u64map_release(&lv->names);
	u64map_release(&lv->life);
	u64map_release(&lv->tstate_stacks);
	free(lv->threads);
	free(lv);
}

struct lv_sem *lv_sem_of(struct lock_view *lv, uint32_t c)
{
	if (c >= lv->nsems)
		lv->sems = grow_zeroed(lv->sems, &lv->nsems, c + 1, sizeof(*lv->sems));
	return &lv->sems[c];
}

void lock_view_keep_joins(struct lock_view *lv)
{
	lv->keep_joins = true;
}

enum lock_view_verdict lock_view_verdict(const struct lock_view *lv, uint32_t obj)
{
	if (!lv || obj >= lv->nsems)
		return LOCK_VIEW_AS_IS;
	const struct trace_object *o;
	switch (lv->sems[obj].state) {
	case LV_LOCK:
		return LOCK_VIEW_LOCK;
	case LV_NOT_LOCK:
		o = trace_catalog_object(lv->cat, obj);
		return o && lv_is_python(lv, o->process) ? LOCK_VIEW_PYTHON_WAIT : LOCK_VIEW_NOT_LOCK;
	case LV_PARKING:
		return LOCK_VIEW_PYTHON_WAIT;
	}
	return LOCK_VIEW_AS_IS;
}

bool lv_is_python(const struct lock_view *lv, uint32_t process)
{
	return process < lv->cat->nprocesses &&
	       lv->cat->processes[process].runtime == TRACE_RUNTIME_CPYTHON;
}

struct lv_thread *lv_thread(struct lock_view *lv, uint32_t id)
{
	if (id >= lv->nthreads)
		lv->threads = grow_zeroed(lv->threads, &lv->nthreads, id + 1, sizeof(*lv->threads));
	return &lv->threads[id];
}

static enum lock_view_source lv_source(const struct lock_view *lv, uint32_t obj, bool gil)
{
	return gil ? LOCK_VIEW_GIL : lv_is_life_lock(lv, obj) ? LOCK_VIEW_JOIN : LOCK_VIEW_PROGRAM;
}

/* EV as OP on lock OBJ (the GIL if GIL). */
/* What EV, shown as OP, says the program called. */
static uint8_t lv_call_op(const struct trace_event *ev, unsigned op)
{
	return ev->call_op ? ev->call_op : ev->op != op ? ev->op : 0;
}

void lv_emit_as(const struct lock_view *lv, const struct trace_event *ev, unsigned op,
		       uint32_t obj, lock_view_emit_fn emit, void *ctx, bool gil)
{
	enum lock_view_source source = lv_source(lv, obj, gil);
	if (source == LOCK_VIEW_JOIN && lv->keep_joins) {
		emit(ctx, ev, source);
		return;
	}
	struct trace_event t = *ev;
	t.call_op = lv_call_op(ev, op);
	t.op = (uint8_t)op;
	t.kind = TRACE_OBJ_MUTEX;
	t.obj = obj;
	t.obj2 = 0;
	emit(ctx, &t, source);
}

/* THREAD no longer holds lock OBJ, at EV's time (its hold is over, or no
 * longer known). */
void lv_emit_release(struct lock_view *lv, const struct trace_event *ev, uint32_t thread,
			    uint32_t obj, lock_view_emit_fn emit, void *ctx, bool gil)
{
	struct trace_event t = *ev;
	t.call_op = lv_call_op(ev, TRACE_OP_MUTEX_UNLOCK);
	t.op = TRACE_OP_MUTEX_UNLOCK;
	t.phase = TRACE_PHASE_END;
	t.kind = TRACE_OBJ_MUTEX;
	t.had_begin = 0;
	t.obj = obj;
	t.obj2 = 0;
	t.thread = thread;
	t.process = thread < lv->cat->nthreads ? lv->cat->threads[thread].process : ev->process;
	t.result = 0;
	t.begin_ns = t.ts_ns;
	t.peer_thread = TRACE_NONE;
	t.seq = 0;
	if (thread != ev->thread)
		t.stack = 0;
	enum lock_view_source source = lv_source(lv, obj, gil);
	if (source == LOCK_VIEW_JOIN && lv->keep_joins)
		return;
	emit(ctx, &t, source);
}

/* What the thread's end or a gap in its events does to its GIL state. */
static void lv_thread_event(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit,
			    void *ctx)
{
	if (ev->thread >= lv->nthreads)
		return;
	struct lv_thread *t = &lv->threads[ev->thread];
	if (ev->op == TRACE_OP_THREAD_END && t->holds_gil)
		lv_emit_release(lv, ev, ev->thread, t->gil, emit, ctx, true);
	uint8_t took = t->took;
	memset(t, 0, sizeof(*t));
	t->took = took;
}

void lock_view_feed(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit,
		    void *ctx)
{
	if (ev->kind == TRACE_OBJ_SEM && ev->obj && ev->thread != TRACE_NONE) {
		lv_sem(lv, ev, emit, ctx);
		return;
	}
	if (ev->op == TRACE_OP_ANNOTATE && ev->thread != TRACE_NONE)
		lv_sem_annotation(lv, ev);
	if ((ev->kind == TRACE_OBJ_MUTEX || ev->kind == TRACE_OBJ_COND) && ev->obj &&
	    ev->thread != TRACE_NONE && lv_is_python(lv, ev->process)) {
		const struct trace_object *o = trace_catalog_object(lv->cat, ev->obj);
		if (o && o->role) {
			lv_gil_event(lv, ev, o->role, emit, ctx);
			return;   /* the GIL's own objects are hidden */
		}
	}
	if ((ev->op == TRACE_OP_THREAD_END || ev->op == TRACE_OP_DROPPED) && ev->thread != TRACE_NONE)
		lv_thread_event(lv, ev, emit, ctx);
	emit(ctx, ev, LOCK_VIEW_PROGRAM);
}
