/* SPDX-License-Identifier: MIT */
/* intercept_cxa_guard.c - C++ function-local statics (__cxa_guard_*, in
 * libstdc++): the initialization's writes happen before every use of the
 * static. Compiled code tests the guard's first byte with an acquire load
 * (recorded as an atomic in a `ctrace cc` build) and calls
 * __cxa_guard_acquire only while it is clear; libstdc++, not instrumented,
 * sets it in __cxa_guard_release. So the release is recorded here, as
 * TSan's runtime does: an atomic release store of the guard's byte before
 * the library's own; and an acquire load when __cxa_guard_acquire returns
 * 0 (another thread initialized the static while this one waited). In a
 * program without instrumented code they only forward. */
#include <stdatomic.h>
#include <stdint.h>

#include "emit.h"
#include "real.h"
#include "tsan_record.h"
#include "tsan_thread.h"

#define MO_ACQUIRE 2
#define MO_RELEASE 3

/* An atomic operation on the guard's first byte, as instrumented code
 * would have recorded it; nothing without instrumented code. */
static void guard_atomic(uintptr_t pc, const void *guard, unsigned op, int mo)
{
	if (!atomic_load_explicit(&tsan_on, memory_order_relaxed))
		return;
	uint64_t token = tsan_record_atomic_begin(guard);
	tsan_record_atomic_end(token, pc, guard, op, mo, 1);
}

SHIM_EXPORT int __cxa_guard_acquire(int64_t *guard)
{
	SHIM_REAL_LAZY(__cxa_guard_acquire);
	int r = f(guard);
	if (!r)
		guard_atomic((uintptr_t)__builtin_return_address(0), guard, TRACE_ATOMIC_LOAD, MO_ACQUIRE);
	return r;
}

SHIM_EXPORT void __cxa_guard_release(int64_t *guard)
{
	SHIM_REAL_LAZY(__cxa_guard_release);
	guard_atomic((uintptr_t)__builtin_return_address(0), guard, TRACE_ATOMIC_STORE, MO_RELEASE);
	f(guard);
}
