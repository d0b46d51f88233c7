/* SPDX-License-Identifier: MIT */
/* tsan_record.h - what the __tsan_* entry points (tsan_abi.c) call when they
 * are built into the shim (CTRACE_TSAN_RECORD defined); in the stub runtime
 * libctrace-tsan.so these are empty inlines. Implemented in tsan_record.c. */
#ifndef CTRACE_TSAN_RECORD_H
#define CTRACE_TSAN_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef CTRACE_TSAN_RECORD
/* What the runtime's calls from the program's own entry points answer
 * (tsan_hot.h): true while the shim records or may yet (false once it is
 * off for good: the hooks then stop calling, as with the stub). */
bool tsan_record_alive(void);
/* __tsan_init: once per instrumented module, so it must be idempotent;
 * pc: its caller's, in the module's constructor. */
void tsan_record_init(uintptr_t pc);
/* pc: the function's return address; sp: its entry hook's frame address. */
void tsan_record_func_entry(uintptr_t pc, uintptr_t sp);
void tsan_record_func_exit(void);
/* Before a plain access; flags: enum trace_access_flags. */
void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags);
/* The same access, already counted as seen by the program's entry point
 * that did not find it merged (tsan_hot.h); tsan_record_alive(). */
bool tsan_record_miss(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags);
/* An atomic operation: begin returns a token (the location's order is held
 * from begin to end), the operation is performed in between, end records it.
 * op: enum trace_atomic_op; mo: the C11 order (0 relaxed .. 5 seq_cst) the
 * program asked for, read as libtsan does: consume as acquire, an order the
 * operation cannot have as seq_cst; a failed compare-exchange (CAS_FAIL)
 * has its failure order. Fences: the same numbering. */
uint64_t tsan_record_atomic_begin(const volatile void *addr);
void tsan_record_atomic_end(uint64_t token, uintptr_t pc, const volatile void *addr, unsigned op,
			    int mo, unsigned size);
/* After an atomic load (op LOAD, or CAS_FAIL: a compare-exchange that
 * would fail) made without begin: true if it needs nothing more (merged
 * with what the thread recorded, or nothing records); false: make the
 * operation again between begin and end. */
bool tsan_record_load_merged(uintptr_t pc, const volatile void *addr, unsigned op, int mo,
			     unsigned size);
void tsan_record_fence(uintptr_t pc, int mo);
/* kind: enum trace_annotation (ctrace.h). */
void tsan_record_annotate(uintptr_t pc, unsigned kind, const volatile void *addr, size_t size,
			  const char *name);
/* __tsan_ignore_thread_begin (true) / _end (false). */
void tsan_record_ignore(bool begin);
/* TSan's fibers (tsan_fiber.c): the fiber running (made at the first
 * call: the thread's own), a new one, its end, and a switch to one. */
void *tsan_record_fiber_current(void);
void *tsan_record_fiber_create(void);
void tsan_record_fiber_destroy(void *fiber);
void tsan_record_fiber_switch(uintptr_t pc, void *fiber);
/* TSan's annotated mutexes (tsan_mutex.c), called at PC0 with the
 * caller's stack at SP; flags: <sanitizer/tsan_interface.h>'s. stretch:
 * the lock's own work begins (true) or ends. */
void tsan_record_mutex_create(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags);
void tsan_record_mutex_destroy(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags);
void tsan_record_mutex_pre_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags);
void tsan_record_mutex_post_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags,
				 int recursion);
int tsan_record_mutex_pre_unlock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags);
void tsan_record_mutex_stretch(bool begin);
#else
static inline bool tsan_record_alive(void) { return false; }
static inline void tsan_record_init(uintptr_t pc) { (void)pc; }
static inline void tsan_record_func_entry(uintptr_t pc, uintptr_t sp) { (void)pc, (void)sp; }
static inline void tsan_record_func_exit(void) {}
static inline void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size,
				      unsigned flags)
{
	(void)pc, (void)addr, (void)size, (void)flags;
}
static inline bool tsan_record_miss(uintptr_t pc, const volatile void *addr, size_t size,
				    unsigned flags)
{
	(void)pc, (void)addr, (void)size, (void)flags;
	return false;
}
static inline uint64_t tsan_record_atomic_begin(const volatile void *addr)
{
	(void)addr;
	return 0;
}
static inline void tsan_record_atomic_end(uint64_t token, uintptr_t pc, const volatile void *addr,
					  unsigned op, int mo, unsigned size)
{
	(void)token, (void)pc, (void)addr, (void)op, (void)mo, (void)size;
}
static inline bool tsan_record_load_merged(uintptr_t pc, const volatile void *addr, unsigned op,
					   int mo, unsigned size)
{
	(void)pc, (void)addr, (void)op, (void)mo, (void)size;
	return true;
}
static inline void tsan_record_fence(uintptr_t pc, int mo) { (void)pc, (void)mo; }
static inline void tsan_record_annotate(uintptr_t pc, unsigned kind, const volatile void *addr,
					size_t size, const char *name)
{
	(void)pc, (void)kind, (void)addr, (void)size, (void)name;
}
static inline void tsan_record_ignore(bool begin) { (void)begin; }
static inline void tsan_record_mutex_create(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	(void)pc0, (void)sp, (void)m, (void)flags;
}
static inline void tsan_record_mutex_destroy(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	(void)pc0, (void)sp, (void)m, (void)flags;
}
static inline void tsan_record_mutex_pre_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	(void)pc0, (void)sp, (void)m, (void)flags;
}
static inline void tsan_record_mutex_post_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags,
					       int recursion)
{
	(void)pc0, (void)sp, (void)m, (void)flags, (void)recursion;
}
static inline int tsan_record_mutex_pre_unlock(uintptr_t pc0, uintptr_t sp, void *m,
					       unsigned flags)
{
	(void)pc0, (void)sp, (void)m, (void)flags;
	return 0;
}
static inline void tsan_record_mutex_stretch(bool begin) { (void)begin; }
/* Fibers without ctrace: distinct addresses, nothing more. */
static __thread void *tsan_stub_fiber_running;
static inline void *tsan_record_fiber_current(void)
{
	if (!tsan_stub_fiber_running)
		tsan_stub_fiber_running = malloc(1);
	return tsan_stub_fiber_running;
}
static inline void *tsan_record_fiber_create(void) { return malloc(1); }
static inline void tsan_record_fiber_destroy(void *fiber)
{
	if (fiber != tsan_stub_fiber_running)
		free(fiber);
}
static inline void tsan_record_fiber_switch(uintptr_t pc, void *fiber)
{
	(void)pc;
	if (fiber)
		tsan_stub_fiber_running = fiber;
}
#endif

#endif
