/* SPDX-License-Identifier: MIT */
/* misuse.c - API misuse of locks (see misuse.h): unlock-not-locked/-owner,
 * relock-non-recursive, trylock-self-held, exit-holding-lock; the state of
 * held locks, the event dispatch and the "misuse" analyzer. Waits,
 * condition variables and the life cycle of objects: misuse_cond.c; gaps:
 * misuse_gap.c; thread calls and error results: misuse_calls.c;
 * thread-leak: misuse_leak.c; fork: misuse_fork.c. */
#include "misuse.h"

#include "grow.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct mu_lock mu_lock_fresh = { .used = true, .owner = MU_NONE };

struct mu_lock *mu_lock_slow(struct misuse *mu, uint32_t id)
{
	struct mu_lock *l = id_table_entry(&mu->locks, id, sizeof(struct mu_lock));
	*l = mu_lock_fresh;
	id_table_use(&mu->locks, id);
	return l;
}

void mu_lock_forget(struct misuse *mu, uint32_t id)
{
	struct mu_lock *l = id_table_find(&mu->locks, id, sizeof(struct mu_lock));
	if (!l || !l->used)
		return;
	free(l->readers);
	id_table_drop(&mu->locks, id, l, sizeof(*l));
}

struct mu_thread *mu_thread_slow(struct misuse *mu, uint32_t id)
{
	mu->threads = grow_zeroed(mu->threads, &mu->nthreads, id + 1, sizeof(*mu->threads));
	return &mu->threads[id];
}

static uint64_t mu_key(enum report_misuse_kind kind, uint32_t lock, uint32_t stack)
{
	uint64_t k = ((uint64_t)lock << 32 | stack) * 0x9e3779b97f4a7c15ull;
	return (k ^ ((uint64_t)kind * 0xff51afd7ed558ccdull)) & ~(1ull << 63);
}

struct report_misuse *mu_report(struct misuse *mu, enum report_misuse_kind kind, uint32_t thread,
				uint32_t lock, uint32_t stack, const char *fmt, ...)
{
	int added;
	uint32_t *slot = u64map_put(&mu->index, mu_key(kind, lock, stack), MU_NONE, &added);
	for (uint32_t i = *slot; i != MU_NONE; i = mu->found[i].next) {
		struct report_misuse *m = &mu->found[i].m;
		if (m->kind == kind && m->lock == lock && m->stack == stack) {
			m->count++;
			return m;
		}
	}
	if (mu->nfound == mu->cap_found) {
		mu->cap_found = mu->cap_found ? mu->cap_found * 2 : 16;
		mu->found = realloc(mu->found, mu->cap_found * sizeof(*mu->found));
		if (!mu->found)
			abort();
	}
	struct mu_finding *f = &mu->found[mu->nfound];
	memset(f, 0, sizeof(*f));
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&f->m.message, fmt, ap) < 0)
		abort();
	va_end(ap);
	f->m.kind = kind;
	f->m.thread = thread;
	f->m.lock = lock;
	f->m.stack = stack;
	f->m.count = 1;
	f->m.other_thread = TRACE_NONE;
	f->next = *slot;
	*slot = mu->nfound++;
	return &f->m;
}

bool mu_is_recursive(const struct misuse *mu, uint32_t lock)
{
	const struct trace_object *o = trace_catalog_object(mu->cat, lock);
	return o && o->kind == TRACE_OBJ_MUTEX &&
	       (o->attr & TRACE_MUTEX_TYPE_MASK) == TRACE_MUTEX_RECURSIVE;
}

/* ---- held locks ---- */

static void mu_hold(struct misuse *mu, uint32_t thread, uint32_t lock, uint32_t stack)
{
	struct mu_thread *t = mu_thread(mu, thread);
	if (t->nheld == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4;
		t->held = realloc(t->held, t->cap * sizeof(*t->held));
		if (!t->held)
			abort();
	}
	t->held[t->nheld++] = (struct mu_held){ lock, stack };
}

void mu_unhold(struct misuse *mu, uint32_t thread, uint32_t lock)
{
	struct mu_thread *t = mu_thread(mu, thread);
	for (uint32_t i = t->nheld; i-- > 0;) {
		if (t->held[i].lock == lock) {
			t->held[i] = t->held[--t->nheld];   /* order does not matter */
			return;
		}
	}
}

