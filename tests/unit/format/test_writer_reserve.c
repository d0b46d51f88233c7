/* SPDX-License-Identifier: MIT */
/* test_writer_reserve.c - reserved records (a release whose stamp is taken
 * before the real call): records written in between come after it, the
 * result filled in at commit reads back, an uncommitted reservation ends
 * what a reader sees, and the simple fast path encodes like the general. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "tw.h"

#define MUTEX 0x7000ull
#define SEM   0x8000ull

static struct trace_rec unlock_rec(uint64_t tick, uint64_t seq)
{
	return (struct trace_rec){ .op = TRACE_OP_MUTEX_UNLOCK, .tick = tick, .stack = 0,
				   .key = MUTEX, .seq = seq };
}

/* A handler's record written between reserve and commit reads back after
 * the reserved one, and the committed result is the one read. */
static void test_reserve_then_handler_record(void **state)
{
	(void)state;
	char dir[256];
	struct tw t;
	tw_mkdir(dir);
	tw_open(&t, dir, 100, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *s = tw_stream(&t, 0);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 1000, MUTEX, 0);
	struct trace_rec rec = unlock_rec(2000, 1);
	struct trace_reservation res;
	assert_int_equal(trace_stream_reserve(s, &rec, &res), 0);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 2100, SEM, 0);  /* the signal handler's */
	trace_stream_commit(s, &res, EPERM);
	tw_close(&t);

	struct tw_events e = { 0 };
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	size_t lock = 0;
	while (lock < e.n && e.ev[lock].op != TRACE_OP_MUTEX_LOCK)
		lock++;
	assert_true(lock + 2 < e.n);
	assert_int_equal(e.ev[lock + 1].op, TRACE_OP_MUTEX_UNLOCK);
	assert_int_equal(e.ev[lock + 1].result, EPERM);
	assert_int_equal(e.ev[lock + 1].seq, 1);
	assert_int_equal(e.ev[lock + 2].op, TRACE_OP_SEM_POST);
	trace_reader_free(r);
	tw_events_release(&e);
	tw_rmdir(dir);
}

/* A reservation made where its chunk ends leaves room for what its call
 * records before the commit (an OpenMP runtime's callbacks inside
 * omp_unset_lock): it goes to a new chunk rather than dropping them. */
static void test_reserve_at_chunk_end_keeps_nested_records(void **state)
{
	(void)state;
	char dir[256];
	struct tw t;
	tw_mkdir(dir);
	tw_open(&t, dir, 103, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *s = tw_stream(&t, 0);
	uint64_t tick = 1000;
	size_t before = 0;
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, tick, MUTEX, 0);
	while (trace_stream_reserve_fits(s) || !s->chunk) {
		tw_rec(&t, 0, TRACE_OP_SEM_POST, ++tick, SEM, 0);
		before++;
	}
	assert_true(s->pos + 16 * 40 <= s->chunk + s->chunk_size);   /* room for the small ones */
	struct trace_rec rec = unlock_rec(++tick, 1);
	struct trace_reservation res;
	assert_int_equal(trace_stream_reserve(s, &rec, &res), 0);
	enum { NESTED = 32 };   /* more than the old chunk's rest holds */
	for (int i = 0; i < NESTED; i++) {   /* large records */
		struct trace_rec big = { .op = TRACE_OP_THREAD_NAME, .tick = ++tick,
					 .str = "a thread name as long as a record may hold, and then "
						"some more words to make it long: the last words are cut "
						"at the string's limit, whatever its length is here" };
		assert_int_equal(trace_stream_write(s, &big), 0);
	}
	trace_stream_commit(s, &res, 0);
	tw_close(&t);

	struct tw_events e = { 0 };
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	size_t posts = 0, names = 0, unlocks = 0;
	for (size_t i = 0; i < e.n; i++) {
		assert_int_not_equal(e.ev[i].op, TRACE_OP_DROPPED);
		posts += e.ev[i].op == TRACE_OP_SEM_POST;
		names += e.ev[i].op == TRACE_OP_THREAD_NAME;
		unlocks += e.ev[i].op == TRACE_OP_MUTEX_UNLOCK;
	}
	assert_int_equal(posts, before);
	assert_int_equal(names, NESTED);
	assert_int_equal(unlocks, 1);
	trace_reader_free(r);
	tw_events_release(&e);
	tw_rmdir(dir);
}

