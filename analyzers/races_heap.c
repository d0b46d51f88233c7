/* SPDX-License-Identifier: MIT */
/* races_heap.c - the heap blocks (ALLOC events; a free marks its block
 * freed, a new block at the same address replaces it), so that a race
 * names its block: address, size, where and by whom it was allocated, and
 * freed. Looked up by start address on free (by_addr), and by containment
 * when a race is found (by_page), which must not cost a scan of every
 * block: a program makes millions.
 *
 * The containment index: a block of S bytes (1 if 0) is in size class c,
 * the smallest with S <= 256 << 4c (256 B, 4 KiB, 64 KiB ... 1 EiB; the
 * last class takes anything larger), and in the bucket of the page of
 * that size (256 << 4c bytes) it starts in. A block no larger than its
 * page that holds addr starts in addr's page or the one before, so a
 * lookup reads two buckets per class that has blocks (the last class has
 * one page per process). A bucket is a list, linked through rc_block.next,
 * of the blocks starting in one page, live or freed, one per address:
 * short, since live blocks of a class above 0 are each larger than 1/16
 * of its page, and malloc's 16-byte alignment leaves 16 addresses in a
 * page of class 0. An alloc costs one more hash update at most (a free
 * none); memory is a map entry per bucket in use, and 4 bytes per block
 * (taken from rc_block's padding). Bucket keys may collide (bits of the
 * process and class are mixed into the page number): that only lengthens
 * a list, since each block is checked.
 *
 * The index is built at the first lookup, and kept up to date from then
 * on: the allocs of a trace without races never pay for it. */
#include "races.h"

#include <stdlib.h>
#include <string.h>

#define RC_PAGE_SHIFT0 8    /* class 0: pages of 256 bytes */
#define RC_CLASS_STEP 4     /* each class: pages 16 times larger */

static uint64_t rc_heap_key(uint32_t process, uint64_t addr)
{
	return ((uint64_t)process << 56 ^ addr) & ~(1ull << 63);
}

static bool rc_block_holds(const struct rc_block *b, uint32_t process, uint64_t addr)
{
	return b->process == process && addr >= b->addr && addr - b->addr < rc_block_span(b);
}

static unsigned rc_class_of(uint64_t span)
{
	if (span <= 1ull << RC_PAGE_SHIFT0)
		return 0;
	unsigned bits = 64 - (unsigned)__builtin_clzll(span - 1);   /* span <= 2^bits */
	unsigned c = (bits - RC_PAGE_SHIFT0 + RC_CLASS_STEP - 1) / RC_CLASS_STEP;
	return c < RC_HEAP_CLASSES ? c : RC_HEAP_CLASSES - 1;
}

unsigned rc_heap_class(uint64_t size)
{
	return rc_class_of(size);
}

/* The page number of addr in class c (0 for the last: one bucket). */
static uint64_t rc_page_of(unsigned c, uint64_t addr)
{
	return c == RC_HEAP_CLASSES - 1 ? 0 : addr >> (RC_PAGE_SHIFT0 + RC_CLASS_STEP * c);
}

/* Pages are below 2^56; user addresses below 2^57 leave the page number
 * of class 0 under bit 49, so bits 40-57 (process) and 58-62 (class)
 * rarely collide with it. Bit 63 stays clear: never U64MAP_EMPTY. */
static uint64_t rc_bucket_key(uint32_t process, unsigned c, uint64_t page)
{
	return (page ^ (uint64_t)process << 40 ^ (uint64_t)c << 58) & ~(1ull << 63);
}

static uint64_t rc_block_bucket(const struct rc_block *b)
{
	unsigned c = rc_class_of(rc_block_span(b));
	return rc_bucket_key(b->process, c, rc_page_of(c, b->addr));
}

static void rc_index_add(struct rc_heap *h, uint32_t i)
{
	struct rc_block *b = &h->b[i];
	int added;
	uint32_t *head = u64map_put(&h->by_page, rc_block_bucket(b), i, &added);
	b->next = added ? RC_NONE : *head;
	*head = i;
	h->in_class[rc_class_of(rc_block_span(b))]++;
}

