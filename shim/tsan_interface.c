/* SPDX-License-Identifier: MIT */
/* tsan_interface.c - the annotations programs call (rows: tsan_symbols.h's
 * TSAN_INTERFACE_SYMBOLS): ctrace.h's ctrace_annotate, TSan's public
 * interface and the dynamic annotations libtsan defines, so that code
 * written for TSan links with `ctrace cc` and means the same. Each becomes a
 * happens-before edge, a benign range, a name or an ignored stretch; what
 * ctrace has no use for does nothing. Built twice, like tsan_abi.c. */
#include <execinfo.h>
#include <stdatomic.h>
#include <stdint.h>

#include "tsan_entry.h"
#include "tsan_record.h"

#include "ctrace.h"
#include "trace_format.h"

#define SAME_KIND(k) ((int)CTRACE_ANN_##k == (int)TRACE_ANN_##k)
_Static_assert(SAME_KIND(HAPPENS_BEFORE) && SAME_KIND(HAPPENS_AFTER) && SAME_KIND(BENIGN_RACE) &&
		       SAME_KIND(LOCK_NAME) && SAME_KIND(THREAD_NAME),
	       "ctrace.h and the trace format agree on annotation kinds");

/* Signatures are libtsan's; many parameters are of no use here. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

/* ctrace.h's entry point. Unknown kinds (a newer ctrace.h) are dropped. */
TSAN_EXPORT void ctrace_annotate(unsigned kind, const volatile void *addr, size_t size,
				 const char *name)
{
	if (kind >= CTRACE_ANN_HAPPENS_BEFORE && kind <= CTRACE_ANN_THREAD_NAME)
		tsan_record_annotate(CALLER_PC, kind, addr, size, name);
}

/* <sanitizer/tsan_interface.h> */
TSAN_EXPORT void __tsan_acquire(void *addr)
{
	tsan_record_annotate(CALLER_PC, TRACE_ANN_HAPPENS_AFTER, addr, 0, NULL);
}

TSAN_EXPORT void __tsan_release(void *addr)
{
	tsan_record_annotate(CALLER_PC, TRACE_ANN_HAPPENS_BEFORE, addr, 0, NULL);
}

/* A custom mutex (abseil's Mutex and SpinLock, on futexes the shim cannot
 * see): a reader-writer lock (tsan_mutex.c). */
#define CALLER_SITE CALLER_PC, (uintptr_t)__builtin_frame_address(0) + 16

TSAN_EXPORT void __tsan_mutex_create(void *addr, unsigned flags)
{
	tsan_record_mutex_create(CALLER_SITE, addr, flags);
}

TSAN_EXPORT void __tsan_mutex_destroy(void *addr, unsigned flags)
{
	tsan_record_mutex_destroy(CALLER_SITE, addr, flags);
}

TSAN_EXPORT void __tsan_mutex_pre_lock(void *addr, unsigned flags)
{
	tsan_record_mutex_pre_lock(CALLER_SITE, addr, flags);
}

TSAN_EXPORT void __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion)
{
	tsan_record_mutex_post_lock(CALLER_SITE, addr, flags, recursion);
}

/* Returns the levels a recursive unlock let go of, to hand back to post_lock. */
TSAN_EXPORT int __tsan_mutex_pre_unlock(void *addr, unsigned flags)
{
	return tsan_record_mutex_pre_unlock(CALLER_SITE, addr, flags);
}

TSAN_EXPORT void __tsan_mutex_post_unlock(void *addr, unsigned flags)
{
	tsan_record_mutex_stretch(false);
}

TSAN_EXPORT void __tsan_mutex_pre_signal(void *addr, unsigned flags)
{
	tsan_record_mutex_stretch(true);
}

TSAN_EXPORT void __tsan_mutex_post_signal(void *addr, unsigned flags)
{
	tsan_record_mutex_stretch(false);
}

