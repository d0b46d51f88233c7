/* SPDX-License-Identifier: MIT */
/* pool.h - arrays of fixed-size elements whose freed elements are linked
 * through a uint32_t at LINK bytes into each (a free list) and taken again
 * first, for the analyzers' slots: memory follows the elements in use at
 * once. Indices stay valid; pointers only until the next take. Out of
 * memory aborts (host tools only). */
#ifndef CTRACE_POOL_H
#define CTRACE_POOL_H

#include <stddef.h>
#include <stdint.h>

#define POOL_NONE UINT32_MAX   /* an empty free list */

/* Takes an element of ARR (*N made so far, room for *CAP) into *TAKEN: the
 * head of the free list *FREE_HEAD, or a new one. Its contents are the
 * caller's to set. Returns the (maybe moved) array. */
void *pool_take(void *arr, uint32_t *n, uint32_t *cap, uint32_t *free_head, size_t elem,
		size_t link, uint32_t *taken);
/* Element I, zeroed but for its link, goes to the free list. */
void pool_give(void *arr, uint32_t *free_head, uint32_t i, size_t elem, size_t link);

#endif
