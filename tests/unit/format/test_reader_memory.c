/* SPDX-License-Identifier: MIT */
/* test_reader_memory.c - the reader's memory is bounded by threads, objects
 * and stacks, never by events: once the objects are known, reading a
 * million more events allocates nothing; and objects are cheap: the
 * incarnations of an address share one description. Linked with -Wl,--wrap=malloc
 * (and calloc, realloc) so every allocation is counted. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>

static unsigned long allocations;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	allocations++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	allocations++;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	allocations++;
	return __real_realloc(p, n);
}

static void test_no_allocation_per_event(void **state)
{
	(void)state;
	enum { N = 1000000, WARM = 1000 };
	char dir[256];
	struct tw t;
	tw_mkdir(dir);
	tw_open(&t, dir, 1100, TRACE_CLOCK_MONOTONIC);
	uint32_t b = trace_writer_new_thread(&t.w);
	uint64_t pcs[2] = { 0x1000, 0x2000 };
	uint32_t st = trace_writer_intern_stack(&t.w, pcs, 2);
	for (unsigned i = 0; i < N; i++) {
		uint64_t key = 0x100 + (i / 2 % 4) * 64;
		struct trace_rec rec = { .op = i % 2 ? TRACE_OP_MUTEX_UNLOCK : TRACE_OP_MUTEX_LOCK,
					 .tick = 1000 + i, .key = key, .stack = st,
					 .seq = trace_writer_stamp(&t.w, key) };
		tw_write(&t, (i / 2) % 3 ? 0 : b, &rec);
	}
	tw_close(&t);

	struct trace_reader *r = trace_reader_open(dir, 0, NULL);
	assert_non_null(r);
	struct trace_event ev;
	unsigned n = 0;
	while (n < WARM && trace_reader_next(r, &ev) == TRACE_READER_EVENT)
		n++;
	unsigned long before = allocations;
	assert_true(before > 0); /* the counting works */
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT)
		n++;
	assert_int_equal(allocations, before);
	assert_int_equal(n, N);
	assert_int_equal(trace_reader_catalog(r)->nobjects, 5);
	assert_null(trace_reader_error(r));
	trace_reader_free(r);
	tw_rmdir(dir);
}

/* Short-lived mutexes by the thousand at two addresses (heap and stack),
 * initialized at one stack: an object id each, one description for all
 * the incarnations of an address. */
static void test_incarnations_share_descriptions(void **state)
{
	(void)state;
	enum { N = 20000 };
	static const unsigned ops[] = { TRACE_OP_MUTEX_INIT, TRACE_OP_MUTEX_LOCK,
					 TRACE_OP_MUTEX_UNLOCK, TRACE_OP_MUTEX_DESTROY };
	char dir[256];
	struct tw t;
	tw_mkdir(dir);
	tw_open(&t, dir, 1101, TRACE_CLOCK_MONOTONIC);
	uint64_t pcs[2] = { 0x1000, 0x2000 };
	uint32_t st = trace_writer_intern_stack(&t.w, pcs, 2);
	uint64_t tick = 1000;
	for (unsigned i = 0; i < N; i++) {
		uint64_t key = i % 2 ? 0x7ffc1000 : 0x5000;
		for (unsigned k = 0; k < 4; k++) {
			struct trace_rec rec = { .op = (uint8_t)ops[k], .tick = tick++, .key = key,
						 .stack = st, .seq = trace_writer_stamp(&t.w, key) };
			tw_write(&t, 0, &rec);
		}
	}
	tw_close(&t);

	struct trace_reader *r = trace_reader_open(dir, 0, NULL);
	assert_non_null(r);
	struct trace_event ev;
	uint32_t last = 0;
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT)
		last = ev.obj > last ? ev.obj : last;
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(cat->nobjects, 1 + N);
	assert_int_equal(last, N);
	assert_true(cat->ndescs <= 1 + 2 * 2);   /* per address: first use, init */
	for (uint32_t id = 1; id <= N; id++) {
		const struct trace_object *o = trace_catalog_object(cat, id);
		assert_int_equal(o->key, id % 2 ? 0x5000 : 0x7ffc1000);
		assert_true(o->initialized);
		assert_true(trace_catalog_object_destroyed(cat, id));
	}
	trace_reader_free(r);
	tw_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_allocation_per_event),
		cmocka_unit_test(test_incarnations_share_descriptions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
