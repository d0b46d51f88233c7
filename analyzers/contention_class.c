/* SPDX-License-Identifier: MIT */
/* contention_class.c - the statistics of the contention analysis: live lock
 * slots, statistics records and their waiting sites (pools with free
 * lists), lock classes, folding a lock into its class, and the lockstats
 * made from them (see contention.h). Following the events is contention.c's. */
#include "contention.h"
#include "lock_view.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void *contention_push(void *arr, uint32_t *cap, uint32_t n, size_t elem)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 4;
	void *p = realloc(arr, (size_t)*cap * elem);
	if (!p)
		abort();
	return p;
}

/* ---- pools: arrays whose freed elements are linked through a uint32_t
 * at LINK bytes into each, and taken again first ---- */

/* Takes an element into *TAKEN; returns the (maybe moved) array. */
static void *ct_pool_take(void *arr, uint32_t *n, uint32_t *cap, uint32_t *free_head, size_t elem,
			  size_t link, uint32_t *taken)
{
	uint32_t i = *free_head;
	if (i != CT_NONE) {
		memcpy(free_head, (char *)arr + i * elem + link, sizeof(*free_head));
		*taken = i;
		return arr;
	}
	*taken = (*n)++;
	return contention_push(arr, cap, *taken, elem);
}

/* Element I, cleared, goes to the free list. */
static void ct_pool_give(void *arr, uint32_t *free_head, uint32_t i, size_t elem, size_t link)
{
	char *e = (char *)arr + i * elem;
	memset(e, 0, elem);
	memcpy(e + link, free_head, sizeof(*free_head));
	*free_head = i;
}

/* ---- statistics and sites ---- */

static uint32_t ct_stat_new(struct contention *ct)
{
	uint32_t i;
	ct->stats = ct_pool_take(ct->stats, &ct->nstats, &ct->cap_stats, &ct->free_stat,
				 sizeof(*ct->stats), offsetof(struct ct_stat, next_free), &i);
	memset(&ct->stats[i], 0, sizeof(ct->stats[i]));
	ct->stats[i].sites = CT_NONE;
	ct->stats[i].next_free = CT_NONE;
	return i;
}

static void ct_stat_free(struct contention *ct, uint32_t i)
{
	struct ct_stat *st = &ct->stats[i];
	for (uint32_t s = st->sites, next; s != CT_NONE; s = next) {
		struct ct_site *site = &ct->sites[s];
		next = site->next;
		u64map_del(&ct->site_map, u64map_pair(site->stat, site->stack));
		free(site->blame);
		ct_pool_give(ct->sites, &ct->free_site, s, sizeof(*site), offsetof(struct ct_site, next));
	}
	free(st->hist);
	ct_pool_give(ct->stats, &ct->free_stat, i, sizeof(*st), offsetof(struct ct_stat, next_free));
}

uint64_t *contention_hist(struct contention *ct, uint32_t stat)
{
	struct ct_stat *st = &ct->stats[stat];
	if (!st->hist) {
		st->hist = calloc(2 * REPORT_HIST_BUCKETS, sizeof(*st->hist));
		if (!st->hist)
			abort();
	}
	return st->hist;
}

struct ct_site *contention_site(struct contention *ct, uint32_t stat, uint32_t stack)
{
	const uint32_t *known = u64map_get(&ct->site_map, u64map_pair(stat, stack));
	if (known)
		return &ct->sites[*known];
	uint32_t *slot = u64map_put(&ct->site_map, u64map_pair(stat, stack), 0, NULL);
	uint32_t i;
	ct->sites = ct_pool_take(ct->sites, &ct->nsites, &ct->cap_sites, &ct->free_site,
				 sizeof(*ct->sites), offsetof(struct ct_site, next), &i);
	*slot = i;
	struct ct_site *s = &ct->sites[i];
	memset(s, 0, sizeof(*s));
	s->stat = stat;
	s->stack = stack;
	s->next = ct->stats[stat].sites;
	ct->stats[stat].sites = i;
	return s;
}

static uint64_t ct_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Adds the numbers of SRC (sites and blame included) to DST. */
static void ct_stat_merge(struct contention *ct, uint32_t dst, uint32_t src)
{
	struct ct_stat *d = &ct->stats[dst], *s = &ct->stats[src];
	d->acquisitions += s->acquisitions;
	d->contended += s->contended;
	d->timeouts += s->timeouts;
	d->wait_ns += s->wait_ns;
	d->max_wait_ns = ct_max(d->max_wait_ns, s->max_wait_ns);
	d->hold_ns += s->hold_ns;
	d->max_hold_ns = ct_max(d->max_hold_ns, s->max_hold_ns);
	d->owner_changes += s->owner_changes;
	if (s->hist) {
		uint64_t *h = contention_hist(ct, dst);
		for (unsigned b = 0; b < 2 * REPORT_HIST_BUCKETS; b++)
			h[b] += ct->stats[src].hist[b];
	}
	for (uint32_t i = ct->stats[src].sites; i != CT_NONE; i = ct->sites[i].next) {
		struct ct_site *to = contention_site(ct, dst, ct->sites[i].stack);
		const struct ct_site *from = &ct->sites[i];
		to->contended += from->contended;
		to->wait_ns += from->wait_ns;
		to->max_wait_ns = ct_max(to->max_wait_ns, from->max_wait_ns);
		for (uint32_t b = 0; b < from->nblame; b++)
			contention_add_blame(&to->blame, &to->nblame, &to->cap_blame, from->blame[b].stack,
					     from->blame[b].ns);
	}
}

