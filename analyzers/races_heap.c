/* SPDX-License-Identifier: MIT */
/* races_heap.c - the heap blocks (ALLOC events; a free marks its block
 * freed, a new block at the same address replaces it), so that a race
 * names its block: address, size, where and by whom it was allocated, and
 * freed. Looked up by start address on free; by containment only when a
 * race is found (rare), by a scan. */
#include "races.h"

#include <stdlib.h>
#include <string.h>

static uint64_t rc_heap_key(uint32_t process, uint64_t addr)
{
	return ((uint64_t)process << 56 ^ addr) & ~(1ull << 63);
}

void rc_heap_alloc(struct rc_heap *h, const struct trace_event *ev)
{
	uint64_t addr = ev->args[0], size = ev->args[1];
	if (!addr)
		return;
	int added;
	uint32_t *slot = u64map_put(&h->by_addr, rc_heap_key(ev->process, addr), h->n, &added);
	if (added) {
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 256;
			h->b = realloc(h->b, h->cap * sizeof(*h->b));
			if (!h->b)
				abort();
		}
		h->n++;
	}
	h->b[*slot] = (struct rc_block){ addr, size, ev->process, ev->stack, ev->thread, 0, 0, TRACE_NONE, 0 };
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

const struct rc_block *rc_heap_find(const struct rc_heap *h, uint32_t process, uint64_t addr)
{
	const struct rc_block *best = NULL;
	for (uint32_t i = 0; i < h->n; i++) {
		const struct rc_block *b = &h->b[i];
		if (b->process != process || addr < b->addr || addr - b->addr >= (b->size ? b->size : 1))
			continue;
		if (!b->freed)
			return b;
		if (!best || b->freed > best->freed)
			best = b;
	}
	return best;
}

void rc_heap_release(struct rc_heap *h)
{
	free(h->b);
	u64map_release(&h->by_addr);
	memset(h, 0, sizeof(*h));
}

void rc_heap_copy(struct rc_heap *dst, const struct rc_heap *src)
{
	*dst = *src;
	if (src->b) {
		dst->b = malloc(src->cap * sizeof(*dst->b));
		if (!dst->b)
			abort();
		memcpy(dst->b, src->b, src->n * sizeof(*dst->b));
	}
	u64map_copy(&dst->by_addr, &src->by_addr);
}
