/* SPDX-License-Identifier: MIT */
/* hang_check.c - the hang detector's checks (see hang.h): wait-for cycles
 * through lock owners, a wait for a lock whose owner ended, stalls of every
 * live thread of a process. The state they look at is hang.c's. */
#include "hang_state.h"

#include "op_class.h"
#include "python_frames.h"

#include <stdlib.h>
#include <string.h>

struct hg_check {
	struct hang_detector *h;
	uint64_t now, settle, stall;
	struct report *out;
	uint32_t *onpath;           /* per thread: position on the path + 1 */
	bool *in_cycle;             /* per thread: already reported */
	uint32_t npath;
	int found;
};

static uint32_t hg_process_of(const struct hang_detector *h, uint32_t thread)
{
	return thread < h->cat->nthreads ? h->cat->threads[thread].process : 0;
}

static bool hg_process_alive(const struct hang_detector *h, uint32_t process)
{
	return process >= h->nexited || !h->exited[process];
}

static bool hg_is_lock_wait(const struct hg_thread *t)
{
	return t->blocked && (op_class(t->op) & OPC_ACQUIRE);
}

static bool hg_settled(const struct hg_check *c, const struct hg_thread *t, uint64_t age)
{
	return t->begin_ns <= c->now && c->now - t->begin_ns >= age;
}

static bool hg_is_recursive(const struct hang_detector *h, uint32_t lock)
{
	const struct trace_object *o = trace_catalog_object(h->cat, lock);
	return o && o->kind == TRACE_OBJ_MUTEX &&
	       (o->attr & TRACE_MUTEX_TYPE_MASK) == TRACE_MUTEX_RECURSIVE;
}

/* The owner of L, if it is certain (HG_NONE otherwise): the owner lost no
 * events since it took L. */
static uint32_t hg_owner(const struct hang_detector *h, const struct hg_lock *l)
{
	if (l->owner == HG_NONE || l->owner >= h->nthreads ||
	    h->threads[l->owner].gaps != l->owner_gaps)
		return HG_NONE;
	return l->owner;
}

static bool hg_reader_known(const struct hang_detector *h, const struct hg_holder *r)
{
	return r->thread < h->nthreads && h->threads[r->thread].gaps == r->gaps;
}

/* The threads T waits for: the owners its lock request conflicts with. */
static uint32_t hg_waits_for(const struct hang_detector *h, uint32_t thread, uint32_t *out, uint32_t max)
{
	const struct hg_thread *t = &h->threads[thread];
	const struct hg_lock *l = hg_lock_find(h, t->obj);
	if (!hg_is_lock_wait(t) || !l)
		return 0;
	uint32_t n = 0, owner = hg_owner(h, l);
	if (owner != HG_NONE && !(owner == thread && hg_is_recursive(h, t->obj)))
		out[n++] = owner;
	for (uint32_t i = 0; !t->read && i < l->nreaders && n < max; i++) {
		bool dup = !hg_reader_known(h, &l->readers[i]);
		for (uint32_t j = 0; j < n; j++)
			dup |= out[j] == l->readers[i].thread;
		if (!dup)
			out[n++] = l->readers[i].thread;
	}
	return n;
}

static bool hg_is_join_wait(const struct hg_thread *t)
{
	return t->blocked && (op_class(t->op) & OPC_JOIN);
}

static uint32_t hg_waiting_for_thread(const struct hang_detector *h, const struct hg_thread *t,
				      uint32_t process)
{
	const struct trace_object *o = trace_catalog_object(h->cat, t->obj);
	if (!hg_is_join_wait(t) || !o)
		return TRACE_NONE;
	/* the live thread with that handle (an ended one's may be reused) */
	uint32_t found = TRACE_NONE;
	for (uint32_t i = 0; i < h->cat->nthreads; i++)
		if (h->cat->threads[i].handle == o->key && h->cat->threads[i].process == process &&
		    (found == TRACE_NONE || !h->cat->threads[i].ended))
			found = i;
	return found;
}

static bool hg_is_once_wait(const struct hg_thread *t)
{
	return t->blocked && hg_op_is_once(t->op);
}

/* A wait for another thread to do something: end (join), or finish a
 * once routine. */
static bool hg_waits_on_thread(const struct hg_thread *t)
{
	return hg_is_join_wait(t) || hg_is_once_wait(t);
}

