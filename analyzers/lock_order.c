/* SPDX-License-Identifier: MIT */
/* lock_order.c - builds the lock-order graph (see lock_order.h) from the
 * event stream: per-thread held locks, create/join vector clocks, edges and
 * their instances. Cycle search and reporting: lock_order_cycles.c. */
#include "lock_order.h"
#include "lock_view.h"
#include "op_class.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void *lo_grow(void *arr, uint32_t *cap, uint32_t n, size_t elem)
{
	if (n < *cap)
		return arr;
	uint32_t want = *cap ? *cap * 2 : 16;
	while (want <= n)
		want *= 2;
	void *p = realloc(arr, (size_t)want * elem);
	if (!p)
		abort();
	*cap = want;
	return p;
}

static struct lo_thread *lo_thread_slow(struct lock_order *lo, uint32_t id)
{
	if (id >= lo->nthreads) {
		uint32_t n = id + 1 > lo->nthreads * 2 ? id + 1 : lo->nthreads * 2;
		struct lo_thread *t = realloc(lo->threads, (size_t)n * sizeof(*t));
		if (!t)
			abort();
		memset(t + lo->nthreads, 0, (size_t)(n - lo->nthreads) * sizeof(*t));
		for (uint32_t i = lo->nthreads; i < n; i++) {
			t[i].heldset = LO_NONE;
			t[i].snap = LO_NONE;
		}
		lo->threads = t;
		lo->nthreads = n;
	}
	struct lo_thread *t = &lo->threads[id];
	if (!t->started) {
		t->started = true;
		vclock_init_thread(&t->vc, id);
	}
	return t;
}

static inline struct lo_thread *lo_thread(struct lock_order *lo, uint32_t id)
{
	if (id < lo->nthreads && lo->threads[id].started)
		return &lo->threads[id];
	return lo_thread_slow(lo, id);
}

/* ---- held sets ---- */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint32_t lo_intern_heldset(struct lock_order *lo, struct lo_thread *t)
{
	if (t->heldset != LO_NONE)
		return t->heldset;
	lo->scratch = lo_grow(lo->scratch, &lo->scratch_cap, t->nheld, sizeof(*lo->scratch));
	uint64_t h = 0x9e3779b97f4a7c15ull ^ t->nheld;
	for (uint32_t i = 0; i < t->nheld; i++)
		lo->scratch[i] = (uint64_t)t->held[i].lock << 1 | t->held[i].read;
	qsort(lo->scratch, t->nheld, sizeof(*lo->scratch), u64_cmp);
	for (uint32_t i = 0; i < t->nheld; i++)
		h = (h ^ lo->scratch[i]) * 0x100000001b3ull;
	h &= ~(1ull << 63); /* never U64MAP_EMPTY */
	int added;
	uint32_t *slot = u64map_put(&lo->set_map, h, LO_NONE, &added);
	for (uint32_t s = *slot; s != LO_NONE; s = lo->sets[s].next) {
		if (lo->sets[s].n == t->nheld &&
		    !memcmp(lo->sets[s].locks, lo->scratch, t->nheld * sizeof(uint64_t)))
			return t->heldset = s;
	}
	lo->sets = lo_grow(lo->sets, &lo->cap_sets, lo->nsets, sizeof(*lo->sets));
	struct lo_heldset *set = &lo->sets[lo->nsets];
	set->n = t->nheld;
	set->next = *slot;
	set->locks = malloc((t->nheld ? t->nheld : 1) * sizeof(uint64_t));
	if (!set->locks)
		abort();
	memcpy(set->locks, lo->scratch, t->nheld * sizeof(uint64_t));
	*slot = lo->nsets;
	return t->heldset = lo->nsets++;
}

/* ---- vector clock snapshots ---- */

static uint32_t lo_snapshot(struct lock_order *lo, struct lo_thread *t)
{
	if (t->snap != LO_NONE)
		return t->snap;
	if (lo->snap_entries + t->vc.n > LO_MAX_SNAP_ENTRIES)
		return LO_NONE;
	lo->snaps = lo_grow(lo->snaps, &lo->cap_snaps, lo->nsnaps, sizeof(*lo->snaps));
	struct vclock *s = &lo->snaps[lo->nsnaps];
	*s = (struct vclock)VCLOCK_INIT;
	vclock_copy(s, &t->vc);
	lo->snap_entries += t->vc.n;
	return t->snap = lo->nsnaps++;
}