void mu_lock_clear(struct misuse *mu, uint32_t lock)
{
	struct mu_lock *l = mu_lock(mu, lock);
	uint32_t owner = l->owner;
	for (uint32_t i = 0; i < l->nreaders; i++)
		mu_unhold(mu, l->readers[i], lock);
	if (owner != MU_NONE)
		mu_unhold(mu, owner, lock);
	l->owner = MU_NONE;
	l->depth = 0;
	l->nreaders = 0;
}

static bool mu_holds_read(const struct mu_lock *l, uint32_t thread)
{
	for (uint32_t i = 0; i < l->nreaders; i++)
		if (l->readers[i] == thread)
			return true;
	return false;
}

/* ---- acquisitions ---- */

/* A request by a thread that already holds the lock in a way that blocks. */
static bool mu_is_self_block(const struct misuse *mu, const struct mu_lock *l, uint32_t lock,
			     uint32_t thread, bool read)
{
	if (l->owner == thread)
		return !mu_is_recursive(mu, lock);
	return !read && mu_holds_read(l, thread);
}

static void mu_relock(struct misuse *mu, const struct trace_event *ev, const struct mu_lock *l)
{
	/* held for reading, asked for writing (an upgrade: the thread's own
	 * read hold keeps the write lock from ever being granted) */
	bool upgrade = l->owner != ev->thread;
	struct report_misuse *m = mu_report(mu, REPORT_MISUSE_RELOCK_NON_RECURSIVE, ev->thread, ev->obj,
					    ev->stack, "%s%s", upgrade ?
					    "thread asks to write-lock {lock} while it holds it for reading" :
					    "thread relocks {lock} that it already holds",
					    ev->result == EDEADLK ? " (EDEADLK)" :
					    trace_op_is_timed(ev->op) ? ": the call can only time out" :
					    ": it waits for itself");
	m->other_thread = ev->thread;
	m->other_stack = l->owner_stack;
	if (ev->result == EDEADLK)
		m->error = EDEADLK;
}

/* A relock the library refuses with EDEADLK instead of blocking: an
 * error-checking mutex, or a rwlock its writer locks again (glibc). */
static bool mu_relock_refused(const struct misuse *mu, const struct mu_lock *l, uint32_t lock,
			      uint32_t thread)
{
	const struct trace_object *o = trace_catalog_object(mu->cat, lock);
	if (!o || l->owner != thread)
		return false;
	return o->kind == TRACE_OBJ_RWLOCK ||
	       (o->kind == TRACE_OBJ_MUTEX && (o->attr & TRACE_MUTEX_TYPE_MASK) == TRACE_MUTEX_ERRORCHECK);
}

static void mu_acquire_begin(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_lock *l = mu_lock(mu, ev->obj);
	struct mu_thread *t = mu_thread(mu, ev->thread);
	t->relock_reported = false;
	/* a refused one is told by its END, with its error */
	if (mu_is_self_block(mu, l, ev->obj, ev->thread, (op_class(ev->op) & OPC_READ)) &&
	    !mu_relock_refused(mu, l, ev->obj, ev->thread)) {
		mu_relock(mu, ev, l);
		mu_thread(mu, ev->thread)->relock_reported = true;
	}
}

static void mu_acquired(struct misuse *mu, uint32_t thread, uint32_t lock, bool read, uint32_t stack)
{
	struct mu_lock *l = mu_lock(mu, lock);
	if (!read)
		mu_lock_known(mu, l, lock, thread);
	if (read) {
		if (l->nreaders == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 4;
			l->readers = realloc(l->readers, l->cap * sizeof(*l->readers));
			if (!l->readers)
				abort();
		}
		l->readers[l->nreaders++] = thread;
	} else if (l->owner == thread) {
		l->depth++;
		return;
	} else {
		l->owner = thread;
		l->depth = 1;
		l->owner_stack = stack;
	}
	mu_hold(mu, thread, lock, stack);
}

/* A trylock that failed because the caller itself holds the lock (for
 * writing; or for reading, when it tried to write). */
static void mu_trylock_failed(struct misuse *mu, const struct trace_event *ev)
{
	const struct mu_lock *l = mu_lock_peek(mu, ev->obj);
	bool self = l->owner == ev->thread ||
		    (!(op_class(ev->op) & OPC_READ) && mu_holds_read(l, ev->thread));
	if (!self || mu_is_recursive(mu, ev->obj))
		return;
	char fn[48];
	struct report_misuse *m = mu_report(mu, REPORT_MISUSE_TRYLOCK_SELF_HELD, ev->thread, ev->obj,
					    ev->stack, "%s of {lock} failed (%s): this thread holds it",
					    report_op_function(ev->op, fn, sizeof(fn)),
					    ev->result == EDEADLK ? "EDEADLK" : "EBUSY");
	m->other_thread = ev->thread;
	m->other_stack = l->owner == ev->thread ? l->owner_stack : 0;
	m->error = ev->result;
}