/* ---- classes ---- */

/* (process, kind, init stack); without a stack (--stack-depth 0), the
 * address stands for it, as lockdep keys static locks: the incarnations of
 * one lock on the stack or reused heap are a class, globals stay apart. */
static uint64_t ct_class_key(const struct trace_object *o)
{
	if (!o)
		return UINT64_MAX - 1;
	if (o->init_stack)
		return (uint64_t)(o->process & 0xffffff) << 40 | (uint64_t)o->kind << 32 | o->init_stack;
	return 1ull << 63 | (uint64_t)(o->kind & 0x7f) << 56 | (uint64_t)(o->process & 0xff) << 48 |
	       (o->key & 0xffffffffffffull);
}

static uint32_t ct_class_of(struct contention *ct, uint32_t id)
{
	const struct trace_object *o = trace_catalog_object(ct->cat, id);
	uint64_t key = ct_class_key(o);
	int added;
	uint32_t *slot = u64map_put(&ct->class_map, key, ct->nclasses, &added);
	if (!added)
		return *slot;
	ct->classes = contention_push(ct->classes, &ct->cap_classes, ct->nclasses, sizeof(*ct->classes));
	struct ct_class *c = &ct->classes[ct->nclasses];
	memset(c, 0, sizeof(*c));
	c->process = o ? o->process : TRACE_NONE;
	c->kind = o ? o->kind : TRACE_OBJ_NONE;
	c->init_stack = o ? o->init_stack : 0;
	c->first = id;
	c->stat = CT_NONE;
	return ct->nclasses++;
}

/* The class has become many: from now on one record counts them all. */
static void ct_class_group(struct contention *ct, struct ct_class *c)
{
	c->stat = ct_stat_new(ct);
	for (uint32_t i = 0; i < c->nkept; i++) {
		ct_stat_merge(ct, c->stat, c->kept[i].stat);
		ct_stat_free(ct, c->kept[i].stat);
	}
	free(c->kept);
	c->kept = NULL;
	c->nkept = c->cap_kept = 0;
}

/* A new member ID: counts it, and says which record its numbers go to. */
static void ct_class_join(struct contention *ct, struct ct_lock *l, uint32_t id)
{
	l->cls = ct_class_of(ct, id);
	struct ct_class *c = &ct->classes[l->cls];
	c->members++;
	if (id < c->first)
		c->first = id;
	if (c->stat == CT_NONE && c->members >= CONTENTION_CLASS_MIN)
		ct_class_group(ct, c);
	l->own_stat = c->stat == CT_NONE;
	l->stat = l->own_stat ? ct_stat_new(ct) : c->stat;
}

/* A member with numbers of its own has gone: they join the class's record,
 * or are kept apart while the class is small. A lock used again after it
 * was destroyed has a second slot: it is merged into its first. */
static void ct_class_leave(struct contention *ct, const struct ct_lock *l)
{
	struct ct_class *c = &ct->classes[l->cls];
	if (c->stat != CT_NONE) {
		ct_stat_merge(ct, c->stat, l->stat);
		ct_stat_free(ct, l->stat);
		return;
	}
	for (uint32_t i = 0; i < c->nkept; i++) {
		if (c->kept[i].id == l->id) {
			ct_stat_merge(ct, c->kept[i].stat, l->stat);
			ct_stat_free(ct, l->stat);
			c->members--;
			return;
		}
	}
	c->kept = contention_push(c->kept, &c->cap_kept, c->nkept, sizeof(*c->kept));
	c->kept[c->nkept++] = (struct ct_kept){ l->id, l->stat };
}

/* ---- live locks ---- */

struct ct_lock *contention_lock(struct contention *ct, uint32_t id)
{
	uint32_t slot = id_index_get(&ct->slot_of, id);
	if (slot)
		return &ct->locks[slot - 1];
	uint32_t i;
	ct->locks = ct_pool_take(ct->locks, &ct->nlocks, &ct->cap_locks, &ct->free_lock,
				 sizeof(*ct->locks), offsetof(struct ct_lock, next_free), &i);
	id_index_set(&ct->slot_of, id, i + 1);
	struct ct_lock *l = &ct->locks[i];
	memset(l, 0, sizeof(*l));
	l->id = id;
	l->last_owner = CT_NONE;
	l->writer.thread = CT_NONE;
	l->blame_at_release = ct_blames_release(ct, id);
	ct_class_join(ct, l, id);
	return l;
}

