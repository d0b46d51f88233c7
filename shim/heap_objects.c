/* SPDX-License-Identifier: MIT */
/* heap_objects.c - does a heap block hold a noted line (heap_objects.h)? */
#include "heap_objects.h"

#include "real_mem.h"

_Atomic uint64_t heap_objects_lines[(1u << HEAP_OBJECTS_BITS) / 64];
_Atomic bool heap_objects_any;

/* A block larger than this is taken to hold one without a look. */
#define HEAP_OBJECTS_SCAN_MAX (256u << 10)

static bool noted_in(uint64_t p, size_t n)
{
	if (n > HEAP_OBJECTS_SCAN_MAX)
		return true;
	for (uint64_t line = p >> 6, last = (p + n - 1) >> 6; line <= last; line++) {
		uint32_t i = heap_objects_line(line << 6);
		if (atomic_load_explicit(&heap_objects_lines[i / 64], memory_order_relaxed) &
		    (1ull << (i % 64)))
			return true;
	}
	return false;
}

bool heap_objects_may_hold(void *p, size_t *usable)
{
	if (!shim_mem.malloc_usable_size)
		return false;
	size_t n = shim_mem.malloc_usable_size(p);
	*usable = n;
	return n && noted_in((uintptr_t)p, n);
}
