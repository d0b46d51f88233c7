/* SPDX-License-Identifier: MIT */
/* test_tsan_abi.c - shim/tsan_abi.c and tsan_interface.c as built into
 * the shim: each entry point of tsan_symbols.h reports to tsan_record_* (a
 * fake here that keeps the last call) with the right size, flags,
 * operation, memory order and place, and performs its atomic operation;
 * TSan's annotations become ctrace's. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ctrace.h"
#include "trace_format.h"
#include "tsan_record.h"
#include "tsan_symbols.h"

/* The fake recorder: the last call of each kind. */
static struct {
	uintptr_t pc;
	const volatile void *addr;
	size_t size;
	unsigned flags, op, kind;
	int mo, begun, ended, ignore, inits, depth, merge_asked;
	bool merge;            /* what tsan_record_load_merged answers */
	const char *name;
} rec;

bool tsan_record_alive(void) { return true; }
void tsan_record_init(uintptr_t pc) { (void)pc, rec.inits++; }
void tsan_record_func_entry(uintptr_t pc, uintptr_t sp) { (void)sp, rec.pc = pc, rec.depth++; }
void tsan_record_func_exit(void) { rec.depth--; }
void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags)
{
	rec.pc = pc, rec.addr = addr, rec.size = size, rec.flags = flags;
}
bool tsan_record_miss(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags)
{
	rec.pc = pc, rec.addr = addr, rec.size = size, rec.flags = flags;
	return true;
}
uint64_t tsan_record_atomic_begin(const volatile void *addr)
{
	rec.addr = addr, rec.begun++;
	return 77;
}
void tsan_record_atomic_end(uint64_t token, uintptr_t pc, const volatile void *addr, unsigned op,
			    int mo, unsigned size)
{
	assert_int_equal(token, 77);
	assert_ptr_equal(addr, rec.addr);
	rec.pc = pc, rec.op = op, rec.mo = mo, rec.size = size, rec.ended++;
}
bool tsan_record_load_merged(uintptr_t pc, const volatile void *addr, unsigned op, int mo,
			     unsigned size)
{
	rec.pc = pc, rec.addr = addr, rec.op = op, rec.mo = mo, rec.size = size, rec.merge_asked++;
	return rec.merge;
}
void tsan_record_fence(uintptr_t pc, int mo) { rec.pc = pc, rec.mo = mo; }
void tsan_record_annotate(uintptr_t pc, unsigned kind, const volatile void *addr, size_t size,
			  const char *name)
{
	rec.pc = pc, rec.kind = kind, rec.addr = addr, rec.size = size, rec.name = name;
}
void tsan_record_ignore(bool begin) { rec.ignore += begin ? 1 : -1; }
/* the annotated mutexes: which call, on what, with which flags */
enum { MU_CREATE = 1, MU_DESTROY, MU_PRE_LOCK, MU_POST_LOCK, MU_PRE_UNLOCK };
static int mutex_call, stretch;
static void mutex_rec(int call, uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	assert_true(sp > (uintptr_t)&call);  /* the caller's frame, outer to this one */
	mutex_call = call, rec.pc = pc0, rec.addr = m, rec.flags = flags;
}
void tsan_record_mutex_create(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	mutex_rec(MU_CREATE, pc0, sp, m, flags);
}
void tsan_record_mutex_destroy(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	mutex_rec(MU_DESTROY, pc0, sp, m, flags);
}
void tsan_record_mutex_pre_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	mutex_rec(MU_PRE_LOCK, pc0, sp, m, flags);
}
static int mutex_recursion;
void tsan_record_mutex_post_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags, int recursion)
{
	mutex_rec(MU_POST_LOCK, pc0, sp, m, flags);
	mutex_recursion = recursion;
}
int tsan_record_mutex_pre_unlock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	mutex_rec(MU_PRE_UNLOCK, pc0, sp, m, flags);
	return flags & (1 << 7) ? 3 : 0;
}
void tsan_record_mutex_stretch(bool begin) { stretch += begin ? 1 : -1; }
static int fiber_own, fiber_made;
void *tsan_record_fiber_current(void) { return &fiber_own; }
void *tsan_record_fiber_create(void) { return &fiber_made; }
void tsan_record_fiber_destroy(void *fiber) { rec.addr = fiber; }
void tsan_record_fiber_switch(uintptr_t pc, void *fiber) { rec.pc = pc, rec.addr = fiber; }

