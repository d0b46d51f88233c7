/* SPDX-License-Identifier: MIT */
/* hang.c - the hang detector (see hang.h): per-thread pending blocking call
 * and held locks, per-lock owners, then wait-for cycles and stalls. Also the
 * "hang" analyzer, which runs it over a whole trace and checks the final
 * state. */
#include "hang.h"

#include "grow.h"
#include "analyzer.h"
#include "id_table.h"
#include "op_class.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HG_NONE UINT32_MAX

struct hg_thread {
	bool seen, ended;
	bool blocked;               /* a BEGIN without its END */
	bool read;                  /* the pending lock request is a read lock */
	uint8_t op;
	uint32_t obj, stack;
	uint64_t begin_ns;
	uint32_t gaps;              /* lost events so far: what it held before is unknown */
};

/* A hold is known only if its thread lost no events since (gaps). */
struct hg_holder {
	uint32_t thread, stack;     /* stack: where it acquired the lock */
	uint32_t gaps;              /* the thread's gaps at the acquisition */
};

/* A lock's state, from its first acquisition until it is destroyed (or an
 * operation on it is lost): an entry of an id_table; a lock without one is
 * held by no one. */
struct hg_lock {
	bool used;                  /* the entry is in use */
	uint32_t owner;             /* writer / mutex owner, HG_NONE */
	uint32_t depth;             /* recursive holds by owner */
	uint32_t owner_stack;
	uint32_t owner_gaps;        /* the owner's gaps when it took the lock */
	uint32_t nreaders, cap;
	struct hg_holder *readers;  /* (owned) one entry per read acquisition */
};

struct hang_detector {
	const struct trace_catalog *cat;
	struct hg_thread *threads;  uint32_t nthreads;
	struct id_table locks;      /* lock id -> struct hg_lock */
	bool *exited;               uint32_t nexited;   /* per process */
};


static inline struct hg_thread *hg_thread(struct hang_detector *h, uint32_t id)
{
	if (id < h->nthreads)
		return &h->threads[id];
	h->threads = grow_zeroed(h->threads, &h->nthreads, id + 1, sizeof(*h->threads));
	return &h->threads[id];
}

/* The state of LOCK, or NULL if it has none (it is held by no one). */
static inline struct hg_lock *hg_lock_find(const struct hang_detector *h, uint32_t lock)
{
	struct hg_lock *l = id_table_find(&h->locks, lock);
	return l && l->used ? l : NULL;
}

/* The state of LOCK, made at its first use. */
static inline struct hg_lock *hg_lock(struct hang_detector *h, uint32_t lock)
{
	struct hg_lock *l = id_table_entry(&h->locks, lock);
	if (!l->used) {
		l->used = true;
		l->owner = HG_NONE;
		id_table_use(&h->locks, lock);
	}
	return l;
}

struct hang_detector *hang_detector_new(const struct trace_catalog *cat)
{
	struct hang_detector *h = calloc(1, sizeof(*h));
	if (!h)
		abort();
	h->cat = cat;
	id_table_init(&h->locks, sizeof(struct hg_lock));
	return h;
}

size_t hang_detector_lock_slots(const struct hang_detector *h)
{
	return h->locks.count;
}

static void hg_free_readers(void *entry, uint32_t id, void *ctx)
{
	(void)id;
	(void)ctx;
	free(((struct hg_lock *)entry)->readers);
}

void hang_detector_free(struct hang_detector *h)
{
	if (!h)
		return;
	id_table_each(&h->locks, hg_free_readers, NULL);
	id_table_release(&h->locks);
	free(h->threads);
	free(h->exited);
	free(h);
}

/* ---- state updates ---- */

static void hg_acquired(struct hang_detector *h, uint32_t thread, uint32_t lock, bool read,
			uint32_t stack)
{
	uint32_t gaps = hg_thread(h, thread)->gaps;
	struct hg_lock *l = hg_lock(h, lock);
	if (read) {
		if (l->nreaders == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 4;
			l->readers = realloc(l->readers, l->cap * sizeof(*l->readers));
			if (!l->readers)
				abort();
		}
		l->readers[l->nreaders++] = (struct hg_holder){ thread, stack, gaps };
	} else if (l->owner == thread && l->owner_gaps == gaps) {
		l->depth++;
	} else {
		l->owner = thread;
		l->depth = 1;
		l->owner_stack = stack;
		l->owner_gaps = gaps;
	}
}

/* An unlock by THREAD: a read unlock if it holds a read share, else the
 * writer's (whoever the owner is: an unlock by another thread frees it). */
static void hg_released(struct hang_detector *h, uint32_t thread, uint32_t lock, bool all)
{
	struct hg_lock *l = hg_lock_find(h, lock);
	if (!l)
		return;   /* held by no one */
	for (uint32_t i = l->nreaders; i-- > 0;) {
		if (l->readers[i].thread == thread) {
			l->readers[i] = l->readers[--l->nreaders];
			return;
		}
	}
	if (l->owner == HG_NONE)
		return;
	if (all || l->owner != thread || --l->depth == 0) {
		l->owner = HG_NONE;
		l->depth = 0;
	}
}

