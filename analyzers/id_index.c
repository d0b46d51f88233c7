/* SPDX-License-Identifier: MIT */
/* id_index.c - see id_index.h. */
#include "id_index.h"

#include "grow.h"

#include <stdlib.h>

static void id_index_clear(struct id_index *x, uint32_t p, uint32_t off)
{
	uint32_t *page = p < x->npages ? x->pages[p] : NULL;
	if (!page || !page[off])
		return;
	page[off] = 0;
	x->count--;
	if (--x->used[p])
		return;
	if (x->spare)
		free(page);
	else
		x->spare = page;   /* all zero again */
	x->pages[p] = NULL;
	x->live_pages--;
}

void id_index_set(struct id_index *x, uint32_t id, uint32_t val)
{
	uint32_t p = id >> ID_INDEX_PAGE_BITS, off = id & (ID_INDEX_PAGE - 1);
	if (!val) {
		id_index_clear(x, p, off);
		return;
	}
	if (p >= x->npages) {
		uint32_t n = x->npages;
		x->pages = grow_zeroed(x->pages, &n, p + 1, sizeof(*x->pages));
		x->used = grow_zeroed(x->used, &x->npages, p + 1, sizeof(*x->used));
	}
	uint32_t *page = x->pages[p];
	if (!page) {
		page = x->spare ? x->spare : calloc(ID_INDEX_PAGE, sizeof(*page));
		if (!page)
			abort();
		x->spare = NULL;
		x->pages[p] = page;
		x->live_pages++;
	}
	if (!page[off]) {
		x->used[p]++;
		x->count++;
	}
	page[off] = val;
}

void id_index_release(struct id_index *x)
{
	for (uint32_t p = 0; p < x->npages; p++)
		free(x->pages[p]);
	free(x->pages);
	free(x->used);
	free(x->spare);
	*x = (struct id_index)ID_INDEX_INIT;
}
