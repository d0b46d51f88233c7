/* SPDX-License-Identifier: MIT */
/* hang.c - the hang detector (see hang.h): per-thread pending blocking call
 * and held locks, per-lock owners (the checks for wait-for cycles and
 * stalls: hang_check.c). Also the "hang" analyzer, which runs it over a
 * whole trace and checks the final state. */
#include "hang.h"
#include "hang_state.h"

#include "analyzer.h"
#include "grow.h"
#include "op_class.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline struct hg_thread *hg_thread(struct hang_detector *h, uint32_t id)
{
	if (id < h->nthreads)
		return &h->threads[id];
	h->threads = grow_zeroed(h->threads, &h->nthreads, id + 1, sizeof(*h->threads));
	return &h->threads[id];
}

/* The state of LOCK, made at its first use. */
static inline struct hg_lock *hg_lock(struct hang_detector *h, uint32_t lock)
{
	struct hg_lock *l = id_table_entry(&h->locks, lock, sizeof(struct hg_lock));
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
	free(h->created);
	free(h->started);
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
	id_table_drop(&h->locks, lock, l, sizeof(*l));
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
		    ev->kind == TRACE_OBJ_SPINLOCK || ev->kind == TRACE_OBJ_COND ||
		    ev->kind == TRACE_OBJ_BARRIER)
			hg_destroyed(h, ev->obj);   /* conditions and barriers: their wakes */
	} else if (trace_op_is_create(ev->op) && ev->result == 0) {
		h->created = grow_zeroed(h->created, &h->ncreated, ev->process + 1, sizeof(*h->created));
		h->created[ev->process]++;
	} else if (ev->op == TRACE_OP_THREAD_START && ev->peer_thread != TRACE_NONE) {
		h->started = grow_zeroed(h->started, &h->nstarted, ev->process + 1, sizeof(*h->started));
		h->started[ev->process]++;
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

/* A signal or broadcast releases the waits on its condition that began
 * before it (POSIX lets a signal wake more than one: all of them may
 * return), a departure from a barrier every wait on it of that round, an
 * unlock the waits for the lock: counted here, judged by hg_woken. */
static void hg_count_wake(struct hang_detector *h, const struct trace_event *ev)
{
	bool released = ev->result == 0 &&
			(trace_op_is_cond_signal(ev->op) || (op_class(ev->op) & OPC_RELEASE));
	if (ev->obj && (released || ev->op == TRACE_OP_BARRIER_WAIT))
		hg_lock(h, ev->obj)->wakes++;
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
		t->in_once = 0;
		t->once_self = false;
		t->gaps++;
		return;
	}
	if (hg_op_is_once(ev->op)) {
		t->once_self = ev->phase == TRACE_PHASE_BEGIN && t->in_once == ev->obj && ev->obj;
		t->in_once = ev->phase == TRACE_PHASE_BEGIN ? ev->obj : 0;
	}
	if (ev->obj_gap && ev->obj)
		hg_destroyed(h, ev->obj);  /* an operation on it was lost: owners unknown */
	if (ev->obj_gap == TRACE_OBJ_GAP_LATE) {  /* out of order: only its wait ends */
		if (ev->op == t->op)
			t->blocked = false;
		return;
	}
	if (ev->phase == TRACE_PHASE_BEGIN && ev->op == TRACE_OP_EXEC) {
		/* Not a wait: the image is being replaced, and is over unless
		 * the exec fails (its END then says so). */
		hg_process_exited(h, ev->process, true);
		return;
	}
	if (ev->phase == TRACE_PHASE_BEGIN) {
		t->blocked = true;
		const struct hg_lock *l = ev->obj ? hg_lock_find(h, ev->obj) : NULL;
		t->wakes_at_begin = l ? l->wakes : 0;
		t->op = ev->op;
		t->call_op = ev->call_op;
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
	hg_count_wake(h, ev);
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
	.events = ANALYZER_LOCKS_PROGRAM | ANALYZER_LOCKS_GIL | ANALYZER_LOCKS_JOIN,
};
