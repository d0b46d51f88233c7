/* SPDX-License-Identifier: MIT */
/* test_reader_merge.c - the merged order: per object the order of the seq
 * stamps even when timestamps lie, per thread program order, order gaps,
 * multi-chunk streams, several processes. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *const dir = tw_dir;

/* B's lock has an earlier tick than A's unlock but a later seq: A's unlock
 * must come first. Unrelated objects go by time. */
static void test_timestamps_lie(void **state)
{
	(void)state;
	struct tw t;
	uint64_t m = 0x1000, other = 0x2000;
	tw_open(&t, dir, 200, TRACE_CLOCK_MONOTONIC);
	uint32_t b = trace_writer_new_thread(&t.w);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 100, m, trace_writer_stamp(&t.w, m));
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 300, m, trace_writer_stamp(&t.w, m));
	tw_rec(&t, b, TRACE_OP_MUTEX_LOCK, 250, m, trace_writer_stamp(&t.w, m));
	tw_rec(&t, b, TRACE_OP_MUTEX_UNLOCK, 400, m, trace_writer_stamp(&t.w, m));
	tw_rec(&t, b, TRACE_OP_SEM_POST, 50, other, trace_writer_stamp(&t.w, other));
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 5);
	unsigned expect_op[] = { TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK, TRACE_OP_MUTEX_LOCK,
				 TRACE_OP_MUTEX_UNLOCK, TRACE_OP_SEM_POST };
	uint32_t expect_thread[] = { 0, 0, 1, 1, 1 };
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(e.ev[i].op, expect_op[i]);
		assert_int_equal(e.ev[i].thread, expect_thread[i]);
	}
	assert_int_equal(e.ev[1].ts_ns, 300);
	assert_int_equal(e.ev[2].ts_ns, 250);
	assert_int_equal(trace_reader_order_gaps(r), 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A seq taken and never written (thread killed after the operation): the
 * merge skips it and counts it. */
static void test_seq_gap(void **state)
{
	(void)state;
	struct tw t;
	uint64_t m = 0x1000;
	tw_open(&t, dir, 201, TRACE_CLOCK_MONOTONIC);
	uint32_t b = trace_writer_new_thread(&t.w);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 100, m, trace_writer_stamp(&t.w, m));
	(void)trace_writer_stamp(&t.w, m); /* the unlock that was never written */
	(void)trace_writer_stamp(&t.w, m);
	tw_rec(&t, b, TRACE_OP_MUTEX_LOCK, 50, m, trace_writer_stamp(&t.w, m));
	tw_rec(&t, b, TRACE_OP_MUTEX_UNLOCK, 60, m, trace_writer_stamp(&t.w, m));
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[0].thread, 0);
	assert_int_equal(e.ev[1].thread, 1);
	assert_int_equal(e.ev[1].seq, 4);
	assert_int_equal(trace_reader_order_gaps(r), 2);
	assert_null(trace_reader_error(r)); /* a gap is not an error */
	trace_reader_free(r);
	tw_events_release(&e);
}

struct written {
	uint32_t thread;
	uint64_t key, seq, tick;
};

/* Three threads, eight objects, enough records for several chunks each,
 * ticks jittered so that time often contradicts the true order. */
static void test_many_chunks(void **state)
{
	(void)state;
	enum { N = 300000, T = 3, K = 8 };
	struct written *w = calloc(N, sizeof *w);
	uint32_t idx[T] = { 0 };
	struct tw t;
	tw_open(&t, dir, 202, TRACE_CLOCK_MONOTONIC);
	for (unsigned i = 1; i < T; i++)
		idx[i] = trace_writer_new_thread(&t.w);
	srand(42);
	for (unsigned i = 0; i < N; i++) {
		unsigned th = (unsigned)rand() % T;
		uint64_t key = 0x10000 + ((unsigned)rand() % K) * 64;
		w[i] = (struct written){ th, key, trace_writer_stamp(&t.w, key),
					 1000000 + i * 10 - (unsigned)rand() % 40 };
		tw_rec(&t, idx[th], i % 2 ? TRACE_OP_MUTEX_UNLOCK : TRACE_OP_MUTEX_LOCK, w[i].tick,
		       key, w[i].seq);
	}
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, N);
	assert_int_equal(trace_reader_order_gaps(r), 0);
	assert_true(cat->bytes > 4 * 4096);
	/* per thread: program order; per object: seq order */
	size_t pos[T] = { 0 };
	uint64_t next_seq[K] = { 1, 1, 1, 1, 1, 1, 1, 1 };  /* seqs count from 1 */
	for (size_t i = 0; i < e.n; i++) {
		uint32_t th = e.ev[i].thread;
		while (w[pos[th]].thread != th)
			pos[th]++;
		const struct written *x = &w[pos[th]++];
		assert_int_equal(e.ev[i].ts_ns, x->tick);
		assert_int_equal(e.ev[i].seq, x->seq);
		unsigned k = (unsigned)(x->key - 0x10000) / 64;
		assert_int_equal(trace_catalog_object(cat, e.ev[i].obj)->key, x->key);
		assert_int_equal(e.ev[i].seq, next_seq[k]);
		next_seq[k]++;
	}
	trace_reader_free(r);
	tw_events_release(&e);
	free(w);
}

/* Two processes: ids by start, events interleaved by time. */
static void test_processes(void **state)
{
	(void)state;
	struct tw first, second;
	tw_open(&first, dir, 301, TRACE_CLOCK_MONOTONIC);
	tw_open(&second, dir, 300, TRACE_CLOCK_MONOTONIC);
	uint32_t t2 = trace_writer_new_thread(&second.w);
	for (unsigned i = 0; i < 10; i++) {
		tw_rec(&first, 0, TRACE_OP_SEM_POST, 100 + i * 10, 0x10, i);
		tw_rec(&second, i % 2 ? t2 : 0, TRACE_OP_SEM_POST, 105 + i * 10, 0x10, i);
	}
	tw_close(&first);
	tw_close(&second);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(cat->nprocesses, 2);
	assert_int_equal(cat->processes[0].pid, 301); /* started first */
	assert_int_equal(cat->processes[1].pid, 300);
	assert_int_equal(cat->nthreads, 3);
	assert_int_equal(cat->processes[1].first_thread, 1);
	assert_int_equal(cat->processes[1].nthreads, 2);
	assert_int_equal(cat->threads[2].index, t2);
	assert_int_equal(cat->nobjects, 3); /* same key, two processes */
	assert_int_equal(e.n, 20);
	for (size_t i = 0; i < e.n; i++) {
		assert_int_equal(e.ev[i].process, i % 2);
		if (i)
			assert_true(e.ev[i].ts_ns > e.ev[i - 1].ts_ns);
	}
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timestamps_lie, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_seq_gap, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_many_chunks, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_processes, tw_setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