/* LOCK is held by no one: its slot goes back (a destroy, a lost operation). */
static void hg_destroyed(struct hang_detector *h, uint32_t lock)
{
	struct hg_lock *l = hg_lock_find(h, lock);
	if (!l)
		return;
	free(l->readers);
	memset(l, 0, sizeof(*l));
	id_table_unuse(&h->locks, lock);
}

static void hg_process_exited(struct hang_detector *h, uint32_t process, bool exited)
{
	h->exited = grow_zeroed(h->exited, &h->nexited, process + 1, sizeof(*h->exited));
	h->exited[process] = exited;
}

static void hg_end_event(struct hang_detector *h, struct hg_thread *t, const struct trace_event *ev)
{
	if (ev->op == TRACE_OP_COND_RELEASE) {
		hg_released(h, ev->thread, ev->obj, true);
	} else if (ev->op == TRACE_OP_COND_REACQUIRE) {
		hg_acquired(h, ev->thread, ev->obj, false, t->stack);
	} else if ((op_class(ev->op) & OPC_ACQUIRE)) {
		if (ev->result == 0 || ev->result == EOWNERDEAD)
			hg_acquired(h, ev->thread, ev->obj, (op_class(ev->op) & OPC_READ), ev->stack);
	} else if ((op_class(ev->op) & OPC_RELEASE)) {
		if (ev->result == 0)
			hg_released(h, ev->thread, ev->obj, false);
	} else if ((op_class(ev->op) & OPC_DESTROY) && ev->result == 0) {
		if (ev->kind == TRACE_OBJ_MUTEX || ev->kind == TRACE_OBJ_RWLOCK ||
		    ev->kind == TRACE_OBJ_SPINLOCK)
			hg_destroyed(h, ev->obj);
	} else if (ev->op == TRACE_OP_THREAD_END) {
		t->ended = true;
	} else if (ev->op == TRACE_OP_PROC_EXIT || ev->op == TRACE_OP__EXIT ||
		   ev->op == TRACE_OP_SIGNAL) {
		/* SIGNAL: a signal whose default action ends the process */
		hg_process_exited(h, ev->process, true);
	} else if (ev->op == TRACE_OP_EXEC) {
		hg_process_exited(h, ev->process, false);  /* it failed: the image goes on */
	}
}

void hang_detector_feed(struct hang_detector *h, const struct trace_event *ev)
{
	if (ev->thread == TRACE_NONE)
		return;
	struct hg_thread *t = hg_thread(h, ev->thread);
	t->seen = true;
	if (ev->op == TRACE_OP_DROPPED) {
		/* Lost events: its pending call may have ended, its holds too. */
		t->blocked = false;
		t->gaps++;
		return;
	}
	if (ev->obj_gap && ev->obj)
		hg_destroyed(h, ev->obj);  /* an operation on it was lost: owners unknown */
	if (ev->phase == TRACE_PHASE_BEGIN && ev->op == TRACE_OP_EXEC) {
		/* Not a wait: the image is being replaced, and is over unless
		 * the exec fails (its END then says so). */
		hg_process_exited(h, ev->process, true);
		return;
	}
	if (ev->phase == TRACE_PHASE_BEGIN) {
		t->blocked = true;
		t->op = ev->op;
		t->obj = ev->obj;
		t->stack = ev->stack;
		t->begin_ns = ev->ts_ns;
		t->read = (op_class(ev->op) & OPC_READ);
		return;
	}
	/* Only the END of the pending call ends the wait: a cond wait stays
	 * pending across its release and reacquire records, and a signal
	 * handler may run while the thread is blocked. */
	if (ev->op == t->op || ev->op == TRACE_OP_THREAD_END)
		t->blocked = false;
	hg_end_event(h, t, ev);
}

/* ---- checking ---- */

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

static void hg_fill_wait(const struct hg_check *c, struct report_edge *e, uint32_t thread)
{
	const struct hg_thread *t = &c->h->threads[thread];
	e->thread = thread;
	e->acquiring = t->obj;
	e->acquiring_stack = t->stack;
	e->acquiring_read = t->read;
	e->op = t->op;
	e->wait_ns = t->begin_ns <= c->now && c->now != UINT64_MAX ? c->now - t->begin_ns : 0;
}

