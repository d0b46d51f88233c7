/* SPDX-License-Identifier: MIT */
/* u64map.h - an open-addressing hash map from a 64-bit key to a 32-bit
 * value, for the analyzers' (lock, lock) and (lock, stack) tables. Keys are
 * any value except U64MAP_EMPTY. Out of memory aborts (host tools only). */
#ifndef CTRACE_U64MAP_H
#define CTRACE_U64MAP_H

#include <stddef.h>
#include <stdint.h>

#define U64MAP_EMPTY UINT64_MAX

struct u64map {
	uint64_t *keys;   /* (owned) U64MAP_EMPTY = free slot */
	uint32_t *vals;   /* (owned) */
	size_t mask;      /* capacity - 1, capacity a power of two */
	size_t count;
};

#define U64MAP_INIT { 0 }

static inline size_t u64map_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key;
}

/* The value stored for key, or NULL. The pointer is valid until the next put. */
static inline uint32_t *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->keys)
		return NULL;
	for (size_t i = u64map_hash(key) & m->mask;; i = (i + 1) & m->mask) {
		if (m->keys[i] == key)
			return &m->vals[i];
		if (m->keys[i] == U64MAP_EMPTY)
			return NULL;
	}
}
/* The slot for key, inserted with value `init` when absent (*added = 1). */
uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t init, int *added);
/* Removes key if present (pointers from get/put are invalid afterwards). */
void u64map_del(struct u64map *m, uint64_t key);
void u64map_release(struct u64map *m);
/* dst = a copy of src (dst's old contents are not freed). */
void u64map_copy(struct u64map *dst, const struct u64map *src);

static inline uint64_t u64map_pair(uint32_t a, uint32_t b)
{
	return (uint64_t)a << 32 | b;
}

#endif
