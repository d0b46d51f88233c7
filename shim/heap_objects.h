/* SPDX-License-Identifier: MIT */
/* heap_objects.h - which heap blocks may hold sync objects. A lock the
 * program makes without an init call (C++'s std::mutex, a struct's mutex
 * set from PTHREAD_MUTEX_INITIALIZER) and frees without a destroy is, to
 * the trace, the same object as the next one the allocator puts at its
 * address: their lock orders would mix. The shim notes the 64-byte line
 * of every object it records (a hashed bitmap, bits only ever set), and a
 * free of a block with a noted line is a FREED record: the reader takes
 * an object there after it for a new one. */
#ifndef CTRACE_SHIM_HEAP_OBJECTS_H
#define CTRACE_SHIM_HEAP_OBJECTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_OBJECTS_BITS 20u   /* 2^20 lines: 128 KiB, touched as bits are set */

extern _Atomic uint64_t heap_objects_lines[(1u << HEAP_OBJECTS_BITS) / 64];
extern _Atomic bool heap_objects_any;

static inline uint32_t heap_objects_line(uint64_t addr)
{
	return (uint32_t)(((addr >> 6) * 0x9E3779B97F4A7C15ull) >> (64 - HEAP_OBJECTS_BITS));
}

/* The object at KEY was recorded: its line is noted (a load, and a write
 * only the first time). */
static inline void heap_objects_note(uint64_t key)
{
	uint32_t i = heap_objects_line(key);
	_Atomic uint64_t *w = &heap_objects_lines[i / 64];
	uint64_t bit = 1ull << (i % 64);
	if (__builtin_expect(!(atomic_load_explicit(w, memory_order_relaxed) & bit), 0)) {
		atomic_fetch_or_explicit(w, bit, memory_order_relaxed);
		if (!atomic_load_explicit(&heap_objects_any, memory_order_relaxed))
			atomic_store_explicit(&heap_objects_any, true, memory_order_relaxed);
	}
}

/* May heap block P (its usable size in *USABLE) hold an object: a noted
 * line in it? (intercept_heap.c writes the FREED record.) */
bool heap_objects_may_hold(void *p, size_t *usable);

#endif
