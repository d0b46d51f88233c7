/* SPDX-License-Identifier: MIT */
/* races_part.c - one part of the race analysis: replays every event's
 * synchronization, checks the accesses to the words it owns, and keeps
 * each race found once per pair of code sites (the first one found, in
 * stream order: parts merge to what one part would find). Part 0 also
 * checks the sync objects' own uses (init/destroy vs use). */
#include "races_part.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

void rc_part_init(struct rc_part *p, uint32_t parts, uint32_t part)
{
	memset(p, 0, sizeof(*p));
	p->parts = parts ? parts : 1;
	p->part = part;
	rc_hb_init(&p->hb);
	rc_shadow_init(&p->sh);
}

void rc_race_free(struct rc_race *x)
{
	free(x->r.accesses[0].locks_held);
	free(x->r.accesses[1].locks_held);
	free(x->r.symbol);
	free(x->r.function);
}

void rc_part_release(struct rc_part *p)
{
	rc_hb_release(&p->hb);
	rc_shadow_release(&p->sh);
	rc_objraces_release(&p->objs);
	rc_heap_release(&p->heap);
	free(p->benign);
	free(p->stacks);
	free(p->used);
	for (uint32_t i = 0; i < p->nraces; i++)
		rc_race_free(&p->races[i]);
	free(p->races);
	u64map_release(&p->pairs);
	memset(p, 0, sizeof(*p));
}

/* The key of a pair of code sites, unordered. */
uint64_t rc_pair_key(enum report_race_kind kind, uint32_t a, uint32_t b)
{
	uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
	return ((uint64_t)kind << 62 | (uint64_t)lo << 31 | hi) & ~(1ull << 63);
}

static bool rc_benign(const struct rc_part *p, uint32_t process, uint64_t addr)
{
	for (uint32_t i = 0; i < p->nbenign; i++) {
		const struct rc_benign *b = &p->benign[i];
		if (b->process == process && addr >= b->addr && addr - b->addr < b->size)
			return true;
	}
	return false;
}

static void rc_locks(const struct rc_hb *hb, uint32_t set, struct report_access *out)
{
	uint32_t one = set & ~RC_SET_ONE;
	bool single = set != RC_NONE && (set & RC_SET_ONE);
	if (!single && (set >= hb->nsets || !hb->sets[set].n))
		return;
	out->nlocks_held = single ? 1 : hb->sets[set].n;
	out->locks_held = malloc(out->nlocks_held * sizeof(uint32_t));
	if (!out->locks_held)
		abort();
	memcpy(out->locks_held, single ? &one : hb->sets[set].locks, out->nlocks_held * sizeof(uint32_t));
}

/* A new race for pair KEY, or NULL when that pair has one already. */
static struct rc_race *rc_new_race(struct rc_part *p, uint64_t key, uint64_t word)
{
	int added;
	u64map_put(&p->pairs, key, p->nraces, &added);
	if (!added)
		return NULL;
	p->races = rc_grow(p->races, &p->cap_races, p->nraces + 1, sizeof(*p->races), 16);
	struct rc_race *x = &p->races[p->nraces++];
	memset(x, 0, sizeof(*x));
	x->event = p->nevent;
	x->word = word;
	x->key = key;
	x->r.block_thread = TRACE_NONE;
	x->r.stack_thread = TRACE_NONE;
	x->r.free_thread = TRACE_NONE;
	return x;
}

static void rc_fill_access(struct report_access *o, const struct rc_access *a, const struct rc_hb *hb)
{
	o->thread = a->thread;
	o->write = a->write;
	o->atomic = a->atomic;
	o->stack = a->stack;
	o->address = a->addr;
	o->size = a->size > UINT32_MAX ? UINT32_MAX : (uint32_t)a->size;
	o->ts_ns = a->ts_ns;
	o->flags = a->aflags;
	rc_locks(hb, a->heldset, o);
}

