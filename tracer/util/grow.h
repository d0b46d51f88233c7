/* SPDX-License-Identifier: MIT */
/* grow.h - growing an array indexed by id, new elements zeroed. Host tools
 * only: out of memory aborts. */
#ifndef CTRACE_GROW_H
#define CTRACE_GROW_H

#include <stddef.h>
#include <stdint.h>

/* Makes ARR (of *N elements of ELEM bytes) hold at least WANT elements,
 * doubling; the new ones are zero. Returns the (maybe moved) array. */
void *grow_zeroed(void *arr, uint32_t *n, uint32_t want, size_t elem);

#endif