static void lo_create(struct lock_order *lo, const struct trace_event *ev)
{
	struct lo_thread *t = lo_thread(lo, ev->thread);
	if (ev->phase == TRACE_PHASE_BEGIN || !t->has_pending) {
		vclock_copy(&t->pending, &t->vc);
		vclock_tick(&t->vc, ev->thread);
		t->snap = LO_NONE;
		t->has_pending = true;
	}
	if (ev->phase == TRACE_PHASE_BEGIN)
		return;
	t->has_pending = false;
	if (ev->result != 0 || ev->peer_thread == TRACE_NONE || ev->peer_thread == ev->thread)
		return;
	t = &lo->threads[ev->thread];
	struct vclock sent = VCLOCK_INIT;
	vclock_copy(&sent, &t->pending);
	struct lo_thread *child = lo_thread(lo, ev->peer_thread);
	vclock_join(&child->vc, &sent);
	child->snap = LO_NONE;
	vclock_release(&sent);
}

/* The child's first event: if the parent's create is still in flight in the
 * merged order, take the clock it is sending. */
static void lo_thread_start(struct lock_order *lo, const struct trace_event *ev)
{
	uint32_t parent = ev->peer_thread;
	lo_thread(lo, ev->thread);
	if (parent == TRACE_NONE || parent == ev->thread || parent >= lo->nthreads ||
	    !lo->threads[parent].started || !lo->threads[parent].has_pending)
		return;
	struct lo_thread *t = &lo->threads[ev->thread];
	vclock_join(&t->vc, &lo->threads[parent].pending);
	t->snap = LO_NONE;
}

static void lo_join(struct lock_order *lo, const struct trace_event *ev)
{
	if (ev->phase != TRACE_PHASE_END || ev->result != 0 || ev->peer_thread == TRACE_NONE ||
	    ev->peer_thread == ev->thread)
		return;
	lo_thread(lo, ev->peer_thread);
	struct lo_thread *t = lo_thread(lo, ev->thread);
	struct lo_thread *peer = &lo->threads[ev->peer_thread];
	vclock_join(&t->vc, &peer->vc);
	t->snap = LO_NONE;
	/* it has ended: nothing takes its clock again (thousands of threads
	 * made and joined keep the clocks of those alive, not of all) */
	vclock_release(&peer->vc);
	vclock_release(&peer->pending);
	peer->snap = LO_NONE;
}

/* ---- edges ---- */

static struct lo_edge *lo_edge(struct lock_order *lo, uint32_t from, uint32_t to)
{
	int added;
	uint32_t *slot = u64map_put(&lo->edge_map, u64map_pair(from, to), lo->nedges, &added);
	if (!added)
		return &lo->edges[*slot];
	lo->edges = lo_grow(lo->edges, &lo->cap_edges, lo->nedges, sizeof(*lo->edges));
	struct lo_edge *e = &lo->edges[lo->nedges++];
	*e = (struct lo_edge){ .from = from, .to = to, .first = LO_NONE };
	return e;
}