TSAN_EXPORT void __tsan_mutex_pre_divert(void *addr, unsigned flags)
{
	tsan_record_mutex_stretch(false);
}

TSAN_EXPORT void __tsan_mutex_post_divert(void *addr, unsigned flags)
{
	tsan_record_mutex_stretch(true);
}

/* Fibers (tsan_fiber.c): the flags (no_sync) change nothing here. */
TSAN_EXPORT void *__tsan_get_current_fiber(void)
{
	return tsan_record_fiber_current();
}

TSAN_EXPORT void *__tsan_create_fiber(unsigned flags)
{
	return tsan_record_fiber_create();
}

TSAN_EXPORT void __tsan_destroy_fiber(void *fiber)
{
	tsan_record_fiber_destroy(fiber);
}

TSAN_EXPORT void __tsan_switch_to_fiber(void *fiber, unsigned flags)
{
	tsan_record_fiber_switch(CALLER_PC, fiber);
}

TSAN_EXPORT void __tsan_set_fiber_name(void *fiber, const char *name) {}

/* Objects of a library that has no instrumented code (Swift's, Apple's):
 * a read or a write of the whole object, as libtsan makes it, is a one-byte
 * access at its address. The tags name nothing in ctrace's reports. */
TSAN_EXPORT void *__tsan_external_register_tag(const char *object_type)
{
	static _Atomic uintptr_t tags = 1;
	return (void *)atomic_fetch_add_explicit(&tags, 1, memory_order_relaxed);
}

TSAN_EXPORT void __tsan_external_register_header(void *tag, const char *header) {}
TSAN_EXPORT void __tsan_external_assign_tag(void *addr, void *tag) {}

TSAN_EXPORT void __tsan_external_read(void *addr, void *caller_pc, void *tag)
{
	tsan_record_access(CALLER_PC, addr, 1, 0);
}

TSAN_EXPORT void __tsan_external_write(void *addr, void *caller_pc, void *tag)
{
	tsan_record_access(CALLER_PC, addr, 1, TRACE_ACCESS_WRITE);
}

/* libtsan's shadow memory; ctrace has none to flush. */
TSAN_EXPORT void __tsan_flush_memory(void) {}

/* A range access made at PC (a runtime of another language, an
 * interpreter, names its own code's place). */
TSAN_EXPORT void __tsan_read_range_pc(void *addr, unsigned long size, void *pc)
{
	tsan_record_access((uintptr_t)pc, addr, size, TRACE_ACCESS_RANGE);
}

TSAN_EXPORT void __tsan_write_range_pc(void *addr, unsigned long size, void *pc)
{
	tsan_record_access((uintptr_t)pc, addr, size, TRACE_ACCESS_RANGE | TRACE_ACCESS_WRITE);
}

/* <sanitizer/common_interface_defs.h>: loads and stores at addresses of
 * any alignment, which code built for a sanitizer makes through these
 * (abseil's absl::little_endian, for one): the access, then the load or
 * store itself. */
#define UNALIGNED(bits)                                                                  \
	TSAN_EXPORT uint##bits##_t __sanitizer_unaligned_load##bits(const void *p)       \
	{                                                                                \
		tsan_record_access(CALLER_PC, p, bits / 8, 0);                           \
		uint##bits##_t v;                                                        \
		__builtin_memcpy(&v, p, sizeof v);                                       \
		return v;                                                                \
	}                                                                                \
	TSAN_EXPORT void __sanitizer_unaligned_store##bits(void *p, uint##bits##_t v)    \
	{                                                                                \
		tsan_record_access(CALLER_PC, p, bits / 8, TRACE_ACCESS_WRITE);          \
		__builtin_memcpy(p, &v, sizeof v);                                       \
	}
UNALIGNED(16)
UNALIGNED(32)
UNALIGNED(64)

/* <sanitizer/common_interface_defs.h>, what code written for a sanitizer
 * calls of it: reports go to the trace, so their path, fd and death
 * callback mean nothing here; a stack trace is printed on request. */