static void rc_index_remove(struct rc_heap *h, uint32_t i)
{
	const struct rc_block *b = &h->b[i];
	uint64_t key = rc_block_bucket(b);
	uint32_t *link = u64map_get(&h->by_page, key);
	while (*link != i)
		link = &h->b[*link].next;
	*link = b->next;
	if (*u64map_get(&h->by_page, key) == RC_NONE)
		u64map_del(&h->by_page, key);
	h->in_class[rc_class_of(rc_block_span(b))]--;
}

const struct rc_block *rc_heap_alloc(struct rc_heap *h, const struct trace_event *ev, uint32_t epoch,
				    uint32_t heldset)
{
	uint64_t addr = ev->args[0], size = ev->args[1], slack = trace_alloc_slack(ev->args[2]);
	if (!addr)
		return NULL;
	int added;
	uint32_t *slot = u64map_put(&h->by_addr, rc_heap_key(ev->process, addr), h->n, &added);
	if (added && h->holes) {   /* a forgotten entry's room */
		*slot = h->holes - 1;
		h->holes = h->b[*slot].next;
	} else if (added) {
		h->b = rc_grow_raw(h->b, &h->cap, h->n + 1, sizeof(*h->b), 256);
		h->n++;
	}
	uint32_t i = *slot;
	struct rc_block nb = { .addr = addr, .size = size, .ts_ns = ev->ts_ns, .process = ev->process,
			       .stack = ev->stack, .thread = ev->thread, .epoch = epoch, .heldset = heldset,
			       .slack = slack > UINT32_MAX ? UINT32_MAX : (uint32_t)slack,
			       .written = (ev->args[2] & TRACE_ALLOC_INSTRUMENTED) && ev->thread != TRACE_NONE,
			       .next = RC_NONE, .free_thread = TRACE_NONE };
	if (!h->indexed) {
		h->b[i] = nb;
		return &h->b[i];
	}
	/* The old block's bucket is the new one's unless its class changed
	 * (or another process's block shared the by_addr key). */
	bool same_bucket = !added && rc_block_bucket(&h->b[i]) == rc_block_bucket(&nb);
	if (!added && !same_bucket)
		rc_index_remove(h, i);
	if (same_bucket)
		nb.next = h->b[i].next;
	h->b[i] = nb;
	if (!same_bucket)
		rc_index_add(h, i);
	return &h->b[i];
}

void rc_heap_forget(struct rc_heap *h, uint32_t process, uint64_t addr)
{
	uint64_t key = rc_heap_key(process, addr);
	uint32_t *slot = u64map_get(&h->by_addr, key);
	if (!slot)
		return;
	uint32_t i = *slot;
	u64map_del(&h->by_addr, key);
	if (h->indexed)
		rc_index_remove(h, i);
	h->b[i] = (struct rc_block){ .next = h->holes };   /* addr 0: a hole */
	h->holes = i + 1;
}

const struct rc_block *rc_heap_get(const struct rc_heap *h, uint32_t process, uint64_t addr)
{
	const uint32_t *slot = u64map_get(&h->by_addr, rc_heap_key(process, addr));
	return slot && !h->b[*slot].freed ? &h->b[*slot] : NULL;
}

uint64_t rc_heap_free(struct rc_heap *h, const struct trace_event *ev, uint64_t addr)
{
	uint32_t *slot = u64map_get(&h->by_addr, rc_heap_key(ev->process, addr));
	if (!slot || h->b[*slot].freed)
		return 0;
	struct rc_block *b = &h->b[*slot];
	b->freed = ++h->frees;
	b->free_stack = ev->stack;
	b->free_thread = ev->thread;
	b->free_ts_ns = ev->ts_ns;
	return b->size;
}

/* Of the blocks holding addr: a live one (the one made last, if several:
 * a free was not seen), else the one freed last. */
