/* SPDX-License-Identifier: MIT */
/* tsan_symbols.h - every __tsan_* entry point that gcc 12 and clang 14 can
 * emit for -fsanitize=thread code (docs: formats.md F.1), and the
 * annotations programs call, each named once here as a row of an X-macro
 * list. tsan_abi.c and tsan_interface.c define them; tests list them. Rows
 * only: include nothing, define no function. */
#ifndef CTRACE_TSAN_SYMBOLS_H
#define CTRACE_TSAN_SYMBOLS_H

/* Hooks called before a plain access: void NAME(void *addr).
 * X(name, size in bytes, enum trace_access_flags). */
#define TSAN_ACCESS_SIZES(X, kind, flags) \
	X(__tsan_##kind##1, 1, flags) X(__tsan_##kind##2, 2, flags) \
	X(__tsan_##kind##4, 4, flags) X(__tsan_##kind##8, 8, flags) \
	X(__tsan_##kind##16, 16, flags)

/* gcc: plain, volatile (--param=tsan-distinguish-volatile=1); clang adds the
 * unaligned forms (packed fields, vectorised loops) and read_write
 * (-mllvm -tsan-compound-read-before-write=1), recorded as the write. */
#define TSAN_ACCESS_SYMBOLS(X) \
	TSAN_ACCESS_SIZES(X, read, 0) \
	TSAN_ACCESS_SIZES(X, write, TRACE_ACCESS_WRITE) \
	TSAN_ACCESS_SIZES(X, unaligned_read, 0) \
	TSAN_ACCESS_SIZES(X, unaligned_write, TRACE_ACCESS_WRITE) \
	TSAN_ACCESS_SIZES(X, volatile_read, TRACE_ACCESS_VOLATILE) \
	TSAN_ACCESS_SIZES(X, volatile_write, TRACE_ACCESS_VOLATILE | TRACE_ACCESS_WRITE) \
	TSAN_ACCESS_SIZES(X, unaligned_volatile_read, TRACE_ACCESS_VOLATILE) \
	TSAN_ACCESS_SIZES(X, unaligned_volatile_write, TRACE_ACCESS_VOLATILE | TRACE_ACCESS_WRITE) \
	TSAN_ACCESS_SIZES(X, read_write, TRACE_ACCESS_WRITE) \
	TSAN_ACCESS_SIZES(X, unaligned_read_write, TRACE_ACCESS_WRITE)

/* gcc: struct copies over 16 bytes, packed fields:
 * void NAME(void *addr, unsigned long size). X(name, flags). */
#define TSAN_RANGE_SYMBOLS(X) \
	X(__tsan_read_range, TRACE_ACCESS_RANGE) \
	X(__tsan_write_range, TRACE_ACCESS_RANGE | TRACE_ACCESS_WRITE)

/* Atomic operations on an N-bit integer, N = 8 .. 128. X(name, N, form, arg):
 *   load      aN NAME(const volatile aN *a, int mo)
 *   store     void NAME(volatile aN *a, aN v, int mo)
 *   rmw       aN NAME(volatile aN *a, aN v, int mo), the old value; arg: the
 *             operation (XCHG, ADD, SUB, AND, OR, XOR, NAND)
 *   cas       gcc: int NAME(volatile aN *a, aN *expected, aN desired, int mo,
 *             int fail_mo), success; arg: weak
 *   cas_val   clang: aN NAME(volatile aN *a, aN expected, aN desired, int mo,
 *             int fail_mo), the old value */
#define TSAN_ATOMIC_WIDTH(X, n) \
	X(__tsan_atomic##n##_load, n, load, 0) \
	X(__tsan_atomic##n##_store, n, store, 0) \
	X(__tsan_atomic##n##_exchange, n, rmw, XCHG) \
	X(__tsan_atomic##n##_fetch_add, n, rmw, ADD) \
	X(__tsan_atomic##n##_fetch_sub, n, rmw, SUB) \
	X(__tsan_atomic##n##_fetch_and, n, rmw, AND) \
	X(__tsan_atomic##n##_fetch_or, n, rmw, OR) \
	X(__tsan_atomic##n##_fetch_xor, n, rmw, XOR) \
	X(__tsan_atomic##n##_fetch_nand, n, rmw, NAND) \
	X(__tsan_atomic##n##_compare_exchange_strong, n, cas, 0) \
	X(__tsan_atomic##n##_compare_exchange_weak, n, cas, 1) \
	X(__tsan_atomic##n##_compare_exchange_val, n, cas_val, 0)

#define TSAN_ATOMIC_SYMBOLS(X) \
	TSAN_ATOMIC_WIDTH(X, 8) TSAN_ATOMIC_WIDTH(X, 16) TSAN_ATOMIC_WIDTH(X, 32) \
	TSAN_ATOMIC_WIDTH(X, 64) TSAN_ATOMIC_WIDTH(X, 128)

/* The rest of the compilers' calls, defined by hand in tsan_abi.c. X(name). */
#define TSAN_OTHER_SYMBOLS(X) \
	X(__tsan_init) \
	X(__tsan_func_entry) \
	X(__tsan_func_exit) \
	X(__tsan_vptr_update) \
	X(__tsan_vptr_read) \
	X(__tsan_atomic_thread_fence) \
	X(__tsan_atomic_signal_fence) \
	X(__tsan_ignore_thread_begin) \
	X(__tsan_ignore_thread_end)

/* What programs call (tsan_interface.c): ctrace.h's entry point; TSan's
 * public interface (<sanitizer/tsan_interface.h>: acquire/release, the
 * annotations of custom mutexes that abseil's Mutex makes under TSan); the
 * dynamic annotations libtsan defines (valgrind's dynamic_annotations.h,
 * abseil, WebKit's WTF); the syscall hooks of
 * <sanitizer/linux_syscall_hooks.h> that programs use (libuv's close). A
 * program built with `ctrace cc` that calls them links. X(name). */
#define TSAN_INTERFACE_SYMBOLS(X) \
	X(ctrace_annotate) \
	X(__tsan_acquire) X(__tsan_release) \
	X(__tsan_mutex_create) X(__tsan_mutex_destroy) \
	X(__tsan_mutex_pre_lock) X(__tsan_mutex_post_lock) \
	X(__tsan_mutex_pre_unlock) X(__tsan_mutex_post_unlock) \
	X(__tsan_mutex_pre_signal) X(__tsan_mutex_post_signal) \
	X(__tsan_mutex_pre_divert) X(__tsan_mutex_post_divert) \
	X(AnnotateHappensBefore) X(AnnotateHappensAfter) \
	X(AnnotateCondVarSignal) X(AnnotateCondVarSignalAll) X(AnnotateCondVarWait) \
	X(AnnotateRWLockCreate) X(AnnotateRWLockCreateStatic) X(AnnotateRWLockDestroy) \
	X(AnnotateRWLockAcquired) X(AnnotateRWLockReleased) \
	X(AnnotatePCQCreate) X(AnnotatePCQDestroy) X(AnnotatePCQPut) X(AnnotatePCQGet) \
	X(AnnotateBenignRace) X(AnnotateBenignRaceSized) \
	X(AnnotateThreadName) \
	X(AnnotateIgnoreReadsBegin) X(AnnotateIgnoreReadsEnd) \
	X(AnnotateIgnoreWritesBegin) X(AnnotateIgnoreWritesEnd) \
	X(AnnotateIgnoreSyncBegin) X(AnnotateIgnoreSyncEnd) \
	X(AnnotateNewMemory) X(AnnotatePublishMemoryRange) X(AnnotateUnpublishMemoryRange) \
	X(AnnotateMutexIsUsedAsCondVar) X(AnnotateMutexIsNotPHB) \
	X(AnnotateEnableRaceDetection) X(AnnotateNoOp) X(AnnotateFlushState) \
	X(AnnotateExpectRace) X(AnnotateFlushExpectedRaces) X(AnnotateTraceMemory) \
	X(AnnotateMemoryIsInitialized) X(AnnotateMemoryIsUninitialized) \
	X(WTFAnnotateHappensBefore) X(WTFAnnotateHappensAfter) X(WTFAnnotateBenignRaceSized) \
	X(__sanitizer_syscall_pre_impl_close) X(__sanitizer_syscall_post_impl_close) \
	X(__tsan_read_range_pc) X(__tsan_write_range_pc) \
	X(__sanitizer_unaligned_load16) X(__sanitizer_unaligned_load32) \
	X(__sanitizer_unaligned_load64) X(__sanitizer_unaligned_store16) \
	X(__sanitizer_unaligned_store32) X(__sanitizer_unaligned_store64) \
	X(__tsan_get_current_fiber) X(__tsan_create_fiber) X(__tsan_destroy_fiber) \
	X(__tsan_switch_to_fiber) X(__tsan_set_fiber_name) \
	X(__tsan_external_register_tag) X(__tsan_external_register_header) \
	X(__tsan_external_assign_tag) X(__tsan_external_read) X(__tsan_external_write) \
	X(__tsan_flush_memory) \
	X(__sanitizer_print_stack_trace) X(__sanitizer_set_report_path) \
	X(__sanitizer_set_report_fd) X(__sanitizer_set_death_callback) \
	X(__sanitizer_sandbox_on_notify) X(__sanitizer_acquire_crash_state)

#endif
