/* SPDX-License-Identifier: MIT */
/* races.c - the "races" analyzer: happens-before races between memory
 * accesses (programs built with `ctrace cc`) and on sync objects (every
 * program). One part when the trace is small or one core is asked for,
 * else one part per core (races_parallel.c); the parts' findings merge in
 * stream order, each pair of code sites once, so the output does not
 * depend on the number of parts. Locations a part cannot know (a global's
 * name) are named by report_resolve. */
#include "analyzer.h"
#include "fnv.h"
#include "races_parallel.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RC_MAX_PARTS 64
/* Traces without THREAD_STACK records: glibc puts a thread's struct
 * pthread (its pthread_t) at the top of its stack, so an address this far
 * below a thread's handle is taken to be on that thread's stack (the
 * default 8 MiB stack). */
#define RC_STACK_GUESS (8ull << 20)

/* With more than one core: one part on a thread of its own (beside the
 * reader and the other analyzers) until the first memory access (most
 * traces have none: their sync events are replayed once), then `parts`
 * parts on as many threads, one core left to the reader. With one core,
 * or one part asked for, a part fed in the caller's thread. */
struct races {
	const struct trace_catalog *cat;
	uint32_t parts;            /* wanted once accesses come */
	bool threaded;             /* parts on threads of their own */
	uint32_t nparts;           /* 1, or parts once split */
	bool split;
	bool *seen;                /* by thread: a sync event of it was fed */
	uint32_t nseen;
	/* sync objects by address (process << 48 | key), for the frees of
	 * their blocks; each object id put once (known) */
	struct u64map objs_at;
	bool *known;
	uint32_t nknown;
	uint64_t memory_limit;     /* of the shadows' memory */
	struct rc_part one;        /* no pool */
	struct rc_pool *pool;
};

/* The parts asked for (option, else CTRACE_RACE_PARTS), else one per
 * core but the reader's; *THREADED: on threads of their own. */
static uint32_t rc_default_parts(const struct analysis_options *opt, bool *threaded)
{
	const char *env = getenv("CTRACE_RACE_PARTS");
	long n;
	if (opt && opt->race_parts) {
		n = opt->race_parts;
		*threaded = n > 1;
	} else if (env) {
		n = strtol(env, NULL, 10);
		*threaded = n > 1;
	} else {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		n = cores - 1;
		*threaded = cores > 1;
	}
	return n < 1 ? 1 : n > RC_MAX_PARTS ? RC_MAX_PARTS : (uint32_t)n;
}

/* The shadow's memory limit asked for (option, else CTRACE_RACE_MEMORY,
 * bytes), else half the machine's memory. */
static uint64_t rc_memory_limit(const struct analysis_options *opt)
{
	const char *env = getenv("CTRACE_RACE_MEMORY");
	if (opt && opt->race_memory)
		return opt->race_memory;
	if (env && strtoull(env, NULL, 10))
		return strtoull(env, NULL, 10);
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page / 2 : UINT64_MAX;
}

static void *races_begin(const struct trace_catalog *cat, const struct analysis_options *opt)
{
	struct races *r = aligned_alloc(_Alignof(struct races), sizeof(*r));
	if (!r)
		abort();
	memset(r, 0, sizeof(*r));
	r->cat = cat;
	r->parts = rc_default_parts(opt, &r->threaded);
	r->memory_limit = rc_memory_limit(opt);
	rc_shadow_set_limit(r->memory_limit);
	r->nparts = 1;
	if (r->threaded) {
		struct rc_part *first = aligned_alloc(_Alignof(struct rc_part), sizeof(*first));
		if (!first)
			abort();
		rc_part_init(first, 1, 0);
		r->pool = rc_pool_new(first, 1);
	} else {
		rc_part_init(&r->one, 1, 0);
	}
	return r;
}

static void races_feed_one(struct races *r, const struct trace_event *ev, const struct rc_extra *x)
{
	if (r->pool)
		rc_pool_feed(r->pool, ev, x);
	else
		rc_part_feed(&r->one, ev, x);
}

static uint64_t races_obj_at(uint32_t process, uint64_t key)
{
	return (uint64_t)process << 48 | key;
}

