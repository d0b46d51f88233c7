/* SPDX-License-Identifier: MIT */
/* u64map.c - open addressing with linear probing (see u64map.h). */
#include "u64map.h"

#include <stdlib.h>
#include <string.h>

static void u64map_grow(struct u64map *m)
{
	size_t cap = m->keys ? (m->mask + 1) * 2 : 64;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	uint32_t *vals = malloc(cap * sizeof(*vals));
	if (!keys || !vals)
		abort();
	for (size_t i = 0; i < cap; i++)
		keys[i] = U64MAP_EMPTY;
	for (size_t i = 0; m->keys && i <= m->mask; i++) {
		if (m->keys[i] == U64MAP_EMPTY)
			continue;
		size_t j = u64map_hash(m->keys[i]) & (cap - 1);
		while (keys[j] != U64MAP_EMPTY)
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->mask = cap - 1;
}

uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t init, int *added)
{
	if (!m->keys || (m->count + 1) * 4 > (m->mask + 1) * 3)
		u64map_grow(m);
	size_t i = u64map_hash(key) & m->mask;
	while (m->keys[i] != U64MAP_EMPTY && m->keys[i] != key)
		i = (i + 1) & m->mask;
	if (added)
		*added = m->keys[i] == U64MAP_EMPTY;
	if (m->keys[i] == U64MAP_EMPTY) {
		m->keys[i] = key;
		m->vals[i] = init;
		m->count++;
	}
	return &m->vals[i];
}

/* Backward-shift deletion: the entries after the hole that would no longer
 * be reached from their home slot move into it, so no tombstones. */
void u64map_del(struct u64map *m, uint64_t key)
{
	if (!m->keys)
		return;
	size_t i = u64map_hash(key) & m->mask;
	while (m->keys[i] != key) {
		if (m->keys[i] == U64MAP_EMPTY)
			return;
		i = (i + 1) & m->mask;
	}
	for (size_t j = (i + 1) & m->mask; m->keys[j] != U64MAP_EMPTY; j = (j + 1) & m->mask) {
		size_t home = u64map_hash(m->keys[j]) & m->mask;
		if (((j - home) & m->mask) < ((j - i) & m->mask))
			continue;   /* its home lies after the hole: it stays */
		m->keys[i] = m->keys[j];
		m->vals[i] = m->vals[j];
		i = j;
	}
	m->keys[i] = U64MAP_EMPTY;
	m->count--;
}

void u64map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	*m = (struct u64map)U64MAP_INIT;
}

void u64map_copy(struct u64map *dst, const struct u64map *src)
{
	*dst = *src;
	if (!src->keys)
		return;
	size_t cap = src->mask + 1;
	dst->keys = malloc(cap * sizeof(*dst->keys));
	dst->vals = malloc(cap * sizeof(*dst->vals));
	if (!dst->keys || !dst->vals)
		abort();
	memcpy(dst->keys, src->keys, cap * sizeof(*dst->keys));
	memcpy(dst->vals, src->vals, cap * sizeof(*dst->vals));
}
