/* SPDX-License-Identifier: MIT */
/* atomics.c - built with `ctrace cc` (gcc and clang, -mcx16): the __tsan_*
 * atomic hooks must perform every operation. Checks the results of each
 * form at every width (8..128 bits): load, store, exchange, fetch_*, both
 * compare-exchange outcomes (a failure writes the value seen to expected),
 * __sync_*, C11 <stdatomic.h>, every memory order passed at run time; then
 * threads counting with fetch_add and with CAS loops. Prints the results;
 * exit 0 when all hold (run natively and under `ctrace run`). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static int failures;
#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			printf("FAIL line %d: %s\n", __LINE__, #cond); \
			failures++; \
		} \
	} while (0)

/* HI: a value with the top bit set, so a lost sign or zero extension shows. */
#define TEST_WIDTH(T, name) \
	static T name##_v __attribute__((aligned(sizeof(T)))); \
	static void test_##name(void) \
	{ \
		const T hi = (T)((T)1 << (sizeof(T) * 8 - 1)) | 5, ones = (T)~(T)0; \
		T e; \
		for (int mo = 0; mo <= 5; mo++) { /* orders as run-time values */ \
			__atomic_store_n(&name##_v, (T)(hi + mo), mo == 3 ? mo : 5); \
			CHECK(__atomic_load_n(&name##_v, mo) == (T)(hi + mo)); \
			CHECK(__atomic_fetch_add(&name##_v, 1, mo) == (T)(hi + mo)); \
		} \
		__atomic_store_n(&name##_v, hi, __ATOMIC_RELEASE); \
		CHECK(__atomic_load_n(&name##_v, __ATOMIC_ACQUIRE) == hi); \
		CHECK(__atomic_load_n(&name##_v, __ATOMIC_RELAXED) == hi); \
		CHECK(__atomic_load_n(&name##_v, __ATOMIC_CONSUME) == hi); \
		CHECK(__atomic_exchange_n(&name##_v, (T)7, __ATOMIC_ACQ_REL) == hi); \
		CHECK(__atomic_fetch_add(&name##_v, (T)3, __ATOMIC_RELAXED) == 7); \
		CHECK(__atomic_fetch_sub(&name##_v, (T)2, __ATOMIC_SEQ_CST) == 10); \
		CHECK(__atomic_fetch_and(&name##_v, (T)12, __ATOMIC_ACQUIRE) == 8); \
		CHECK(__atomic_fetch_or(&name##_v, (T)3, __ATOMIC_RELEASE) == 8); \
		CHECK(__atomic_fetch_xor(&name##_v, (T)1, __ATOMIC_ACQ_REL) == 11); \
		CHECK(__atomic_fetch_nand(&name##_v, (T)6, __ATOMIC_SEQ_CST) == 10); \
		CHECK(name##_v == (T)~(T)2); \
		CHECK(__atomic_add_fetch(&name##_v, (T)3, __ATOMIC_SEQ_CST) == 0); /* wraps */ \
		CHECK(__atomic_sub_fetch(&name##_v, (T)1, __ATOMIC_SEQ_CST) == ones); \
		e = 5; /* fails: expected gets the value seen */ \
		CHECK(!__atomic_compare_exchange_n(&name##_v, &e, hi, 0, __ATOMIC_SEQ_CST, \
						   __ATOMIC_RELAXED)); \
		CHECK(e == ones && name##_v == ones); \
		CHECK(__atomic_compare_exchange_n(&name##_v, &e, hi, 0, __ATOMIC_ACQ_REL, \
						  __ATOMIC_ACQUIRE)); \
		CHECK(e == ones && name##_v == hi); \
		e = 0; \
		CHECK(!__atomic_compare_exchange_n(&name##_v, &e, 1, 1, __ATOMIC_RELEASE, \
						   __ATOMIC_RELAXED)); \
		CHECK(e == hi); \
		while (!__atomic_compare_exchange_n(&name##_v, &e, 9, 1, __ATOMIC_SEQ_CST, \
						    __ATOMIC_SEQ_CST)) \
			; \
		CHECK(name##_v == 9); \
		CHECK(__sync_val_compare_and_swap(&name##_v, (T)9, hi) == 9); \
		CHECK(__sync_val_compare_and_swap(&name##_v, (T)9, (T)4) == hi); \
		CHECK(!__sync_bool_compare_and_swap(&name##_v, (T)9, (T)4)); \
		CHECK(__sync_bool_compare_and_swap(&name##_v, hi, (T)4)); \
		CHECK(__sync_fetch_and_add(&name##_v, (T)1) == 4); \
		CHECK(__sync_sub_and_fetch(&name##_v, (T)5) == 0); \
		CHECK(__sync_lock_test_and_set(&name##_v, (T)1) == 0); \
		__sync_lock_release(&name##_v); \
		CHECK(name##_v == 0); \
		printf("%-5s ok\n", #name); \
	}

TEST_WIDTH(uint8_t, a8)
TEST_WIDTH(uint16_t, a16)
TEST_WIDTH(uint32_t, a32)
TEST_WIDTH(uint64_t, a64)
TEST_WIDTH(unsigned __int128, a128)

static void test_c11(void)
{
	_Atomic int ai = 1;
	_Atomic long al = 2;
	int e = 0;
	CHECK(!atomic_compare_exchange_strong(&ai, &e, 3) && e == 1);
	CHECK(atomic_compare_exchange_strong_explicit(&ai, &e, 3, memory_order_acq_rel,
						      memory_order_acquire) && ai == 3);
	CHECK(atomic_fetch_add_explicit(&al, 5, memory_order_relaxed) == 2);
	CHECK(atomic_exchange(&al, -1) == 7 && atomic_load(&al) == -1);
	atomic_thread_fence(memory_order_seq_cst);
	atomic_thread_fence(memory_order_release);
	atomic_signal_fence(memory_order_acquire);
	atomic_flag f = ATOMIC_FLAG_INIT;
	CHECK(!atomic_flag_test_and_set(&f) && atomic_flag_test_and_set(&f));
	atomic_flag_clear(&f);
	CHECK(!atomic_flag_test_and_set_explicit(&f, memory_order_acquire));
	printf("c11   ok\n");
}

enum { THREADS = 4, ROUNDS = 50000 };
static _Atomic uint32_t count_add;
static uint64_t count_cas;
static uint16_t count_16;
static unsigned __int128 count_128 __attribute__((aligned(16)));
static unsigned __int128 count_128_add __attribute__((aligned(16)));
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long count_locked; /* plain, under the spin lock */

static void *counter(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		atomic_fetch_add_explicit(&count_add, 1, memory_order_relaxed);
		__atomic_fetch_add(&count_16, 1, __ATOMIC_ACQ_REL);
		uint64_t old = __atomic_load_n(&count_cas, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&count_cas, &old, old + 1, 1, __ATOMIC_ACQ_REL,
						    __ATOMIC_RELAXED))
			;
		unsigned __int128 o = count_128;
		while (!__sync_bool_compare_and_swap(&count_128, o, o + 1))
			o = __atomic_load_n(&count_128, __ATOMIC_ACQUIRE);
		__atomic_fetch_add(&count_128_add, (unsigned __int128)1 << 64 | 1, __ATOMIC_RELAXED);
		while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
			;
		count_locked++;
		atomic_flag_clear_explicit(&spin, memory_order_release);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, counter, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(count_add == THREADS * ROUNDS);
	CHECK(count_16 == (uint16_t)(THREADS * ROUNDS));
	CHECK(count_cas == THREADS * ROUNDS);
	CHECK(count_128 == THREADS * ROUNDS);
	CHECK(count_128_add == ((unsigned __int128)(THREADS * ROUNDS) << 64 | (THREADS * ROUNDS)));
	CHECK(count_locked == THREADS * ROUNDS);
	printf("threads: %u %llu %u %llu %ld\n", (unsigned)count_add, (unsigned long long)count_cas,
	       (unsigned)count_16, (unsigned long long)count_128, count_locked);
}

int main(void)
{
	test_a8();
	test_a16();
	test_a32();
	test_a64();
	test_a128();
	test_c11();
	test_threads();
#ifdef CTRACE_CC
	printf("built with ctrace cc\n");
#endif
	printf("%s\n", failures ? "FAILED" : "all atomics ok");
	return failures != 0;
}