static uint64_t lo_mix(uint32_t lock, bool read)
{
	uint64_t x = ((uint64_t)lock << 1 | read) * 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

static uint32_t lo_new_instance(struct lock_order *lo, struct lo_edge *e, uint32_t thread,
				const struct lo_held *h, bool acq_read, uint32_t stack)
{
	struct lo_thread *t = &lo->threads[thread];
	uint32_t idx = lo->ninsts;
	uint32_t snap = lo_snapshot(lo, t);
	uint32_t set = lo_intern_heldset(lo, t);
	lo->insts = lo_grow(lo->insts, &lo->cap_insts, lo->ninsts, sizeof(*lo->insts));
	lo->insts[lo->ninsts++] = (struct lo_inst){
		.from = h->lock, .to = e->to, .thread = thread, .heldset = set, .held_hash = t->held_hash,
		.holding_stack = h->stack, .acquiring_stack = stack, .snap_first = snap,
		.snap_last = snap, .hold_read = h->read, .acq_read = acq_read, .next = LO_NONE,
	};
	/* Append, so the first occurrence stays first. */
	if (e->first == LO_NONE) {
		e->first = idx;
	} else {
		uint32_t i = e->first;
		while (lo->insts[i].next != LO_NONE)
			i = lo->insts[i].next;
		lo->insts[i].next = idx;
	}
	e->ninst++;
	return idx;
}

static bool lo_inst_is(const struct lo_inst *in, uint32_t from, uint32_t to, uint32_t thread,
		       uint64_t held_hash, bool hold_read, bool acq_read)
{
	return in->from == from && in->to == to && in->thread == thread &&
	       in->held_hash == held_hash && in->hold_read == hold_read && in->acq_read == acq_read;
}

static uint64_t lo_inst_key(uint32_t from, uint32_t to, uint32_t thread, uint64_t held_hash,
			    bool hold_read, bool acq_read)
{
	uint64_t k = (u64map_pair(from, to) * 0x9e3779b97f4a7c15ull) ^ held_hash;
	k ^= ((uint64_t)thread << 2 | (uint64_t)hold_read << 1 | acq_read) * 0xff51afd7ed558ccdull;
	return k & ~(1ull << 63);
}

/* Records that THREAD, holding H (and the rest of its held set), acquired
 * TO. One hash probe when this (edge, thread, held set, modes) was seen. */
static void lo_add_instance(struct lock_order *lo, uint32_t thread, const struct lo_held *h,
			    uint32_t to, bool acq_read, uint32_t stack)
{
	struct lo_thread *t = &lo->threads[thread];
	uint64_t key = lo_inst_key(h->lock, to, thread, t->held_hash, h->read, acq_read);
	uint32_t *slot = u64map_get(&lo->inst_map, key);
	if (slot && lo_inst_is(&lo->insts[*slot], h->lock, to, thread, t->held_hash, h->read, acq_read)) {
		struct lo_inst *in = &lo->insts[*slot];
		if (in->snap_last != t->snap || t->snap == LO_NONE)
			in->snap_last = lo_snapshot(lo, t);
		return;
	}
	struct lo_edge *e = lo_edge(lo, h->lock, to);
	if (!e->ninst)
		e->thread = thread;
	else if (e->thread != thread)
		e->many_threads = true;
	for (uint32_t i = e->first; i != LO_NONE; i = lo->insts[i].next) {
		if (lo_inst_is(&lo->insts[i], h->lock, to, thread, t->held_hash, h->read, acq_read)) {
			lo->insts[i].snap_last = lo_snapshot(lo, t);
			return;   /* a hash collision kept it out of the map */
		}
	}
	if (e->ninst >= LO_MAX_INSTANCES) {
		e->overflow = true;
		return;
	}
	uint32_t idx = lo_new_instance(lo, e, thread, h, acq_read, stack);
	*u64map_put(&lo->inst_map, key, idx, NULL) = idx;
}

static struct lo_held *lo_find_held(struct lo_thread *t, uint32_t lock)
{
	for (uint32_t i = t->nheld; i-- > 0;)
		if (t->held[i].lock == lock)
			return &t->held[i];
	return NULL;
}

/* Drops H from T's held locks (all recursive holds when ALL). */
static void lo_drop(struct lo_thread *t, struct lo_held *h, bool all)
{
	if (!all && --h->depth > 0)
		return;
	t->held_hash -= lo_mix(h->lock, h->read);
	*h = t->held[--t->nheld];   /* order does not matter */
	t->heldset = LO_NONE;
}

/* The thread that holds LOCK for writing, as far as we know, and its hold
 * (NULL if none): the lock's last writer, if it still holds it. */
static struct lo_held *lo_writer(struct lock_order *lo, uint32_t lock, uint32_t *thread)
{
	uint32_t last = id_index_get(&lo->last_writer, lock);
	if (!last || last > lo->nthreads)
		return NULL;
	*thread = last - 1;
	struct lo_held *h = lo_find_held(&lo->threads[last - 1], lock);
	return h && !h->read ? h : NULL;
}

/* LOCK is no longer held by its writer (it was released where events were
 * lost, or by another thread). */
static void lo_unhold(struct lock_order *lo, uint32_t lock)
{
	uint32_t writer;
	struct lo_held *h = lo_writer(lo, lock, &writer);
	if (h)
		lo_drop(&lo->threads[writer], h, true);
}

/* THREAD lost events: it may have released anything it held. */
static void lo_forget(struct lock_order *lo, uint32_t thread)
{
	struct lo_thread *t = lo_thread(lo, thread);
	t->requesting = false;
	while (t->nheld)
		lo_drop(t, &t->held[t->nheld - 1], true);
}

/* THREAD took LOCK (blocking = it could have waited for it). */
static void lo_acquired(struct lock_order *lo, uint32_t thread, uint32_t lock, bool read,
			uint32_t stack, bool blocking, bool got_it)
{
	struct lo_thread *t = lo_thread(lo, thread);
	struct lo_held *h = lo_find_held(t, lock);
	if (!h && got_it && !read) {
		lo_unhold(lo, lock);   /* its writer let it go unseen */
		t = &lo->threads[thread];
	}
	if (h) {                /* recursive: cannot block on itself here */
		h->depth += got_it;
		return;
	}
	if (blocking)
		for (uint32_t i = 0; i < t->nheld; i++)
			lo_add_instance(lo, thread, &lo->threads[thread].held[i], lock, read, stack);
	if (!got_it)
		return;
	t = &lo->threads[thread];
	t->held = lo_grow(t->held, &t->cap, t->nheld, sizeof(*t->held));
	t->held[t->nheld++] = (struct lo_held){ lock, stack, 1, read };
	t->heldset = LO_NONE;
	t->held_hash += lo_mix(lock, read);
	if (!read && id_index_get(&lo->last_writer, lock) != thread + 1)
		id_index_set(&lo->last_writer, lock, thread + 1);
}

static void lo_released(struct lock_order *lo, uint32_t thread, uint32_t lock, bool all)
{
	struct lo_thread *t = lo_thread(lo, thread);
	struct lo_held *h = lo_find_held(t, lock);
	if (h) {
		lo_drop(t, h, all);
		return;
	}
	/* Unlocked by another thread than its owner (a misuse): the owner
	 * no longer holds it either. */
	lo_unhold(lo, lock);
}

static bool lo_result_acquired(int32_t result)
{
	return result == 0 || result == EOWNERDEAD;
}

/* A request that may block: remembered until its END, for the end of the
 * trace (a thread still blocked in it acquired nothing, but it waited
 * for the lock while holding the others). */
static void lo_request(struct lock_order *lo, const struct trace_event *ev, unsigned cls)
{
	struct lo_thread *t = lo_thread(lo, ev->thread);
	t->requesting = true;
	t->req_lock = ev->obj;
	t->req_read = cls & OPC_READ;
	t->req_stack = ev->stack;
}

/* An acquisition that can wait for good: not a trylock, nor a timed one
 * (it gives up by itself, and a thread that backs off when it does is
 * correct; ThreadSanitizer takes both for trylocks too). */
static bool lo_can_block(const struct trace_event *ev, unsigned cls)
{
	return !(cls & OPC_TRY) && !trace_op_is_timed(ev->op);
}

static void lo_lock_event(struct lock_order *lo, const struct trace_event *ev)
{
	unsigned cls = op_class(ev->op);
	if (ev->phase == TRACE_PHASE_BEGIN) {
		if ((cls & OPC_ACQUIRE) && lo_can_block(ev, cls))
			lo_request(lo, ev, cls);
		return;
	}
	if (cls & OPC_ACQUIRE) {
		lo_thread(lo, ev->thread)->requesting = false;
		bool got = lo_result_acquired(ev->result);
		if (got)
			lo_acquired(lo, ev->thread, ev->obj, cls & OPC_READ, ev->stack, lo_can_block(ev, cls), got);
	} else if (cls & OPC_RELEASE) {
		if (ev->result == 0)
			lo_released(lo, ev->thread, ev->obj, false);
	} else if ((cls & OPC_DESTROY) && ev->result == 0) {
		lo_released(lo, ev->thread, ev->obj, true);
		id_index_set(&lo->last_writer, ev->obj, 0);   /* it is gone */
	}
}

static void lo_feed(void *state, const struct trace_event *ev)
{
	struct lock_order *lo = state;

	if (ev->op == TRACE_OP_DROPPED) {
		lo_forget(lo, ev->thread);
		return;
	}
	switch (ev->kind) {
	case TRACE_OBJ_MUTEX:
	case TRACE_OBJ_RWLOCK:
	case TRACE_OBJ_SPINLOCK:
		if (ev->obj_gap)
			lo_unhold(lo, ev->obj);  /* an operation on it was lost */
		if (ev->obj_gap == TRACE_OBJ_GAP_LATE) {  /* out of order: not applied */
			if (op_class(ev->op) & OPC_ACQUIRE)
				lo_thread(lo, ev->thread)->requesting = false;
			return;
		}
		if (ev->op == TRACE_OP_COND_RELEASE)
			lo_released(lo, ev->thread, ev->obj, true);
		else if (ev->op == TRACE_OP_COND_REACQUIRE)
			lo_acquired(lo, ev->thread, ev->obj, false,
				    lo_thread(lo, ev->thread)->cond_stack, true, true);
		else
			lo_lock_event(lo, ev);
		return;
	case TRACE_OBJ_COND:
		if (op_class(ev->op) & OPC_COND)
			lo_thread(lo, ev->thread)->cond_stack = ev->stack;
		return;
	case TRACE_OBJ_SPAWN:
		if (trace_op_is_create(ev->op))
			lo_create(lo, ev);
		else if (ev->op == TRACE_OP_THREAD_START)
			lo_thread_start(lo, ev);
		return;
	case TRACE_OBJ_THREAD:
		if (op_class(ev->op) & OPC_JOIN)
			lo_join(lo, ev);
		return;
	case TRACE_OBJ_NONE: case TRACE_OBJ_SEM: case TRACE_OBJ_BARRIER: case TRACE_OBJ_MQ:
	case TRACE_OBJ_ONCE: case TRACE_OBJ_ATOMIC: case TRACE_OBJ_KIND_COUNT:
		return;
	}
}

static void *lo_begin(const struct trace_catalog *cat, const struct analysis_options *opt)
{
	struct lock_order *lo = calloc(1, sizeof(*lo));
	if (!lo)
		abort();
	lo->cat = cat;
	lo->locks = opt->locks;
	id_index_init(&lo->last_writer);
	return lo;
}

/* Semaphores that turned out not to be locks take their edges with them
 * (the edge map is not used after this). */
static void lo_drop_not_locks(struct lock_order *lo)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < lo->nedges; i++) {
		const struct lo_edge *e = &lo->edges[i];
		if (lock_view_verdict(lo->locks, e->from) < LOCK_VIEW_NOT_LOCK &&
		    lock_view_verdict(lo->locks, e->to) < LOCK_VIEW_NOT_LOCK)
			lo->edges[n++] = *e;
	}
	lo->nedges = n;
}