TSAN_EXPORT void __sanitizer_print_stack_trace(void)
{
	void *pcs[64];
	int n = backtrace(pcs, 64);
	if (n > 1)  /* from its caller */
		backtrace_symbols_fd(pcs + 1, n - 1, 2);
}

TSAN_EXPORT void __sanitizer_set_report_path(const char *path) {}
TSAN_EXPORT void __sanitizer_set_report_fd(void *fd) {}
TSAN_EXPORT void __sanitizer_set_death_callback(void (*callback)(void)) {}
TSAN_EXPORT void __sanitizer_sandbox_on_notify(void *args) {}

/* Nonzero for the first caller only. */
TSAN_EXPORT int __sanitizer_acquire_crash_state(void)
{
	static atomic_flag taken = ATOMIC_FLAG_INIT;
	return !atomic_flag_test_and_set(&taken);
}

/* Dynamic annotations: FILE and LINE are where the macro was; the caller's
 * place says the same, and more. */
#define RELEASE(addr) tsan_record_annotate(CALLER_PC, TRACE_ANN_HAPPENS_BEFORE, addr, 0, NULL)
#define ACQUIRE(addr) tsan_record_annotate(CALLER_PC, TRACE_ANN_HAPPENS_AFTER, addr, 0, NULL)

TSAN_EXPORT void AnnotateHappensBefore(const char *f, int l, const volatile void *addr)
{
	RELEASE(addr);
}

TSAN_EXPORT void AnnotateHappensAfter(const char *f, int l, const volatile void *addr)
{
	ACQUIRE(addr);
}

TSAN_EXPORT void WTFAnnotateHappensBefore(const char *f, int l, const volatile void *addr)
{
	RELEASE(addr);
}

TSAN_EXPORT void WTFAnnotateHappensAfter(const char *f, int l, const volatile void *addr)
{
	ACQUIRE(addr);
}

TSAN_EXPORT void AnnotateCondVarSignal(const char *f, int l, const volatile void *cv)
{
	RELEASE(cv);
}

TSAN_EXPORT void AnnotateCondVarSignalAll(const char *f, int l, const volatile void *cv)
{
	RELEASE(cv);
}

TSAN_EXPORT void AnnotateCondVarWait(const char *f, int l, const volatile void *cv,
				     const volatile void *lock)
{
	ACQUIRE(cv);
}

/* A reader-writer lock: a writer's release orders every later holder, a
 * reader's only the later writers (readers do not order each other). The
 * readers release on a channel of their own beside the lock's, at an
 * address no program memory has (bit 62). */
#define READERS(lock) ((const volatile void *)((uintptr_t)(lock) | 1ull << 62))

TSAN_EXPORT void AnnotateRWLockAcquired(const char *f, int l, const volatile void *lock, long is_w)
{
	ACQUIRE(lock);
	if (is_w)
		ACQUIRE(READERS(lock));
}

TSAN_EXPORT void AnnotateRWLockReleased(const char *f, int l, const volatile void *lock, long is_w)
{
	RELEASE(is_w ? lock : READERS(lock));
}

/* A producer-consumer queue: what was put happens before its get. */
TSAN_EXPORT void AnnotatePCQPut(const char *f, int l, const volatile void *pcq)
{
	RELEASE(pcq);
}

TSAN_EXPORT void AnnotatePCQGet(const char *f, int l, const volatile void *pcq)
{
	ACQUIRE(pcq);
}

TSAN_EXPORT void AnnotateBenignRaceSized(const char *f, int l, const volatile void *mem,
					 size_t size, const char *desc)
{
	tsan_record_annotate(CALLER_PC, TRACE_ANN_BENIGN_RACE, mem, size, NULL);
}

TSAN_EXPORT void WTFAnnotateBenignRaceSized(const char *f, int l, const volatile void *mem,
					    size_t size, const char *desc)
{
	tsan_record_annotate(CALLER_PC, TRACE_ANN_BENIGN_RACE, mem, size, NULL);
}

