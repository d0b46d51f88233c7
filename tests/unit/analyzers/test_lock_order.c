/* SPDX-License-Identifier: MIT */
/* test_lock_order.c - analyzers/lock_order*.c on fake_trace streams: cycles
 * of any length, each once, with real stacks; and every no-false-alarm rule
 * (gate lock, trylock, read-only rwlock cycle, reused address), plus the
 * ranking of cycles ordered by create/join and of those made by one thread;
 * a real deadlock is an inversion too; lost events make no edge. */
#include "an_test.h"

#include <string.h>

#define LO_TEST_MANY_SETS 40   /* more held sets per edge than it keeps (32) */

struct lo_fixture {
	struct fake_trace t;
	struct report r;
	uint32_t a, b, c, g;     /* locks */
	uint32_t t1, t2, t3;     /* threads, all created by main before any locking */
};

static int setup(void **state)
{
	struct lo_fixture *f = calloc(1, sizeof(*f));
	fake_trace_init(&f->t);
	report_init(&f->r);
	f->a = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x1000);
	f->b = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x2000);
	f->c = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x3000);
	f->g = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x4000);
	f->t1 = an_spawn(&f->t, 0, "t1");
	f->t2 = an_spawn(&f->t, 0, "t2");
	f->t3 = an_spawn(&f->t, 0, "t3");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct lo_fixture *f = *state;
	report_release(&f->r);
	fake_trace_release(&f->t);
	free(f);
	return 0;
}

/* THREAD takes X then Y (blocking), releases both. Stacks sx, sy. */
static void nested(struct fake_trace *t, uint32_t thread, uint32_t x, uint32_t y, uint32_t sx, uint32_t sy)
{
	fake_lock(t, thread, x, sx);
	fake_lock(t, thread, y, sy);
	fake_unlock(t, thread, y, 0);
	fake_unlock(t, thread, x, 0);
}

static void run(struct lo_fixture *f)
{
	an_run(&analyzer_lock_order, &f->t, &f->r);
	report_finalize(&f->r);
}

static void test_abba_reported_once_with_stacks(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t s1 = fake_stack(&f->t, 0x100, 2), s2 = fake_stack(&f->t, 0x200, 2);
	uint32_t s3 = fake_stack(&f->t, 0x300, 2), s4 = fake_stack(&f->t, 0x400, 2);
	for (int i = 0; i < 5; i++) {
		nested(&f->t, f->t1, f->a, f->b, s1, s2);
		nested(&f->t, f->t2, f->b, f->a, s3, s4);
	}
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->kind, REPORT_DEADLOCK_LOCK_ORDER);
	assert_true(d->concurrent);
	assert_int_equal(d->ncycle, 2);
	/* starts at the smallest lock id: a -> b by t1, then b -> a by t2 */
	assert_int_equal(d->cycle[0].holding, f->a);
	assert_int_equal(d->cycle[0].acquiring, f->b);
	assert_int_equal(d->cycle[0].thread, f->t1);
	assert_int_equal(d->cycle[0].holding_stack, s1);
	assert_int_equal(d->cycle[0].acquiring_stack, s2);
	assert_int_equal(d->cycle[1].holding, f->b);
	assert_int_equal(d->cycle[1].acquiring, f->a);
	assert_int_equal(d->cycle[1].thread, f->t2);
	assert_int_equal(d->cycle[1].holding_stack, s3);
	assert_int_equal(d->cycle[1].acquiring_stack, s4);
}

/* The same code taking locks made again (or other locks) makes the same
 * cycle at the same code sites: reported once, the rest counted in a
 * note (TSan's simulate_deadlock_simple made 50 findings); a cycle at
 * other sites is reported too. */
static void test_same_sites_folded(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t s1 = fake_stack(&f->t, 0x100, 2), s2 = fake_stack(&f->t, 0x200, 2);
	uint32_t s3 = fake_stack(&f->t, 0x300, 2), s4 = fake_stack(&f->t, 0x400, 2);
	for (int i = 0; i < 3; i++) {
		uint32_t a = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x10000 + 0x100 * (uint64_t)i);
		uint32_t b = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x10040 + 0x100 * (uint64_t)i);
		nested(&f->t, f->t1, a, b, s1, s2);
		nested(&f->t, f->t2, b, a, s3, s4);
	}
	nested(&f->t, f->t1, f->a, f->b, s1, s2);
	nested(&f->t, f->t2, f->b, f->a, s3, s3);   /* another site */
	run(f);
	assert_int_equal(f->r.ndeadlocks, 2);
	bool noted = false;
	for (size_t i = 0; i < f->r.nnotes; i++)
		noted |= strstr(f->r.notes[i], "2 more lock-order cycles at the code sites") != NULL;
	assert_true(noted);
}

