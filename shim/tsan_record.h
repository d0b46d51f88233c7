/* SPDX-License-Identifier: MIT */
/* tsan_record.h - what the __tsan_* entry points (tsan_abi.c) call when they
 * are built into the shim (CTRACE_TSAN_RECORD defined); in the stub runtime
 * libctrace-tsan.so these are empty inlines. Implemented in tsan_record.c. */
#ifndef CTRACE_TSAN_RECORD_H
#define CTRACE_TSAN_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef CTRACE_TSAN_RECORD
/* __tsan_init: once per instrumented module, so it must be idempotent. */
void tsan_record_init(void);
/* pc: the function's return address. */
void tsan_record_func_entry(uintptr_t pc);
void tsan_record_func_exit(void);
/* Before a plain access; flags: enum trace_access_flags. */
void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags);
/* An atomic operation: begin returns a token (the location's order is held
 * from begin to end), the operation is performed in between, end records it.
 * op: enum trace_atomic_op; mo: the C11 memory order as the compiler passed it. */
uint64_t tsan_record_atomic_begin(const volatile void *addr);
void tsan_record_atomic_end(uint64_t token, uintptr_t pc, const volatile void *addr, unsigned op,
			    int mo, unsigned size);
void tsan_record_fence(uintptr_t pc, int mo);
/* kind: enum trace_annotation (ctrace.h). */
void tsan_record_annotate(uintptr_t pc, unsigned kind, const volatile void *addr, size_t size,
			  const char *name);
/* __tsan_ignore_thread_begin (true) / _end (false). */
void tsan_record_ignore(bool begin);
#else
static inline void tsan_record_init(void) {}
static inline void tsan_record_func_entry(uintptr_t pc) { (void)pc; }
static inline void tsan_record_func_exit(void) {}
static inline void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size,
				      unsigned flags)
{
	(void)pc, (void)addr, (void)size, (void)flags;
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
static inline void tsan_record_fence(uintptr_t pc, int mo) { (void)pc, (void)mo; }
static inline void tsan_record_annotate(uintptr_t pc, unsigned kind, const volatile void *addr,
					size_t size, const char *name)
{
	(void)pc, (void)kind, (void)addr, (void)size, (void)name;
}
static inline void tsan_record_ignore(bool begin) { (void)begin; }
#endif

#endif
