/* SPDX-License-Identifier: MIT */
/* test_vclock.c - analyzers/vclock.c: the happens-before primitive. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vclock.h"

static void test_create_join_order(void **state)
{
	struct vclock parent = VCLOCK_INIT, child = VCLOCK_INIT, sent = VCLOCK_INIT;
	(void)state;
	vclock_init_thread(&parent, 0);
	vclock_init_thread(&child, 3);
	uint32_t before_create = vclock_get(&parent, 0);
	vclock_copy(&sent, &parent);         /* create: send, then tick */
	vclock_tick(&parent, 0);
	vclock_join(&child, &sent);
	assert_true(vclock_covers(&child, 0, before_create));
	assert_false(vclock_covers(&child, 0, vclock_get(&parent, 0)));
	assert_false(vclock_covers(&parent, 3, vclock_get(&child, 3)));
	vclock_join(&parent, &child);        /* join */
	assert_true(vclock_covers(&parent, 3, vclock_get(&child, 3)));
	assert_true(vclock_leq(&sent, &parent));
	assert_false(vclock_leq(&parent, &sent));
	assert_int_equal(vclock_get(&child, 99), 0);
	vclock_release(&parent);
	vclock_release(&child);
	vclock_release(&sent);
}

/* Join is a pointwise max over clocks of different lengths; copy replaces;
 * a missing entry reads 0; releasing empties. */
static void test_join_copy_lengths(void **state)
{
	struct vclock a = VCLOCK_INIT, b = VCLOCK_INIT;
	(void)state;
	vclock_set(&a, 1, 5);
	vclock_set(&b, 4, 2);
	vclock_set(&b, 1, 3);
	vclock_join(&a, &b);
	assert_int_equal(a.n, 5);
	assert_int_equal(vclock_get(&a, 1), 5);
	assert_int_equal(vclock_get(&a, 4), 2);
	assert_int_equal(vclock_get(&a, 0), 0);
	assert_true(vclock_leq(&b, &a));
	vclock_copy(&a, &b);
	assert_int_equal(vclock_get(&a, 1), 3);
	vclock_copy(&a, &a);                 /* self copy is a no-op */
	assert_int_equal(vclock_get(&a, 4), 2);
	vclock_release(&a);
	assert_int_equal(a.n, 0);
	assert_true(vclock_leq(&a, &b));     /* empty <= anything */
	vclock_release(&b);
}

/* A release/acquire chain through an object's clock: T1's epoch before its
 * release is covered by T2 after the acquire, not T1's next epoch. */
static void test_release_acquire_chain(void **state)
{
	struct vclock t1 = VCLOCK_INIT, t2 = VCLOCK_INIT, lock = VCLOCK_INIT;
	(void)state;
	vclock_init_thread(&t1, 1);
	vclock_init_thread(&t2, 2);
	uint32_t e = vclock_get(&t1, 1);
	vclock_join(&lock, &t1);             /* unlock: release, then tick */
	vclock_tick(&t1, 1);
	assert_false(vclock_covers(&t2, 1, e));
	vclock_join(&t2, &lock);             /* lock: acquire */
	assert_true(vclock_covers(&t2, 1, e));
	assert_false(vclock_covers(&t2, 1, vclock_get(&t1, 1)));
	vclock_release(&t1);
	vclock_release(&t2);
	vclock_release(&lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_create_join_order),
		cmocka_unit_test(test_join_copy_lengths), cmocka_unit_test(test_release_acquire_chain) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