static void lo_finish(void *state, struct report *out)
{
	struct lock_order *lo = state;
	for (uint32_t i = 0; i < lo->nthreads; i++) {
		struct lo_thread *t = &lo->threads[i];
		if (t->started && t->requesting)
			lo_acquired(lo, i, t->req_lock, t->req_read, t->req_stack, true, false);
	}
	lo_drop_not_locks(lo);
	lock_order_report_cycles(lo, out);
}

static void lo_free(void *state)
{
	struct lock_order *lo = state;
	for (uint32_t i = 0; i < lo->nthreads; i++) {
		free(lo->threads[i].held);
		vclock_release(&lo->threads[i].vc);
		vclock_release(&lo->threads[i].pending);
	}
	for (uint32_t i = 0; i < lo->nsets; i++)
		free(lo->sets[i].locks);
	for (uint32_t i = 0; i < lo->nsnaps; i++)
		vclock_release(&lo->snaps[i]);
	free(lo->threads);
	id_index_release(&lo->last_writer);
	free(lo->edges);
	free(lo->insts);
	free(lo->sets);
	free(lo->snaps);
	free(lo->scratch);
	u64map_release(&lo->edge_map);
	u64map_release(&lo->set_map);
	u64map_release(&lo->inst_map);
	free(lo);
}

const struct analyzer analyzer_lock_order = {
	.name = "lock-order",
	.category = ANALYZER_DEADLOCKS,
	.begin = lo_begin,
	.feed = lo_feed,
	.finish = lo_finish,
	.free = lo_free,
	.events = ANALYZER_LOCKS_PROGRAM,
};