/* The entry points' prototypes, from the same rows. */
#define DECLARE_ACCESS(name, size, flags) void name(void *addr);
TSAN_ACCESS_SYMBOLS(DECLARE_ACCESS)
#define DECLARE_RANGE(name, flags) void name(void *addr, unsigned long size);
TSAN_RANGE_SYMBOLS(DECLARE_RANGE)
uint8_t __tsan_atomic8_load(const volatile uint8_t *a, int mo);
void __tsan_atomic16_store(volatile uint16_t *a, uint16_t v, int mo);
uint32_t __tsan_atomic32_fetch_nand(volatile uint32_t *a, uint32_t v, int mo);
uint64_t __tsan_atomic64_exchange(volatile uint64_t *a, uint64_t v, int mo);
int __tsan_atomic32_compare_exchange_strong(volatile uint32_t *a, uint32_t *e, uint32_t d, int mo,
					    int fail_mo);
unsigned __int128 __tsan_atomic128_compare_exchange_val(volatile unsigned __int128 *a,
							unsigned __int128 e, unsigned __int128 d,
							int mo, int fail_mo);
unsigned __int128 __tsan_atomic128_fetch_add(volatile unsigned __int128 *a, unsigned __int128 v,
					     int mo);
void __tsan_atomic_thread_fence(int mo);
void __tsan_vptr_update(void **vptr_p, void *new_val);
void __tsan_vptr_read(void **vptr_p);
void __tsan_init(void);
void __tsan_func_entry(void *pc);
void __tsan_func_exit(void);
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
void __tsan_mutex_create(void *addr, unsigned flags);
void __tsan_mutex_destroy(void *addr, unsigned flags);
void __tsan_mutex_pre_lock(void *addr, unsigned flags);
void __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion);
int __tsan_mutex_pre_unlock(void *addr, unsigned flags);
void __tsan_mutex_post_unlock(void *addr, unsigned flags);
void __tsan_mutex_pre_signal(void *addr, unsigned flags);
void __tsan_mutex_post_signal(void *addr, unsigned flags);
void __tsan_mutex_pre_divert(void *addr, unsigned flags);
void __tsan_mutex_post_divert(void *addr, unsigned flags);
void AnnotateRWLockReleased(const char *f, int l, const volatile void *lock, long is_w);
void AnnotateBenignRace(const char *f, int l, const volatile void *mem, const char *desc);
void AnnotateThreadName(const char *f, int l, const char *name);
void AnnotateIgnoreWritesBegin(const char *f, int l);
void AnnotateIgnoreWritesEnd(const char *f, int l);
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
void *__tsan_external_register_tag(const char *object_type);
void __tsan_external_read(void *addr, void *caller_pc, void *tag);
void __tsan_external_write(void *addr, void *caller_pc, void *tag);
int __sanitizer_acquire_crash_state(void);

/* Where a call from this function returns to: within it (its 50 checks
 * of accesses make it long). */
#define ASSERT_PC_IN(fn) \
	assert_true(rec.pc > (uintptr_t)(fn) && rec.pc < (uintptr_t)(fn) + 65536)

static __attribute__((noinline)) void test_accesses(void **state)
{
	(void)state;
	char buf[32];
#define CHECK_ACCESS(name, sz, fl) \
	name(buf + 1); \
	assert_ptr_equal(rec.addr, buf + 1); \
	assert_int_equal(rec.size, sz); \
	assert_int_equal(rec.flags, fl); \
	ASSERT_PC_IN(test_accesses);
	TSAN_ACCESS_SYMBOLS(CHECK_ACCESS)
	__tsan_write_range(buf, 20);
	assert_int_equal(rec.size, 20);
	assert_int_equal(rec.flags, TRACE_ACCESS_RANGE | TRACE_ACCESS_WRITE);
	__tsan_read_range(buf, 3);
	assert_int_equal(rec.flags, TRACE_ACCESS_RANGE);
}

