/* SPDX-License-Identifier: MIT */
/* test_writer_order.c - order groups (trace_format.h, "Order"): which
 * counter an object stamps, how a lock's holder stamps it, what an
 * observation carries, and that the reader orders by group. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tw.h"

static char *const dir = tw_dir;

/* The holder of a private group stamps it with plain stores, in sequence
 * with everyone else's atomic stamps; an observation takes no seq. */
static void test_holder_stamps(void **state)
{
	(void)state;
	struct tw t;
	uint64_t m = 0x7f0000001000;
	tw_open(&t, dir, 300, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *a = tw_stream(&t, 0), *b = tw_stream(&t, 1);
	uint32_t g = trace_writer_group(&t.w, m);
	assert_true(g < TRACE_GROUPS_PRIVATE);
	assert_int_equal(trace_writer_group(&t.w, m), g);  /* found again, not claimed twice */
	struct trace_order *o = &t.w.order[g];

	assert_int_equal(trace_stream_stamp(b, m, TRACE_ORDER_NONE), 0);
	assert_int_equal(trace_stream_stamp(a, m, TRACE_ORDER_ACQUIRE), 1);
	assert_int_equal(atomic_load(&o->holder), a->thread + 1);
	/* with its slot defined (a record written), the group comes from it */
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 10, m, 1);
	tw_rec(&t, 1, TRACE_OP_MUTEX_LOCK | TRACE_OP_BEGIN, 11, m, 0);
	/* b's request while a holds it: an observation, the counter untouched */
	assert_int_equal(trace_stream_stamp(b, m, TRACE_ORDER_NONE), 0);
	assert_int_equal(atomic_load(&o->seq), 1);
	assert_int_equal(trace_stream_stamp(a, m, TRACE_ORDER_RELEASE), 2);
	assert_int_equal(atomic_load(&o->holder), 0);
	/* a release by a thread that does not hold it: atomic, holder unchanged */
	assert_int_equal(trace_stream_stamp(b, m, TRACE_ORDER_ACQUIRE), 3);
	assert_int_equal(trace_stream_stamp(a, m, TRACE_ORDER_RELEASE), 4);
	assert_int_equal(atomic_load(&o->holder), b->thread + 1);
	assert_int_equal(trace_stream_stamp(b, m, TRACE_ORDER_RELEASE), 5);
	assert_int_equal(atomic_load(&o->holder), 0);
	assert_int_equal(trace_stream_stamp(a, m, TRACE_ORDER_SHARED), 6);
	assert_int_equal(trace_writer_stamp(&t.w, m), 7);
	tw_close(&t);
}

/* Keys whose home slot in the index is the same: an index's span of
 * address apart. */
static unsigned same_home(uint64_t *keys, unsigned want)
{
	for (unsigned n = 0; n < want; n++)
		keys[n] = 0x100000ull + (uint64_t)n * TRACE_ORDER_INDEX * 4;
	return want;
}

/* Objects near each other get groups near each other: a program's locks
 * in one array touch few pages of the groups (hashed, each took a page). */
static void test_groups_of_neighbours(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 302, TRACE_CLOCK_MONOTONIC);
	uint32_t first = trace_writer_group(&t.w, 0x200000);
	for (uint64_t i = 1; i < 64; i++)
		assert_int_equal(trace_writer_group(&t.w, 0x200000 + 40 * i), first + i);
	assert_int_equal(trace_writer_group(&t.w, 0x200000 + 40 * 7), first + 7);   /* found again */
	tw_close(&t);
}

/* Once an object's neighbourhood is taken it shares a group: stamped
 * atomically even by a holder, and still ordered by the reader. */
