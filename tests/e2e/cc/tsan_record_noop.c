/* SPDX-License-Identifier: MIT */
/* tsan_record_noop.c - tsan_record.h's functions doing nothing: linked into
 * the shim only while shim/tsan_record.c (the recording side) is absent, so
 * the __tsan_* entry points and their tests work before it lands. */
#include "tsan_record.h"

void tsan_record_init(void) {}
void tsan_record_func_entry(uintptr_t pc) { (void)pc; }
void tsan_record_func_exit(void) {}
void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags)
{
	(void)pc, (void)addr, (void)size, (void)flags;
}
uint64_t tsan_record_atomic_begin(const volatile void *addr)
{
	(void)addr;
	return 0;
}
void tsan_record_atomic_end(uint64_t token, uintptr_t pc, const volatile void *addr, unsigned op,
			    int mo, unsigned size)
{
	(void)token, (void)pc, (void)addr, (void)op, (void)mo, (void)size;
}
void tsan_record_fence(uintptr_t pc, int mo) { (void)pc, (void)mo; }
void tsan_record_annotate(uintptr_t pc, unsigned kind, const volatile void *addr, size_t size,
			  const char *name)
{
	(void)pc, (void)kind, (void)addr, (void)size, (void)name;
}
void tsan_record_ignore(bool begin) { (void)begin; }
