/* SPDX-License-Identifier: MIT */
/* stack.h - call stacks for records: libunwind's unw_backtrace, behind a
 * per-thread cache so a call site seen before costs a few loads. */
#ifndef CTRACE_SHIM_STACK_H
#define CTRACE_SHIM_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "shim.h"

_Static_assert(SHIM_STACK_CACHE % SHIM_STACK_WAYS == 0, "whole sets");

/* The first entry of the set where a call's stack may be: a set holds
 * several, as one call site (a library's lock wrapper) is reached from
 * many callers at the same depth, which share its pc0 and sp. */
TRACE_HOT uint32_t shim_stack_cache_index(uintptr_t pc0, uintptr_t sp)
{
	uint64_t h = (uint64_t)pc0 * 0x9E3779B97F4A7C15ull ^ (uint64_t)sp * 0xC2B2AE3D27D4EB4Full;
	return (uint32_t)(h >> 56) % (SHIM_STACK_CACHE / SHIM_STACK_WAYS) * SHIM_STACK_WAYS;
}

/* Whether E is the stack of a call from PC0 with its caller's sp at SP. */
TRACE_HOT bool shim_stack_entry_holds(const struct shim_stack_entry *e, uintptr_t pc0, uintptr_t sp)
{
	if (e->pc0 != pc0 || e->sp != sp)
		return false;
	/* Same sp, so the slots are at the same addresses. The first (often
	 * the only one below the thread's root) is checked outside the loop;
	 * branch-free over the slots: one test at the end. */
	uint32_t n = e->nverify;
	uintptr_t diff = n ? *(const uintptr_t *)e->slot[0].at ^ e->slot[0].pc : 0;
	for (uint32_t k = 1; k < n; k++)
		diff |= *(const uintptr_t *)e->slot[k].at ^ e->slot[k].pc;
	return !diff;
}

/* The cached stack id for this call, or UINT32_MAX on a miss (then call
 * shim_stack_capture). Reads only inside the thread's known stack: an
 * entry is filled only for a call whose sp lay in it, with its slots below
 * its top, and the cache is forgotten when the thread's state is reused. */
TRACE_HOT uint32_t shim_stack_cached(const struct shim_thread *t, uintptr_t pc0, uintptr_t sp)
{
	if (!shim.stack_depth)
		return 0;
	const struct shim_stack_entry *set = &t->cache[shim_stack_cache_index(pc0, sp)];
	for (uint32_t w = 0; w < SHIM_STACK_WAYS; w++)
		if (shim_stack_entry_holds(&set[w], pc0, sp))
			return set[w].id;
	return UINT32_MAX;
}

/* The stack id for a call whose return address is PC0 and whose caller's
 * stack pointer is SP (0 when stacks are off or cannot be stored). */
uint32_t shim_stack_capture(struct shim_thread *t, uintptr_t pc0, uintptr_t sp);

/* The native frames of a call whose return address is PC0, into PC
 * (shim.stack_depth at most), not interned: their number. */
uint32_t shim_stack_unwind(struct shim_thread *t, uintptr_t pc0, uint64_t *pc);

/* Whether libunwind may run in the calling process now (a system call:
 * ask it on a stack cache's miss only, before shim_stack_unwind). */
bool shim_stack_may_unwind(void);

/* A cached stack's return addresses are checked up to the thread's root:
 * the frame of the trampoline that runs the program's code on the thread
 * (the shim's thread start, or main's caller) and the frames of libc
 * below it. They stay as they are until that code returns or is unwound,
 * so no call can share the cached frames below the root and differ above.
 * The trampoline sets ROOT to its frame before it calls the program, and
 * SHIM_ROOT_NONE after (then everything is checked). Forgets the cached
 * stacks that counted on the old root. */
#define SHIM_ROOT_NONE UINTPTR_MAX
void shim_stack_set_root(struct shim_thread *t, uintptr_t root);

/* For pthread_cleanup_push in a trampoline: the root is gone with the
 * frames unwound by pthread_exit or a cancellation. */
void shim_stack_root_unwound(void *t);

/* Finds where libunwind, the shim and the program's allocator are loaded
 * (once, at start). */
void shim_stack_init(void);

/* True if PC is in the shim itself: a libc call the shim makes (a struct
 * copy's memcpy), not the program's. */
bool shim_stack_is_own(uintptr_t pc);

/* True if PC is in the dynamic loader (ld.so): its own memory (a loaded
 * object's descriptors, made by dlopen and freed by dlclose in any
 * thread) is ordered by its own lock, which the shim does not see. */
bool shim_stack_is_loader(uintptr_t pc);

/* True if PC is in libunwind: a lock call made by the unwinder itself. */
bool shim_stack_is_unwinder(uintptr_t pc);

/* True if PC is in the program's own allocator (jemalloc, tcmalloc; not
 * glibc's malloc): its copies, clears and frees of memory are its own
 * business, ordered by its own locks and atomics (calloc's memset of a
 * block another thread freed). */
extern uintptr_t shim_allocator_lo, shim_allocator_hi;   /* set once, at start */
static inline bool shim_stack_is_allocator(uintptr_t pc)
{
	return pc >= shim_allocator_lo && pc < shim_allocator_hi;
}

/* A lock call, at PC, made inside the shim (T->in_shim) by code the shim
 * called: libunwind while it unwinds, or the program's own allocator
 * (jemalloc's locks when libunwind or dlsym allocates). The shim's, not
 * the program's: not recorded, not lost. */
bool shim_is_helper_call(const struct shim_thread *t, uintptr_t pc);

/* The address range of the loaded object holding PC; false if none does. */
bool shim_object_of(uintptr_t pc, uintptr_t *lo, uintptr_t *hi);

/* Forgets every cached stack of T, with or without Python frames (ids of
 * another process image). */
void shim_stack_forget(struct shim_thread *t);

/* Captures from inside a signal handler: the frames below the handler. */
uint32_t shim_stack_capture_signal(struct shim_thread *t);

#endif
