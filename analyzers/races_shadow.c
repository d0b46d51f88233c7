/* SPDX-License-Identifier: MIT */
/* races_shadow.c - per-address state: for each 8-byte word touched, the
 * accesses that a later access may still race with (FastTrack: the last
 * write, and the reads not ordered before it; byte masks keep it exact).
 * An entry is dropped only when a newer access covers its bytes and is
 * ordered after it, never to save room: memory grows with the words
 * touched and the threads that touch them at once, not with accesses. */
#include "races.h"

#include <stdlib.h>
#include <string.h>

void rc_shadow_init(struct rc_shadow *s)
{
	memset(s, 0, sizeof(*s));
}

void rc_shadow_release(struct rc_shadow *s)
{
	for (size_t i = 0; s->c && i <= s->mask; i++)
		for (uint32_t k = 0; s->c[i].key != U64MAP_EMPTY && k < RC_CHUNK_WORDS; k++)
			if (s->c[i].w[k].cap)
				free(s->c[i].w[k].e);
	free(s->c);
	free(s->sites);
	u64map_release(&s->site_map);
	memset(s, 0, sizeof(*s));
}

static void *rc_grow(void *arr, uint32_t *cap, uint32_t need, size_t elem, uint32_t first)
{
	if (need <= *cap)
		return arr;
	uint32_t n = *cap ? *cap * 2 : first;
	while (n < need)
		n *= 2;
	void *p = realloc(arr, (size_t)n * elem);
	if (!p)
		abort();
	*cap = n;
	return p;
}

static inline bool rc_site_eq(const struct rc_site *x, uint32_t stack, uint32_t heldset, uint32_t size,
			      uint8_t flags)
{
	return x->stack == stack && x->heldset == heldset && x->size == size && x->flags == flags;
}

static uint32_t rc_site_intern(struct rc_shadow *s, uint32_t stack, uint32_t heldset, uint32_t size,
			       uint8_t flags, uint64_t h)
{
	for (;; h = h * 0x100000001b3ull + 1) {
		if (h == U64MAP_EMPTY)
			continue;
		int added;
		uint32_t *slot = u64map_put(&s->site_map, h, s->nsites, &added);
		if (added) {
			s->sites = rc_grow(s->sites, &s->cap_sites, s->nsites + 1, sizeof(*s->sites), 64);
			s->sites[s->nsites] = (struct rc_site){ stack, heldset, size, flags };
			return s->nsites++;
		}
		if (rc_site_eq(&s->sites[*slot], stack, heldset, size, flags))
			return *slot;
	}
}

uint32_t rc_site(struct rc_shadow *s, uint32_t stack, uint32_t heldset, uint32_t size, uint8_t flags)
{
	uint64_t h = ((uint64_t)stack << 32 | heldset) * 0x9e3779b97f4a7c15ull ^
		     ((uint64_t)size << 8 | flags) * 0xc2b2ae3d27d4eb4full;
	uint32_t c = (uint32_t)(h >> 56);
	if (s->site_cache_id[c] && rc_site_eq(&s->site_cache[c], stack, heldset, size, flags))
		return s->site_cache_id[c] - 1;
	uint32_t id = rc_site_intern(s, stack, heldset, size, flags, h);
	s->site_cache[c] = s->sites[id];
	s->site_cache_id[c] = id + 1;
	return id;
}

static void rc_chunks_grow(struct rc_shadow *s)
{
	size_t cap = s->c ? (s->mask + 1) * 2 : 1024;
	struct rc_chunk *c = malloc(cap * sizeof(*c));
	if (!c)
		abort();
	for (size_t i = 0; i < cap; i++)
		c[i].key = U64MAP_EMPTY;
	for (size_t i = 0; s->c && i <= s->mask; i++) {
		if (s->c[i].key == U64MAP_EMPTY)
			continue;
		size_t j = u64map_hash(s->c[i].key) & (cap - 1);
		while (c[j].key != U64MAP_EMPTY)
			j = (j + 1) & (cap - 1);
		c[j] = s->c[i];
	}
	free(s->c);
	s->c = c;
	s->mask = cap - 1;
	s->last = NULL;
}

/* The chunk of words KEY (rc_word_key / RC_CHUNK_WORDS) is, made if CREATE. */
static struct rc_chunk *rc_chunk(struct rc_shadow *s, uint64_t key, bool create)
{
	if (s->last && s->last->key == key)
		return s->last;
	if (!s->c) {
		if (!create)
			return NULL;
		rc_chunks_grow(s);
	}
	size_t i = u64map_hash(key) & s->mask;
	while (s->c[i].key != key) {
		if (s->c[i].key == U64MAP_EMPTY) {
			if (!create)
				return NULL;
			if ((s->nc + 1) * 4 > (s->mask + 1) * 3) {   /* keep it under 3/4 full */
				rc_chunks_grow(s);
				return rc_chunk(s, key, create);
			}
			memset(&s->c[i], 0, sizeof(s->c[i]));
			s->c[i].key = key;
			s->nc++;
			break;
		}
		i = (i + 1) & s->mask;
	}
	return s->last = &s->c[i];
}

