/* SPDX-License-Identifier: MIT */
/* lock_view.c - semaphores used as locks, shared semaphores across
 * processes, and CPython's GIL, as the lock analyses see them (see
 * lock_view.h). */
#include "lock_view.h"

#include "grow.h"
#include "u64map.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#define LV_NONE UINT32_MAX
#define LV_LIFE_HELD (1u << 31)

/* Per canonical semaphore (state[]). */
enum lv_sem_state {
	LV_UNSEEN = 0,
	LV_LOCK,                /* used as a lock so far */
	LV_NOT_LOCK,            /* used otherwise: what was seen as a lock is void */
	LV_OTHER,               /* never a lock (counting, or made before the trace) */
};

/* Per thread: where it is in CPython's take_gil / drop_gil. take_gil locks
 * gil.mutex, may wait on gil.cond, and unlocks gil.mutex holding the GIL;
 * drop_gil locks gil.mutex, signals gil.cond and unlocks it. */
struct lv_thread {
	bool in_gil_mutex;      /* between its lock and unlock of gil.mutex */
	bool dropping;          /* ... and that section signalled gil.cond */
	bool waited;            /* ... and waited on gil.cond: a GIL request was emitted */
	bool holds_gil;
	uint32_t gil;           /* the gil.mutex object of the section */
	uint32_t stack;         /* the stack of its gil.mutex lock */
	uint64_t request_ns;    /* when it asked for gil.mutex */
	uint64_t mutex_wait_ns; /* how long it waited for gil.mutex */
	uint32_t waiting;       /* canonical id + 1 of the semaphore its pending
	                           wait was shown as a lock request for */
	uint32_t first_made;    /* canonical id + 1 of the first semaphore it made */
	bool took_any;          /* it has taken a lock */
};

struct lock_view {
	const struct trace_catalog *cat;
	uint32_t *canon;        uint32_t ncanon;    /* per object id: canonical id + 1 */
	uint8_t *state;         uint32_t nstate;    /* per canonical id: enum lv_sem_state */
	struct u64map holder;   /* canonical semaphore -> the thread holding it */
	struct u64map shared;   /* (process, address) -> canonical id of a shared semaphore */
	struct u64map names;    /* hash of a named semaphore's name -> canonical id */
	struct u64map life;     /* a Python thread's _tstate_lock -> that thread, with
	                           LV_LIFE_HELD until it releases it */
	struct u64map tstate_stacks; /* stack id -> whether it takes a _tstate_lock */
	struct lv_thread *threads; uint32_t nthreads;
};

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
	free(lv->state);
	u64map_release(&lv->holder);
	u64map_release(&lv->shared);
	u64map_release(&lv->names);
	u64map_release(&lv->life);
	u64map_release(&lv->tstate_stacks);
	free(lv->threads);
	free(lv);
}

static bool lv_is_python(const struct lock_view *lv, uint32_t process);

enum lock_view_verdict lock_view_verdict(const struct lock_view *lv, uint32_t obj)
{
	if (!lv || obj >= lv->nstate)
		return LOCK_VIEW_AS_IS;
	const struct trace_object *o;
	switch (lv->state[obj]) {
	case LV_LOCK:
		return LOCK_VIEW_LOCK;
	case LV_NOT_LOCK:
		o = trace_catalog_object(lv->cat, obj);
		return o && lv_is_python(lv, o->process) ? LOCK_VIEW_PYTHON_WAIT : LOCK_VIEW_NOT_LOCK;
	}
	return LOCK_VIEW_AS_IS;
}

static bool lv_is_python(const struct lock_view *lv, uint32_t process)
{
	return process < lv->cat->nprocesses &&
	       lv->cat->processes[process].runtime == TRACE_RUNTIME_CPYTHON;
}

/* ---- which semaphore an object is ---- */

static uint64_t lv_shared_key(uint32_t process, uint64_t address)
{
	return (uint64_t)process << 48 ^ (address & ((1ull << 48) - 1));
}

static uint64_t lv_name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;  /* FNV-1a */
	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h == U64MAP_EMPTY ? 0 : h;
}

static uint8_t *lv_state(struct lock_view *lv, uint32_t c)
{
	if (c >= lv->nstate)
		lv->state = grow_zeroed(lv->state, &lv->nstate, c + 1, sizeof(*lv->state));
	return &lv->state[c];
}

static uint32_t lv_holder(const struct lock_view *lv, uint32_t c)
{
	const uint32_t *h = u64map_get(&lv->holder, c);
	return h ? *h : LV_NONE;
}