/* Object ev->obj, at KEY, is where it is from now on. */
static void races_note_object(struct races *r, const struct trace_event *ev, uint64_t key)
{
	if (ev->obj < r->nknown && r->known[ev->obj])
		return;
	r->known = rc_grow(r->known, &r->nknown, ev->obj + 1, sizeof(*r->known), 256);
	r->known[ev->obj] = true;
	int added;
	*u64map_put(&r->objs_at, races_obj_at(ev->process, key), ev->obj, &added) = ev->obj;
}

/* Object *ID (none: NULL or 0), at map key K, is gone with the block FREED
 * frees: its end is fed if CHECKED, and a new object there gets a new id. */
static void races_feed_gone(struct races *r, const struct trace_event *freed, const struct rc_extra *x,
			    uint64_t k, uint32_t *id, bool checked)
{
	const struct trace_object *o = id && *id ? trace_catalog_object(r->cat, *id) : NULL;
	if (!o)
		return;
	if (!checked) {
		*id = 0;
		return;
	}
	struct trace_event one = *freed;
	one.obj = *id;
	one.kind = o->kind;
	struct rc_extra ox = *x;
	ox.obj_key = k & ((1ull << 48) - 1);
	races_feed_one(r, &one, &ox);
	*id = 0;
}

/* A FREED block: each object in it is destroyed by the free (a race with
 * a use unordered with it), if the program's own code freed it, or in a
 * process whose order is unseen (then only a use the free overlapped in
 * time races). A free by a library that instrumented code calls may be
 * ordered by the library's own atomics, which the trace does not see. */
static void races_feed_freed(struct races *r, const struct trace_event *ev, const struct rc_extra *x)
{
	uint64_t addr = ev->args[0], end = addr + ev->args[1] < addr ? UINT64_MAX : addr + ev->args[1];
	if (!r->objs_at.count || end >> 48 || ev->result)
		return;
	/* unchecked, its objects are gone all the same: a later free of a
	 * block made there does not end them again */
	bool checked = (ev->args[2] & TRACE_FREED_INSTRUMENTED) || x->unseen_order;
	uint64_t lo = races_obj_at(ev->process, addr), hi = races_obj_at(ev->process, end);
	if (ev->args[1] / 4 <= r->objs_at.count) {   /* sync objects are 4-byte aligned at least */
		for (uint64_t k = (lo + 3) & ~3ull; k < hi; k += 4)
			races_feed_gone(r, ev, x, k, u64map_get(&r->objs_at, k), checked);
	} else {   /* more addresses than objects: the objects */
		for (size_t i = 0; i <= r->objs_at.mask; i++)
			if (r->objs_at.keys[i] >= lo && r->objs_at.keys[i] < hi)
				races_feed_gone(r, ev, x, r->objs_at.keys[i], &r->objs_at.vals[i], checked);
	}
}

static void races_feed(void *state, const struct trace_event *ev)
{
	struct races *r = state;
	if (r->pool && !r->split && r->parts > 1 &&
	    (ev->op == TRACE_OP_ACCESS || ev->op == TRACE_OP_ATOMIC || ev->op == TRACE_OP_ALLOC)) {
		struct rc_part *first = rc_pool_end(r->pool);
		r->pool = rc_pool_new(rc_part_split(first, r->parts), r->parts);
		rc_part_release(first);
		free(first);
		r->nparts = r->parts;
		r->split = true;
	}
	if (rc_is_plain(ev)) {   /* most events of a `ctrace cc` program: no extra */
		if (r->pool) {
			rc_pool_feed(r->pool, ev, NULL);
		} else {
			struct rc_plain pl = rc_plain_of(ev);
			rc_part_feed_plain(&r->one, &pl);
		}
		return;
	}
	/* A thread's first sync event (accesses of other processes never race:
	 * a forked child's main thread may start with some) */
	bool first = false;
	if (ev->op != TRACE_OP_ACCESS && ev->op != TRACE_OP_ALLOC && ev->thread != TRACE_NONE) {
		r->seen = rc_grow(r->seen, &r->nseen, ev->thread + 1, sizeof(*r->seen), 64);
		first = !r->seen[ev->thread];
		r->seen[ev->thread] = true;
	}
	struct rc_extra x;
	rc_extra_of(r->cat, ev, first, &x);
	if (ev->obj && x.obj_key >> 48 == 0 && ev->process < 1u << 16)
		races_note_object(r, ev, x.obj_key);
	if (ev->op == TRACE_OP_FREED) {
		races_feed_freed(r, ev, &x);
		return;
	}
	races_feed_one(r, ev, &x);
}

