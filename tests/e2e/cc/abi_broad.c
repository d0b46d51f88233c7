/* SPDX-License-Identifier: MIT */
/* abi_broad.c - C code that makes gcc and clang emit as many different
 * __tsan_* calls as they can (check_symbols.sh compiles it, never runs it):
 * plain, volatile, TLS, packed, vectorisable accesses, struct copies,
 * function pointers, C11 atomics and fences, __atomic_* of every width
 * including 128-bit, __sync_*. */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

struct small { char c[16]; };
struct big { char c[100]; };
struct __attribute__((packed)) packed { char c; int i; long l; short s; };

int g_int;
volatile long g_vol;
__thread int g_tls;
long double g_ld;
struct small s1, s2;
struct big b1, b2;
struct packed p;
float va[1024], vb[1024];
_Atomic int a_int;
_Atomic long a_long;

#define ATOMIC_ALL(T, name) \
	T name##_v __attribute__((aligned(sizeof(T)))); \
	T name##_ops(T x, int mo) \
	{ \
		T e = x, r = 0; \
		r += __atomic_load_n(&name##_v, __ATOMIC_ACQUIRE); \
		r += __atomic_load_n(&name##_v, mo); \
		__atomic_store_n(&name##_v, x, __ATOMIC_RELEASE); \
		r += __atomic_exchange_n(&name##_v, x, __ATOMIC_ACQ_REL); \
		r += __atomic_fetch_add(&name##_v, x, __ATOMIC_RELAXED); \
		r += __atomic_fetch_sub(&name##_v, x, __ATOMIC_SEQ_CST); \
		r += __atomic_fetch_and(&name##_v, x, __ATOMIC_SEQ_CST); \
		r += __atomic_fetch_or(&name##_v, x, __ATOMIC_SEQ_CST); \
		r += __atomic_fetch_xor(&name##_v, x, __ATOMIC_SEQ_CST); \
		r += __atomic_fetch_nand(&name##_v, x, __ATOMIC_SEQ_CST); \
		r += __atomic_compare_exchange_n(&name##_v, &e, x, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED); \
		r += __atomic_compare_exchange_n(&name##_v, &e, x, 1, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE); \
		r += __sync_val_compare_and_swap(&name##_v, e, x); \
		r += __sync_bool_compare_and_swap(&name##_v, e, x); \
		r += __sync_fetch_and_add(&name##_v, x); \
		r += __sync_lock_test_and_set(&name##_v, x); \
		__sync_lock_release(&name##_v); \
		return r + e; \
	}

ATOMIC_ALL(uint8_t, a8)
ATOMIC_ALL(uint16_t, a16)
ATOMIC_ALL(uint32_t, a32)
ATOMIC_ALL(uint64_t, a64)
ATOMIC_ALL(unsigned __int128, a128)

int (*fnp)(int);
int twice(int x) { return 2 * x; }

long plain(char *c, short *s, int *i, long *l, __int128 *q)
{
	*c += 1, *s += 1, *i += 1, *l += 1, *q += 1;
	g_int++;
	g_vol++;
	g_tls++;
	g_ld += 1;
	return *c + *s + *i + *l + (long)*q + g_vol;
}

void copies(void)
{
	s1 = s2;
	b1 = b2;
	memcpy(&b1, &b2, sizeof b1);
	memmove(&b1, &b2, sizeof b1);
	memset(&b1, 0, sizeof b1);
	p.i++, p.l++, p.s++;
	for (int i = 0; i < 1024; i++)
		va[i] += vb[i];
	fnp = twice;
	g_int = fnp(g_int);
}

long packed_read(void)
{
	return p.i + p.l + p.s;
}

int c11(void)
{
	int e = 0;
	atomic_fetch_add(&a_int, 1);
	atomic_store_explicit(&a_long, 2, memory_order_release);
	atomic_compare_exchange_strong(&a_int, &e, 3);
	atomic_compare_exchange_weak_explicit(&a_int, &e, 4, memory_order_acq_rel,
					      memory_order_acquire);
	atomic_thread_fence(memory_order_seq_cst);
	atomic_thread_fence(memory_order_acquire);
	atomic_signal_fence(memory_order_seq_cst);
	return atomic_load_explicit(&a_int, memory_order_consume) + (int)atomic_load(&a_long);
}