/* Killed inside the real call: the reservation was never committed. A
 * reader sees everything before it, nothing after, and no error. */
static void test_uncommitted_reservation_ends_stream(void **state)
{
	(void)state;
	char dir[256];
	struct tw t;
	tw_mkdir(dir);
	tw_open(&t, dir, 101, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *s = tw_stream(&t, 0);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 1000, MUTEX, 0);
	struct trace_rec rec = unlock_rec(2000, 1);
	struct trace_reservation res;
	assert_int_equal(trace_stream_reserve(s, &rec, &res), 0);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 2100, SEM, 0);
	tw_close(&t);  /* no commit */

	struct tw_events e = { 0 };
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	bool saw_lock = false;
	for (size_t i = 0; i < e.n; i++) {
		saw_lock |= e.ev[i].op == TRACE_OP_MUTEX_LOCK;
		assert_int_not_equal(e.ev[i].op, TRACE_OP_MUTEX_UNLOCK);
		assert_int_not_equal(e.ev[i].op, TRACE_OP_SEM_POST);
	}
	assert_true(saw_lock);
	trace_reader_free(r);
	tw_events_release(&e);
	tw_rmdir(dir);
}

/* The fast paths (simple write and simple reserve) read back exactly like
 * the general encoder, over deltas of every varint length. */
static void test_simple_paths_match_general(void **state)
{
	(void)state;
	char dir[256];
	struct tw t;
	tw_mkdir(dir);
	tw_open(&t, dir, 102, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *s = tw_stream(&t, 0);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 10, MUTEX, 0);  /* defines the slot */
	uint64_t tick = 10, seq = 0;
	const uint64_t steps[] = { 1, 127, 128, 16383, 16384, 1ull << 40 };
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		tick += steps[i];
		seq += steps[i];
		assert_true(trace_stream_write_simple(s, TRACE_OP_MUTEX_LOCK, tick, (uint32_t)i, MUTEX,
						      seq, -(int64_t)i));
		struct trace_reservation res = { 0 };
		tick += 3;
		seq += 1;
		assert_true(trace_stream_reserve_simple(s, TRACE_OP_MUTEX_UNLOCK, tick, 5, MUTEX, seq, &res));
		trace_stream_commit(s, &res, i == 5 ? 1000000 : (int64_t)i);  /* last: out of range */
	}
	tw_close(&t);

	struct tw_events e = { 0 };
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	size_t k = 0;
	while (k < e.n && e.ev[k].op != TRACE_OP_MUTEX_LOCK)
		k++;
	k++;  /* the slot-defining lock */
	seq = 0;
	for (size_t i = 0; i < 6; i++, k += 2) {
		assert_true(k + 1 < e.n);
		seq += steps[i];
		assert_int_equal(e.ev[k].op, TRACE_OP_MUTEX_LOCK);
		assert_int_equal(e.ev[k].seq, seq);
		assert_int_equal(e.ev[k].result, -(int)i);
		seq += 1;
		assert_int_equal(e.ev[k + 1].op, TRACE_OP_MUTEX_UNLOCK);
		assert_int_equal(e.ev[k + 1].seq, seq);
		assert_int_equal(e.ev[k + 1].result, i == 5 ? -1 : (int)i);
		assert_true(e.ev[k + 1].ts_ns > e.ev[k].ts_ns);
	}
	trace_reader_free(r);
	tw_events_release(&e);
	tw_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserve_then_handler_record),
		cmocka_unit_test(test_uncommitted_reservation_ends_stream),
		cmocka_unit_test(test_reserve_at_chunk_end_keeps_nested_records),
		cmocka_unit_test(test_simple_paths_match_general),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
