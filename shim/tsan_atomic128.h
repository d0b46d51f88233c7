/* SPDX-License-Identifier: MIT */
/* tsan_atomic128.h - 16-byte atomic operations by cmpxchg16b (x86-64,
 * -mcx16), for tsan_abi.c. gcc leaves __atomic_* of this size to
 * libatomic, a library the shim must not need (a program being traced may
 * not have it). cmpxchg16b is a full barrier, so every memory order is met;
 * a load is a compare-exchange too, as in libatomic (it writes the value
 * back). Elsewhere TSAN_A128_INLINE is 0 and libatomic does it. */
#ifndef CTRACE_TSAN_ATOMIC128_H
#define CTRACE_TSAN_ATOMIC128_H

#include <stdbool.h>

typedef unsigned __int128 tsan_a128;

#if defined(__x86_64__) && defined(__GCC_HAVE_SYNC_COMPARE_AND_SWAP_16)
#define TSAN_A128_INLINE 1
#else
#define TSAN_A128_INLINE 0
#endif

/* The read-modify-write operations, named as in tsan_symbols.h's rows. */
enum a128_op { A128_XCHG, A128_ADD, A128_SUB, A128_AND, A128_OR, A128_XOR, A128_NAND };

#if TSAN_A128_INLINE
/* Performs *a = desired if *a == *expected; else *expected = *a. */
static inline bool a128_cas(volatile tsan_a128 *a, tsan_a128 *expected, tsan_a128 desired)
{
	tsan_a128 seen = __sync_val_compare_and_swap(a, *expected, desired);
	bool ok = seen == *expected;
	*expected = seen;
	return ok;
}

static inline tsan_a128 a128_load(const volatile tsan_a128 *a)
{
	tsan_a128 seen = 0;
	a128_cas((volatile tsan_a128 *)a, &seen, 0);
	return seen;
}

static inline tsan_a128 a128_apply(enum a128_op op, tsan_a128 old, tsan_a128 v)
{
	switch (op) {
	case A128_XCHG: return v;
	case A128_ADD: return old + v;
	case A128_SUB: return old - v;
	case A128_AND: return old & v;
	case A128_OR: return old | v;
	case A128_XOR: return old ^ v;
	case A128_NAND: return ~(old & v);
	}
	return v;
}

/* Returns the old value. */
static inline tsan_a128 a128_rmw(volatile tsan_a128 *a, tsan_a128 v, enum a128_op op)
{
	tsan_a128 old = 0;
	while (!a128_cas(a, &old, a128_apply(op, old, v)))
		;
	return old;
}

static inline void a128_store(volatile tsan_a128 *a, tsan_a128 v)
{
	a128_rmw(a, v, A128_XCHG);
}
#endif

#endif