/* One byte, as libtsan reads it. */
TSAN_EXPORT void AnnotateBenignRace(const char *f, int l, const volatile void *mem,
				    const char *desc)
{
	tsan_record_annotate(CALLER_PC, TRACE_ANN_BENIGN_RACE, mem, 1, NULL);
}

TSAN_EXPORT void AnnotateThreadName(const char *f, int l, const char *name)
{
	tsan_record_annotate(CALLER_PC, TRACE_ANN_THREAD_NAME, NULL, 0, name);
}

/* Reads and writes are ignored together: ctrace has one switch, nested. */
TSAN_EXPORT void AnnotateIgnoreReadsBegin(const char *f, int l)
{
	tsan_record_ignore(true);
}

TSAN_EXPORT void AnnotateIgnoreReadsEnd(const char *f, int l)
{
	tsan_record_ignore(false);
}

TSAN_EXPORT void AnnotateIgnoreWritesBegin(const char *f, int l)
{
	tsan_record_ignore(true);
}

TSAN_EXPORT void AnnotateIgnoreWritesEnd(const char *f, int l)
{
	tsan_record_ignore(false);
}

TSAN_EXPORT void AnnotateRWLockCreate(const char *f, int l, const volatile void *lock) {}
TSAN_EXPORT void AnnotateRWLockCreateStatic(const char *f, int l, const volatile void *lock) {}
TSAN_EXPORT void AnnotateRWLockDestroy(const char *f, int l, const volatile void *lock) {}
TSAN_EXPORT void AnnotatePCQCreate(const char *f, int l, const volatile void *pcq) {}
TSAN_EXPORT void AnnotatePCQDestroy(const char *f, int l, const volatile void *pcq) {}
TSAN_EXPORT void AnnotateIgnoreSyncBegin(const char *f, int l) {}
TSAN_EXPORT void AnnotateIgnoreSyncEnd(const char *f, int l) {}
TSAN_EXPORT void AnnotateNewMemory(const char *f, int l, const volatile void *mem, size_t size) {}
TSAN_EXPORT void AnnotatePublishMemoryRange(const char *f, int l, const volatile void *a,
					    size_t size) {}
TSAN_EXPORT void AnnotateUnpublishMemoryRange(const char *f, int l, const volatile void *a,
					      size_t size) {}
TSAN_EXPORT void AnnotateMutexIsUsedAsCondVar(const char *f, int l, const volatile void *mu) {}
TSAN_EXPORT void AnnotateMutexIsNotPHB(const char *f, int l, const volatile void *mu) {}
TSAN_EXPORT void AnnotateEnableRaceDetection(const char *f, int l, int enable) {}
TSAN_EXPORT void AnnotateNoOp(const char *f, int l, const volatile void *arg) {}
TSAN_EXPORT void AnnotateFlushState(const char *f, int l) {}
TSAN_EXPORT void AnnotateExpectRace(const char *f, int l, const volatile void *mem,
				    const char *desc) {}
TSAN_EXPORT void AnnotateFlushExpectedRaces(const char *f, int l) {}
TSAN_EXPORT void AnnotateTraceMemory(const char *f, int l, const volatile void *mem) {}
TSAN_EXPORT void AnnotateMemoryIsInitialized(const char *f, int l, const volatile void *mem,
					     size_t size) {}
TSAN_EXPORT void AnnotateMemoryIsUninitialized(const char *f, int l, const volatile void *mem,
					       size_t size) {}

/* <sanitizer/linux_syscall_hooks.h> (libuv's close): the shim's record the
 * close as close() (intercept_fd.c); the stub's do nothing. */
#ifndef CTRACE_TSAN_RECORD
TSAN_EXPORT void __sanitizer_syscall_pre_impl_close(long fd) {}
TSAN_EXPORT void __sanitizer_syscall_post_impl_close(long res, long fd) {}
#endif