static void test_three_lock_cycle_whole(void **state)
{
	struct lo_fixture *f = *state;
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	nested(&f->t, f->t2, f->b, f->c, 0, 0);
	nested(&f->t, f->t3, f->c, f->a, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->ncycle, 3);
	assert_int_equal(d->cycle[0].holding, f->a);
	assert_int_equal(d->cycle[1].holding, f->b);
	assert_int_equal(d->cycle[2].holding, f->c);
	assert_int_equal(d->cycle[2].acquiring, f->a);
}

static void test_two_distinct_cycles(void **state)
{
	struct lo_fixture *f = *state;
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	nested(&f->t, f->t2, f->b, f->a, 0, 0);
	nested(&f->t, f->t1, f->b, f->c, 0, 0);
	nested(&f->t, f->t3, f->c, f->b, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 2);
}

static void test_gate_lock_suppresses(void **state)
{
	struct lo_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->g, 0);
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	fake_unlock(&f->t, f->t1, f->g, 0);
	fake_lock(&f->t, f->t2, f->g, 0);
	nested(&f->t, f->t2, f->b, f->a, 0, 0);
	fake_unlock(&f->t, f->t2, f->g, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* The gate holds on one occurrence of an edge but not on another: the
 * ungated pair can deadlock. */
static void test_gate_not_always_held_reports(void **state)
{
	struct lo_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->g, 0);
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	fake_unlock(&f->t, f->t1, f->g, 0);
	fake_lock(&f->t, f->t2, f->g, 0);
	nested(&f->t, f->t2, f->b, f->a, 0, 0);
	fake_unlock(&f->t, f->t2, f->g, 0);
	nested(&f->t, f->t2, f->b, f->a, 0, 0);   /* without the gate */
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
}

/* Gates held pairwise in a 3-cycle: a different gate per pair still
 * excludes every combination. */
static void test_pairwise_gates_suppress(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t g2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	fake_lock(&f->t, f->t1, f->g, 0);
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	fake_unlock(&f->t, f->t1, f->g, 0);
	fake_lock(&f->t, f->t2, f->g, 0);
	fake_lock(&f->t, f->t2, g2, 0);
	nested(&f->t, f->t2, f->b, f->c, 0, 0);
	fake_unlock(&f->t, f->t2, g2, 0);
	fake_unlock(&f->t, f->t2, f->g, 0);
	fake_lock(&f->t, f->t3, g2, 0);
	nested(&f->t, f->t3, f->c, f->a, 0, 0);
	fake_unlock(&f->t, f->t3, g2, 0);
	run(f);
	/* t1 and t3 share no gate, but t2 shares one with each: no combination */
	assert_int_equal(f->r.ndeadlocks, 0);
}

static void test_trylock_edge_ignored(void **state)
{
	struct lo_fixture *f = *state;
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	fake_lock(&f->t, f->t2, f->b, 0);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_TRYLOCK, f->a, 0, 0);
	fake_unlock(&f->t, f->t2, f->a, 0);
	fake_unlock(&f->t, f->t2, f->b, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* A timed acquisition gives up by itself, as a trylock does (a thread
 * that backs off when it times out is correct; TSan agrees): no edge, got
 * or timed out, and the lock got still counts as held. */
static void test_timed_lock_edge_ignored(void **state)
{
	struct lo_fixture *f = *state;
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	fake_lock(&f->t, f->t2, f->b, 0);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_TIMEDLOCK, f->a, 0, ETIMEDOUT);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_CLOCKLOCK, f->a, 0, 0);
	fake_lock(&f->t, f->t2, f->c, 0);   /* a -> c, b -> c */
	fake_unlock(&f->t, f->t2, f->c, 0);
	fake_unlock(&f->t, f->t2, f->a, 0);
	fake_unlock(&f->t, f->t2, f->b, 0);
	nested(&f->t, f->t1, f->c, f->a, 0, 0);   /* c -> a closes a -> c only */
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
	assert_int_equal(f->r.deadlocks[0].ncycle, 2);
	assert_int_equal(f->r.deadlocks[0].cycle[0].holding, f->a);
	assert_int_equal(f->r.deadlocks[0].cycle[0].acquiring, f->c);
}

