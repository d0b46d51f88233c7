/* SPDX-License-Identifier: MIT */
/* tsan_modules.c - the address ranges of the objects with instrumented
 * code, added by their __tsan_init calls and never removed: an object
 * unloaded and replaced by another in its range only makes that one's
 * calls named by the shadow stack (their instrumented frames and their
 * own pc), never a wrong stack. Past TSAN_MODULES_MAX objects the others
 * are unwound, as every call was. */
#include "tsan_modules.h"

#include <stdatomic.h>

#include "stack.h"

#define TSAN_MODULES_MAX 64u

static struct {
	uintptr_t lo, hi;
} modules[TSAN_MODULES_MAX];
static _Atomic uint32_t modules_n;     /* published: written before */
static atomic_flag modules_lock = ATOMIC_FLAG_INIT;

bool tsan_module_has(uintptr_t pc)
{
	uint32_t n = atomic_load_explicit(&modules_n, memory_order_acquire);
	for (uint32_t i = 0; i < n; i++)
		if (pc >= modules[i].lo && pc < modules[i].hi)
			return true;
	return false;
}

void tsan_modules_after_fork(void)
{
	atomic_flag_clear(&modules_lock);
}

void tsan_module_add(uintptr_t pc)
{
	uintptr_t lo, hi;
	if (tsan_module_has(pc) || !shim_object_of(pc, &lo, &hi))
		return;
	while (atomic_flag_test_and_set_explicit(&modules_lock, memory_order_acquire))
		;
	uint32_t n = atomic_load_explicit(&modules_n, memory_order_relaxed);
	if (n < TSAN_MODULES_MAX && !tsan_module_has(pc)) {
		modules[n].lo = lo;
		modules[n].hi = hi;
		atomic_store_explicit(&modules_n, n + 1, memory_order_release);
	}
	atomic_flag_clear_explicit(&modules_lock, memory_order_release);
}