static __attribute__((noinline)) void test_atomics(void **state)
{
	(void)state;
	static uint8_t a8 = 200;
	static uint16_t a16;
	static uint32_t a32 = 10;
	static uint64_t a64 = 1;
	static unsigned __int128 a128 __attribute__((aligned(16)));

	/* gcc's __sync flag (1 << 15) is dropped; consume is acquire. A load
	 * asks whether it merges first, then (not merged) is made again
	 * between begin and end */
	int begun = rec.begun, asked = rec.merge_asked;
	assert_int_equal(__tsan_atomic8_load(&a8, 1 | 1 << 15), 200);
	assert_int_equal(rec.merge_asked, asked + 1);
	assert_int_equal(rec.begun, begun + 1);
	assert_int_equal(rec.op, TRACE_ATOMIC_LOAD);
	assert_int_equal(rec.mo, __ATOMIC_ACQUIRE);
	assert_int_equal(rec.size, 1);
	ASSERT_PC_IN(test_atomics);
	rec.merge = true;   /* merged: no begin, no end */
	assert_int_equal(__tsan_atomic8_load(&a8, __ATOMIC_RELAXED), 200);
	assert_int_equal(rec.begun, begun + 1);
	assert_int_equal(rec.merge_asked, asked + 2);
	assert_int_equal(rec.mo, __ATOMIC_RELAXED);
	assert_ptr_equal(rec.addr, &a8);
	ASSERT_PC_IN(test_atomics);
	rec.merge = false;
	__tsan_atomic16_store(&a16, 0xfffe, __ATOMIC_RELEASE);
	assert_int_equal(a16, 0xfffe);
	assert_int_equal(rec.op, TRACE_ATOMIC_STORE);
	assert_int_equal(rec.mo, __ATOMIC_RELEASE);
	__tsan_atomic16_store(&a16, 1, __ATOMIC_ACQUIRE); /* no store is an acquire */
	assert_int_equal(rec.mo, __ATOMIC_SEQ_CST);
	assert_int_equal(__tsan_atomic32_fetch_nand(&a32, 6, 99), 10); /* bad order */
	assert_int_equal(a32, ~2u);
	assert_int_equal(rec.op, TRACE_ATOMIC_RMW);
	assert_int_equal(rec.mo, __ATOMIC_SEQ_CST);
	assert_int_equal(__tsan_atomic64_exchange(&a64, 5, __ATOMIC_RELAXED), 1);
	assert_int_equal(rec.mo, __ATOMIC_RELAXED);
	assert_int_equal(rec.size, 8);

	uint32_t e = 1;
	a32 = 7;
	assert_false(__tsan_atomic32_compare_exchange_strong(&a32, &e, 8, __ATOMIC_ACQ_REL,
							     __ATOMIC_RELAXED));
	assert_int_equal(e, 7);
	assert_int_equal(rec.op, TRACE_ATOMIC_CAS_FAIL);
	assert_int_equal(rec.mo, __ATOMIC_RELAXED);
	/* one that would fail is a load first: merged, no begin, the value seen */
	rec.merge = true;
	begun = rec.begun, asked = rec.merge_asked;
	e = 1;
	assert_false(__tsan_atomic32_compare_exchange_strong(&a32, &e, 8, __ATOMIC_SEQ_CST,
							     __ATOMIC_ACQUIRE));
	assert_int_equal(e, 7);
	assert_int_equal(a32, 7);
	assert_int_equal(rec.begun, begun);
	assert_int_equal(rec.merge_asked, asked + 1);
	assert_int_equal(rec.op, TRACE_ATOMIC_CAS_FAIL);
	assert_int_equal(rec.mo, __ATOMIC_ACQUIRE);
	assert_int_equal(rec.size, 4);
	rec.merge = false;
	assert_true(__tsan_atomic32_compare_exchange_strong(&a32, &e, 8, __ATOMIC_ACQ_REL,
							    __ATOMIC_RELAXED));
	assert_int_equal(a32, 8);
	assert_int_equal(rec.op, TRACE_ATOMIC_RMW);
	assert_int_equal(rec.mo, __ATOMIC_ACQ_REL);

	unsigned __int128 big = (unsigned __int128)1 << 100;
	assert_true(__tsan_atomic128_fetch_add(&a128, big, __ATOMIC_SEQ_CST) == 0);
	assert_true(__tsan_atomic128_compare_exchange_val(&a128, 0, 1, 5, 5) == big);
	assert_int_equal(rec.op, TRACE_ATOMIC_CAS_FAIL);
	assert_int_equal(rec.size, 16);
	assert_true(__tsan_atomic128_compare_exchange_val(&a128, big, 3, 5, 2) == big);
	assert_true(a128 == 3);
	assert_int_equal(rec.op, TRACE_ATOMIC_RMW);
	assert_int_equal(rec.begun, rec.ended);

	__tsan_atomic_thread_fence(__ATOMIC_RELEASE);
	assert_int_equal(rec.mo, __ATOMIC_RELEASE);
	ASSERT_PC_IN(test_atomics);
}

static __attribute__((noinline)) void test_others(void **state)
{
	(void)state;
	void *vptr = &rec, *obj = &vptr;
	rec.flags = 0;
	__tsan_vptr_update(obj, &rec); /* the same vptr again: no write */
	assert_int_equal(rec.flags, 0);
	__tsan_vptr_update(obj, &vptr);
	assert_int_equal(rec.flags, TRACE_ACCESS_WRITE | TRACE_ACCESS_VPTR);
	__tsan_vptr_read(obj);
	assert_int_equal(rec.flags, TRACE_ACCESS_VPTR);
	assert_int_equal(rec.size, sizeof(void *));

	__tsan_init();
	__tsan_init();
	assert_int_equal(rec.inits, 2); /* idempotence is the recorder's */
	__tsan_func_entry((void *)0x1234);
	assert_int_equal(rec.pc, 0x1234);
	__tsan_func_exit();
	assert_int_equal(rec.depth, 0);

	CTRACE_HAPPENS_BEFORE(&vptr);
	assert_int_equal(rec.kind, TRACE_ANN_HAPPENS_BEFORE);
	assert_ptr_equal(rec.addr, &vptr);
	ASSERT_PC_IN(test_others);
	__tsan_acquire(&vptr);
	assert_int_equal(rec.kind, TRACE_ANN_HAPPENS_AFTER);
	CTRACE_BENIGN_RACE(&rec, 12);
	assert_int_equal(rec.kind, TRACE_ANN_BENIGN_RACE);
	assert_int_equal(rec.size, 12);
	CTRACE_NAME_THREAD("worker");
	assert_string_equal(rec.name, "worker");
	ctrace_annotate(99, NULL, 0, "from a newer ctrace.h"); /* dropped */
	assert_int_equal(rec.kind, TRACE_ANN_THREAD_NAME);
	CTRACE_IGNORE_BEGIN();
	assert_int_equal(rec.ignore, 1);
	CTRACE_IGNORE_END();
	assert_int_equal(rec.ignore, 0);
}

