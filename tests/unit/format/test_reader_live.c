/* SPDX-License-Identifier: MIT */
/* test_reader_live.c - reading a trace while the writer still writes it:
 * AGAIN at the end of what is written, new records, chunks, threads and
 * processes after a poll, order gaps that are only late records. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *const dir = tw_dir;

/* Reads until AGAIN; returns the events read. */
static size_t read_available(struct trace_reader *r, struct tw_events *e)
{
	struct trace_event ev;
	size_t n = 0;
	int st;
	while ((st = trace_reader_next(r, &ev)) == TRACE_READER_EVENT) {
		tw_events_add(e, &ev);
		n++;
	}
	assert_int_equal(st, TRACE_READER_AGAIN);
	return n;
}

static uint64_t tick;

static void locks(struct tw *t, uint32_t idx, uint64_t key, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tw_rec(t, idx, i % 2 ? TRACE_OP_MUTEX_UNLOCK : TRACE_OP_MUTEX_LOCK, ++tick, key,
		       trace_writer_stamp(&t->w, key));
}

/* Events must come with strictly growing ticks (one clock, one order). */
static void check_growing(const struct tw_events *e)
{
	for (size_t i = 1; i < e->n; i++)
		assert_true(e->ev[i].ts_ns > e->ev[i - 1].ts_ns);
}

static void test_live(void **state)
{
	(void)state;
	struct tw t, u;
	struct tw_events e = { 0 };
	struct ct_error err;
	tick = 1000;
	tw_open(&t, dir, 1000, TRACE_CLOCK_MONOTONIC);
	locks(&t, 0, 0x10, 5);
	struct trace_reader *r = trace_reader_open(dir, TRACE_READER_LIVE, &err);
	assert_non_null(r);
	assert_int_equal(read_available(r, &e), 5);
	assert_int_equal(read_available(r, &e), 0);

	/* more records in the same chunk: visible without a poll */
	locks(&t, 0, 0x10, 3);
	assert_int_equal(read_available(r, &e), 3);

	/* new chunks: after a poll */
	locks(&t, 0, 0x10, 20000);
	read_available(r, &e);
	trace_reader_poll(r);
	read_available(r, &e);
	assert_int_equal(e.n, 20008);

	/* a new thread, then a new process */
	uint32_t t1 = trace_writer_new_thread(&t.w);
	locks(&t, t1, 0x20, 4);
	trace_reader_poll(r);
	assert_int_equal(read_available(r, &e), 4);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(cat->nthreads, 2);
	assert_int_equal(e.ev[e.n - 1].thread, 1);
	tw_open(&u, dir, 1001, TRACE_CLOCK_MONOTONIC);
	locks(&u, 0, 0x10, 6);
	trace_reader_poll(r);
	assert_int_equal(read_available(r, &e), 6);
	cat = trace_reader_catalog(r);
	assert_int_equal(cat->nprocesses, 2);
	assert_int_equal(cat->processes[1].pid, 1001);
	assert_int_equal(cat->processes[1].first_thread, 2);
	assert_int_equal(e.ev[e.n - 1].process, 1);

	check_growing(&e);
	assert_null(trace_reader_error(r));
	assert_int_equal(cat->events, e.n);
	tw_close(&u);
	tw_close(&t);
	trace_reader_poll(r);
	assert_int_equal(read_available(r, &e), 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Live, a seq that is taken but not written yet is a late record, not a
 * gap: the reader waits for it. */
static void test_live_late_record(void **state)
{
	(void)state;
	struct tw t;
	struct tw_events e = { 0 };
	uint64_t m = 0x30;
	tick = 5000;
	tw_open(&t, dir, 1002, TRACE_CLOCK_MONOTONIC);
	uint32_t b = trace_writer_new_thread(&t.w);
	locks(&t, 0, 0x40, 2);
	locks(&t, b, 0x50, 2);
	uint64_t late_seq = trace_writer_stamp(&t.w, m);
	uint64_t late_tick = ++tick;
	tw_rec(&t, b, TRACE_OP_MUTEX_LOCK, ++tick, m, trace_writer_stamp(&t.w, m));

	struct trace_reader *r = trace_reader_open(dir, TRACE_READER_LIVE, NULL);
	assert_non_null(r);
	assert_int_equal(read_available(r, &e), 4);
	trace_reader_poll(r);
	assert_int_equal(read_available(r, &e), 0);
	assert_true(trace_reader_parked(r));   /* b's lock waits: not caught up */

	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, late_tick, m, late_seq);
	trace_reader_poll(r);
	assert_int_equal(read_available(r, &e), 2);
	assert_false(trace_reader_parked(r));
	assert_int_equal(e.ev[4].thread, 0);
	assert_int_equal(e.ev[4].seq, late_seq);
	assert_int_equal(e.ev[5].thread, 1);
	assert_int_equal(trace_reader_order_gaps(r), 0);
	tw_close(&t);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Live, a directory whose only file has no header yet opens; the process
 * appears once the header is there. */
static void test_live_pending_file(void **state)
{
	(void)state;
	char path[600];
	struct tw t;
	struct tw_events e = { 0 };
	tw_file(path, sizeof path, dir, 1003);
	tw_put_file(path, "", 0);
	struct trace_reader *r = trace_reader_open(dir, TRACE_READER_LIVE, NULL);
	assert_non_null(r);
	assert_int_equal(trace_reader_catalog(r)->nprocesses, 0);
	assert_int_equal(read_available(r, &e), 0);
	remove(path);
	tick = 100;
	tw_open(&t, dir, 1003, TRACE_CLOCK_MONOTONIC);
	locks(&t, 0, 0x10, 3);
	trace_reader_poll(r);
	assert_int_equal(read_available(r, &e), 3);
	assert_int_equal(trace_reader_catalog(r)->nprocesses, 1);
	tw_close(&t);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A thread created before it wrote anything gets its parent and create
 * stack once it appears. */
static void test_live_early_create(void **state)
{
	(void)state;
	struct tw t;
	struct tw_events e = { 0 };
	uint64_t pcs[1] = { 0xabc }, spawn = 0x7000;
	tw_open(&t, dir, 1004, TRACE_CLOCK_MONOTONIC);
	uint32_t st = trace_writer_intern_stack(&t.w, pcs, 1);
	uint32_t child = trace_writer_new_thread(&t.w);
	struct trace_rec rec = { .op = TRACE_OP_CREATE, .tick = 10, .key = spawn, .stack = st,
				 .seq = trace_writer_stamp(&t.w, spawn), .args = { child, 0x99 } };
	tw_write(&t, 0, &rec);
	struct trace_reader *r = trace_reader_open(dir, TRACE_READER_LIVE, NULL);
	assert_non_null(r);
	assert_int_equal(read_available(r, &e), 1);
	assert_int_equal(e.ev[0].peer_thread, TRACE_NONE);

	rec = (struct trace_rec){ .op = TRACE_OP_THREAD_START, .tick = 11, .key = spawn,
				  .seq = trace_writer_stamp(&t.w, spawn), .args = { 0, 77, 0x99 } };
	tw_write(&t, child, &rec);
	trace_reader_poll(r);
	assert_int_equal(read_available(r, &e), 1);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(cat->nthreads, 2);
	assert_int_equal(cat->threads[1].parent, 0);
	assert_int_equal(cat->threads[1].create_stack, e.ev[0].stack);
	assert_int_not_equal(e.ev[0].stack, 0);
	assert_int_equal(e.ev[1].peer_thread, 0);
	tw_close(&t);
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_live_late_record, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_live_pending_file, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_live_early_create, tw_setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