static void lv_set_holder(struct lock_view *lv, uint32_t c, uint32_t thread)
{
	if (thread == LV_NONE) {
		u64map_del(&lv->holder, c);
		return;
	}
	int added;
	*u64map_put(&lv->holder, c, thread, &added) = thread;
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

/* ---- translated events ---- */

static struct lv_thread *lv_thread(struct lock_view *lv, uint32_t id)
{
	if (id >= lv->nthreads)
		lv->threads = grow_zeroed(lv->threads, &lv->nthreads, id + 1, sizeof(*lv->threads));
	return &lv->threads[id];
}

/* A Python thread's _tstate_lock: the thread makes it and takes it first
 * thing (threading's _bootstrap_inner), holds it for its whole life, and
 * releases it at its end; Thread.join() waits for it. It is the runtime's
 * join, not a lock of the program: lock order leaves it out (a thread that
 * takes locks holds it throughout), and who takes it after its release
 * joins the thread (lock order orders threads by create and join). */
static void lv_note_made(struct lock_view *lv, const struct trace_event *ev, uint32_t c)
{
	const struct trace_thread *th = trace_catalog_thread(lv->cat, ev->thread);
	if (!lv_is_python(lv, ev->process) || !th || !th->index)
		return;   /* a process's main thread has no _tstate_lock */
	struct lv_thread *t = lv_thread(lv, ev->thread);
	if (!t->first_made)
		t->first_made = c + 1;
}

static bool lv_is_life_lock(const struct lock_view *lv, uint32_t c)
{
	return u64map_get(&lv->life, c) != NULL;
}

static bool lv_ends_with(const char *s, const char *tail)
{
	size_t n = s ? strlen(s) : 0, m = strlen(tail);
	return n >= m && !strcmp(s + n - m, tail);
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
		yes = code && lv_ends_with(code->filename, "/threading.py") && code->qualname &&
		      (!strcmp(code->qualname, "Thread._set_tstate_lock") ||
		       !strcmp(code->qualname, "Thread._reset_internal_locks")) ? LV_TSTATE : LV_NOT_TSTATE;
		break;
	}
	int added;
	*u64map_put(&lv->tstate_stacks, stack, yes, &added) = yes;
	return yes;
}

static void lv_note_acquire(struct lock_view *lv, const struct trace_event *ev, uint32_t c,
			    lock_view_emit_fn emit, void *ctx)
{
	struct lv_thread *t = lv_thread(lv, ev->thread);
	bool first = !t->took_any;
	t->took_any = true;
	uint32_t *life = u64map_get(&lv->life, c);
	if (!life) {
		/* without Python frames: a thread's first lock, made by itself */
		enum lv_tstate how = lv_takes_tstate_lock(lv, ev->stack);
		bool tstate = how == LV_NO_PYTHON_FRAMES ? first && t->first_made == c + 1
							 : how == LV_TSTATE;
		if (tstate && lv_is_python(lv, ev->process)) {
			int added;
			*u64map_put(&lv->life, c, ev->thread | LV_LIFE_HELD, &added) =
				ev->thread | LV_LIFE_HELD;
		}
		return;
	}
	uint32_t holder = *life & ~LV_LIFE_HELD;
	if ((*life & LV_LIFE_HELD) || holder == ev->thread)
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

static void lv_note_release(struct lock_view *lv, const struct trace_event *ev, uint32_t c)
{
	uint32_t *life = u64map_get(&lv->life, c);
	if (life && *life == (ev->thread | LV_LIFE_HELD))
		*life = ev->thread;   /* released: the thread is ending */
}

static enum lock_view_source lv_source(const struct lock_view *lv, uint32_t obj, bool gil)
{
	return gil ? LOCK_VIEW_GIL : lv_is_life_lock(lv, obj) ? LOCK_VIEW_JOIN : LOCK_VIEW_PROGRAM;
}

/* EV as OP on lock OBJ (the GIL if GIL). */
static void lv_emit_as(const struct lock_view *lv, const struct trace_event *ev, unsigned op,
		       uint32_t obj, lock_view_emit_fn emit, void *ctx, bool gil)
{
	struct trace_event t = *ev;
	t.op = (uint8_t)op;
	t.kind = TRACE_OBJ_MUTEX;
	t.obj = obj;
	t.obj2 = 0;
	emit(ctx, &t, lv_source(lv, obj, gil));
}

/* THREAD no longer holds lock OBJ, at EV's time (its hold is over, or no
 * longer known). */
static void lv_emit_release(struct lock_view *lv, const struct trace_event *ev, uint32_t thread,
			    uint32_t obj, lock_view_emit_fn emit, void *ctx, bool gil)
{
	struct trace_event t = *ev;
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
	emit(ctx, &t, lv_source(lv, obj, gil));
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
		if (ev->phase == TRACE_PHASE_END)
			lv_thread(lv, ev->thread)->waiting = 0;
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
		lv_emit_as(lv, ev, lv_is_python(lv, ev->process) ? TRACE_OP_MUTEX_LOCK : TRACE_OP_MUTEX_TRYLOCK,
			   c, emit, ctx, false);
		return;
	case TRACE_OP_SEM_POST:
		if (ev->result)
			return;
		if (holder != ev->thread) {  /* released by another thread, or while free */
			lv_disqualify(lv, c, holder == LV_NONE ? LV_OTHER : LV_NOT_LOCK, ev, emit, ctx);
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

static void lv_sem(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit, void *ctx)
{
	uint32_t c = lv_canonical(lv, ev);
	if (ev->op == TRACE_OP_SEM_INIT && ev->phase == TRACE_PHASE_END && !ev->result)
		lv_note_made(lv, ev, c);
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

/* ---- the GIL ---- */

static void lv_gil_event(struct lock_view *lv, const struct trace_event *ev, uint8_t role,
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

/* What the thread's end or a gap in its events does to its GIL state. */
static void lv_thread_event(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit,
			    void *ctx)
{
	if (ev->thread >= lv->nthreads)
		return;
	struct lv_thread *t = &lv->threads[ev->thread];
	if (ev->op == TRACE_OP_THREAD_END && t->holds_gil)
		lv_emit_release(lv, ev, ev->thread, t->gil, emit, ctx, true);
	bool took_any = t->took_any;
	memset(t, 0, sizeof(*t));
	t->took_any = took_any;
}

void lock_view_feed(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit,
		    void *ctx)
{
	if (ev->kind == TRACE_OBJ_SEM && ev->obj && ev->thread != TRACE_NONE) {
		lv_sem(lv, ev, emit, ctx);
		return;
	}
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