static void rc_fill_prev(struct report_access *o, const struct rc_found *f, const struct rc_hb *hb)
{
	o->thread = f->prev.thread;
	o->write = f->prev.flags & RC_E_WRITE;
	o->atomic = f->prev.flags & RC_E_ATOMIC;
	o->stack = f->prev_site->stack;
	o->address = f->word + (uint64_t)(int64_t)f->prev.start;
	o->size = f->prev_site->size;
	o->ts_ns = f->prev.ts_ns;
	o->flags = (uint8_t)((f->prev_site->flags & ~(RC_SITE_ATOMIC | RC_SITE_ALLOC)) |
			     (f->prev_site->flags & RC_SITE_ALLOC ? REPORT_ACCESS_ALLOC : 0));
	rc_locks(hb, f->prev_site->heldset, o);
}

static void rc_found_data(void *ctx, const struct rc_found *f)
{
	struct rc_part *p = ctx;
	const struct rc_access *a = f->cur;
	uint64_t addr = f->word + (uint64_t)__builtin_ctz(f->overlap);
	if (rc_benign(p, a->process, addr))
		return;
	/* Its size: the bytes both accesses touch from there (a 16-byte
	 * access or a range spans words; the pair is found in the first word
	 * it races in) */
	uint64_t prev_addr = f->word + (uint64_t)(int64_t)f->prev.start;
	uint64_t hi = a->addr + a->size, prev_hi = prev_addr + f->prev_site->size;
	if (prev_hi < hi)
		hi = prev_hi;
	struct rc_race *x = rc_new_race(p, rc_pair_key(REPORT_RACE_DATA, a->stack, f->prev_site->stack), f->word);
	if (!x)
		return;
	struct report_race *r = &x->r;
	r->kind = REPORT_RACE_DATA;
	r->process = a->process;
	r->address = addr;
	r->size = hi > addr ? (hi - addr > UINT32_MAX ? UINT32_MAX : (uint32_t)(hi - addr))
			    : (uint32_t)__builtin_popcount(f->overlap);
	rc_fill_access(&r->accesses[0], a, &p->hb);
	rc_fill_prev(&r->accesses[1], f, &p->hb);
	const struct rc_block *b = rc_heap_find(&p->heap, a->process, addr);
	if (b) {
		r->location = REPORT_LOCATION_HEAP;
		r->block = b->addr;
		r->block_size = b->size;
		r->block_stack = b->stack;
		r->block_thread = b->thread;
		r->offset = addr - b->addr;
		if (a->aflags & TRACE_ACCESS_FREE) {   /* this access frees it */
			r->block_freed = true;
			r->free_stack = a->stack;
			r->free_thread = a->thread;
			r->block_free_ts_ns = a->ts_ns;
		} else if (b->freed) {
			r->block_freed = true;
			r->free_stack = b->free_stack;
			r->free_thread = b->free_thread;
			r->block_free_ts_ns = b->free_ts_ns;
		}
	}
}

/* The size of a sync object of KIND on this machine (its bytes are not
 * recorded: the type's size is what the program passed). */
static uint32_t rc_obj_size(uint8_t kind)
{
	switch (kind) {
	case TRACE_OBJ_MUTEX: return sizeof(pthread_mutex_t);
	case TRACE_OBJ_RWLOCK: return sizeof(pthread_rwlock_t);
	case TRACE_OBJ_SPINLOCK: return sizeof(pthread_spinlock_t);
	case TRACE_OBJ_COND: return sizeof(pthread_cond_t);
	case TRACE_OBJ_SEM: return sizeof(sem_t);
	case TRACE_OBJ_BARRIER: return sizeof(pthread_barrier_t);
	}
	return 0;
}

static void rc_fill_objacc(struct report_access *o, const struct rc_objacc *a, const struct rc_hb *hb,
			   uint64_t addr, uint32_t size)
{
	o->thread = a->thread;
	o->write = a->write;
	o->stack = a->stack;
	o->address = addr;
	o->size = size;
	o->ts_ns = a->ts_ns;
	o->op = a->op;
	rc_locks(hb, a->heldset, o);
}