/* A lock taken by trylock still holds others out: b -> (trylock a) -> c. */
static void test_trylock_acquired_lock_counts_as_held(void **state)
{
	struct lo_fixture *f = *state;
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_TRYLOCK, f->a, 0, 0);
	fake_lock(&f->t, f->t1, f->c, 0);
	fake_unlock(&f->t, f->t1, f->c, 0);
	fake_unlock(&f->t, f->t1, f->a, 0);
	nested(&f->t, f->t2, f->c, f->a, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
}

static void test_rwlock_read_only_cycle_ignored(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t x = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	uint32_t y = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x7000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, x, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, y, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, y, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_RDLOCK, y, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_RDLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, y, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

static void test_rwlock_write_read_cycle_reported(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t x = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	uint32_t y = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x7000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_WRLOCK, x, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, y, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, y, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_WRLOCK, y, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_RDLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, y, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
	assert_true(f->r.deadlocks[0].cycle[0].acquiring_read);
	assert_false(f->r.deadlocks[0].cycle[0].holding_read);
}

/* t1 holds x for reading and wants y for reading; t2 holds y for writing
 * and wants x for reading: t2 does not block on t1's read hold. */
static void test_rwlock_read_hold_read_wait_not_blocking(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t x = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	uint32_t y = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x7000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, x, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, y, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, y, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_WRLOCK, y, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_RDLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, x, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, y, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* One thread takes a then b here, b then a there: reported (lockdep, TSan
 * and Helgrind do), after the cycles that can happen, with the reason. */
static void test_single_thread_cycle_ranked_last(void **state)
{
	struct lo_fixture *f = *state;
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	nested(&f->t, f->t1, f->b, f->a, 0, 0);
	nested(&f->t, f->t2, f->b, f->c, 0, 0);
	nested(&f->t, f->t3, f->c, f->b, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 2);
	assert_true(f->r.deadlocks[0].concurrent);
	assert_int_equal(f->r.deadlocks[0].cycle[0].holding, f->b);
	const struct report_deadlock *d = &f->r.deadlocks[1];
	assert_false(d->concurrent);
	assert_true(d->one_thread);
	assert_non_null(strstr(d->note, "in one thread"));
	assert_int_equal(d->cycle[0].thread, f->t1);
	assert_int_equal(d->cycle[1].thread, f->t1);
}

/* Under a gate lock one thread's two orders can never deadlock either. */
static void test_single_thread_cycle_under_gate_ignored(void **state)
{
	struct lo_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->g, 0);
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	nested(&f->t, f->t1, f->b, f->a, 0, 0);
	fake_unlock(&f->t, f->t1, f->g, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* Past the instances an edge keeps (many held sets), the edge still knows
 * it was taken by one thread only: the same verdict as with few sets. */
static void test_single_thread_cycle_many_held_sets(void **state)
{
	struct lo_fixture *f = *state;
	for (uint32_t i = 0; i < LO_TEST_MANY_SETS; i++) {
		uint32_t extra = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x10000 + i * 0x40);
		fake_lock(&f->t, f->t1, extra, 0);
		nested(&f->t, f->t1, f->a, f->b, 0, 0);
		nested(&f->t, f->t1, f->b, f->a, 0, 0);
		fake_unlock(&f->t, f->t1, extra, 0);
	}
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
	assert_true(f->r.deadlocks[0].one_thread);
}

/* Two threads really blocked on each other: the blocked requests close
 * the cycle, which is an inversion too (the hang analyzer reports the
 * deadlock itself). */
static void test_blocked_requests_close_cycle(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t s1 = fake_stack(&f->t, 0x100, 2), s2 = fake_stack(&f->t, 0x200, 2);
	fake_lock(&f->t, f->t1, f->a, s1);
	fake_lock(&f->t, f->t2, f->b, s2);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->b)->stack = s2;
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->a)->stack = s1;
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->kind, REPORT_DEADLOCK_LOCK_ORDER);
	assert_true(d->concurrent);
	assert_int_equal(d->cycle[0].acquiring_stack, s2);
}

/* A thread that lost events (a damaged trace) may have released what it
 * held: no edge from those locks. */
