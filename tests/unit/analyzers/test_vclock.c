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

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_create_join_order) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
