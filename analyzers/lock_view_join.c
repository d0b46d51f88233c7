/* SPDX-License-Identifier: MIT */
/* lock_view_join.c - Python's Thread.join, seen as the _tstate_lock it is. */
#include "lock_view_priv.h"
#include "python_frames.h"

#include <string.h>

/* A Python thread's _tstate_lock: the thread makes it and takes it first
 * thing (threading's _bootstrap_inner), holds it for its whole life, and
 * releases it at its end; Thread.join() waits for it. It is the runtime's
 * join, not a lock of the program: lock order leaves it out (a thread that
 * takes locks holds it throughout), and who takes it after its release
 * joins the thread (lock order orders threads by create and join). */
void lv_note_made(struct lock_view *lv, const struct trace_event *ev, uint32_t c)
{
	const struct trace_thread *th = trace_catalog_thread(lv->cat, ev->thread);
	lv_sem_of(lv, c)->maker = ev->thread + 1;
	/* without Python frames, a thread's first semaphore is taken for its
	 * _tstate_lock; not a process's main thread's (it makes many first) */
	if (!lv_is_python(lv, ev->process) || !th || !th->index)
		return;
	struct lv_thread *t = lv_thread(lv, ev->thread);
	if (!t->first_made)
		t->first_made = c + 1;
}

bool lv_is_life_lock(const struct lock_view *lv, uint32_t c)
{
	return c < lv->nsems && lv->sems[c].life;
}

enum lv_tstate { LV_NO_PYTHON_FRAMES, LV_NOT_TSTATE, LV_TSTATE };

/* Whether STACK is threading's taking of a _tstate_lock (its innermost
 * Python frame): a thread's own at its start, and a fork child's main
 * thread's again after the fork. */
static enum lv_tstate lv_takes_tstate_lock(struct lock_view *lv, uint32_t stack)
{
	uint32_t *known = u64map_get(&lv->tstate_stacks, stack);
	if (known)
		return *known;
	const struct trace_stack *s = trace_catalog_stack(lv->cat, stack);
	enum lv_tstate yes = LV_NO_PYTHON_FRAMES;
	for (uint32_t i = 0; s && i < s->depth; i++) {
		if (!trace_pc_is_python(s->pc[i]))
			continue;
		const struct trace_pycode *code = trace_catalog_pycode(lv->cat, trace_pyframe_code(s->pc[i]));
		yes = python_code_is_tstate_lock_taker(code) ? LV_TSTATE : LV_NOT_TSTATE;
		break;
	}
	int added;
	*u64map_put(&lv->tstate_stacks, stack, yes, &added) = yes;
	return yes;
}

void lv_note_acquire(struct lock_view *lv, const struct trace_event *ev, uint32_t c,
			    lock_view_emit_fn emit, void *ctx)
{
	struct lv_thread *t = lv_thread(lv, ev->thread);
	bool first = !t->took;
	if (t->took < LV_TSTATE_EARLY)
		t->took++;
	if (!lv_is_life_lock(lv, c)) {
		/* Python frames say where threading takes a _tstate_lock: a
		 * thread's own among its first locks, the main thread's when
		 * threading is imported, after the interpreter's many. Without
		 * them: a thread's first lock, made by itself. */
		if (!lv_is_python(lv, ev->process))
			return;
		enum lv_tstate how = lv_takes_tstate_lock(lv, ev->stack);
		if (how == LV_NO_PYTHON_FRAMES && t->took >= LV_TSTATE_EARLY)
			return;
		/* the thread makes its _tstate_lock itself (_set_sentinel, or
		 * _at_fork_reinit), just before: not a lock threading takes there too */
		bool tstate = how == LV_NO_PYTHON_FRAMES ? first && t->first_made == c + 1
							 : how == LV_TSTATE && lv->sems[c].maker == ev->thread + 1;
		if (tstate) {
			int added;
			*u64map_put(&lv->life, c, ev->thread | LV_LIFE_HELD, &added) =
				ev->thread | LV_LIFE_HELD;
			lv_sem_of(lv, c)->life = true;
		}
		return;
	}
	uint32_t *life = u64map_get(&lv->life, c);
	uint32_t holder = *life & ~LV_LIFE_HELD;
	if ((*life & LV_LIFE_HELD) || holder == ev->thread || lv->keep_joins)
		return;
	struct trace_event j = *ev;  /* the join of the thread that released it */
	j.op = TRACE_OP_JOIN;
	j.kind = TRACE_OBJ_THREAD;
	j.phase = TRACE_PHASE_END;
	j.obj = j.obj2 = 0;
	j.result = 0;
	j.peer_thread = holder;
	j.obj_gap = 0;
	emit(ctx, &j, LOCK_VIEW_PROGRAM);
}

void lv_note_release(struct lock_view *lv, const struct trace_event *ev, uint32_t c)
{
	if (!lv_is_life_lock(lv, c))
		return;
	uint32_t *life = u64map_get(&lv->life, c);
	if (life && *life == (ev->thread | LV_LIFE_HELD))
		*life = ev->thread;   /* released: the thread is ending */
}

