/* SPDX-License-Identifier: MIT */
/* test_reader_snapshot.c - reading the trace of a program still running:
 * the reader notices (the writer's process maps the file and has not
 * exited), yields what is written as a prefix no later record contradicts
 * (an operation in progress is not skipped as an order gap: what follows
 * it stays unread), and a reopen reads exactly the same again. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MUTEX 0x7000ull

static char *const dir = tw_dir;

static size_t count(struct trace_reader *r)
{
	struct trace_event ev;
	size_t n = 0;
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT)
		n++;
	return n;
}

/* Thread 0 locks, then is inside its unlock (stamp taken, record not
 * published); thread 1 has taken the lock after it. This process writes
 * the file, so it is the running program. */
static struct trace_reservation unlock_in_progress(struct tw *t)
{
	tw_open(t, dir, (uint32_t)getpid(), TRACE_CLOCK_MONOTONIC);
	tw_rec(t, 0, TRACE_OP_MUTEX_LOCK, 100, MUTEX, trace_writer_stamp(&t->w, MUTEX));
	struct trace_rec unlock = { .op = TRACE_OP_MUTEX_UNLOCK, .tick = 200, .key = MUTEX,
				    .seq = trace_writer_stamp(&t->w, MUTEX) };
	struct trace_reservation res;
	assert_int_equal(trace_stream_reserve(tw_stream(t, 0), &unlock, &res), 0);
	tw_rec(t, 1, TRACE_OP_MUTEX_LOCK, 300, MUTEX, trace_writer_stamp(&t->w, MUTEX));
	return res;
}

static void test_running_is_a_snapshot(void **state)
{
	(void)state;
	struct tw t;
	unlock_in_progress(&t);
	struct ct_error err;
	struct trace_reader *r = trace_reader_open(dir, 0, &err);
	assert_non_null(r);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_true(cat->running);
	assert_true(cat->processes[0].running);
	assert_true(cat->read_ns > 0);
	/* thread 1's lock comes after the unlock in progress: left unread,
	 * not yielded with thread 0 still the owner */
	assert_int_equal(count(r), 1);
	assert_int_equal(trace_reader_withheld(r), 1);
	assert_int_equal(trace_reader_order_gaps(r), 0);
	assert_null(trace_reader_error(r));
	trace_reader_free(r);
	tw_close(&t);
}

/* Once the image has exited, the same trace is read whole: the missing
 * record is an order gap (the thread was killed inside the call). */
static void test_exited_is_read_whole(void **state)
{
	(void)state;
	struct tw t;
	unlock_in_progress(&t);
	trace_writer_set_exit(&t.w, TRACE_EXIT_STATUS, 0);
	struct ct_error err;
	struct trace_reader *r = trace_reader_open(dir, 0, &err);
	assert_false(trace_reader_catalog(r)->running);
	assert_int_equal(count(r), 2);
	assert_int_equal(trace_reader_order_gaps(r), 1);
	trace_reader_free(r);
	tw_close(&t);
}

/* The program goes on between two passes: the second reads no more. */
static void test_reopen_reads_the_same(void **state)
{
	(void)state;
	struct tw t;
	struct trace_reservation res = unlock_in_progress(&t);
	tw_rec(&t, 2, TRACE_OP_MUTEX_LOCK, 150, 0x9000, trace_writer_stamp(&t.w, 0x9000));
	struct ct_error err;
	struct trace_reader *r = trace_reader_open(dir, 0, &err);
	size_t first = count(r);
	assert_int_equal(first, 2);
	trace_stream_commit(tw_stream(&t, 0), &res, 0);
	for (unsigned i = 0; i < 100; i++)
		tw_rec(&t, 3, TRACE_OP_SEM_POST, 400 + i, 0x8000, trace_writer_stamp(&t.w, 0x8000));
	struct trace_reader *again = trace_reader_reopen(r, &err);
	assert_non_null(again);
	assert_int_equal(trace_reader_catalog(again)->nthreads, trace_reader_catalog(r)->nthreads);
	assert_int_equal(count(again), first);
	struct trace_reader *fresh = trace_reader_open(dir, 0, &err);
	assert_int_equal(count(fresh), first + 2 + 100);  /* unlock, thread 1's lock, posts */
	trace_reader_free(fresh);
	trace_reader_free(again);
	trace_reader_free(r);
	tw_close(&t);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tw_setup, tw_teardown)
	const struct CMUnitTest tests[] = {
		T(test_running_is_a_snapshot),
		T(test_exited_is_read_whole),
		T(test_reopen_reads_the_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
