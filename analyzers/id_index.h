/* SPDX-License-Identifier: MIT */
/* id_index.h - object id -> a 32-bit value (an analyzer's slot, a thread),
 * kept only while set: an id_table of values, 0 = absent. */
#ifndef CTRACE_ID_INDEX_H
#define CTRACE_ID_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "id_table.h"

struct id_index {
	struct id_table t;    /* of uint32_t */
};

static inline void id_index_init(struct id_index *x)
{
	id_table_init(&x->t, sizeof(uint32_t));
}

static inline void id_index_release(struct id_index *x)
{
	id_table_release(&x->t);
}

/* The value of ID, 0 if none. */
static inline uint32_t id_index_get(const struct id_index *x, uint32_t id)
{
	const uint32_t *e = id_table_find(&x->t, id, sizeof(uint32_t));
	return e ? *e : 0;
}

/* Sets the value of ID; VAL 0 clears it. */
static inline void id_index_set(struct id_index *x, uint32_t id, uint32_t val)
{
	uint32_t *e = val ? id_table_entry(&x->t, id, sizeof(uint32_t)) : id_table_find(&x->t, id, sizeof(uint32_t));
	if (!e || *e == val)
		return;
	uint32_t was = *e;
	*e = val;
	if (!was)
		id_table_use(&x->t, id);
	else if (!val)
		id_table_unuse(&x->t, id);
}

/* Values set. */
static inline size_t id_index_count(const struct id_index *x)
{
	return x->t.count;
}

#endif