static __attribute__((noinline)) void test_interface(void **state)
{
	(void)state;
	int mu;
	__tsan_mutex_create(&mu, 0);
	assert_int_equal(mutex_call, MU_CREATE);
	__tsan_mutex_pre_lock(&mu, 1 << 3);  /* a read lock */
	assert_int_equal(mutex_call, MU_PRE_LOCK);
	assert_int_equal(rec.flags, 1 << 3);
	assert_int_equal(stretch, 0);  /* the lock's own stretch: pre to post */
	__tsan_mutex_post_lock(&mu, 1 << 5, 0);
	assert_int_equal(mutex_call, MU_POST_LOCK);
	assert_int_equal(rec.flags, 1 << 5);
	assert_ptr_equal(rec.addr, &mu);
	ASSERT_PC_IN(test_interface);
	assert_int_equal(__tsan_mutex_pre_unlock(&mu, 0), 0);
	assert_int_equal(mutex_call, MU_PRE_UNLOCK);
	assert_int_equal(__tsan_mutex_pre_unlock(&mu, 1 << 7), 3);  /* the levels let go */
	__tsan_mutex_post_lock(&mu, 1 << 6, 3);
	assert_int_equal(mutex_recursion, 3);
	__tsan_mutex_post_unlock(&mu, 0);
	assert_int_equal(stretch, -1);
	__tsan_mutex_pre_signal(&mu, 0);
	__tsan_mutex_pre_divert(&mu, 0);
	assert_int_equal(stretch, -1);
	__tsan_mutex_post_divert(&mu, 0);
	__tsan_mutex_post_signal(&mu, 0);
	assert_int_equal(stretch, -1);
	__tsan_mutex_destroy(&mu, 0);
	assert_int_equal(mutex_call, MU_DESTROY);
	rec.kind = 0;
	AnnotateRWLockReleased(__FILE__, __LINE__, &mu, 1);
	assert_int_equal(rec.kind, TRACE_ANN_HAPPENS_BEFORE);
	AnnotateBenignRace(__FILE__, __LINE__, &mu, "counter");
	assert_int_equal(rec.kind, TRACE_ANN_BENIGN_RACE);
	assert_int_equal(rec.size, 1);
	AnnotateThreadName(__FILE__, __LINE__, "io");
	assert_string_equal(rec.name, "io");
	AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
	assert_int_equal(rec.ignore, 1);
	AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
	assert_int_equal(rec.ignore, 0);

	/* fibers */
	assert_ptr_equal(__tsan_get_current_fiber(), &fiber_own);
	void *fiber = __tsan_create_fiber(0);
	assert_ptr_equal(fiber, &fiber_made);
	rec.pc = 0;
	__tsan_switch_to_fiber(fiber, 1);
	assert_ptr_equal(rec.addr, &fiber_made);
	ASSERT_PC_IN(test_interface);
	__tsan_destroy_fiber(&fiber_own);
	assert_ptr_equal(rec.addr, &fiber_own);

	/* a library's objects: a one-byte read or write of the object */
	void *tag = __tsan_external_register_tag("Dictionary");
	assert_ptr_not_equal(tag, NULL);
	assert_ptr_not_equal(__tsan_external_register_tag("Array"), tag);
	__tsan_external_write(&mu, NULL, tag);
	assert_ptr_equal(rec.addr, &mu);
	assert_int_equal(rec.size, 1);
	assert_int_equal(rec.flags, TRACE_ACCESS_WRITE);
	__tsan_external_read(&mu, NULL, tag);
	assert_int_equal(rec.flags, 0);
	assert_int_equal(__sanitizer_acquire_crash_state(), 1);
	assert_int_equal(__sanitizer_acquire_crash_state(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accesses),
		cmocka_unit_test(test_atomics),
		cmocka_unit_test(test_others),
		cmocka_unit_test(test_interface),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
