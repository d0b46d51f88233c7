/* SPDX-License-Identifier: MIT */
/* races_heap.c - the live heap blocks (ALLOC events, forgotten at their
 * free), so that a race names its block: address, size, where and by whom
 * it was allocated. Looked up by start address on free; by containment
 * only when a race is found (rare), by a scan. */
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
	h->b[*slot] = (struct rc_block){ addr, size, ev->process, ev->stack, ev->thread };
}

uint64_t rc_heap_free(struct rc_heap *h, uint32_t process, uint64_t addr)
{
	uint64_t key = rc_heap_key(process, addr);
	uint32_t *slot = u64map_get(&h->by_addr, key);
	if (!slot)
		return 0;
	uint32_t i = *slot;
	uint64_t size = h->b[i].size;
	u64map_del(&h->by_addr, key);
	if (i != h->n - 1) {   /* the last block takes the freed place */
		h->b[i] = h->b[h->n - 1];
		*u64map_get(&h->by_addr, rc_heap_key(h->b[i].process, h->b[i].addr)) = i;
	}
	h->n--;
	return size;
}

const struct rc_block *rc_heap_find(const struct rc_heap *h, uint32_t process, uint64_t addr)
{
	for (uint32_t i = 0; i < h->n; i++) {
		const struct rc_block *b = &h->b[i];
		if (b->process == process && addr >= b->addr && addr - b->addr < (b->size ? b->size : 1))
			return b;
	}
	return NULL;
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