static void races_feed_accesses(void *state, const struct trace_event *first, const struct trace_access *more,
				size_t n)
{
	struct races *r = state;   /* split already, if it is: FIRST was an access */
	for (size_t i = 0; i < n; i++) {
		const struct trace_access *x = &more[i];
		if (x->flags & TRACE_ACCESS_FREE) {   /* as an event: rc_part_free */
			struct trace_event ev = *first;
			ev.args[0] = x->addr;
			ev.args[1] = x->size;
			ev.args[2] = x->flags;
			ev.stack = x->stack;
			races_feed(r, &ev);
			continue;
		}
		struct rc_plain pl = { x->addr, x->size, first->ts_ns, first->process, first->thread, x->stack,
				       (uint8_t)x->flags };
		if (r->pool)
			rc_pool_feed_plain(r->pool, &pl);
		else
			rc_part_feed_plain(&r->one, &pl);
	}
}

static int rc_race_cmp(const void *a, const void *b)
{
	const struct rc_race *x = *(const struct rc_race *const *)a, *y = *(const struct rc_race *const *)b;
	if (x->event != y->event)
		return x->event < y->event ? -1 : 1;
	if (x->word != y->word)
		return x->word < y->word ? -1 : 1;
	return x < y ? -1 : x > y;   /* same part: found in that order */
}

static bool rc_thread_alive(const struct trace_thread *th, uint64_t ts)
{
	return th->start_ns <= ts && (!th->ended || ts <= th->end_ns);
}

/* The thread whose recorded stack bounds hold addr: the one alive at ts
 * (a stack is reused by a later thread once its own has ended), else the
 * last one started before ts. TRACE_NONE if none. */
static uint32_t rc_stack_owner(const struct trace_catalog *cat, uint32_t process, uint64_t addr,
			       uint64_t ts)
{
	uint32_t best = TRACE_NONE;
	for (uint32_t t = 0; t < cat->nthreads; t++) {
		const struct trace_thread *th = &cat->threads[t];
		if (th->process != process || addr < th->stack_lo || addr >= th->stack_hi)
			continue;
		if (rc_thread_alive(th, ts))
			return t;
		if (th->start_ns <= ts && (best == TRACE_NONE || th->start_ns > cat->threads[best].start_ns))
			best = t;
	}
	return best;
}

/* A trace without stack bounds (older ones): an address below a
 * thread's pthread_t, the nearest one, within the default stack size. */
static uint32_t rc_guess_stack(const struct trace_catalog *cat, uint32_t process, uint64_t addr)
{
	uint64_t best = UINT64_MAX;
	uint32_t owner = TRACE_NONE;
	for (uint32_t t = 0; t < cat->nthreads; t++) {
		const struct trace_thread *th = &cat->threads[t];
		if (th->process != process || th->stack_hi || th->handle <= addr ||
		    th->handle - addr > RC_STACK_GUESS || th->handle - addr >= best)
			continue;
		best = th->handle - addr;
		owner = t;
	}
	return owner;
}

/* A race on no heap block seen allocated, or on a freed one whose memory
 * a thread started since uses as its stack: is it on a thread's stack? */
