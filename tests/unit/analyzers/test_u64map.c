/* SPDX-License-Identifier: MIT */
/* test_u64map.c - analyzers/u64map.c: put, get, and removal (backward
 * shift: every key still in the map stays reachable) against a plain array,
 * through growth and wrap-around. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "u64map.h"

#define NKEYS 6000

static uint64_t key_of(unsigned i)
{
	return (uint64_t)i * 0x10000 + (i % 7);   /* spread, and a few neighbours */
}

static void check_all(const struct u64map *m, const int *present)
{
	for (unsigned i = 0; i < NKEYS; i++) {
		const uint32_t *v = u64map_get(m, key_of(i));
		if (present[i]) {
			assert_non_null(v);
			assert_int_equal(*v, i);
		} else {
			assert_null(v);
		}
	}
}

static void test_put_del_get(void **state)
{
	(void)state;
	struct u64map m = U64MAP_INIT;
	int *present = calloc(NKEYS, sizeof(*present));
	uint64_t rng = 42;
	for (unsigned i = 0; i < NKEYS; i++) {
		int added;
		u64map_put(&m, key_of(i), i, &added);
		assert_true(added);
		present[i] = 1;
	}
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned k = 0; k < NKEYS / 2; k++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			unsigned i = (unsigned)(rng >> 33) % NKEYS;
			u64map_del(&m, key_of(i));
			present[i] = 0;
		}
		check_all(&m, present);
		for (unsigned i = 0; i < NKEYS; i += 3) {
			u64map_put(&m, key_of(i), i, NULL);
			present[i] = 1;
		}
		check_all(&m, present);
	}
	size_t count = 0;
	for (unsigned i = 0; i < NKEYS; i++)
		count += (size_t)present[i];
	assert_int_equal(m.count, count);
	u64map_del(&m, 12345);   /* absent: nothing */
	assert_int_equal(m.count, count);
	free(present);
	u64map_release(&m);
}

/* Removing from an empty (never allocated) map is allowed. */
static void test_del_empty(void **state)
{
	(void)state;
	struct u64map m = U64MAP_INIT;
	u64map_del(&m, 1);
	assert_null(u64map_get(&m, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_del_get),
		cmocka_unit_test(test_del_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