static void test_gap_forgets_held(void **state)
{
	struct lo_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->a, 0);
	fake_event(&f->t, f->t1, TRACE_OP_DROPPED, 0);  /* the unlock of a was lost */
	nested(&f->t, f->t1, f->b, f->c, 0, 0);  /* with a: a -> c, inverting t2's c -> a */
	nested(&f->t, f->t2, f->c, f->a, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* Same address, destroyed and re-initialized: a new object id. */
static void test_reused_address_ignored(void **state)
{
	struct lo_fixture *f = *state;
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_DESTROY, f->a, 0, 0);
	uint32_t a2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x1000);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_INIT, a2, 0, 0);
	nested(&f->t, f->t2, f->b, a2, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

static void test_recursive_relock_no_self_edge(void **state)
{
	struct lo_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->a, 0);
	fake_lock(&f->t, f->t1, f->b, 0);
	fake_lock(&f->t, f->t1, f->a, 0);   /* recursive: cannot block */
	fake_unlock(&f->t, f->t1, f->a, 0);
	fake_unlock(&f->t, f->t1, f->b, 0);
	fake_unlock(&f->t, f->t1, f->a, 0);
	nested(&f->t, f->t2, f->a, f->b, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* main does a -> b, then creates t which does b -> a: ordered by create. */
static void test_create_ordered_ranked_below(void **state)
{
	struct fake_trace t;
	struct report r;
	fake_trace_init(&t);
	report_init(&r);
	uint32_t a = fake_object(&t, TRACE_OBJ_MUTEX, 0x10), b = fake_object(&t, TRACE_OBJ_MUTEX, 0x20);
	uint32_t c = fake_object(&t, TRACE_OBJ_MUTEX, 0x30), d = fake_object(&t, TRACE_OBJ_MUTEX, 0x40);
	nested(&t, 0, a, b, 0, 0);
	uint32_t t1 = an_spawn(&t, 0, "t1");
	nested(&t, t1, b, a, 0, 0);
	/* and a concurrent c/d inversion between two workers */
	uint32_t t2 = an_spawn(&t, 0, "t2"), t3 = an_spawn(&t, 0, "t3");
	nested(&t, t2, c, d, 0, 0);
	nested(&t, t3, d, c, 0, 0);
	an_run(&analyzer_lock_order, &t, &r);
	report_finalize(&r);
	assert_int_equal(r.ndeadlocks, 2);
	assert_true(r.deadlocks[0].concurrent);
	assert_int_equal(r.deadlocks[0].cycle[0].holding, c);
	assert_false(r.deadlocks[1].concurrent);
	assert_int_equal(r.deadlocks[1].cycle[0].holding, a);
	assert_non_null(r.deadlocks[1].note);
	(void)state;
	report_release(&r);
	fake_trace_release(&t);
}

/* t1 joined before t2 is created: ordered by join. */
static void test_join_ordered(void **state)
{
	struct fake_trace t;
	struct report r;
	fake_trace_init(&t);
	report_init(&r);
	uint32_t a = fake_object(&t, TRACE_OBJ_MUTEX, 0x10), b = fake_object(&t, TRACE_OBJ_MUTEX, 0x20);
	uint32_t t1 = an_spawn(&t, 0, "t1");
	nested(&t, t1, a, b, 0, 0);
	an_end_thread(&t, t1);
	an_join(&t, 0, t1);
	uint32_t t2 = an_spawn(&t, 0, "t2");
	nested(&t, t2, b, a, 0, 0);
	an_run(&analyzer_lock_order, &t, &r);
	report_finalize(&r);
	assert_int_equal(r.ndeadlocks, 1);
	assert_false(r.deadlocks[0].concurrent);
	(void)state;
	report_release(&r);
	fake_trace_release(&t);
}

/* Same as above but main does a -> b again after creating t: concurrent. */
static void test_later_epoch_concurrent(void **state)
{
	struct fake_trace t;
	struct report r;
	fake_trace_init(&t);
	report_init(&r);
	uint32_t a = fake_object(&t, TRACE_OBJ_MUTEX, 0x10), b = fake_object(&t, TRACE_OBJ_MUTEX, 0x20);
	nested(&t, 0, a, b, 0, 0);
	uint32_t t1 = an_spawn(&t, 0, "t1");
	nested(&t, t1, b, a, 0, 0);
	nested(&t, 0, a, b, 0, 0);
	an_run(&analyzer_lock_order, &t, &r);
	report_finalize(&r);
	assert_int_equal(r.ndeadlocks, 1);
	assert_true(r.deadlocks[0].concurrent);
	(void)state;
	report_release(&r);
	fake_trace_release(&t);
}

/* A cond wait releases and reacquires its mutex: holding g across the wait
 * then reacquiring m is an edge g -> m. */
static void test_cond_reacquire_edge(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x9000);
	uint32_t ws = fake_stack(&f->t, 0x900, 1);
	fake_lock(&f->t, f->t1, f->a, 0);
	fake_lock(&f->t, f->t1, f->b, 0);
	struct trace_event *e = fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv);
	e->obj2 = f->b;
	e->stack = ws;
	fake_event(&f->t, f->t1, TRACE_OP_COND_RELEASE, f->b)->obj2 = cv;
	fake_event(&f->t, f->t1, TRACE_OP_COND_REACQUIRE, f->b)->obj2 = cv;
	e = fake_event(&f->t, f->t1, TRACE_OP_COND_WAIT, cv);
	e->obj2 = f->b;
	fake_unlock(&f->t, f->t1, f->b, 0);
	fake_unlock(&f->t, f->t1, f->a, 0);
	nested(&f->t, f->t2, f->b, f->a, 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 1);
}