static void rc_found_object(void *ctx, const struct trace_event *ev, const struct rc_objuse *u,
			    const struct rc_objacc *cur, const struct rc_objacc *prev)
{
	struct rc_part *p = ctx;
	uint64_t key = p->ex->obj_key;
	struct rc_race *x = rc_new_race(p, rc_pair_key(REPORT_RACE_OBJECT, cur->stack, prev->stack), key >> 3);
	if (!x)
		return;
	struct report_race *r = &x->r;
	r->kind = REPORT_RACE_OBJECT;
	r->process = ev->process;
	r->address = key;
	r->size = rc_obj_size(ev->kind);
	r->location = REPORT_LOCATION_OBJECT;
	r->object = u->obj;
	rc_fill_objacc(&r->accesses[0], cur, &p->hb, r->address, r->size);
	rc_fill_objacc(&r->accesses[1], prev, &p->hb, r->address, r->size);
}

static void rc_objuse(void *ctx, const struct trace_event *ev, const struct rc_objuse *u)
{
	struct rc_part *p = ctx;
	rc_objraces_use(&p->objs, &p->hb, ev, u, rc_found_object, p);
}

/* Thread t accessed addr, in its own stack. */
static void rc_stack_used(struct rc_part *p, uint32_t t, uint64_t addr)
{
	struct rc_stack *st = &p->stacks[t];
	st->used_lo = addr;
	if (st->listed)
		return;
	p->used = rc_grow(p->used, &p->cap_used, p->nused + 1, sizeof(*p->used), 64);
	p->used[p->nused++] = t;
	st->listed = true;
}

/* Thread ev->thread starts on the stack [lo, hi): what other threads'
 * stacks there held (a thread that ended, whose memory it reuses) is
 * forgotten, as a new heap block's is. */
static void rc_part_stack(struct rc_part *p, const struct trace_event *ev)
{
	uint64_t lo = ev->args[0], hi = ev->args[1];
	uint32_t t = ev->thread;
	if (t == TRACE_NONE || hi <= lo)
		return;
	for (uint32_t i = 0; i < p->nused; i++) {
		struct rc_stack *st = &p->stacks[p->used[i]];
		uint64_t from = st->used_lo > lo ? st->used_lo : lo, to = st->hi < hi ? st->hi : hi;
		if (p->used[i] == t || st->process != ev->process || from >= to)
			continue;
		rc_shadow_reset(&p->sh, ev->process, from, to - from, p->parts, p->part);
		if (from == st->used_lo && to == st->hi) {   /* all of its state went */
			st->used_lo = UINT64_MAX;
			st->listed = false;
			p->used[i--] = p->used[--p->nused];
		}
	}
	/* A block whose free was not seen (a thread's, past its end) may
	 * have been unmapped and its pages made this stack: glibc maps
	 * blocks of 128 KiB and more on their own. */
	rc_heap_forget_in(&p->heap, ev->process, lo, hi, rc_heap_class(128u << 10));
	uint32_t had = p->nstacks;
	p->stacks = rc_grow(p->stacks, &p->nstacks, t + 1, sizeof(*p->stacks), 64);
	for (uint32_t i = had; i < p->nstacks; i++)
		p->stacks[i].used_lo = UINT64_MAX;
	struct rc_stack *st = &p->stacks[t];
	st->lo = lo;
	st->hi = hi;
	st->process = ev->process;
	st->used_lo = UINT64_MAX;
}

