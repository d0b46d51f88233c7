/* SPDX-License-Identifier: MIT */
/* id_index.h - object id -> a 32-bit value (an analyzer's slot), for state
 * kept only while an object needs it (alive, held...). A two-level table:
 * a page of ID_INDEX_PAGE values is allocated when a value is set in it and
 * freed when its last one is cleared, so memory follows the ids set at once
 * and how far apart they are, not the largest id: short-lived objects,
 * whose ids come one after the other, free their pages behind them. A read
 * is two loads. Value 0 = absent. Out of memory aborts (host tools only). */
#ifndef CTRACE_ID_INDEX_H
#define CTRACE_ID_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define ID_INDEX_PAGE_BITS 10
#define ID_INDEX_PAGE (1u << ID_INDEX_PAGE_BITS)

struct id_index {
	uint32_t **pages;     /* (owned) per page of ids; NULL = all 0 */
	uint16_t *used;       /* (owned) per page: values set in it */
	uint32_t npages;      /* of pages and used */
	uint32_t *spare;      /* (owned) an empty page kept for the next one,
	                         so one object made and destroyed at a time
	                         costs no allocation */
	size_t count;         /* values set */
	size_t live_pages;    /* pages allocated (spare excluded) */
};

#define ID_INDEX_INIT { 0 }

/* The value of ID, 0 if none. */
static inline uint32_t id_index_get(const struct id_index *x, uint32_t id)
{
	uint32_t p = id >> ID_INDEX_PAGE_BITS;
	const uint32_t *page = p < x->npages ? x->pages[p] : NULL;
	return page ? page[id & (ID_INDEX_PAGE - 1)] : 0;
}

/* Sets the value of ID; VAL 0 clears it. */
void id_index_set(struct id_index *x, uint32_t id, uint32_t val);
void id_index_release(struct id_index *x);

#endif
