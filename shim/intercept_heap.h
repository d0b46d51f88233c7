/* SPDX-License-Identifier: MIT */
/* intercept_heap.h - what the C++ allocation operators (intercept_new.c)
 * take from the heap interceptors (intercept_heap.c). */
#ifndef CTRACE_SHIM_INTERCEPT_HEAP_H
#define CTRACE_SHIM_INTERCEPT_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* Non-zero while the thread is inside an operator new or delete: the
 * operator records its block itself, at its caller's site, so the malloc
 * and free it makes (if its allocator calls them at all) record nothing. */
extern __thread unsigned heap_inner_depth;

/* The block P of SIZE bytes made by a call at PC0 (its stack at SP), and
 * the operator delete of block P: as malloc and free record them, when
 * recording (the free record says it was a delete). */
void heap_record_alloc(uintptr_t pc0, uintptr_t sp, void *p, size_t size);
void heap_record_delete(uintptr_t pc0, uintptr_t sp, void *p);

#endif
