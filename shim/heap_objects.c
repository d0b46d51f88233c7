/* SPDX-License-Identifier: MIT */
/* heap_objects.c - the FREED record of a heap block that may hold sync
 * objects (heap_objects.h). */
#include "heap_objects.h"

#include <errno.h>

#include "emit.h"
#include "real_mem.h"

_Atomic uint64_t heap_objects_lines[(1u << HEAP_OBJECTS_BITS) / 64];
_Atomic bool heap_objects_any;

/* A block larger than this is recorded without looking at its lines. */
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

void heap_objects_free_slow(void *p)
{
	if (atomic_load_explicit(&shim.state, memory_order_relaxed) != SHIM_ACTIVE ||
	    !shim_mem.malloc_usable_size)
		return;
	int saved = errno;
	struct shim_thread *t = shim_thread_self();   /* a thread's first call may be this */
	/* the shim's own frees (in_shim) hold no object of the program */
	if (!t || t->in_shim) {
		errno = saved;
		return;
	}
	size_t n = shim_mem.malloc_usable_size(p);
	if (n && noted_in((uintptr_t)p, n) && shim_is_own_process()) {
		struct shim_call c = { .t = t, .stack = 0 };
		shim_emit_how(&c, TRACE_ORDER_NONE, TRACE_OP_FREED, 0, 0, 0, (uintptr_t)p, n, 0, NULL);
	}
	errno = saved;
}
