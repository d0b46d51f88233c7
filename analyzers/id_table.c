/* SPDX-License-Identifier: MIT */
/* id_table.c - see id_table.h: allocating pages, letting unused ones go. */
#include "id_table.h"

#include "grow.h"

#include <stdlib.h>
#include <string.h>

void id_table_init(struct id_table *t, size_t elem)
{
	if (!elem || elem > ID_TABLE_PAGE_BYTES)
		abort();
	memset(t, 0, sizeof(*t));
	t->elem = elem;
	t->shift = id_table_shift(elem);
}

void *id_table_page(struct id_table *t, uint32_t id)
{
	uint32_t p = id >> t->shift;
	if (p >= t->npages) {
		uint32_t n = t->npages;
		t->pages = grow_zeroed(t->pages, &n, p + 1, sizeof(*t->pages));
		t->used = grow_zeroed(t->used, &t->npages, p + 1, sizeof(*t->used));
	}
	char *page = t->nspare ? t->spare[--t->nspare] : calloc((size_t)1 << t->shift, t->elem);
	if (!page)
		abort();
	t->pages[p] = page;
	t->idle++;
	return page + (id & ((1u << t->shift) - 1)) * t->elem;
}

void id_table_page_filled(struct id_table *t, uint32_t p)
{
	(void)p;
	t->idle--;
	t->full++;
}

/* Lets go the listed pages still unused (all fresh): kept as spares while
 * there is room, else freed. */
static void id_table_sweep(struct id_table *t)
{
	for (uint32_t i = 0; i < t->nemptied; i++) {
		uint32_t p = t->emptied[i];
		t->used[p] &= ~ID_TABLE_LISTED;
		if (t->used[p] || !t->pages[p])
			continue;
		if (t->nspare < ID_TABLE_SLACK)
			t->spare[t->nspare++] = t->pages[p];
		else
			free(t->pages[p]);
		t->pages[p] = NULL;
		t->idle--;
	}
	t->nemptied = 0;
}

void id_table_page_emptied(struct id_table *t, uint32_t p)
{
	t->full--;
	t->idle++;
	if (!(t->used[p] & ID_TABLE_LISTED)) {
		t->emptied = grow_zeroed(t->emptied, &t->cap_emptied, t->nemptied + 1,
					 sizeof(*t->emptied));
		t->emptied[t->nemptied++] = p;
		t->used[p] |= ID_TABLE_LISTED;
	}
	if (t->idle > t->full + ID_TABLE_SLACK)
		id_table_sweep(t);
}

void id_table_each(struct id_table *t, void (*fn)(void *entry, uint32_t id, void *ctx), void *ctx)
{
	uint32_t per = 1u << t->shift;
	for (uint32_t p = 0; p < t->npages; p++)
		for (uint32_t i = 0; t->pages[p] && i < per; i++)
			fn(t->pages[p] + i * t->elem, p * per + i, ctx);
}

void id_table_release(struct id_table *t)
{
	for (uint32_t p = 0; p < t->npages; p++)
		free(t->pages[p]);
	for (uint32_t i = 0; i < t->nspare; i++)
		free(t->spare[i]);
	free(t->pages);
	free(t->used);
	free(t->emptied);
	memset(t, 0, sizeof(*t));
}
