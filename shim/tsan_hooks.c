/* SPDX-License-Identifier: MIT */
/* tsan_hooks.c - the hottest __tsan_* entry points (plain accesses,
 * function entry and exit), linked into every program and library `ctrace
 * cc` links (libctrace-tsan-hooks.a, hidden there): direct calls instead
 * of calls through the PLT into the shim. An access already kept in the
 * interval is merged here (one TLS load, one table slot); a new one, and
 * everything on a thread without state, goes to the runtime (tsan_hot.h).
 * Without ctrace, the stub's runtime answers false once and the module's
 * hooks return at once from then on. Atomics, ranges of other kinds and
 * annotations stay in the runtime (tsan_abi.c). Never built with -fsanitize. */
#include "tsan_hot.h"
#include "tsan_symbols.h"

#include "trace_format.h"

#include <stdatomic.h>

#define HOOK __attribute__((visibility("hidden")))

/* False once the runtime said it is the stub: this module's hooks then
 * return at once. Written only then, so threads do not share a line they
 * write. */
static _Atomic bool runtime_records = true;

static inline bool records(void)
{
	return atomic_load_explicit(&runtime_records, memory_order_relaxed);
}

static inline void stub_answered(bool recorded)
{
	if (!recorded)
		atomic_store_explicit(&runtime_records, false, memory_order_relaxed);
}

/* The flag first: without ctrace an entry point is a load, a branch and a
 * return; under ctrace the flag's line is shared and never written. */
static inline __attribute__((always_inline)) void hook_access(uintptr_t pc, void *addr,
							      size_t size, unsigned flags)
{
	if (!records())
		return;
	struct tsan_hot *h = __ctrace_tsan_thread_v2;
	if (__builtin_expect(h != NULL, 1)) {
		if (__builtin_expect(h->ignore, 0))
			return;
		h->seen++;
		uint64_t key = tsan_hot_key((uintptr_t)addr, size, flags);
		if (__builtin_expect(key && h->slot[tsan_hot_slot(key, h->shift)] == key, 1))
			return;
	}
	stub_answered(__ctrace_tsan_miss_v2(pc, addr, size, flags));
}

#define CALLER_PC ((uintptr_t)__builtin_return_address(0))

#define TSAN_DEFINE_ACCESS(name, size, flags) \
	HOOK void name(void *addr) \
	{ \
		hook_access(CALLER_PC, addr, size, flags); \
	}
TSAN_ACCESS_SYMBOLS(TSAN_DEFINE_ACCESS)

#define TSAN_DEFINE_RANGE(name, flags) \
	HOOK void name(void *addr, unsigned long size) \
	{ \
		hook_access(CALLER_PC, addr, size, flags); \
	}
TSAN_RANGE_SYMBOLS(TSAN_DEFINE_RANGE)

/* The frame address is the runtime's own __tsan_func_entry's measure too
 * (both have a frame pointer: the caller's stack pointer less 16). */
HOOK void __tsan_func_entry(void *caller_pc)
{
	if (!records())
		return;
	struct tsan_hot *h = __ctrace_tsan_thread_v2;
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	if (__builtin_expect(h != NULL, 1))
		tsan_hot_enter(h, (uintptr_t)caller_pc, sp);
	else
		stub_answered(__ctrace_tsan_func_entry_v2((uintptr_t)caller_pc, sp));
}

HOOK void __tsan_func_exit(void)
{
	if (!records())
		return;
	struct tsan_hot *h = __ctrace_tsan_thread_v2;
	if (__builtin_expect(h != NULL, 1))
		tsan_hot_exit(h);
	else
		stub_answered(__ctrace_tsan_func_exit_v2());
}