static void mu_acquire_end(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_thread *t = mu_thread(mu, ev->thread);
	bool reported = t->relock_reported && ev->had_begin;
	bool try = op_class(ev->op) & OPC_TRY;
	t->relock_reported = false;
	if (try && (ev->result == EBUSY || ev->result == EDEADLK)) {
		mu_trylock_failed(mu, ev);
		return;
	}
	if (ev->result == EDEADLK) {
		if (!reported)
			mu_relock(mu, ev, mu_lock(mu, ev->obj));
		return;
	}
	if (ev->result == 0 || ev->result == EOWNERDEAD)
		mu_acquired(mu, ev->thread, ev->obj, (op_class(ev->op) & OPC_READ), ev->stack);
}

/* ---- releases ---- */

static void mu_bad_unlock(struct misuse *mu, const struct trace_event *ev, uint32_t owner,
			  uint32_t owner_stack)
{
	if (owner == MU_NONE) {
		mu_report(mu, REPORT_MISUSE_UNLOCK_NOT_LOCKED, ev->thread, ev->obj, ev->stack,
			  "unlock of {lock} that is not locked");
		return;
	}
	struct report_misuse *m = mu_report(mu, REPORT_MISUSE_UNLOCK_NOT_OWNER, ev->thread, ev->obj,
					    ev->stack, "unlock of {lock} held by thread T%" PRIu32,
					    owner);
	m->other_thread = owner;
	m->other_stack = owner_stack;
}

/* A release by a thread that does not hold the lock as far as we know. */
static void mu_release_unheld(struct misuse *mu, const struct trace_event *ev)
{
	mu_reinit_unlocked(mu, ev);
	struct mu_lock *l = mu_lock(mu, ev->obj);
	uint32_t owner = l->owner != MU_NONE ? l->owner : l->nreaders ? l->readers[0] : MU_NONE;
	if (owner == MU_NONE && mu_inherited_unlock(mu, ev))
		return;
	if (mu_may_hold(mu, ev->thread, ev->obj))
		return;   /* it may have taken the lock in a gap */
	mu_bad_unlock(mu, ev, owner, l->owner != MU_NONE ? l->owner_stack : 0);
	if (ev->result == 0 && l->owner != MU_NONE)
		mu_lock_clear(mu, ev->obj);   /* glibc really unlocks a normal mutex for a non-owner */
}

static void mu_release(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_lock *l = mu_lock(mu, ev->obj);
	uint32_t me = ev->thread;
	if (ev->result != 0 && ev->result != EPERM)
		return;
	if (ev->result == 0)
		mu_thread(mu, me)->last_released = ev->obj;
	for (uint32_t i = l->nreaders; i-- > 0;) {
		if (l->readers[i] == me) {
			l->readers[i] = l->readers[--l->nreaders];
			mu_unhold(mu, me, ev->obj);
			return;
		}
	}
	if (l->owner == me) {
		if (--l->depth == 0) {
			l->owner = MU_NONE;
			mu_unhold(mu, me, ev->obj);
		}
		return;
	}
	mu_release_unheld(mu, ev);
}

/* ---- thread and process end ---- */

/* A thread that ends holding a lock leaves it held for good. Not a process
 * that exits holding one: its locks end with it (a server that parks its
 * threads on mutexes it holds, as Redis does, then exits, is correct; a
 * destructor or atexit handler that then waits for the lock is a hang). */
static void mu_exit_holding(struct misuse *mu, uint32_t thread)
{
	struct mu_thread *t = mu_thread(mu, thread);
	for (uint32_t i = 0; i < t->nheld; i++) {
		struct mu_held h = mu->threads[thread].held[i];
		if (trace_object_is_robust(trace_catalog_object(mu->cat, h.lock)))
			continue;
		mu_report(mu, REPORT_MISUSE_EXIT_HOLDING_LOCK, thread, h.lock, h.stack,
			  "thread exit while holding {lock} (acquired here)");
	}
}

/* ---- dispatch ---- */