static const struct rc_block *rc_better(const struct rc_block *best, const struct rc_block *b)
{
	if (!best)
		return b;
	if (!best->freed || !b->freed) {
		bool newer = b->ts_ns != best->ts_ns ? b->ts_ns > best->ts_ns : b->addr > best->addr;
		return !b->freed && (best->freed || newer) ? b : best;
	}
	return b->freed > best->freed ? b : best;
}

static const struct rc_block *rc_bucket_find(const struct rc_heap *h, const struct rc_block *best,
					     uint64_t key, uint32_t process, uint64_t addr)
{
	const uint32_t *head = u64map_get(&h->by_page, key);
	for (uint32_t i = head ? *head : RC_NONE; i != RC_NONE; i = h->b[i].next)
		if (rc_block_holds(&h->b[i], process, addr))
			best = rc_better(best, &h->b[i]);
	return best;
}

static void rc_heap_index(struct rc_heap *h)
{
	if (h->indexed)
		return;
	for (uint32_t i = 0; i < h->n; i++)
		if (h->b[i].addr)   /* not a hole */
			rc_index_add(h, i);
	h->indexed = true;
}

const struct rc_block *rc_heap_find(struct rc_heap *h, uint32_t process, uint64_t addr)
{
	rc_heap_index(h);
	const struct rc_block *best = NULL;
	for (unsigned c = 0; c < RC_HEAP_CLASSES; c++) {
		if (!h->in_class[c])
			continue;
		uint64_t page = rc_page_of(c, addr);
		best = rc_bucket_find(h, best, rc_bucket_key(process, c, page), process, addr);
		if (page > 0)
			best = rc_bucket_find(h, best, rc_bucket_key(process, c, page - 1), process, addr);
	}
	return best;
}

void rc_heap_live_in(struct rc_heap *h, uint32_t process, uint64_t lo, uint64_t hi, unsigned min_class,
		     void (*fn)(void *ctx, const struct rc_block *b), void *ctx)
{
	rc_heap_index(h);
	for (unsigned c = min_class; c < RC_HEAP_CLASSES && lo < hi; c++) {
		if (!h->in_class[c])
			continue;
		uint64_t first = rc_page_of(c, lo), last = rc_page_of(c, hi - 1);
		for (uint64_t page = first ? first - 1 : 0;; page++) {
			const uint32_t *head = u64map_get(&h->by_page, rc_bucket_key(process, c, page));
			for (uint32_t i = head ? *head : RC_NONE; i != RC_NONE; i = h->b[i].next) {
				const struct rc_block *b = &h->b[i];
				if (!b->freed && b->process == process && b->addr < hi &&
				    b->addr + rc_block_span(b) > lo)
					fn(ctx, b);
			}
			if (page == last)
				break;
		}
	}
}

static void rc_note_block(void *ctx, const struct rc_block *b)
{
	struct rc_heap *h = ctx;
	h->scratch = rc_grow_raw(h->scratch, &h->cap_scratch, h->nscratch + 1, sizeof(*h->scratch), 16);
	h->scratch[h->nscratch++] = b->addr;
}

void rc_heap_forget_in(struct rc_heap *h, uint32_t process, uint64_t lo, uint64_t hi, unsigned min_class)
{
	h->nscratch = 0;
	rc_heap_live_in(h, process, lo, hi, min_class, rc_note_block, h);
	for (uint32_t i = 0; i < h->nscratch; i++)
		rc_heap_forget(h, process, h->scratch[i]);
}

void rc_heap_release(struct rc_heap *h)
{
	free(h->scratch);
	free(h->b);
	u64map_release(&h->by_addr);
	u64map_release(&h->by_page);
	memset(h, 0, sizeof(*h));
}

void rc_heap_copy(struct rc_heap *dst, const struct rc_heap *src)
{
	*dst = *src;
	dst->scratch = NULL;
	dst->nscratch = dst->cap_scratch = 0;
	if (src->b) {
		dst->b = malloc(src->cap * sizeof(*dst->b));
		if (!dst->b)
			abort();
		memcpy(dst->b, src->b, src->n * sizeof(*dst->b));
	}
	u64map_copy(&dst->by_addr, &src->by_addr);
	u64map_copy(&dst->by_page, &src->by_page);
}