/* The analysis keeps no global state: twice in one process, same result. */
static void test_runs_twice_identically(void **state)
{
	struct lo_fixture *f = *state;
	struct report r2;
	nested(&f->t, f->t1, f->a, f->b, 0, 0);
	nested(&f->t, f->t2, f->b, f->a, 0, 0);
	run(f);
	report_init(&r2);
	an_run(&analyzer_lock_order, &f->t, &r2);
	report_finalize(&r2);
	assert_int_equal(f->r.ndeadlocks, r2.ndeadlocks);
	assert_memory_equal(f->r.deadlocks[0].cycle, r2.deadlocks[0].cycle,
			    sizeof(struct report_edge) * r2.deadlocks[0].ncycle);
	report_release(&r2);
}

/* Many locks in a consistent order: no cycle, and the search stays quick. */
static void test_consistent_order_large(void **state)
{
	struct lo_fixture *f = *state;
	uint32_t locks[200];
	for (int i = 0; i < 200; i++)
		locks[i] = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x100000 + 0x40 * (uint64_t)i);
	for (int i = 0; i + 1 < 200; i++)
		nested(&f->t, i % 2 ? f->t1 : f->t2, locks[i], locks[i + 1], 0, 0);
	run(f);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* One thread taking 45 locks, 45 times, each time from the next one
 * (TSan's deadlock_detector_stress_test Test19): millions of cycles, each
 * edge taken under many held sets. The search stops at its work bound
 * and says so (it took minutes: the instance search had a budget per
 * cycle only). */
static void test_rotation_bounded(void **state)
{
	struct lo_fixture *f = *state;
	enum { K = 45 };
	uint32_t locks[K];
	for (int i = 0; i < K; i++)
		locks[i] = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x100000 + 0x40 * (uint64_t)i);
	for (int i = 0; i < K; i++) {
		for (int j = 0; j < K; j++)
			fake_lock(&f->t, f->t1, locks[(i + j) % K], 0);
		for (int j = K - 1; j >= 0; j--)
			fake_unlock(&f->t, f->t1, locks[(i + j) % K], 0);
	}
	run(f);
	assert_true(f->r.ndeadlocks > 0 && f->r.ndeadlocks <= 100);   /* LO_MAX_REPORTED */
	assert_true(f->r.deadlocks[0].one_thread);
	bool bounded = false;
	for (size_t i = 0; i < f->r.nnotes; i++)
		bounded |= strstr(f->r.notes[i], "work bound") != NULL;
	assert_true(bounded);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_abba_reported_once_with_stacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_sites_folded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_lock_cycle_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_distinct_cycles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_lock_suppresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_not_always_held_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pairwise_gates_suppress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trylock_edge_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timed_lock_edge_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trylock_acquired_lock_counts_as_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rwlock_read_only_cycle_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rwlock_write_read_cycle_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rwlock_read_hold_read_wait_not_blocking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_thread_cycle_ranked_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_thread_cycle_under_gate_ignored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_single_thread_cycle_many_held_sets, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blocked_requests_close_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap_forgets_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reused_address_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recursive_relock_no_self_edge, setup, teardown),
		cmocka_unit_test(test_create_ordered_ranked_below),
		cmocka_unit_test(test_join_ordered),
		cmocka_unit_test(test_later_epoch_concurrent),
		cmocka_unit_test_setup_teardown(test_cond_reacquire_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_twice_identically, setup, teardown),
		cmocka_unit_test_setup_teardown(test_consistent_order_large, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
