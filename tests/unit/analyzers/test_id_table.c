/* SPDX-License-Identifier: MIT */
/* test_id_table.c - analyzers/id_table.c and id_index.h: entries found by
 * id, fresh until used; pages let go behind short-lived ids (memory follows
 * the entries in use, not the largest id), kept for a lock used again and
 * again; a long-lived entry among short-lived ones; visiting the entries. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "id_index.h"
#include "id_table.h"

struct entry {
	bool used;
	uint32_t value;
	uint64_t pad[4];
};

static struct entry *use(struct id_table *t, uint32_t id, uint32_t value)
{
	struct entry *e = id_table_entry(t, id, sizeof(struct entry));
	assert_false(e->used);
	e->used = true;
	e->value = value;
	id_table_use(t, id);
	return e;
}

static void unuse(struct id_table *t, uint32_t id)
{
	struct entry *e = id_table_find(t, id, sizeof(struct entry));
	assert_non_null(e);
	assert_true(e->used);
	*e = (struct entry){ 0 };
	id_table_unuse(t, id);
}

/* Entries made and let go in id order, a few alive at once, one of them
 * long-lived: the pages held stay few however far the ids go. */
static void test_short_lived_ids_bounded(void **state)
{
	(void)state;
	enum { N = 200000, ALIVE = 3 };
	struct id_table t;
	id_table_init(&t, sizeof(struct entry));
	use(&t, 7, 7);
	uint32_t most = 0;
	for (uint32_t id = 100; id < 100 + N; id++) {
		use(&t, id, id);
		if (id >= 100 + ALIVE)
			unuse(&t, id - ALIVE);
		if (id_table_pages(&t) > most)
			most = id_table_pages(&t);
	}
	assert_int_equal(t.count, 1 + ALIVE);
	assert_true(most <= 2 * 3 + ID_TABLE_SLACK + 1);
	for (uint32_t id = 100 + N - ALIVE; id < 100 + N; id++)
		assert_int_equal(((struct entry *)id_table_find(&t, id, sizeof(struct entry)))->value, id);
	assert_int_equal(((struct entry *)id_table_find(&t, 7, sizeof(struct entry)))->value, 7);
	assert_null(id_table_find(&t, 5000, sizeof(struct entry)));   /* its page was let go */
	id_table_release(&t);
}

/* A lock taken and released again and again (its entry used and unused)
 * keeps its page: nothing is allocated or freed each time. */
static void test_reuse_keeps_page(void **state)
{
	(void)state;
	struct id_table t;
	id_table_init(&t, sizeof(struct entry));
	for (int i = 0; i < 1000; i++) {
		use(&t, 42, 1);
		unuse(&t, 42);
	}
	assert_int_equal(t.count, 0);
	assert_int_equal(id_table_pages(&t), 1);
	assert_int_equal(t.nemptied, 1);   /* listed once */
	id_table_release(&t);
}

static void count_used(void *entry, uint32_t id, void *ctx)
{
	const struct entry *e = entry;
	if (e->used) {
		assert_int_equal(e->value, id);
		++*(uint32_t *)ctx;
	}
}

static void test_each_visits_entries_in_use(void **state)
{
	(void)state;
	struct id_table t;
	id_table_init(&t, sizeof(struct entry));
	uint32_t ids[] = { 1, 2, 500, 70000, 3000000 };
	for (unsigned i = 0; i < 5; i++)
		use(&t, ids[i], ids[i]);
	uint32_t n = 0;
	id_table_each(&t, count_used, &n);
	assert_int_equal(n, 5);
	id_table_release(&t);
}

static void test_index_values(void **state)
{
	(void)state;
	struct id_index x;
	id_index_init(&x);
	assert_int_equal(id_index_get(&x, 10), 0);
	id_index_set(&x, 10, 3);
	id_index_set(&x, 10, 4);
	id_index_set(&x, 99999, 1);
	assert_int_equal(id_index_get(&x, 10), 4);
	assert_int_equal(id_index_count(&x), 2);
	id_index_set(&x, 10, 0);
	id_index_set(&x, 11, 0);   /* absent: nothing */
	assert_int_equal(id_index_get(&x, 10), 0);
	assert_int_equal(id_index_get(&x, 99999), 1);
	assert_int_equal(id_index_count(&x), 1);
	id_index_release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_lived_ids_bounded),
		cmocka_unit_test(test_reuse_keeps_page),
		cmocka_unit_test(test_each_visits_entries_in_use),
		cmocka_unit_test(test_index_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