static void ct_fold_slot(struct contention *ct, uint32_t i)
{
	struct ct_lock *l = &ct->locks[i];
	if (l->own_stat)
		ct_class_leave(ct, l);
	id_index_set(&ct->slot_of, l->id, 0);
	free(l->readers);
	free(l->waiters);
	ct_pool_give(ct->locks, &ct->free_lock, i, sizeof(*l), offsetof(struct ct_lock, next_free));
	ct->locks[i].id = CT_NONE;
}

void contention_fold(struct contention *ct, uint32_t id)
{
	uint32_t slot = id_index_get(&ct->slot_of, id);
	if (slot)
		ct_fold_slot(ct, slot - 1);
}

/* ---- lockstats ---- */

static bool ct_is_lock_kind(unsigned kind)
{
	return kind == TRACE_OBJ_MUTEX || kind == TRACE_OBJ_RWLOCK || kind == TRACE_OBJ_SPINLOCK;
}

static void ct_add_lockstat(struct contention *ct, struct report *out, uint32_t id,
			    const struct ct_class *c, uint32_t stat)
{
	const struct ct_stat *st = &ct->stats[stat];
	enum lock_view_verdict verdict = lock_view_verdict(ct->view, id);
	if (!ct_is_lock_kind(c->kind) && !st->acquisitions && !st->timeouts)
		return;   /* an object nobody waited on */
	if (verdict == LOCK_VIEW_PYTHON_WAIT)
		return;   /* CPython's means of waiting, not the program's */
	struct report_lockstat *s = report_add_lockstat(out, id);
	s->blame_at_release = ct_blames_release(ct, id);
	s->used_as_lock = verdict == LOCK_VIEW_LOCK;
	if (c->stat == stat)
		s->instances = c->members;
	s->acquisitions = st->acquisitions;
	s->contended = st->contended;
	s->timeouts = st->timeouts;
	s->wait_ns = st->wait_ns;
	s->max_wait_ns = st->max_wait_ns;
	/* A semaphore that turned out to be a signal was never held. */
	bool held = verdict != LOCK_VIEW_NOT_LOCK;
	s->hold_ns = held ? st->hold_ns : 0;
	s->max_hold_ns = held ? st->max_hold_ns : 0;
	s->owner_changes = st->owner_changes;
	if (st->hist) {
		memcpy(s->wait_hist, st->hist, sizeof(s->wait_hist));
		if (held)
			memcpy(s->hold_hist, st->hist + REPORT_HIST_BUCKETS, sizeof(s->hold_hist));
	}
	for (uint32_t i = st->sites; i != CT_NONE; i = ct->sites[i].next) {
		const struct ct_site *cs = &ct->sites[i];
		struct report_site *rs = report_lockstat_add_site(s, cs->stack);
		rs->contended = cs->contended;
		rs->wait_ns = cs->wait_ns;
		rs->max_wait_ns = cs->max_wait_ns;
		for (uint32_t b = 0; b < cs->nblame; b++)
			report_site_add_blame(rs, cs->blame[b].stack, cs->blame[b].ns);
	}
}

void contention_report(struct contention *ct, struct report *out)
{
	for (uint32_t i = 0; i < ct->nlocks; i++)
		if (ct->locks[i].id != CT_NONE)
			ct_fold_slot(ct, i);
	for (uint32_t k = 0; k < ct->nclasses; k++) {
		const struct ct_class *c = &ct->classes[k];
		if (c->stat != CT_NONE)
			ct_add_lockstat(ct, out, c->first, c, c->stat);
		for (uint32_t i = 0; i < c->nkept; i++)
			ct_add_lockstat(ct, out, c->kept[i].id, c, c->kept[i].stat);
	}
}

void contention_release(struct contention *ct)
{
	for (uint32_t i = 0; i < ct->nlocks; i++) {
		free(ct->locks[i].readers);
		free(ct->locks[i].waiters);
	}
	for (uint32_t i = 0; i < ct->nstats; i++)
		free(ct->stats[i].hist);
	for (uint32_t i = 0; i < ct->nsites; i++)
		free(ct->sites[i].blame);
	for (uint32_t i = 0; i < ct->nclasses; i++)
		free(ct->classes[i].kept);
	free(ct->locks);
	free(ct->stats);
	free(ct->sites);
	free(ct->classes);
	id_index_release(&ct->slot_of);
	u64map_release(&ct->site_map);
	u64map_release(&ct->class_map);
}
