/* SPDX-License-Identifier: MIT */
/* test_reader_damage.c - lost data inside a chunk is damage, not the end of
 * a thread's records: a sealed chunk whose records stop early, zeros
 * followed by data, a chunk that has a successor but ends early, a record
 * whose tail the zeros took (not yielded: it decodes, wrongly). Each is
 * reported with its file and offset, and is a DROPPED event in the thread's
 * stream (an uncommitted release, killed inside the call, is not damage:
 * test_writer_reserve.c). */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#define CHUNK0 TRACE_ALIGN
#define REC0 (CHUNK0 + sizeof(struct trace_chunk_header))
#define SIG_SIZE 5          /* a SIGNAL record with args[0] < 128 */
#define SIG_SIZE_BIG 6      /* args[0] < 16384 */

static char *const dir = tw_dir;
static char file[512];

static int setup(void **state)
{
	tw_setup(state);
	tw_file(file, sizeof file, dir, 900);
	return 0;
}

/* N SIGNAL records with args[0] = i; sealed unless UNSEALED (the thread
 * stopped inside the chunk, as at a kill). */
static void write_signals(unsigned n, bool unsealed)
{
	tw_signals(dir, 900, n, unsealed);
}

static void zero(uint64_t off, size_t n)
{
	uint8_t *z = calloc(1, n);
	tw_patch(file, off, z, n);
	free(z);
}

/* The stream is SIGNALs 0..n-1, then a DROPPED of an unknown count; the
 * first problem is at OFF and says WHAT. */
static void expect_cut(unsigned n, uint64_t off, const char *what)
{
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_true(e.n >= n + 1);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(e.ev[i].args[0], i);
	assert_int_equal(e.ev[n].op, TRACE_OP_DROPPED);
	assert_int_equal(e.ev[n].args[0], 0);
	const struct ct_error *err = trace_reader_error(r);
	assert_non_null(err);
	assert_string_equal(err->file, file);
	assert_int_equal(err->offset, off);
	if (!strstr(err->msg, what))
		fail_msg("\"%s\" does not say \"%s\"", err->msg, what);
	assert_int_equal(trace_reader_catalog(r)->threads[0].gaps, 1);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* The last records of a sealed chunk zeroed: nothing follows them, but
 * the chunk says where its records end. */
static void test_sealed_tail_zeroed(void **state)
{
	(void)state;
	write_signals(10, false);
	zero(REC0 + 5 * SIG_SIZE, 5 * SIG_SIZE);
	expect_cut(5, REC0 + 5 * SIG_SIZE, "the chunk says they end at offset");
}

/* Zeros from inside a record on: the record decodes all the same (zero is
 * a valid varint: SIGNAL 5 would read as SIGNAL 0), so it is lost with
 * what follows, not yielded. */
static void test_record_cut_by_zeros(void **state)
{
	(void)state;
	write_signals(10, false);
	zero(REC0 + 5 * SIG_SIZE + 2, 5 * SIG_SIZE - 2);
	expect_cut(5, REC0 + 6 * SIG_SIZE, "the chunk says they end at offset");
}

/* A zeroed page inside the records of a chunk the thread never left. */
static void test_unsealed_zeros_then_data(void **state)
{
	(void)state;
	write_signals(300, true);
	zero(REC0 + 5 * SIG_SIZE, 1000);
	expect_cut(5, REC0 + 5 * SIG_SIZE, "but data follows at offset");
}

/* A chunk with a successor was left because it was full: records that
 * stop far from its end (and no seal, as in traces of older writers) lost
 * their tail. */
static void test_early_end_with_successor(void **state)
{
	(void)state;
	write_signals(5000, false);
	uint32_t no_seal = 0;
	tw_patch(file, CHUNK0 + offsetof(struct trace_chunk_header, records_end), &no_seal,
		 sizeof no_seal);
	uint64_t from = REC0 + 128 * SIG_SIZE + 100 * SIG_SIZE_BIG;  /* record 228 */
	zero(from, 4 * TRACE_ALIGN - (from - CHUNK0));
	expect_cut(228, from, "before the end of a chunk that has a successor");
}

/* The thread's last chunk lost (its header zeroed): the chunk before says
 * the thread went on in a next one, so the stream ends with a gap. */
static void test_last_chunk_lost(void **state)
{
	(void)state;
	write_signals(5000, false);
	uint64_t second = CHUNK0 + 4 * TRACE_ALIGN;  /* chunks of 16 KiB, then 32 KiB */
	zero(second, sizeof(struct trace_chunk_header));
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_true(e.n > 1000);
	assert_int_equal(e.ev[e.n - 1].op, TRACE_OP_DROPPED);
	for (size_t i = 0; i + 1 < e.n; i++)
		assert_int_equal(e.ev[i].args[0], i);
	assert_int_equal(trace_reader_catalog(r)->threads[0].gaps, 1);
	assert_non_null(trace_reader_error(r));
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Stamps lost in a damaged stream: the merge skips the gap no thread can
 * fill, the earliest head's of those that are first in their group, not
 * the smallest (thread 0's post on L waits behind its own head). */
static void test_skip_the_gap_no_thread_can_fill(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 900, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 100, 0x1000, 5);   /* X: 1-4 lost */
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 110, 0x2000, 1);   /* L */
	tw_rec(&t, 1, TRACE_OP_SEM_POST, 105, 0x2000, 2);
	tw_close(&t);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[0].seq, 5);
	assert_int_equal(e.ev[0].obj_gap, TRACE_OBJ_GAP_BEFORE);
	assert_int_equal(e.ev[1].seq, 1);
	assert_int_equal(e.ev[1].obj_gap, TRACE_OBJ_GAP_NONE);
	assert_int_equal(e.ev[2].seq, 2);
	assert_int_equal(e.ev[2].obj_gap, TRACE_OBJ_GAP_NONE);
	assert_int_equal(trace_reader_order_gaps(r), 4);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A clock that lies (thread 1 preempted before it read the time, say)
 * can make the merge skip a stamp that comes after all: the late record is
 * marked, so that analyses do not apply it. */
static void test_late_record_marked(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 900, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 200, 0x1000, 5);   /* X: 1-4 lost */
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 210, 0x2000, 1);   /* L */
	tw_rec(&t, 1, TRACE_OP_SEM_POST, 150, 0x2000, 2);
	tw_close(&t);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[0].seq, 2);
	assert_int_equal(e.ev[0].obj_gap, TRACE_OBJ_GAP_BEFORE);
	assert_int_equal(e.ev[1].seq, 5);
	assert_int_equal(e.ev[2].seq, 1);
	assert_int_equal(e.ev[2].obj_gap, TRACE_OBJ_GAP_LATE);
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tw_teardown)
	const struct CMUnitTest tests[] = {
		T(test_sealed_tail_zeroed),
		T(test_record_cut_by_zeros),
		T(test_unsealed_zeros_then_data),
		T(test_early_end_with_successor),
		T(test_last_chunk_lost),
		T(test_skip_the_gap_no_thread_can_fill),
		T(test_late_record_marked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