static void test_shared_group(void **state)
{
	(void)state;
	enum { N = 40 };
	uint64_t keys[N];
	assert_int_equal(same_home(keys, N), N);
	struct tw t;
	tw_open(&t, dir, 301, TRACE_CLOCK_MONOTONIC);
	uint32_t g[N];
	for (unsigned i = 0; i < N; i++)
		g[i] = trace_writer_group(&t.w, keys[i]);
	for (unsigned i = 0; i < 32; i++)
		assert_true(g[i] < TRACE_GROUPS_PRIVATE);
	for (unsigned i = 32; i < N; i++)
		assert_true(g[i] >= TRACE_GROUPS_PRIVATE && g[i] < TRACE_GROUPS);
	uint64_t k = keys[35];
	struct trace_stream *a = tw_stream(&t, 0), *b = tw_stream(&t, 1);
	uint64_t s1 = trace_stream_stamp(a, k, TRACE_ORDER_ACQUIRE);
	assert_int_equal(atomic_load(&t.w.order[g[35]].holder), 0);  /* never held */
	uint64_t s2 = trace_stream_stamp(a, k, TRACE_ORDER_RELEASE);
	uint64_t s3 = trace_stream_stamp(b, k, TRACE_ORDER_ACQUIRE);
	assert_true(s1 < s2 && s2 < s3);
	/* written with ticks that lie: the reader follows the seqs */
	struct trace_rec r1 = { .op = TRACE_OP_MUTEX_LOCK, .tick = 100, .key = k, .seq = s1 };
	struct trace_rec r2 = { .op = TRACE_OP_MUTEX_UNLOCK, .tick = 300, .key = k, .seq = s2 };
	struct trace_rec r3 = { .op = TRACE_OP_MUTEX_LOCK, .tick = 200, .key = k, .seq = s3 };
	tw_write(&t, 0, &r1);
	tw_write(&t, 0, &r2);
	tw_write(&t, 1, &r3);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[1].op, TRACE_OP_MUTEX_UNLOCK);
	assert_int_equal(e.ev[2].thread, 1);
	assert_int_equal(trace_reader_order_gaps(r), 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Observations (seq 0) are never held back by the order and make no gap:
 * B's request comes by time, between A's lock and A's unlock. */
static void test_observations(void **state)
{
	(void)state;
	struct tw t;
	uint64_t m = 0x5000;
	tw_open(&t, dir, 302, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *a = tw_stream(&t, 0), *b = tw_stream(&t, 1);
	uint64_t lock_a = trace_stream_stamp(a, m, TRACE_ORDER_ACQUIRE);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 100, m, lock_a);
	tw_rec(&t, 1, TRACE_OP_MUTEX_LOCK | TRACE_OP_BEGIN, 150, m,
	       trace_stream_stamp(b, m, TRACE_ORDER_NONE));
	tw_rec(&t, 1, TRACE_OP_MUTEX_TRYLOCK, 160, m, 0);  /* EBUSY: no seq */
	uint64_t unlock_a = trace_stream_stamp(a, m, TRACE_ORDER_RELEASE);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 400, m, unlock_a);
	/* B's lock was stamped after A's unlock but its clock says earlier */
	tw_rec(&t, 1, TRACE_OP_MUTEX_LOCK, 300, m, trace_stream_stamp(b, m, TRACE_ORDER_ACQUIRE));
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 5);
	uint64_t ts[] = { 100, 150, 160, 400, 300 };
	uint64_t seq[] = { 1, 0, 0, 2, 3 };
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(e.ev[i].ts_ns, ts[i]);
		assert_int_equal(e.ev[i].seq, seq[i]);
	}
	assert_int_equal(e.ev[1].phase, TRACE_PHASE_BEGIN);
	assert_int_equal(trace_reader_order_gaps(r), 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* An OBJ_DEF naming a group the file does not have: a one-line reason
 * with the offset, and the records before it are kept. */
static void test_bad_group(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 303, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 100, 0x10, trace_writer_stamp(&t.w, 0x10));
	struct trace_stream *s = tw_stream(&t, 0);
	uint64_t def = s->chunk_off + (uint64_t)(s->pos - s->chunk);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 110, 0x20, trace_writer_stamp(&t.w, 0x20));
	tw_close(&t);
	char file[512];
	tw_file(file, sizeof file, dir, 303);
	/* op, slot, key 0x20 (one byte), then the group: make it huge */
	uint8_t huge[3] = { 0xff, 0xff, 0x7f };
	tw_patch(file, def + 3, huge, sizeof huge);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.ev[1].op, TRACE_OP_DROPPED);  /* the rest of the chunk */
	const struct ct_error *err = trace_reader_error(r);
	assert_non_null(err);
	assert_string_equal(err->file, file);
	assert_true(err->has_offset);
	assert_int_equal(err->offset, def);
	assert_non_null(strstr(err->msg, "order group"));
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_holder_stamps, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_shared_group, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_groups_of_neighbours, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_observations, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_bad_group, tw_setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
