/* SPDX-License-Identifier: MIT */
/* bench_tsan_abi.c - the __tsan_* entry points the benchmark workloads use,
 * forwarding to the shim's recording functions (shim/tsan_record.h),
 * until the real entry points (shim/tsan_abi.c, built into the shim) are
 * in this branch. A separate library: every hook costs a PLT call more
 * than the real ones, which the shim inlines, so the figures it gives are
 * pessimistic. Without the shim preloaded, the hooks do nothing but the
 * atomic operations. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC() ((uintptr_t)__builtin_return_address(0))
#define API __attribute__((visibility("default")))
#define WEAK __attribute__((weak))

WEAK void tsan_record_init(void);
WEAK void tsan_record_func_entry(uintptr_t pc);
WEAK void tsan_record_func_exit(void);
WEAK void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags);
WEAK uint64_t tsan_record_atomic_begin(const volatile void *addr);
WEAK void tsan_record_atomic_end(uint64_t token, uintptr_t pc, const volatile void *addr,
				 unsigned op, int mo, unsigned size);
WEAK void tsan_record_fence(uintptr_t pc, int mo);

static bool on;

API void __tsan_init(void)
{
	if (tsan_record_init) {
		tsan_record_init();
		on = true;
	}
}

API void __tsan_func_entry(void *pc)
{
	if (on)
		tsan_record_func_entry((uintptr_t)pc);
}

API void __tsan_func_exit(void)
{
	if (on)
		tsan_record_func_exit();
}

#define ACCESS(name, size, flags) \
	API void name(void *a) { if (on) tsan_record_access(PC(), a, size, flags); }
ACCESS(__tsan_read1, 1, 0)
ACCESS(__tsan_read2, 2, 0)
ACCESS(__tsan_read4, 4, 0)
ACCESS(__tsan_read8, 8, 0)
ACCESS(__tsan_read16, 16, 0)
ACCESS(__tsan_write1, 1, 1)
ACCESS(__tsan_write2, 2, 1)
ACCESS(__tsan_write4, 4, 1)
ACCESS(__tsan_write8, 8, 1)
ACCESS(__tsan_write16, 16, 1)
ACCESS(__tsan_unaligned_read8, 8, 0)
ACCESS(__tsan_unaligned_write8, 8, 1)
ACCESS(__tsan_unaligned_read4, 4, 0)
ACCESS(__tsan_unaligned_write4, 4, 1)

API void __tsan_read_range(void *a, unsigned long n)
{
	if (on)
		tsan_record_access(PC(), a, n, 4);
}

API void __tsan_write_range(void *a, unsigned long n)
{
	if (on)
		tsan_record_access(PC(), a, n, 5);
}

API void __tsan_vptr_update(void **p, void *v)
{
	(void)v;
	if (on)
		tsan_record_access(PC(), p, sizeof *p, 1 | 16);
}

API void __tsan_vptr_read(void **p)
{
	if (on)
		tsan_record_access(PC(), p, sizeof *p, 16);
}

API void __tsan_atomic_thread_fence(int mo)
{
	atomic_thread_fence(mo);
	if (on)
		tsan_record_fence(PC(), mo);
}

API void __tsan_atomic_signal_fence(int mo)
{
	atomic_signal_fence(mo);
}

#define ATOMIC_OPS(bits, T) \
	API T __tsan_atomic##bits##_load(const volatile T *a, int mo) \
	{ \
		uint64_t tok = on ? tsan_record_atomic_begin(a) : 0; \
		T v = __atomic_load_n(a, __ATOMIC_SEQ_CST); \
		if (tok) tsan_record_atomic_end(tok, PC(), a, 1, mo, bits / 8); \
		return v; \
	} \
	API void __tsan_atomic##bits##_store(volatile T *a, T v, int mo) \
	{ \
		uint64_t tok = on ? tsan_record_atomic_begin(a) : 0; \
		__atomic_store_n(a, v, __ATOMIC_SEQ_CST); \
		if (tok) tsan_record_atomic_end(tok, PC(), a, 2, mo, bits / 8); \
	} \
	API T __tsan_atomic##bits##_fetch_add(volatile T *a, T v, int mo) \
	{ \
		uint64_t tok = on ? tsan_record_atomic_begin(a) : 0; \
		T old = __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST); \
		if (tok) tsan_record_atomic_end(tok, PC(), a, 3, mo, bits / 8); \
		return old; \
	} \
	API T __tsan_atomic##bits##_exchange(volatile T *a, T v, int mo) \
	{ \
		uint64_t tok = on ? tsan_record_atomic_begin(a) : 0; \
		T old = __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST); \
		if (tok) tsan_record_atomic_end(tok, PC(), a, 3, mo, bits / 8); \
		return old; \
	} \
	API int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *e, T d, int mo, int fmo) \
	{ \
		uint64_t tok = on ? tsan_record_atomic_begin(a) : 0; \
		int ok = __atomic_compare_exchange_n(a, e, d, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
		if (tok) tsan_record_atomic_end(tok, PC(), a, ok ? 3 : 4, ok ? mo : fmo, bits / 8); \
		return ok; \
	} \
	API T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T e, T d, int mo, int fmo) \
	{ \
		uint64_t tok = on ? tsan_record_atomic_begin(a) : 0; \
		T old = e; \
		int ok = __atomic_compare_exchange_n(a, &old, d, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
		if (tok) tsan_record_atomic_end(tok, PC(), a, ok ? 3 : 4, ok ? mo : fmo, bits / 8); \
		return old; \
	}
ATOMIC_OPS(8, uint8_t)
ATOMIC_OPS(16, uint16_t)
ATOMIC_OPS(32, uint32_t)
ATOMIC_OPS(64, uint64_t)