static void rc_stack_location(const struct trace_catalog *cat, struct report_race *r)
{
	uint64_t ts = r->accesses[0].ts_ns;
	uint32_t owner = rc_stack_owner(cat, r->process, r->address, ts);
	if (r->location == REPORT_LOCATION_HEAP) {
		const struct trace_thread *th = owner != TRACE_NONE ? &cat->threads[owner] : NULL;
		if (!th || !r->block_freed || th->start_ns < r->block_free_ts_ns || !rc_thread_alive(th, ts))
			return;
		r->block_freed = false;
		r->block = r->block_size = r->offset = 0;
		r->block_stack = r->free_stack = 0;
		r->block_thread = r->free_thread = TRACE_NONE;
	}
	if (owner == TRACE_NONE)
		owner = rc_guess_stack(cat, r->process, r->address);
	if (owner == TRACE_NONE)
		return;
	r->location = REPORT_LOCATION_STACK;
	r->stack_thread = owner;
	r->stack_lo = cat->threads[owner].stack_lo;
	r->stack_hi = cat->threads[owner].stack_hi;
}

/* The innermost pc of stack ID, 0 if none. */
static uint64_t rc_top_pc(const struct trace_catalog *cat, uint32_t id)
{
	const struct trace_stack *st = trace_catalog_stack(cat, id);
	return st && st->depth ? st->pc[0] : 0;
}

/* A race's place: its kind, its address and the code of its two accesses
 * (their innermost pcs, unordered), whatever the calls that led there. A
 * race of one line with itself in a recursion is one race, not one per
 * depth; a helper racing on two variables is two. */
static uint64_t rc_race_place(const struct trace_catalog *cat, const struct report_race *x)
{
	uint64_t a = rc_top_pc(cat, x->accesses[0].stack), b = rc_top_pc(cat, x->accesses[1].stack);
	const uint64_t place[5] = { x->kind, x->process, x->address, a < b ? a : b, a < b ? b : a };
	uint64_t h = fnv1a_bytes(FNV1A_INIT, place, sizeof place);
	return h == U64MAP_EMPTY ? h - 1 : h;
}

static void races_finish(void *state, struct report *out)
{
	struct races *r = state;
	struct rc_part *parts = r->pool ? rc_pool_finish(r->pool) : &r->one;
	size_t n = 0;
	uint64_t unchecked = 0;
	for (uint32_t i = 0; i < r->nparts; i++) {
		n += parts[i].nraces;
		unchecked += parts[i].sh.unchecked;
	}
	if (unchecked)
		report_add_note(out, "races: the analysis's memory reached its limit (%llu MiB, "
				"--max-memory): %llu accesses to memory it was not tracking yet were not "
				"checked, races there may be missing",
				(unsigned long long)(r->memory_limit >> 20), (unsigned long long)unchecked);
	struct rc_race **all = calloc(n + 1, sizeof(*all));
	if (!all)
		abort();
	n = 0;
	for (uint32_t i = 0; i < r->nparts; i++)
		for (uint32_t j = 0; j < parts[i].nraces; j++)
			all[n++] = &parts[i].races[j];
	qsort(all, n, sizeof(*all), rc_race_cmp);
	struct u64map seen = U64MAP_INIT, places = U64MAP_INIT;
	for (size_t i = 0; i < n; i++) {
		struct rc_race *x = all[i];
		int added, new_place;
		u64map_put(&seen, x->key, 0, &added);
		u64map_put(&places, rc_race_place(r->cat, &x->r), 0, &new_place);
		if (!added || !new_place || rc_part_is_benign(&parts[0], &x->r))
			continue;
		struct report_race *o = report_add_race(out);
		*o = x->r;   /* moves the arrays */
		memset(&x->r, 0, sizeof(x->r));
		if (o->location == REPORT_LOCATION_UNKNOWN ||
		    (o->location == REPORT_LOCATION_HEAP && o->block_freed))
			rc_stack_location(r->cat, o);
	}
	u64map_release(&seen);
	u64map_release(&places);
	free(all);
}

static void races_free(void *state)
{
	struct races *r = state;
	if (r->pool)
		rc_pool_free(r->pool);
	else
		rc_part_release(&r->one);
	free(r->seen);
	free(r->known);
	u64map_release(&r->objs_at);
	free(r);
}

const struct analyzer analyzer_races = {
	.name = "races",
	.category = ANALYZER_RACES,
	.begin = races_begin,
	.feed = races_feed,
	.finish = races_finish,
	.free = races_free,
	.accesses = true,
	.feed_accesses = races_feed_accesses,
};