static bool mu_is_wait(unsigned op)
{
	return (op_class(op) & OPC_COND) || op == TRACE_OP_SEM_WAIT || op == TRACE_OP_SEM_TIMEDWAIT ||
	       op == TRACE_OP_SEM_CLOCKWAIT || op == TRACE_OP_BARRIER_WAIT;
}

static void mu_begin_event(struct misuse *mu, const struct trace_event *ev)
{
	/* A new call: the wait before it is over, if it never returned (a
	 * thread cancelled in sem_wait unwinds, calling pthread_once; a
	 * signal handler's call inside a wait ends it early, never late). */
	mu_wait_end(mu, ev->thread);
	struct mu_thread *t = mu_thread(mu, ev->thread);
	t->pending_op = ev->op;
	t->pending_obj = ev->obj;
	t->pending_stack = ev->stack;
	t->pending_waiter = false;
	if ((op_class(ev->op) & OPC_ACQUIRE))
		mu_acquire_begin(mu, ev);
	else if (mu_is_wait(ev->op) && ev->obj)
		mu_wait_begin(mu, ev);
	else if ((op_class(ev->op) & OPC_DESTROY) && ev->obj)
		mu_destroy_waited_on(mu, ev);
}

/* The END of the pending call: its wait is over. */
static void mu_end_pending(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_thread *t = mu_thread(mu, ev->thread);
	if (t->pending_op != ev->op)
		return;
	t->pending_op = 0;
	mu_wait_end(mu, ev->thread);
}

static void mu_barrier_wait(struct misuse *mu, const struct trace_event *ev)
{
	const struct trace_object *o = trace_catalog_object(mu->cat, ev->obj);
	if (!o || o->initialized)
		return;
	mu_report(mu, REPORT_MISUSE_BARRIER_MISUSE, ev->thread, ev->obj, ev->stack,
		  "wait on {lock} that was never initialized");
}

/* Calls that hand something over: signals, posts, barrier releases. */
static void mu_wake_event(struct misuse *mu, const struct trace_event *ev)
{
	if (trace_op_is_cond_signal(ev->op) && ev->result == 0) {
		mu_cond_signal(mu, ev);
		mu_wake(mu, ev->obj);
	} else if ((ev->op == TRACE_OP_SEM_POST || ev->op == TRACE_OP_BARRIER_WAIT) && !ev->result) {
		mu_wake(mu, ev->obj);
	} else if (ev->op == TRACE_OP_SEM_POST && ev->result == EOVERFLOW) {
		mu_report(mu, REPORT_MISUSE_SEM_OVERFLOW, ev->thread, ev->obj, ev->stack,
			  "sem_post on {lock} overflows its value (EOVERFLOW)");
	}
	if (ev->op == TRACE_OP_BARRIER_WAIT && !ev->had_begin)
		mu_barrier_wait(mu, ev);
}

static void mu_end_event(struct misuse *mu, const struct trace_event *ev)
{
	unsigned op = ev->op;
	if (op == TRACE_OP_COND_RELEASE) {
		struct mu_lock *l = mu_lock(mu, ev->obj);
		if (l->owner == ev->thread) {
			l->owner = MU_NONE;
			l->depth = 0;
			mu_unhold(mu, ev->thread, ev->obj);
		}
	} else if (op == TRACE_OP_COND_REACQUIRE) {
		mu_acquired(mu, ev->thread, ev->obj, false, mu_thread(mu, ev->thread)->pending_stack);
	} else if ((op_class(op) & OPC_COND) && ev->result == EPERM && ev->obj2) {
		/* the wait found the mutex not held: its reacquisition did not
		 * take it (the shim records one for every wait) */
		struct mu_lock *l = mu_lock(mu, ev->obj2);
		if (l->owner == ev->thread)
			mu_lock_clear(mu, ev->obj2);
	} else if ((op_class(op) & OPC_ACQUIRE)) {
		mu_acquire_end(mu, ev);
	} else if ((op_class(op) & OPC_RELEASE)) {
		mu_release(mu, ev);
	} else if ((op_class(op) & OPC_DESTROY)) {
		mu_destroy(mu, ev);
	} else if ((op_class(op) & OPC_INIT) && ev->result == 0 && ev->obj) {
		mu_init(mu, ev);
	} else if (op == TRACE_OP_THREAD_END) {
		mu_exit_holding(mu, ev->thread);
		/* a wait it never returned from (cancelled in sem_wait, or its
		 * END lost): it waits no more */
		mu_thread(mu, ev->thread)->pending_op = 0;
		mu_wait_end(mu, ev->thread);
	} else if (op == TRACE_OP_FREED) {
		mu_freed(mu, ev);
	} else {
		mu_wake_event(mu, ev);
	}
}

