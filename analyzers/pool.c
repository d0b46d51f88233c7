/* SPDX-License-Identifier: MIT */
/* pool.c - see pool.h. */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

void *pool_take(void *arr, uint32_t *n, uint32_t *cap, uint32_t *free_head, size_t elem,
		size_t link, uint32_t *taken)
{
	uint32_t i = *free_head;
	if (i != POOL_NONE) {
		memcpy(free_head, (char *)arr + i * elem + link, sizeof(*free_head));
		*taken = i;
		return arr;
	}
	*taken = (*n)++;
	if (*taken < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 4;
	void *p = realloc(arr, (size_t)*cap * elem);
	if (!p)
		abort();
	return p;
}

void pool_give(void *arr, uint32_t *free_head, uint32_t i, size_t elem, size_t link)
{
	char *e = (char *)arr + i * elem;
	memset(e, 0, elem);
	memcpy(e + link, free_head, sizeof(*free_head));
	*free_head = i;
}
