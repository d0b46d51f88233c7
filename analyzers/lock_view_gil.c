/* SPDX-License-Identifier: MIT */
/* lock_view_gil.c - CPython's GIL as one mutex: held from the end of
 * take_gil to the start of drop_gil, requested when take_gil has to wait;
 * the GIL's own mutex and condition variables are hidden. */
#include "lock_view_priv.h"

void lv_gil_event(struct lock_view *lv, const struct trace_event *ev, uint8_t role,
			 lock_view_emit_fn emit, void *ctx)
{
	struct lv_thread *t = lv_thread(lv, ev->thread);
	bool end_ok = ev->phase == TRACE_PHASE_END && !ev->result;
	if (role == TRACE_ROLE_GIL_MUTEX && ev->op == TRACE_OP_MUTEX_LOCK && end_ok) {
		t->in_gil_mutex = true;
		t->dropping = t->waited = false;
		t->gil = ev->obj;
		t->stack = ev->stack;
		t->request_ns = ev->begin_ns;
		t->mutex_wait_ns = ev->ts_ns > ev->begin_ns ? ev->ts_ns - ev->begin_ns : 0;
	} else if (role == TRACE_ROLE_GIL_COND && t->in_gil_mutex &&
		   (ev->op == TRACE_OP_COND_SIGNAL || ev->op == TRACE_OP_COND_BROADCAST)) {
		/* drop_gil: the GIL is free from here */
		if (!t->dropping && t->holds_gil)
			lv_emit_release(lv, ev, ev->thread, t->gil, emit, ctx, true);
		t->dropping = true;
		t->holds_gil = false;
	} else if (role == TRACE_ROLE_GIL_COND && t->in_gil_mutex && !t->dropping && !t->waited &&
		   ev->phase == TRACE_PHASE_BEGIN) {
		/* take_gil waits: the thread asks for the GIL since it asked
		 * for gil.mutex */
		struct trace_event r = *ev;
		r.ts_ns = t->request_ns;
		r.stack = t->stack;
		r.obj_gap = 0;
		lv_emit_as(lv, &r, TRACE_OP_MUTEX_LOCK, t->gil, emit, ctx, true);
		t->waited = true;
	} else if (role == TRACE_ROLE_GIL_MUTEX && ev->op == TRACE_OP_MUTEX_UNLOCK && t->in_gil_mutex &&
		   ev->phase == TRACE_PHASE_END) {
		if (!t->dropping) {  /* take_gil: the GIL is this thread's */
			struct trace_event a = *ev;
			/* without a wait on gil.cond, it waited only for gil.mutex */
			a.begin_ns = t->waited ? t->request_ns : ev->ts_ns - t->mutex_wait_ns;
			a.had_begin = t->waited;
			a.stack = t->stack;
			a.result = 0;
			a.obj_gap = 0;
			lv_emit_as(lv, &a, TRACE_OP_MUTEX_LOCK, t->gil, emit, ctx, true);
			t->holds_gil = true;
		}
		t->in_gil_mutex = false;
	}
}

