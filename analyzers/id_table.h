/* SPDX-License-Identifier: MIT */
/* id_table.h - per object id, an entry of an analyzer's state, kept only
 * while the object needs one (alive, held...): a two-level table of pages
 * of entries. A page is allocated (zeroed) when an entry of it comes into
 * use, and let go once it has had none in use for a while (when such pages
 * outnumber those in use by ID_TABLE_SLACK), so memory follows the entries
 * in use at once and how far apart their ids are, not the largest id:
 * short-lived objects, whose ids come one after the other, free their pages
 * behind them, while a lock used again and again costs no allocation. A
 * lookup is a load from a small array of pages and the entry itself.
 *
 * An entry not in use is all zero bytes (its "fresh" state); the caller
 * says when one comes into use and when it is fresh again (zeroed by the
 * caller). Out of memory aborts (host tools only). */
#ifndef CTRACE_ID_TABLE_H
#define CTRACE_ID_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ID_TABLE_SLACK 16        /* unused pages kept beyond those in use */
#define ID_TABLE_LISTED (1u << 31) /* in used[]: the page is in emptied */

struct id_table {
	char **pages;         /* (owned) per page of ids; NULL = all fresh */
	uint32_t *used;       /* (owned) per page: entries in use */
	uint32_t npages;      /* of pages and used */
	uint32_t shift;       /* ids per page: 1 << shift */
	size_t elem;          /* bytes per entry */
	uint32_t *emptied;    /* (owned) pages left with no entry in use since
	                         the last sweep (each once: ID_TABLE_LISTED) */
	uint32_t nemptied, cap_emptied;
	uint32_t full, idle;  /* allocated pages with entries in use, without */
	char *spare[ID_TABLE_SLACK]; /* (owned) let-go pages, for reuse */
	uint32_t nspare;
	size_t count;         /* entries in use */
};

#define ID_TABLE_PAGE_BYTES 4096

/* Ids per page for entries of ELEM bytes (at most ID_TABLE_PAGE_BYTES):
 * 1 << this. A constant ELEM makes it a constant. */
static inline uint32_t id_table_shift(size_t elem)
{
	return 63 - (uint32_t)__builtin_clzll(ID_TABLE_PAGE_BYTES / elem);
}

/* A table of entries of ELEM bytes (pages of about 4 KiB). */
void id_table_init(struct id_table *t, size_t elem);
void id_table_release(struct id_table *t);

/* The entry of ID (fresh if not in use), or NULL if its page is absent
 * (then it is fresh too). ELEM is the table's, given again so that the
 * lookup compiles to shifts and a load or two. Valid until the next
 * id_table_unuse(). */
static inline void *id_table_find(const struct id_table *t, uint32_t id, size_t elem)
{
	uint32_t shift = id_table_shift(elem);
	uint32_t p = id >> shift;
	char *page = p < t->npages ? t->pages[p] : NULL;
	return page ? page + (id & ((1u << shift) - 1)) * elem : NULL;
}

void *id_table_page(struct id_table *t, uint32_t id);

/* The entry of ID, its page allocated if need be: for an entry that comes
 * into use now, if it is not already (a page must not stay without). */
static inline void *id_table_entry(struct id_table *t, uint32_t id, size_t elem)
{
	void *e = id_table_find(t, id, elem);
	return e ? e : id_table_page(t, id);
}

void id_table_page_filled(struct id_table *t, uint32_t p);
void id_table_page_emptied(struct id_table *t, uint32_t p);

/* The entry of ID comes into use (after id_table_entry()). */
static inline void id_table_use(struct id_table *t, uint32_t id)
{
	uint32_t p = id >> t->shift;
	t->count++;
	if (!(t->used[p]++ & ~ID_TABLE_LISTED))
		id_table_page_filled(t, p);
}

/* The entry of ID, in use, is fresh again (the caller zeroed it). */
static inline void id_table_unuse(struct id_table *t, uint32_t id)
{
	uint32_t p = id >> t->shift;
	t->count--;
	if (!(--t->used[p] & ~ID_TABLE_LISTED))
		id_table_page_emptied(t, p);
}

/* The entry of ID, whose flag USED (false while it is fresh) is in it,
 * comes into use unless the flag says it is already. */
static inline void id_table_claim(struct id_table *t, uint32_t id, bool *used)
{
	if (!*used) {
		*used = true;
		id_table_use(t, id);
	}
}

/* ENTRY of ID (ELEM bytes), in use, is fresh again: zeroed, its slot
 * given back (the caller let go of what it owns first). */
static inline void id_table_drop(struct id_table *t, uint32_t id, void *entry, size_t elem)
{
	memset(entry, 0, elem);
	id_table_unuse(t, id);
}

/* Calls FN(entry, id, ctx) for each entry of an allocated page (in use or
 * fresh), in id order. */
void id_table_each(struct id_table *t, void (*fn)(void *entry, uint32_t id, void *ctx), void *ctx);

/* Pages allocated now, to check the memory a test made. */
static inline uint32_t id_table_pages(const struct id_table *t)
{
	return t->full + t->idle;
}

#endif