/* The thread running the routine of the once T waits on: in a call on it,
 * and it has made records since (a thread that has not looks like a
 * waiter), T's own if it called the once again from inside its routine,
 * or TRACE_NONE. */
static uint32_t hg_once_runner(const struct hang_detector *h, uint32_t thread)
{
	const struct hg_thread *t = &h->threads[thread];
	if (t->once_self)   /* called again from its own routine */
		return thread;
	for (uint32_t i = 0; i < h->nthreads; i++) {
		const struct hg_thread *r = &h->threads[i];
		if (i != thread && r->in_once == t->obj && r->seen && !r->ended &&
		    !(hg_op_is_once(r->op) && r->obj == t->obj))
			return i;
	}
	return TRACE_NONE;
}

/* The thread THREAD waits for, if it waits on one: the thread it joins, or
 * the one running the routine of the once it waits on; else TRACE_NONE. */
static uint32_t hg_thread_waited_for(const struct hang_detector *h, uint32_t thread)
{
	const struct hg_thread *t = &h->threads[thread];
	if (hg_is_once_wait(t))
		return hg_once_runner(h, thread);
	return hg_waiting_for_thread(h, t, hg_process_of(h, thread));
}

/* The threads THREAD waits for in a wait-for cycle: a lock's owners, the
 * live thread it joins (which ends only if it gets what it waits for), or
 * the thread running the routine of the once it waits on. */
static uint32_t hg_waits_on(const struct hang_detector *h, uint32_t thread, uint32_t *out, uint32_t max)
{
	const struct hg_thread *t = &h->threads[thread];
	if (!hg_waits_on_thread(t))
		return hg_waits_for(h, thread, out, max);
	uint32_t target = hg_thread_waited_for(h, thread);
	if (target >= h->nthreads || !h->threads[target].seen || h->threads[target].ended)
		return 0;
	out[0] = target;
	return 1;
}

/* Where THREAD acquired LOCK (0 if it does not hold it). */
static uint32_t hg_held_stack(const struct hang_detector *h, uint32_t thread, uint32_t lock, bool *read)
{
	const struct hg_lock *l = hg_lock_find(h, lock);
	*read = false;
	if (!l)
		return 0;
	if (hg_owner(h, l) == thread)
		return l->owner_stack;
	for (uint32_t i = 0; i < l->nreaders; i++) {
		if (l->readers[i].thread == thread && hg_reader_known(h, &l->readers[i])) {
			*read = true;
			return l->readers[i].stack;
		}
	}
	return 0;
}

struct hg_lowest {
	const struct hang_detector *h;
	uint32_t thread, lock;
};

static void hg_lowest_held(void *entry, uint32_t id, void *ctx)
{
	struct hg_lowest *w = ctx;
	const struct hg_lock *l = entry;
	bool read;
	if (l->used && id && !w->lock &&
	    (hg_held_stack(w->h, w->thread, id, &read) || hg_owner(w->h, l) == w->thread))
		w->lock = id;
}

/* The lowest lock THREAD holds, or 0 (for stall reports: rare, so a scan). */
static uint32_t hg_any_held(const struct hang_detector *h, uint32_t thread)
{
	struct hg_lowest w = { h, thread, 0 };
	id_table_each((struct id_table *)&h->locks, hg_lowest_held, &w);
	return w.lock;
}

/* Another process may wake a wait on it (hg_check_stall). */
static bool hg_is_pshared(const struct hang_detector *h, uint32_t obj)
{
	return trace_object_is_pshared(trace_catalog_object(h->cat, obj));
}

static bool hg_is_semaphore(const struct hang_detector *h, uint32_t lock)
{
	const struct trace_object *o = trace_catalog_object(h->cat, lock);
	return o && o->kind == TRACE_OBJ_SEM;
}

static void hg_fill_wait(const struct hg_check *c, struct report_edge *e, uint32_t thread)
{
	const struct hg_thread *t = &c->h->threads[thread];
	e->thread = thread;
	e->acquiring = t->obj;
	e->acquiring_stack = t->stack;
	e->acquiring_read = t->read;
	/* a semaphore the lock view shows as a mutex: the real call */
	e->op = t->call_op && hg_is_semaphore(c->h, t->obj) ? t->call_op : t->op;
	e->wait_ns = t->begin_ns <= c->now && c->now != UINT64_MAX ? c->now - t->begin_ns : 0;
}

