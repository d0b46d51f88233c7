/* SPDX-License-Identifier: MIT */
/* grow.c - see grow.h. */
#include "grow.h"

#include <stdlib.h>
#include <string.h>

void *grow_zeroed(void *arr, uint32_t *n, uint32_t want, size_t elem)
{
	if (want <= *n)
		return arr;
	uint32_t m = want > *n * 2 ? want : *n * 2;
	char *p = realloc(arr, (size_t)m * elem);
	if (!p)
		abort();
	memset(p + (size_t)*n * elem, 0, (size_t)(m - *n) * elem);
	*n = m;
	return p;
}