/* A call on a sync object, which may use one destroyed. Not an atomic
 * operation (`ctrace cc`): one at a destroyed object's address is on
 * memory made again for something else (a counter in a block malloc gave
 * back), which no call marks. */
static bool mu_is_sync_object(const struct trace_event *ev)
{
	return ev->obj && ev->kind != TRACE_OBJ_SPAWN && ev->kind != TRACE_OBJ_THREAD &&
	       ev->kind != TRACE_OBJ_MQ && ev->kind != TRACE_OBJ_ONCE && ev->kind != TRACE_OBJ_ATOMIC;
}

static void mu_feed(void *state, const struct trace_event *ev)
{
	struct misuse *mu = state;
	if (ev->thread == TRACE_NONE)
		return;
	if (ev->op == TRACE_OP_DROPPED) {
		mu_thread_gap(mu, ev);
		return;
	}
	if (ev->obj_gap && ev->obj)
		mu_object_gap(mu, ev);
	if (ev->obj_gap == TRACE_OBJ_GAP_LATE) {  /* out of order: only its thread's wait ends */
		mu_end_pending(mu, ev);
		return;
	}
	bool destroyed = mu_is_sync_object(ev) && mu_use_after_destroy(mu, ev);
	if (ev->op == TRACE_OP_FORK && ev->phase == TRACE_PHASE_BEGIN)
		mu_fork_snapshot(mu, ev);
	else if (ev->op == TRACE_OP_THREAD_START)
		mu_fork_child_start(mu, ev);
	mu_leak_feed(mu, ev);
	if (ev->phase == TRACE_PHASE_BEGIN) {
		mu_begin_event(mu, ev);
		if (ev->op == TRACE_OP_BARRIER_WAIT)
			mu_barrier_wait(mu, ev);
		return;
	}
	mu_end_pending(mu, ev);
	if (ev->kind == TRACE_OBJ_THREAD || ev->kind == TRACE_OBJ_SPAWN)
		mu_thread_call(mu, ev);
	mu_end_event(mu, ev);
	/* The error of a call on a destroyed object is explained already. */
	if (ev->result != 0 && !destroyed)
		mu_check_result(mu, ev);
}

/* ---- the analyzer ---- */

static void *mu_begin(const struct trace_catalog *cat, const struct analysis_options *opt)
{
	(void)opt;
	struct misuse *mu = calloc(1, sizeof(*mu));
	if (!mu)
		abort();
	mu->cat = cat;
	id_table_init(&mu->locks, sizeof(struct mu_lock));
	return mu;
}

static void mu_finish(void *state, struct report *out)
{
	struct misuse *mu = state;
	mu_leak_finish(mu);
	for (uint32_t i = 0; i < mu->nfound; i++) {
		const struct report_misuse *f = &mu->found[i].m;
		struct report_misuse *m = report_add_misuse(out, f->kind, f->thread, f->lock, f->stack,
							    "%s", f->message);
		m->count = f->count;
		m->other_thread = f->other_thread;
		m->other_lock = f->other_lock;
		m->other_stack = f->other_stack;
		m->cond = f->cond;
		m->op = f->op;
		m->error = f->error;
	}
}

static void mu_free_readers(void *entry, uint32_t id, void *ctx)
{
	(void)id;
	(void)ctx;
	free(((struct mu_lock *)entry)->readers);
}

static void mu_free(void *state)
{
	struct misuse *mu = state;
	id_table_each(&mu->locks, mu_free_readers, NULL);
	for (uint32_t i = 0; i < mu->nthreads; i++) {
		free(mu->threads[i].held);
		free(mu->threads[i].fork_keys);
	}
	for (uint32_t i = 0; i < mu->nfound; i++)
		free(mu->found[i].m.message);
	id_table_release(&mu->locks);
	free(mu->destroyed);
	free(mu->threads);
	free(mu->found);
	u64map_release(&mu->index);
	mu_leak_free(mu);
	free(mu);
}

const struct analyzer analyzer_misuse = {
	.name = "misuse",
	.category = ANALYZER_MISUSE,
	.begin = mu_begin,
	.feed = mu_feed,
	.finish = mu_finish,
	.free = mu_free,
};