/* Every live thread of PROCESS has been blocked for the settle time, in
 * waits without a timeout. A thread made but not yet seen (created but not
 * started, or known to the trace with no event read yet) may be running. */
static bool hg_all_blocked(const struct hg_check *c, uint32_t process)
{
	const struct trace_catalog *cat = c->h->cat;
	for (uint32_t i = 0; i < cat->nthreads; i++)
		if (cat->threads[i].process == process && !cat->threads[i].ended &&
		    (i >= c->h->nthreads || !c->h->threads[i].seen))
			return false;
	uint64_t created = process < c->h->ncreated ? c->h->created[process] : 0;
	uint64_t started = process < c->h->nstarted ? c->h->started[process] : 0;
	if (created > started)
		return false;
	for (uint32_t i = 0; i < c->h->nthreads; i++) {
		const struct hg_thread *t = &c->h->threads[i];
		uint32_t owner;
		if (t->seen && !t->ended && hg_process_of(c->h, i) == process &&
		    (!t->blocked || !hg_settled(c, t, c->settle) || trace_op_is_timed(t->op) ||
		     /* a lock no one holds now (a GIL just dropped): it will get it */
		     (hg_is_lock_wait(t) && !hg_waits_for(c->h, i, &owner, 1))))
			return false;
	}
	return true;
}

/* THREAD waits in CPython's Condition.wait (Event.wait, Queue.get...): for
 * the waiter lock it took itself, which a notify releases from another
 * thread (or a signal handler, which CPython runs in the waiting main
 * thread): a wait for a notify, not for a lock its holder keeps. */
static bool hg_in_condition_wait(const struct hg_check *c, uint32_t thread)
{
	const struct trace_stack *st = trace_catalog_stack(c->h->cat, c->h->threads[thread].stack);
	for (uint32_t i = 0; st && i < st->depth; i++) {
		if (!trace_pc_is_python(st->pc[i]))
			continue;
		struct sym_frame f = python_frame(c->h->cat, st->pc[i]);
		return f.function && f.file && !strcmp(f.function, "Condition.wait") &&
		       python_path_is_library(f.file, NULL);
	}
	return false;
}

/* Whether the waits of THREADS[0..n-1] are certainly for good. A wait
 * with a timeout ends by itself (a program that backs off when its timed
 * lock fails is correct). A mutex is unlocked only by its owner; a
 * semaphore used as a lock may still be posted by any thread (Python
 * allows it), so a wait on one is for good only when no thread of those
 * processes can run. */
static bool hg_for_good(const struct hg_check *c, const uint32_t *threads, uint32_t n)
{
	bool semaphore = false;
	for (uint32_t i = 0; i < n; i++) {
		const struct hg_thread *t = &c->h->threads[threads[i]];
		if (trace_op_is_timed(t->op))
			return false;
		semaphore |= hg_is_lock_wait(t) && hg_is_semaphore(c->h, t->obj);
	}
	for (uint32_t i = 0; semaphore && i < n; i++)
		if (!hg_all_blocked(c, hg_process_of(c->h, threads[i])))
			return false;
	return true;
}

/* path[0..n-1]: thread path[i] waits for a lock held by path[i+1 mod n],
 * or joins it. */
static void hg_report_cycle(struct hg_check *c, const uint32_t *path, uint32_t n)
{
	struct report_deadlock *d = report_add_deadlock(c->out, REPORT_DEADLOCK_HANG);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t prev = path[(i + n - 1) % n], next = path[(i + 1) % n];
		struct report_edge *e = report_deadlock_add_edge(d);
		hg_fill_wait(c, e, path[i]);
		if (hg_waits_on_thread(&c->h->threads[path[i]]))
			e->waiting_for = next;
		else
			e->owner = next;
		c->in_cycle[path[i]] = true;
		/* what the previous thread waits for: a lock this one holds, or
		 * this thread's end or once routine (nothing held) */
		if (hg_waits_on_thread(&c->h->threads[prev]))
			continue;
		e->holding = c->h->threads[prev].obj;
		e->holding_stack = hg_held_stack(c->h, path[i], e->holding, &e->holding_read);
	}
	if (n == 1)
		d->note = strdup(hg_is_once_wait(&c->h->threads[path[0]]) ?
				 "the thread calls the once again from inside its own routine" :
				 "the thread waits for a non-recursive lock it already holds");
	c->found = 1;
}