/* Checks access pl (filled in as *a) against the words this part owns. */
static void rc_part_check(struct rc_part *p, const struct rc_plain *pl, bool write, bool atomic,
			  struct rc_access *a)
{
	if (pl->thread < p->nstacks) {
		const struct rc_stack *st = &p->stacks[pl->thread];
		if (pl->addr - st->lo < st->hi - st->lo && pl->addr < st->used_lo)
			rc_stack_used(p, pl->thread, pl->addr);
	}
	*a = (struct rc_access){
		.process = pl->process, .thread = pl->thread, .addr = pl->addr, .size = pl->size,
		.ts_ns = pl->ts_ns, .stack = pl->stack, .heldset = rc_heldset(&p->hb, pl->thread),
		.aflags = pl->aflags, .write = write, .atomic = atomic, .event = p->nevent,
	};
	rc_shadow_access(&p->sh, &p->hb, &p->heap, a, p->parts, p->part, rc_found_data, p);
}

static void rc_part_access(struct rc_part *p, const struct trace_event *ev, uint64_t addr,
			   uint64_t size, uint8_t aflags, bool write, bool atomic)
{
	struct rc_plain pl = { addr, size, ev->ts_ns, ev->process, ev->thread, ev->stack, aflags };
	struct rc_access a;
	rc_part_check(p, &pl, write, atomic, &a);
	if (aflags & TRACE_ACCESS_FREE)   /* its words now hold the free alone */
		rc_heap_free(&p->heap, ev, addr);
}

void rc_part_feed_plain(struct rc_part *p, const struct rc_plain *pl)
{
	p->nevent++;
	struct rc_access a;
	/* an atomic load that acquired nothing new: it races as one, orders nothing */
	rc_part_check(p, pl, pl->aflags & TRACE_ACCESS_WRITE, pl->aflags & TRACE_ACCESS_ATOMIC, &a);
}

/* A free is a write to its whole block, checked only for a block seen
 * allocated: one made where nothing was recorded (the program's start,
 * the shim's own calls) may have been reused unseen, and a free of it
 * proves nothing. Its memory is forgotten either way. */
static void rc_part_free(struct rc_part *p, const struct trace_event *ev)
{
	const struct rc_block *b = rc_heap_get(&p->heap, ev->process, ev->args[0]);
	if (!b) {
		rc_shadow_reset(&p->sh, ev->process, ev->args[0], ev->args[1], p->parts, p->part);
		return;
	}
	/* the bytes the program asked for (the free's size, as TSan tells it;
	 * a race of the free with a use of the slack is not found) */
	rc_part_access(p, ev, ev->args[0], b->size ? b->size : ev->args[1], (uint8_t)ev->args[2], true, false);
}

/* The block [addr, addr + size) has a word of this part's: most blocks
 * lie in one page, whose part keeps them (one of 64 pages or more is kept
 * by every part). */
static bool rc_part_holds_block(const struct rc_part *p, uint32_t process, uint64_t addr,
				uint64_t size)
{
	const unsigned shift = RC_PAGE_BITS + 3;   /* a page's bytes */
	uint64_t first = addr >> shift, last = (addr + (size ? size - 1 : 0)) >> shift;
	if (p->parts <= 1 || last < first || last - first >= 64)
		return true;
	for (uint64_t pg = first; pg <= last; pg++)
		if (rc_part_of(rc_word_key(process, pg << shift), p->parts) == p->part)
			return true;
	return false;
}

/* A block made (or a mapping): new memory, whatever it held before, and
 * written by its allocation (rc_shadow_allocated). */
static void rc_part_alloc(struct rc_part *p, const struct trace_event *ev)
{
	uint64_t size = ev->args[1], slack = trace_alloc_slack(ev->args[2]);
	uint64_t span = size + slack < size ? size : size + slack;
	if (!rc_part_holds_block(p, ev->process, ev->args[0], span)) {
		rc_heap_forget(&p->heap, ev->process, ev->args[0]);
		return;
	}
	bool known = ev->thread != TRACE_NONE;
	const struct rc_block *b =
		rc_heap_alloc(&p->heap, ev, known ? vclock_get(&rc_thread(&p->hb, ev->thread)->vc, ev->thread) : 0,
			      known ? rc_heldset(&p->hb, ev->thread) : RC_NONE);
	if (b)
		rc_shadow_allocated(&p->sh, b, p->parts, p->part);
}