static struct rc_word *rc_word(struct rc_shadow *s, uint64_t key, bool create)
{
	struct rc_chunk *c = rc_chunk(s, key / RC_CHUNK_WORDS, create);
	return c ? &c->w[key % RC_CHUNK_WORDS] : NULL;
}

/* The bytes of word w that [addr, end) covers. */
static inline uint8_t rc_mask(uint64_t w, uint64_t addr, uint64_t end)
{
	uint64_t lo = addr > w ? addr - w : 0;
	uint64_t hi = end < w + 8 ? end - w : 8;
	return (uint8_t)(((1u << hi) - 1) & ~((1u << lo) - 1));
}

static void rc_word_access(struct rc_shadow *s, struct rc_hb *hb, const struct rc_thread *th,
			   struct rc_word *wd, const struct rc_access *a, uint64_t w, uint8_t mask,
			   uint32_t epoch, uint32_t site,
			   void (*found)(void *ctx, const struct rc_found *f), void *ctx)
{
	const uint32_t t = a->thread;
	const uint8_t flags = (uint8_t)((a->write ? RC_E_WRITE : 0) | (a->atomic ? RC_E_ATOMIC : 0));
	uint32_t keep = 0;
	struct rc_entry *es = rc_entries(wd);
	for (uint32_t i = 0; i < wd->n; i++) {
		struct rc_entry *e = &es[i];
		bool overlaps = (e->mask & mask) != 0;
		bool same = e->thread == t;
		bool before = same || rc_hb_before(hb, e->thread, e->epoch, th);
		if (overlaps && !before && (a->write || (e->flags & RC_E_WRITE)) &&
		    !(a->atomic && (e->flags & RC_E_ATOMIC)) && found) {
			struct rc_found f = { .cur = a, .word = w, .overlap = e->mask & mask,
					      .prev = *e, .prev_site = &s->sites[e->site] };
			found(ctx, &f);
		}
		/* Covered by the new access, ordered before it, and no stronger:
		 * whatever races with it now races with the new access. */
		bool dominated = before && !(e->mask & ~mask) &&
				 (a->write || !(e->flags & RC_E_WRITE)) &&
				 (!a->atomic || (e->flags & RC_E_ATOMIC));
		if (!dominated)
			es[keep++] = *e;
	}
	wd->n = keep;
	if (!wd->cap && keep) {   /* a second entry: all go to the heap */
		struct rc_entry one = wd->one;
		wd->e = NULL;
		wd->e = rc_grow(NULL, &wd->cap, 4, sizeof(*wd->e), 4);
		wd->e[0] = one;
	} else if (wd->cap) {
		wd->e = rc_grow(wd->e, &wd->cap, wd->n + 1, sizeof(*wd->e), 4);
	}
	int64_t start = (int64_t)(a->addr - w);   /* < 0: a range from an earlier word */
	rc_entries(wd)[wd->n++] = (struct rc_entry){
		.thread = t, .epoch = epoch, .site = site,
		.start = start < INT32_MIN ? INT32_MIN : (int32_t)start,
		.ts_ns = a->ts_ns, .mask = mask, .flags = flags,
	};
}

void rc_shadow_access(struct rc_shadow *s, struct rc_hb *hb, const struct rc_access *a,
		      uint32_t parts, uint32_t part,
		      void (*found)(void *ctx, const struct rc_found *f), void *ctx)
{
	if (!a->size)
		return;
	const struct rc_thread *th = rc_thread(hb, a->thread);
	uint32_t epoch = vclock_get(&th->vc, a->thread);
	uint32_t site = RC_NONE;
	uint64_t end = a->addr + a->size < a->addr ? UINT64_MAX : a->addr + a->size;
	for (uint64_t w = a->addr & ~7ull; w < end; w += 8) {
		uint64_t key = rc_word_key(a->process, w);
		if (rc_part_of(key, parts) != part)
			continue;
		if (site == RC_NONE)
			site = rc_site(s, a->stack, a->heldset,
				       a->size > UINT32_MAX ? UINT32_MAX : (uint32_t)a->size,
				       (uint8_t)(a->aflags | (a->atomic ? RC_SITE_ATOMIC : 0)));
		struct rc_word *wd = rc_word(s, key, true);
		rc_word_access(s, hb, th, wd, a, w, rc_mask(w, a->addr, end), epoch, site, found, ctx);
		if (w + 8 < w)
			break;
	}
}

void rc_shadow_reset(struct rc_shadow *s, const struct rc_access *a, uint32_t parts,
		     uint32_t part, bool keep_last)
{
	uint64_t end = a->addr + a->size < a->addr ? UINT64_MAX : a->addr + a->size;
	for (uint64_t w = a->addr & ~7ull; w < end; w += 8) {
		uint64_t key = rc_word_key(a->process, w);
		if (rc_part_of(key, parts) != part)
			continue;
		struct rc_word *wd = rc_word(s, key, false);
		if (wd && keep_last && wd->n) {
			rc_entries(wd)[0] = rc_entries(wd)[wd->n - 1];
			wd->n = 1;
		} else if (wd) {
			wd->n = 0;
		}
		if (w + 8 < w)
			break;
	}
}