static bool hg_in_wait_graph(const struct hg_thread *t)
{
	return hg_is_lock_wait(t) || hg_waits_on_thread(t);
}

static bool hg_dfs(struct hg_check *c, uint32_t start, uint32_t v, bool *visited)
{
	uint32_t next[64];
	uint32_t n = hg_waits_on(c->h, v, next, 64);
	c->onpath[c->npath++] = v;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w = next[i];
		if (w == start) {
			if (!hg_for_good(c, c->onpath, c->npath) ||
			    (c->npath == 1 && hg_is_semaphore(c->h, c->h->threads[v].obj) &&
			     hg_in_condition_wait(c, v)))
				continue;
			hg_report_cycle(c, c->onpath, c->npath);
			return true;
		}
		if (w < start || w >= c->h->nthreads || visited[w] || c->in_cycle[w])
			continue;
		if (!hg_in_wait_graph(&c->h->threads[w]) || !hg_settled(c, &c->h->threads[w], c->settle))
			continue;
		visited[w] = true;
		if (hg_dfs(c, start, w, visited))
			return true;
	}
	c->npath--;
	return false;
}

/* Only its owner can unlock an error-checking or recursive mutex; a normal
 * one (or a spinlock) another thread may unlock, which glibc lets it do (a
 * misuse, reported as such, but the program goes on). */
static bool hg_owner_only_unlocks(const struct hang_detector *h, uint32_t lock)
{
	const struct trace_object *o = trace_catalog_object(h->cat, lock);
	unsigned type = o ? o->attr & TRACE_MUTEX_TYPE_MASK : TRACE_MUTEX_NORMAL;
	return o && o->kind == TRACE_OBJ_MUTEX &&
	       (type == TRACE_MUTEX_RECURSIVE || type == TRACE_MUTEX_ERRORCHECK);
}

/* A wait for a lock whose owner thread ended without unlocking it (a
 * robust mutex's waiter gets EOWNERDEAD instead). Unless only an owner
 * could unlock it, for good only once no thread of the process can run.
 * Never a semaphore's: it has no owner, and a signal handler may post it
 * (sem_post is async-signal-safe; CPython's Lock is one). */
static void hg_check_dead_owner(struct hg_check *c, uint32_t thread)
{
	uint32_t lock = c->h->threads[thread].obj;
	if (trace_object_is_robust(trace_catalog_object(c->h->cat, lock)) || hg_is_semaphore(c->h, lock) ||
	    (!hg_owner_only_unlocks(c->h, lock) &&
	     (hg_is_pshared(c->h, lock) || !hg_all_blocked(c, hg_process_of(c->h, thread)))))
		return;
	uint32_t owners[64];
	uint32_t n = hg_waits_for(c->h, thread, owners, 64);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t o = owners[i];
		if (o == thread || o >= c->h->nthreads || !c->h->threads[o].ended ||
		    !hg_process_alive(c->h, hg_process_of(c->h, o)) || !hg_for_good(c, &thread, 1))
			continue;
		struct report_deadlock *d = report_add_deadlock(c->out, REPORT_DEADLOCK_HANG);
		struct report_edge *e = report_deadlock_add_edge(d);
		hg_fill_wait(c, e, thread);
		e->owner = o;
		d->note = strdup("the lock's owner thread ended without unlocking it");
		c->in_cycle[thread] = true;
		c->found = 1;
		return;
	}
}

static void hg_check_cycles(struct hg_check *c)
{
	bool *visited = calloc(c->h->nthreads + 1, sizeof(*visited));
	if (!visited)
		abort();
	for (uint32_t s = 0; s < c->h->nthreads; s++) {
		const struct hg_thread *t = &c->h->threads[s];
		if (c->in_cycle[s] || !hg_in_wait_graph(t) || !hg_settled(c, t, c->settle))
			continue;
		memset(visited, 0, c->h->nthreads * sizeof(*visited));
		c->npath = 0;
		if (!hg_dfs(c, s, s, visited) && hg_is_lock_wait(t))
			hg_check_dead_owner(c, s);
	}
	free(visited);
}