static void rc_part_benign(struct rc_part *p, const struct trace_event *ev)
{
	p->benign = rc_grow(p->benign, &p->cap_benign, p->nbenign + 1, sizeof(*p->benign), 8);
	p->benign[p->nbenign++] = (struct rc_benign){ ev->process, ev->args[1], ev->args[2] ? ev->args[2] : 1 };
}

void rc_part_feed(struct rc_part *p, const struct trace_event *ev, const struct rc_extra *x)
{
	p->nevent++;
	p->ex = x;
	switch (ev->op) {
	case TRACE_OP_ACCESS:   /* a free */
		rc_part_free(p, ev);
		return;
	case TRACE_OP_ALLOC:
		rc_part_alloc(p, ev);
		return;
	case TRACE_OP_ATOMIC:
		if (x->obj_key && ev->phase == TRACE_PHASE_END && ev->obj_gap != TRACE_OBJ_GAP_LATE &&
		    !(ev->args[0] & TRACE_ATOMIC_UNCHECKED))
			rc_part_access(p, ev, x->obj_key, ev->args[2] ? ev->args[2] : 1, 0,
				       ev->args[0] != TRACE_ATOMIC_LOAD && ev->args[0] != TRACE_ATOMIC_CAS_FAIL,
				       true);
		break;
	case TRACE_OP_ANNOTATE:
		if (ev->args[0] == TRACE_ANN_BENIGN_RACE)
			rc_part_benign(p, ev);
		break;
	case TRACE_OP_THREAD_STACK:
		rc_part_stack(p, ev);
		break;
	}
	rc_sync_event(&p->hb, ev, x, p->part == 0 ? rc_objuse : NULL, p);
}

/* Races whose bytes an annotation, seen later, declared benign. */
bool rc_part_is_benign(const struct rc_part *p, const struct report_race *r)
{
	return r->kind == REPORT_RACE_DATA && rc_benign(p, r->process, r->address);
}

/* N parts that go on where ONE stopped: each gets a copy of its clocks,
 * heap blocks and benign ranges; part 0 takes its sync-object state and
 * races. Done before the first access, while no word has state. */
struct rc_part *rc_part_split(struct rc_part *one, uint32_t n)
{
	struct rc_part *parts = aligned_alloc(_Alignof(struct rc_part), n * sizeof(*parts));
	if (!parts)
		abort();
	for (uint32_t i = 0; i < n; i++) {
		struct rc_part *p = &parts[i];
		rc_part_init(p, n, i);
		rc_hb_release(&p->hb);
		rc_hb_copy(&p->hb, &one->hb);
		rc_heap_copy(&p->heap, &one->heap);
		p->nbenign = p->cap_benign = one->nbenign;
		p->benign = one->nbenign ? malloc(one->nbenign * sizeof(*p->benign)) : NULL;
		if (one->nbenign && !p->benign)
			abort();
		if (one->nbenign)
			memcpy(p->benign, one->benign, one->nbenign * sizeof(*p->benign));
		p->nevent = one->nevent;
		p->nstacks = one->nstacks;   /* bounds only: no access was seen */
		p->stacks = one->nstacks ? malloc(one->nstacks * sizeof(*p->stacks)) : NULL;
		if (one->nstacks && !p->stacks)
			abort();
		if (one->nstacks)
			memcpy(p->stacks, one->stacks, one->nstacks * sizeof(*p->stacks));
	}
	struct rc_part *p0 = &parts[0];
	p0->objs = one->objs;
	p0->races = one->races;
	p0->nraces = one->nraces;
	p0->cap_races = one->cap_races;
	p0->pairs = one->pairs;
	memset(&one->objs, 0, sizeof(one->objs));
	one->races = NULL;
	one->nraces = one->cap_races = 0;
	one->pairs = (struct u64map)U64MAP_INIT;
	return parts;
}
