/* SPDX-License-Identifier: MIT */
/* races_shadow.c - per-address state: for each 8-byte word touched, the
 * accesses that a later access may still race with (FastTrack: the last
 * write, and the reads not ordered before it; byte masks keep it exact).
 * An entry is dropped only when a newer access covers its bytes and is
 * ordered after it, never to save room: memory grows with the words
 * touched and the threads that touch them at once, not with accesses.
 * The words are kept by pages of 512 bytes of the program's memory, found
 * through a small cache and a hash table of pages; pages and the arrays of
 * words with several entries come from the shadow's own slabs, let go
 * together at the end. */
#include "races.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define RC_SLAB_BYTES (4u << 20)

/* What the shadows of every part have mapped, and may. */
static _Atomic uint64_t rc_mapped;
static uint64_t rc_limit = UINT64_MAX;

void rc_shadow_set_limit(uint64_t bytes)
{
	rc_limit = bytes;
}

static bool rc_uniform_on = true;

void rc_shadow_set_uniform(bool on)
{
	rc_uniform_on = on;
}

/* A slab: mapped, zeroed; its first bytes link it to the previous one. */
struct rc_slab {
	struct rc_slab *next;
	size_t bytes;
};

void rc_shadow_init(struct rc_shadow *s)
{
	memset(s, 0, sizeof(*s));
	for (uint32_t i = 0; i < RC_PAGE_CACHE; i++)
		s->cache[i].key = U64MAP_EMPTY;
}

void rc_shadow_release(struct rc_shadow *s)
{
	for (struct rc_slab *sl = s->slabs, *next; sl; sl = next) {
		next = sl->next;
		atomic_fetch_sub_explicit(&rc_mapped, sl->bytes, memory_order_relaxed);
		munmap(sl, sl->bytes);
	}
	free(s->table);
	free(s->fill.b);
	free(s->sites);
	u64map_release(&s->site_map);
	rc_shadow_init(s);
}