/* Whether T's wait was released since it began, though its END has not
 * come (the thread that woke it may end before it runs again): a signal
 * or broadcast on its condition, a departure from its barrier, an unlock
 * of its lock while nobody has got it since (else it waits again). */
static bool hg_woken(const struct hang_detector *h, const struct hg_thread *t)
{
	const struct hg_lock *l = t->obj ? hg_lock_find(h, t->obj) : NULL;
	if (!l || l->wakes == t->wakes_at_begin)
		return false;
	if (op_class(t->op) & OPC_ACQUIRE)
		return l->owner == HG_NONE && !l->nreaders;
	return trace_op_is_cond_wait(t->op) || t->op == TRACE_OP_BARRIER_WAIT;
}

static void hg_check_stall(struct hg_check *c, uint32_t process)
{
	struct hang_detector *h = c->h;
	uint32_t live = 0;
	for (uint32_t i = 0; i < h->nthreads; i++) {
		const struct hg_thread *t = &h->threads[i];
		if (!t->seen || t->ended || hg_process_of(h, i) != process)
			continue;
		/* a timed wait ends by itself: its thread runs again (a worker
		 * polling its queue every few seconds while main joins it) */
		if (!t->blocked || hg_woken(h, t) || !hg_settled(c, t, c->stall) || c->in_cycle[i] ||
		    trace_op_is_timed(t->op))
			return;
		/* a join of a thread that has ended returns: its thread runs
		 * (the watchdog may look before the join's end is written) */
		uint32_t joined = hg_is_join_wait(t) ? hg_thread_waited_for(h, i) : TRACE_NONE;
		if (joined < h->nthreads && h->threads[joined].ended)
			return;
		/* a semaphore may be posted by a signal handler (sem_post is
		 * async-signal-safe; CPython's handlers run in its main thread,
		 * whose every wait is on one): a process waiting for a signal,
		 * as daemons do, is not stalled; nor one waiting on an object
		 * another process may use (process-shared, a message queue) */
		if (hg_is_semaphore(h, t->obj) || hg_is_pshared(h, t->obj))
			return;
		live++;
	}
	if (!live)
		return;
	struct report_deadlock *d = report_add_deadlock(c->out, REPORT_DEADLOCK_STALL);
	for (uint32_t i = 0; i < h->nthreads; i++) {
		const struct hg_thread *t = &h->threads[i];
		if (!t->seen || t->ended || hg_process_of(h, i) != process)
			continue;
		struct report_edge *e = report_deadlock_add_edge(d);
		hg_fill_wait(c, e, i);
		e->holding = hg_any_held(h, i);
		if (e->holding)
			e->holding_stack = hg_held_stack(h, i, e->holding, &e->holding_read);
		uint32_t owners[1];
		if (hg_waits_for(h, i, owners, 1))
			e->owner = owners[0];
		e->waiting_for = hg_thread_waited_for(h, i);
	}
	c->found = 1;
}

static int hg_check(struct hang_detector *h, uint64_t now, uint64_t settle, uint64_t stall,
		    struct report *out)
{
	struct hg_check c = { .h = h, .now = now, .settle = settle, .stall = stall, .out = out };
	c.onpath = calloc(h->nthreads + 1, sizeof(*c.onpath));
	c.in_cycle = calloc(h->nthreads + 1, sizeof(*c.in_cycle));
	if (!c.onpath || !c.in_cycle)
		abort();
	hg_check_cycles(&c);
	uint32_t nproc = h->cat->nprocesses ? h->cat->nprocesses : 1;
	for (uint32_t p = 0; stall && p < nproc; p++)
		if (hg_process_alive(h, p))
			hg_check_stall(&c, p);
	free(c.onpath);
	free(c.in_cycle);
	return c.found;
}

int hang_detector_check(struct hang_detector *h, uint64_t now_ns, uint64_t stall_timeout_ns,
			struct report *out)
{
	return hg_check(h, now_ns, HANG_SETTLE_NS, stall_timeout_ns, out);
}

int hang_detector_check_final(struct hang_detector *h, uint64_t end_ns, uint64_t stall_timeout_ns,
			      struct report *out)
{
	return hg_check(h, end_ns, 0, stall_timeout_ns, out);
}