/* path[0..n-1]: thread path[i] waits for a lock held by path[i+1 mod n]. */
static void hg_report_cycle(struct hg_check *c, const uint32_t *path, uint32_t n)
{
	struct report_deadlock *d = report_add_deadlock(c->out, REPORT_DEADLOCK_HANG);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t prev = path[(i + n - 1) % n];
		struct report_edge *e = report_deadlock_add_edge(d);
		hg_fill_wait(c, e, path[i]);
		e->owner = path[(i + 1) % n];
		e->holding = c->h->threads[prev].obj;
		e->holding_stack = hg_held_stack(c->h, path[i], e->holding, &e->holding_read);
		c->in_cycle[path[i]] = true;
	}
	if (n == 1)
		d->note = strdup("the thread waits for a non-recursive lock it already holds");
	c->found = 1;
}

static bool hg_dfs(struct hg_check *c, uint32_t start, uint32_t v, bool *visited)
{
	uint32_t next[64];
	uint32_t n = hg_waits_for(c->h, v, next, 64);
	c->onpath[c->npath++] = v;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w = next[i];
		if (w == start) {
			hg_report_cycle(c, c->onpath, c->npath);
			return true;
		}
		if (w < start || w >= c->h->nthreads || visited[w] || c->in_cycle[w])
			continue;
		if (!hg_is_lock_wait(&c->h->threads[w]) || !hg_settled(c, &c->h->threads[w], c->settle))
			continue;
		visited[w] = true;
		if (hg_dfs(c, start, w, visited))
			return true;
	}
	c->npath--;
	return false;
}

/* A wait for a lock whose owner thread ended without unlocking it. */
static void hg_check_dead_owner(struct hg_check *c, uint32_t thread)
{
	uint32_t owners[64];
	uint32_t n = hg_waits_for(c->h, thread, owners, 64);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t o = owners[i];
		if (o == thread || o >= c->h->nthreads || !c->h->threads[o].ended ||
		    !hg_process_alive(c->h, hg_process_of(c->h, o)))
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
		if (c->in_cycle[s] || !hg_is_lock_wait(t) || !hg_settled(c, t, c->settle))
			continue;
		memset(visited, 0, c->h->nthreads * sizeof(*visited));
		c->npath = 0;
		if (!hg_dfs(c, s, s, visited))
			hg_check_dead_owner(c, s);
	}
	free(visited);
}

static uint32_t hg_waiting_for_thread(const struct hang_detector *h, const struct hg_thread *t,
				      uint32_t process)
{
	const struct trace_object *o = trace_catalog_object(h->cat, t->obj);
	if (!(op_class(t->op) & OPC_JOIN) || !o)
		return TRACE_NONE;
	for (uint32_t i = 0; i < h->cat->nthreads; i++)
		if (h->cat->threads[i].handle == o->key && h->cat->threads[i].process == process)
			return i;
	return TRACE_NONE;
}

static void hg_check_stall(struct hg_check *c, uint32_t process)
{
	struct hang_detector *h = c->h;
	uint32_t live = 0;
	for (uint32_t i = 0; i < h->nthreads; i++) {
		const struct hg_thread *t = &h->threads[i];
		if (!t->seen || t->ended || hg_process_of(h, i) != process)
			continue;
		if (!t->blocked || !hg_settled(c, t, c->stall) || c->in_cycle[i])
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
		e->waiting_for = hg_waiting_for_thread(h, t, process);
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

/* ---- the "hang" analyzer: the final state of a finished trace ---- */

struct hang_analysis {
	struct hang_detector *h;
	const struct trace_catalog *cat;
	uint64_t stall_timeout_ns;
	uint64_t last_ns;
};

static void *hang_begin(const struct trace_catalog *cat, const struct analysis_options *opt)
{
	struct hang_analysis *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	a->h = hang_detector_new(cat);
	a->cat = cat;
	a->stall_timeout_ns = opt->stall_timeout_ns ? opt->stall_timeout_ns : 1000000000ull;
	return a;
}

static void hang_feed(void *state, const struct trace_event *ev)
{
	struct hang_analysis *a = state;
	if (ev->ts_ns > a->last_ns)
		a->last_ns = ev->ts_ns;
	hang_detector_feed(a->h, ev);
}

static void hang_finish(void *state, struct report *out)
{
	struct hang_analysis *a = state;
	uint64_t end = a->last_ns;
	uint64_t stall = a->stall_timeout_ns;
	if (a->cat->end_ns > end)
		end = a->cat->end_ns;
	if (a->cat->run.present && a->cat->run.end_ns > end)
		end = a->cat->run.end_ns;
	if (a->cat->run.present && a->cat->run.ended_by_ctrace)
		stall = 1;
	if (a->cat->running)  /* a snapshot: waits may be ending as it is read */
		hang_detector_check(a->h, a->cat->read_ns, stall, out);
	else
		hang_detector_check_final(a->h, end, stall, out);
}

static void hang_free(void *state)
{
	struct hang_analysis *a = state;
	hang_detector_free(a->h);
	free(a);
}

const struct analyzer analyzer_hang = {
	.name = "hang",
	.category = ANALYZER_DEADLOCKS,
	.begin = hang_begin,
	.feed = hang_feed,
	.finish = hang_finish,
	.free = hang_free,
};