/* BYTES of zeroed memory (64-byte aligned) that lives until the release. */
static void *rc_slab_alloc(struct rc_shadow *s, size_t bytes)
{
	bytes = (bytes + 63) & ~(size_t)63;
	if ((size_t)(s->bump_end - s->bump) < bytes) {
		size_t size = bytes + 64 > RC_SLAB_BYTES ? bytes + 64 : RC_SLAB_BYTES;
		struct rc_slab *sl = mmap(NULL, size, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (sl == MAP_FAILED)
			abort();
		atomic_fetch_add_explicit(&rc_mapped, size, memory_order_relaxed);
		*sl = (struct rc_slab){ s->slabs, size };
		s->slabs = sl;
		s->bump = (char *)sl + 64;
		s->bump_end = (char *)sl + size;
	}
	void *p = s->bump;
	s->bump += bytes;
	return p;
}

/* An array for 2 << CLASS entries (contents undefined). */
static struct rc_entry *rc_entries_get(struct rc_shadow *s, uint32_t class)
{
	void **head = &s->free_entries[class];
	if (*head) {
		void *p = *head;
		*head = *(void **)p;
		return p;
	}
	return rc_slab_alloc(s, (sizeof(struct rc_entry) * 2) << class);
}

static void rc_entries_put(struct rc_shadow *s, struct rc_entry *e, uint32_t cap)
{
	void **head = &s->free_entries[__builtin_ctz(cap / 2)];
	*(void **)e = *head;
	*head = e;
}

/* wd's entries inline again, none (its array, if any, let go). */
static inline void rc_word_clear(struct rc_shadow *s, struct rc_word *wd)
{
	if (wd->one.holds == RC_W_MANY)
		rc_entries_put(s, wd->many.e, wd->many.cap);
	wd->one.holds = RC_W_NONE;
}

/* rc_word_reserve's work, when wd is full. */
static __attribute__((noinline)) void rc_word_grow(struct rc_shadow *s, struct rc_word *wd)
{
	if (wd->one.holds != RC_W_MANY) {
		struct rc_entry one = wd->one;
		wd->many.e = rc_entries_get(s, 0);
		wd->many.e[0] = one;
		wd->many.n = 1;
		wd->many.cap = 2;
		wd->one.holds = RC_W_MANY;
	} else {
		uint32_t class = (uint32_t)__builtin_ctz(wd->many.cap / 2);
		if (class + 1 >= RC_ENTRY_CLASSES)
			abort();
		struct rc_entry *e = rc_entries_get(s, class + 1);
		memcpy(e, wd->many.e, wd->many.n * sizeof(*e));
		rc_entries_put(s, wd->many.e, wd->many.cap);
		wd->many.e = e;
		wd->many.cap *= 2;
	}
}

/* Room for one more entry in wd (its entries kept). */
static inline void rc_word_reserve(struct rc_shadow *s, struct rc_word *wd)
{
	if (wd->one.holds == RC_W_MANY ? wd->many.n == wd->many.cap : wd->one.holds != RC_W_NONE)
		rc_word_grow(s, wd);
}

/* Appends an entry to wd (rc_word_reserve'd): where to set it. */
static inline struct rc_entry *rc_word_add(struct rc_word *wd)
{
	if (wd->one.holds == RC_W_MANY)
		return &wd->many.e[wd->many.n++];
	wd->one.holds = RC_W_ONE;
	return &wd->one;
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
	if (s->last_site.id && rc_site_eq(&s->last_site.site, stack, heldset, size, flags))
		return s->last_site.id - 1;
	uint64_t h = ((uint64_t)stack << 32 | heldset) * 0x9e3779b97f4a7c15ull ^
		     ((uint64_t)size << 8 | flags) * 0xc2b2ae3d27d4eb4full;
	struct rc_site_slot *c = &s->site_cache[h >> (64 - RC_SITE_CACHE_BITS)];
	if (!c->id || !rc_site_eq(&c->site, stack, heldset, size, flags)) {
		uint32_t id = rc_site_intern(s, stack, heldset, size, flags, h);
		*c = (struct rc_site_slot){ s->sites[id], id + 1 };
	}
	s->last_site = *c;
	return c->id - 1;
}

static void rc_table_grow(struct rc_shadow *s)
{
	size_t cap = s->table ? (s->mask + 1) * 2 : 1024;
	struct rc_page_slot *t = malloc(cap * sizeof(*t));
	if (!t)
		abort();
	for (size_t i = 0; i < cap; i++)
		t[i].key = U64MAP_EMPTY;
	for (size_t i = 0; s->table && i <= s->mask; i++) {
		if (s->table[i].key == U64MAP_EMPTY)
			continue;
		size_t j = u64map_hash(s->table[i].key) & (cap - 1);
		while (t[j].key != U64MAP_EMPTY)
			j = (j + 1) & (cap - 1);
		t[j] = s->table[i];
	}
	free(s->table);
	s->table = t;
	s->mask = cap - 1;
}

/* The page KEY (rc_word_key >> RC_PAGE_BITS); one not there yet is made
 * (*MADE set) if MADE, else NULL. */
static struct rc_page *rc_page_find(struct rc_shadow *s, uint64_t key, bool *made)
{
	const bool create = made != NULL;
	struct rc_page_slot *c = &s->cache[key % RC_PAGE_CACHE];
	if (c->key == key)
		return c->page;
	if (!s->table) {
		if (!create)
			return NULL;
		rc_table_grow(s);
	}
	size_t i = u64map_hash(key) & s->mask;
	while (s->table[i].key != key) {
		if (s->table[i].key == U64MAP_EMPTY) {
			if (!create ||
			    atomic_load_explicit(&rc_mapped, memory_order_relaxed) >= rc_limit)
				return NULL;
			if ((s->npages + 1) * 2 > s->mask + 1) {   /* keep it at most half full */
				rc_table_grow(s);
				return rc_page_find(s, key, made);
			}
			s->table[i] = (struct rc_page_slot){ key, rc_slab_alloc(s, sizeof(struct rc_page)) };
			s->npages++;
			*made = true;
			break;
		}
		i = (i + 1) & s->mask;
	}
	*c = s->table[i];
	return c->page;
}

/* The bytes of word w that [addr, end) covers. */
static inline uint8_t rc_mask(uint64_t w, uint64_t addr, uint64_t end)
{
	uint64_t lo = addr > w ? addr - w : 0;
	uint64_t hi = end < w + 8 ? end - w : 8;
	return (uint8_t)(((1u << hi) - 1) & ~((1u << lo) - 1));
}

/* Sets *e to the entry of access a in word w, field by field (a struct
 * built aside and copied costs a store-forwarding stall, on the path of
 * every access). */
static inline void rc_entry_set(struct rc_entry *e, const struct rc_access *a, uint64_t w, uint8_t mask,
				uint32_t epoch, uint32_t site)
{
	int64_t start = (int64_t)(a->addr - w);   /* < 0: a range from an earlier word */
	e->thread = a->thread;
	e->epoch = epoch;
	e->site = site;
	e->start = start < INT32_MIN ? INT32_MIN : (int32_t)start;
	e->ts_ns = a->ts_ns;
	e->mask = mask;
	e->flags = (uint8_t)((a->write ? RC_E_WRITE : 0) | (a->atomic ? RC_E_ATOMIC : 0));
}

/* The site of block b's allocation, interned at the first call (*SITE
 * RC_NONE until then). */
static uint32_t rc_alloc_site(struct rc_shadow *s, const struct rc_block *b, uint32_t *site)
{
	if (*site == RC_NONE)
		*site = rc_site(s, b->stack, b->heldset, b->size > UINT32_MAX ? UINT32_MAX : (uint32_t)b->size,
				RC_SITE_ALLOC);
	return *site;
}

/* Sets *e to the entry in word w of block b's allocation, field by field
 * (see rc_entry_set: a block's words are set in a loop). */
static inline void rc_alloc_entry_set(struct rc_entry *e, const struct rc_block *b, uint64_t w, uint32_t site)
{
	int64_t start = (int64_t)(b->addr - w);
	e->thread = b->thread;
	e->epoch = b->epoch;
	e->site = site;
	e->start = start < INT32_MIN ? INT32_MIN : (int32_t)start;
	e->ts_ns = b->ts_ns;
	e->mask = rc_mask(w, b->addr, b->addr + rc_block_span(b));
	e->flags = RC_E_WRITE | RC_E_ALLOC;
	e->wepoch = 0;
}

/* Entry e is no stronger than access a (a write, or plain, where a is
 * not): once e is also ordered before a, whatever races with e on a byte
 * of a races with a. */
static inline bool rc_weaker(const struct rc_entry *e, const struct rc_access *a)
{
	return (a->write || !(e->flags & (RC_E_WRITE | RC_E_AFTER_ALLOC))) &&
	       (!a->atomic || (e->flags & RC_E_ATOMIC));
}

/* ... and covers no byte that a (bytes MASK) does not. */
static inline bool rc_covered_by(const struct rc_entry *e, uint8_t mask, const struct rc_access *a)
{
	return !(e->mask & ~mask) && rc_weaker(e, a);
}

/* Access a (a read) races with the allocation that entry e, a read by
 * the allocating thread since, stands for too: found with the block's
 * allocation as the earlier access. */
static void rc_found_alloc(struct rc_shadow *s, struct rc_heap *heap, const struct rc_entry *e,
			   const struct rc_access *a, uint64_t w, uint8_t overlap,
			   void (*found)(void *ctx, const struct rc_found *f), void *ctx)
{
	const struct rc_block *b = heap ? rc_heap_find(heap, a->process, w + (uint64_t)__builtin_ctz(overlap))
				       : NULL;
	if (!b || b->freed || b->thread != e->thread)
		return;   /* not kept by this part's heap: cannot be (it holds the word) */
	uint32_t site = RC_NONE;
	struct rc_found f = { .cur = a, .word = w, .overlap = overlap };
	rc_alloc_entry_set(&f.prev, b, w, rc_alloc_site(s, b, &site));
	f.prev.epoch = e->wepoch;
	f.prev_site = &s->sites[site];
	found(ctx, &f);
}

/* Checks access a (bytes MASK of word w) against word wd's entries and
 * records it there: true if wd then holds a's entry alone, all its bytes. */
static inline __attribute__((always_inline)) bool rc_word_access(struct rc_shadow *s, struct rc_hb *hb, struct rc_heap *heap,
			   const struct rc_thread *th, struct rc_word *wd, const struct rc_access *a,
			   uint64_t w, uint8_t mask, uint32_t epoch, uint32_t site,
			   void (*found)(void *ctx, const struct rc_found *f), void *ctx)
{
	const uint32_t t = a->thread;
	uint32_t keep = 0, n = rc_word_n(wd);
	bool subsumed = false;
	struct rc_entry *es = rc_entries(wd);
	/* The allocating thread reads its bytes of a new block (and again):
	 * one entry stands for the read and the allocation's write. */
	if (n == 1 && es->thread == t && !a->write && !a->atomic && es->mask == mask &&
	    (es->flags & (RC_E_ALLOC | RC_E_AFTER_ALLOC))) {
		uint32_t wepoch = es->flags & RC_E_ALLOC ? es->epoch : es->wepoch;
		rc_entry_set(es, a, w, mask, epoch, site);
		es->flags |= RC_E_AFTER_ALLOC;
		es->wepoch = wepoch;
		return false;
	}
	/* Most words: one entry, the thread's own, that the access covers
	 * (a loop writing its array again): replaced. */
	if (n == 1 && es->thread == t && rc_covered_by(es, mask, a)) {
		rc_entry_set(es, a, w, mask, epoch, site);
		return mask == 0xff && wd->one.holds == RC_W_ONE;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct rc_entry *e = &es[i];
		bool overlaps = (e->mask & mask) != 0;
		bool same = e->thread == t;
		bool before = same || rc_hb_before(hb, e->thread, e->epoch, th);
		if (overlaps && !before && (a->write || (e->flags & RC_E_WRITE)) &&
		    !(a->atomic && (e->flags & RC_E_ATOMIC)) && found) {
			struct rc_found f = { .cur = a, .word = w, .overlap = e->mask & mask,
					      .prev = *e, .prev_site = &s->sites[e->site] };
			found(ctx, &f);
		} else if (overlaps && (e->flags & RC_E_AFTER_ALLOC) && !same && !a->write && found &&
			   !rc_hb_before(hb, e->thread, e->wepoch, th)) {
			rc_found_alloc(s, heap, e, a, w, e->mask & mask, found, ctx);
		}
		/* An entry ordered before a, no stronger, gives way to it byte
		 * by byte (a race is told by a there): a word keeps one entry
		 * when threads write its halves in turn, or an allocation's
		 * write and the ints of the block. */
		if (before && rc_weaker(e, a))
			e->mask &= (uint8_t)~mask;
		if (e->mask && keep++ != i)   /* not copied onto itself: most words lose none */
			es[keep - 1] = *e;
		/* A read after the thread's own write of its bytes in the same
		 * epoch adds nothing (as TSan keeps it): what races with the
		 * read races with the write, and what is ordered after the
		 * write is after the read. */
		subsumed |= same && e->epoch == epoch && !a->write && (e->flags & RC_E_WRITE) &&
			    !(mask & ~e->mask) && (a->atomic || !(e->flags & RC_E_ATOMIC));
	}
	rc_word_set_n(wd, keep);
	if (subsumed)
		return false;
	/* A free, once checked, is all that is left of the block: a later
	 * access races with it or is ordered after it. Back inline when the
	 * other entries gave way. */
	const bool alone = !keep || (a->aflags & TRACE_ACCESS_FREE);
	if (alone)
		rc_word_clear(s, wd);
	rc_word_reserve(s, wd);
	rc_entry_set(rc_word_add(wd), a, w, mask, epoch, site);
	return alone && mask == 0xff;
}

/* The last byte of [w, end) in w's page (end > w). */
static inline uint64_t rc_page_last(uint64_t w, uint64_t end)
{
	uint64_t last = w | (RC_PAGE_BYTES - 1);
	return last < end - 1 ? last : end - 1;
}

static inline struct rc_word *rc_page_word(struct rc_page *pg, uint64_t w)
{
	return &pg->w[(w >> 3) % RC_PAGE_WORDS];
}

/* The first byte of the page holding w. */
static inline uint64_t rc_page_base(uint64_t w)
{
	return w & ~(uint64_t)(RC_PAGE_BYTES - 1);
}

/* [addr, end) covers every byte of the page at base. */
static inline bool rc_page_covered(uint64_t base, uint64_t addr, uint64_t end)
{
	return addr <= base && end - base >= RC_PAGE_BYTES;
}

/* The word I places after the first: its entries' starts are 8 * I
 * bytes further back (clamped as rc_entry_set clamps them). */
static inline int32_t rc_start_at(int32_t start, uint32_t i)
{
	int64_t v = (int64_t)start - 8 * (int64_t)i;
	return v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

static inline bool rc_page_uniform(const struct rc_page *pg)
{
	return pg->w[0].one.holds == RC_W_UNIFORM;
}

/* The uniform page pg's words written out: it is uniform no more. */
static void rc_page_spread(struct rc_shadow *s, struct rc_page *pg)
{
	const uint32_t n = rc_word_n(&pg->same);
	const struct rc_entry *src = rc_entries(&pg->same);
	for (uint32_t i = 0; i < RC_PAGE_WORDS; i++) {
		struct rc_word *wd = &pg->w[i];
		wd->one.holds = RC_W_NONE;   /* owning no array */
		for (uint32_t k = 0; k < n; k++) {
			rc_word_reserve(s, wd);
			bool inline_one = wd->one.holds == RC_W_NONE;
			struct rc_entry *e = rc_word_add(wd);
			*e = src[k];
			e->start = rc_start_at(src[k].start, i);
			if (inline_one)
				e->holds = RC_W_ONE;
		}
	}
	rc_word_clear(s, &pg->same);
}

/* Page pg made uniform, with no entry yet (its words' state is to be set
 * in pg->same): the arrays its words held are let go. */
static void rc_page_unify(struct rc_shadow *s, struct rc_page *pg)
{
	if (rc_page_uniform(pg)) {
		rc_word_clear(s, &pg->same);
		return;
	}
	for (uint32_t i = 0; i < RC_PAGE_WORDS; i++) {
		rc_word_clear(s, &pg->w[i]);
		pg->w[i].one.holds = RC_W_UNIFORM;
	}
	pg->same.one.holds = RC_W_NONE;
}

/* A page just made: each word of a live block starts as its allocation,
 * if written, of the newest block holding it (a free was not seen). */
static void rc_fill_note(void *ctx, const struct rc_block *b)
{
	struct rc_fill *f = ctx;
	f->b = rc_grow_raw(f->b, &f->cap, f->n + 1, sizeof(*f->b), 8);
	f->b[f->n++] = b;
}

static void rc_page_fill(struct rc_shadow *s, struct rc_heap *heap, uint32_t process, uint64_t base,
			 struct rc_page *pg, bool whole)
{
	struct rc_fill *f = &s->fill;
	f->n = 0;
	rc_heap_live_in(heap, process, base, base + RC_PAGE_BYTES, 0, rc_fill_note, f);
	uint32_t site = RC_NONE;
	const struct rc_block *newest = NULL, *last = NULL;
	for (uint32_t k = 0; k < f->n; k++)
		if (!newest || f->b[k]->ts_ns > newest->ts_ns)
			newest = f->b[k];
	/* the newest block holds every word (kept once if the access that
	 * made the page does not write them out at once) */
	if (whole && newest && newest->written &&
	    rc_page_covered(base, newest->addr, newest->addr + rc_block_span(newest))) {
		rc_page_unify(s, pg);
		rc_alloc_entry_set(rc_word_add(&pg->same), newest, base, rc_alloc_site(s, newest, &site));
		return;
	}
	for (uint32_t i = 0; f->n && i < RC_PAGE_WORDS; i++) {
		uint64_t x = base + 8 * i;
		const struct rc_block *best = NULL;
		for (uint32_t k = 0; k < f->n; k++) {
			const struct rc_block *b = f->b[k];
			if (b->addr < x + 8 && x < b->addr + rc_block_span(b) && (!best || b->ts_ns > best->ts_ns))
				best = b;
		}
		if (!best || !best->written)
			continue;
		if (best != last)
			site = RC_NONE;
		last = best;
		struct rc_word *wd = &pg->w[i];   /* a new page's: none */
		rc_alloc_entry_set(rc_word_add(wd), best, x, rc_alloc_site(s, best, &site));
	}
}

/* Access a, which covers uniform page pg, checked once for all its words
 * (as the first word, at base) if it races with none of their entries:
 * then, with its words all alike, it changes each as it changes the
 * first. Else false: the words must be checked one by one, so that each
 * race is found at its address as before. */
static bool rc_page_whole(struct rc_shadow *s, struct rc_hb *hb, const struct rc_thread *th,
			  struct rc_page *pg, const struct rc_access *a, uint64_t base, uint32_t epoch,
			  uint32_t site)
{
	const struct rc_entry *es = rc_entries(&pg->same);
	for (uint32_t i = 0, n = rc_word_n(&pg->same); i < n; i++) {
		const struct rc_entry *e = &es[i];   /* all its bytes: mask 0xff */
		bool same = e->thread == a->thread;
		if (!same && !rc_hb_before(hb, e->thread, e->epoch, th) && (a->write || (e->flags & RC_E_WRITE)) &&
		    !(a->atomic && (e->flags & RC_E_ATOMIC)))
			return false;
		if ((e->flags & RC_E_AFTER_ALLOC) && !same && !a->write && !rc_hb_before(hb, e->thread, e->wepoch, th))
			return false;
	}
	rc_word_access(s, hb, NULL, th, &pg->same, a, base, 0xff, epoch, site, NULL, NULL);
	return true;
}

/* rc_shadow_access's work on page pg (words w to last) for an access
 * of a page or more: the page checked once if it is uniform and covered
 * (WHOLE), else word by word, and left uniform if its words end alike. */
static __attribute__((noinline)) void
rc_page_access_big(struct rc_shadow *s, struct rc_hb *hb, struct rc_heap *heap, const struct rc_thread *th,
		   struct rc_page *pg, const struct rc_access *a, uint64_t w, uint64_t last, bool whole,
		   uint32_t epoch, uint32_t site, void (*found)(void *ctx, const struct rc_found *f), void *ctx)
{
	const uint64_t base = rc_page_base(w);
	const uint64_t end = a->addr + a->size < a->addr ? UINT64_MAX : a->addr + a->size;
	if (rc_page_uniform(pg)) {
		if (whole && rc_page_whole(s, hb, th, pg, a, base, epoch, site))
			return;
		rc_page_spread(s, pg);
	}
	bool alike = whole;   /* so far, every word a's alone */
	for (uint64_t x = w;; x += 8) {
		alike &= rc_word_access(s, hb, heap, th, rc_page_word(pg, x), a, x, rc_mask(x, a->addr, end), epoch,
					site, found, ctx);
		if (last - x < 8)
			break;
	}
	if (alike) {   /* no word owns an array */
		pg->same = pg->w[0];
		for (uint32_t i = 0; i < RC_PAGE_WORDS; i++)
			pg->w[i].one.holds = RC_W_UNIFORM;
	}
}

void rc_shadow_access(struct rc_shadow *s, struct rc_hb *hb, struct rc_heap *heap,
		      const struct rc_access *a, uint32_t parts, uint32_t part,
		      void (*found)(void *ctx, const struct rc_found *f), void *ctx)
{
	if (!a->size)
		return;
	const struct rc_thread *th = rc_thread(hb, a->thread);
	uint32_t epoch = vclock_get(&th->vc, a->thread);
	uint32_t site = RC_NONE;
	uint64_t end = a->addr + a->size < a->addr ? UINT64_MAX : a->addr + a->size;
	bool skipped = false;
	const bool big = rc_uniform_on && a->size >= RC_PAGE_BYTES;   /* it may cover whole pages */
	for (uint64_t w = a->addr & ~7ull;;) {
		uint64_t last = rc_page_last(w, end);
		uint64_t key = rc_word_key(a->process, w);
		if (rc_part_of(key, parts) == part) {
			if (site == RC_NONE)
				site = rc_site(s, a->stack, a->heldset,
					       a->size > UINT32_MAX ? UINT32_MAX : (uint32_t)a->size,
					       (uint8_t)(a->aflags | (a->atomic ? RC_SITE_ATOMIC : 0)));
			bool made = false;
			struct rc_page *pg = rc_page_find(s, key >> RC_PAGE_BITS, &made);
			const uint64_t base = rc_page_base(w);
			const bool whole = big && pg && rc_page_covered(base, a->addr, end);
			if (made && heap)
				rc_page_fill(s, heap, a->process, base, pg, whole);
			skipped |= !pg;   /* new, at the memory limit */
			if (pg && big)
				rc_page_access_big(s, hb, heap, th, pg, a, w, last, whole, epoch, site, found, ctx);
			else if (pg) {
				/* the word accessed tells, as each of a uniform page's does */
				if (rc_page_word(pg, w)->one.holds == RC_W_UNIFORM)
					rc_page_spread(s, pg);
				for (uint64_t x = w;; x += 8) {
					rc_word_access(s, hb, heap, th, rc_page_word(pg, x), a, x,
						       rc_mask(x, a->addr, end), epoch, site, found, ctx);
					if (last - x < 8)
						break;
				}
			}
		}
		if (last >= end - 1)
			break;
		w = last + 1;
	}
	s->unchecked += skipped;
}

/* Calls fn(ctx, page, w, last) for each page with state that holds words
 * of [addr, end) that part PART owns: w its first word there, last its
 * last byte. A range of more pages than are in use (a mapping of a
 * terabyte, reserved) is met through the pages in use. */
static void rc_pages_in(struct rc_shadow *s, uint32_t process, uint64_t addr, uint64_t end,
			uint32_t parts, uint32_t part,
			void (*fn)(void *ctx, struct rc_page *pg, uint64_t w, uint64_t last), void *ctx)
{
	const uint64_t page_bytes = RC_PAGE_BYTES;
	/* a page key decodes to an address of PROCESS (rc_word_key): another
	 * process's lands at 2^51 or above, or does not encode back */
	if ((end - 1 - addr) / page_bytes > s->npages + RC_PAGE_CACHE && end - 1 < 1ull << 51) {
		for (size_t i = 0; s->table && i <= s->mask; i++) {
			uint64_t key = s->table[i].key;
			if (key == U64MAP_EMPTY)
				continue;
			uint64_t base = ((key << RC_PAGE_BITS) ^ (uint64_t)process << 48) << 3;
			if (base >= end || base + page_bytes <= addr ||
			    rc_word_key(process, base) >> RC_PAGE_BITS != key ||
			    rc_part_of(key << RC_PAGE_BITS, parts) != part)
				continue;
			uint64_t w = addr > base ? addr & ~7ull : base;
			fn(ctx, s->table[i].page, w, rc_page_last(w, end));
		}
		return;
	}
	for (uint64_t w = addr & ~7ull;;) {
		uint64_t last = rc_page_last(w, end);
		uint64_t key = rc_word_key(process, w);
		struct rc_page *pg = rc_part_of(key, parts) == part ? rc_page_find(s, key >> RC_PAGE_BITS, NULL)
								     : NULL;
		if (pg)
			fn(ctx, pg, w, last);
		if (last >= end - 1)
			break;
		w = last + 1;
	}
}

static void rc_page_forget(void *ctx, struct rc_page *pg, uint64_t w, uint64_t last)
{
	struct rc_shadow *s = ctx;
	if (rc_uniform_on && w == rc_page_base(w) && last - w == RC_PAGE_BYTES - 1) {
		rc_page_unify(s, pg);   /* every word: no entry */
		return;
	}
	if (rc_page_uniform(pg))
		rc_page_spread(s, pg);
	for (uint64_t x = w;; x += 8) {
		rc_word_clear(s, rc_page_word(pg, x));
		if (last - x < 8)
			break;
	}
}

void rc_shadow_reset(struct rc_shadow *s, uint32_t process, uint64_t addr, uint64_t size,
		     uint32_t parts, uint32_t part)
{
	if (size)
		rc_pages_in(s, process, addr, addr + size < addr ? UINT64_MAX : addr + size, parts, part,
			    rc_page_forget, s);
}

struct rc_made {
	struct rc_shadow *s;
	const struct rc_block *b;
	uint32_t site;
};

/* The words of written block b there: its bytes are its allocation's. */
static void rc_page_written(void *ctx, struct rc_page *pg, uint64_t w, uint64_t last)
{
	struct rc_made *m = ctx;
	uint32_t site = rc_alloc_site(m->s, m->b, &m->site);
	const uint64_t lo = m->b->addr, end = lo + rc_block_span(m->b);
	if (rc_uniform_on && rc_page_covered(rc_page_base(w), lo, end)) {   /* then w is the page's first word */
		rc_page_unify(m->s, pg);
		rc_alloc_entry_set(rc_word_add(&pg->same), m->b, w, site);
		return;
	}
	if (rc_page_uniform(pg))
		rc_page_spread(m->s, pg);
	for (uint64_t x = w;; x += 8) {
		struct rc_word *wd = rc_page_word(pg, x);
		if (x >= lo && end - x >= 8) {   /* all the word's bytes: the allocation alone */
			rc_word_clear(m->s, wd);
			rc_alloc_entry_set(rc_word_add(wd), m->b, x, site);
			if (last - x < 8)
				break;
			continue;
		}
		uint8_t mask = rc_mask(x, lo, end);
		uint32_t keep = 0, n = rc_word_n(wd);
		struct rc_entry *es = rc_entries(wd);
		for (uint32_t i = 0; i < n; i++)   /* bytes of the word past the block stay */
			if ((es[i].mask &= (uint8_t)~mask) && keep++ != i)
				es[keep - 1] = es[i];
		rc_word_set_n(wd, keep);
		rc_word_reserve(m->s, wd);
		rc_alloc_entry_set(rc_word_add(wd), m->b, x, site);
		if (last - x < 8)
			break;
	}
}

/* The words of block b there: the bytes its thread accessed in its
 * current epoch are its allocation's, the rest forgotten. */
static void rc_page_made(void *ctx, struct rc_page *pg, uint64_t w, uint64_t last)
{
	struct rc_made *m = ctx;
	if (rc_page_uniform(pg))
		rc_page_spread(m->s, pg);
	for (uint64_t x = w;; x += 8) {
		struct rc_word *wd = rc_page_word(pg, x);
		uint8_t mask = 0;
		const struct rc_entry *es = rc_entries(wd);
		for (uint32_t i = 0, n = rc_word_n(wd); i < n; i++)
			if (es[i].thread == m->b->thread && es[i].epoch == m->b->epoch)
				mask |= es[i].mask;
		rc_word_clear(m->s, wd);
		if (mask) {
			struct rc_entry *e = rc_word_add(wd);
			rc_alloc_entry_set(e, m->b, x, rc_alloc_site(m->s, m->b, &m->site));
			e->mask &= mask;
		}
		if (last - x < 8)
			break;
	}
}

void rc_shadow_allocated(struct rc_shadow *s, const struct rc_block *b, uint32_t parts, uint32_t part)
{
	uint64_t end = b->addr + rc_block_span(b);
	end = end < b->addr ? UINT64_MAX : end;
	struct rc_made m = { s, b, RC_NONE };
	if (b->thread == TRACE_NONE)
		rc_pages_in(s, b->process, b->addr, end, parts, part, rc_page_forget, s);
	else
		rc_pages_in(s, b->process, b->addr, end, parts, part, b->written ? rc_page_written : rc_page_made, &m);
}
