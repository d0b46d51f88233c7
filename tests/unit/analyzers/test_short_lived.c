/* SPDX-License-Identifier: MIT */
/* test_short_lived.c - every analyzer over 100,000 short-lived mutexes
 * (initialized, locked, unlocked, destroyed, one after the other) among a
 * few long-lived locks: its memory follows the locks alive at once (its
 * entries, counted through its state), not every lock made, and its
 * findings are what they were: a use after destroy in the middle is
 * reported, the long-lived locks' inversion too, nothing else. */
#include <errno.h>
#include "an_test.h"

#include "contention.h"
#include "hang.h"
#include "lock_order.h"
#include "misuse.h"

#define N 100000u
#define ADDR 0x7ffc0000ull   /* a mutex on the stack of a loop */

struct sl_fixture {
	struct fake_trace t;
	struct report r;
	uint32_t a, b, t1, t2;
	uint32_t s_init, s_lock, s_uad, s_a, s_b;
	uint32_t reused;          /* the destroyed mutex used again */
};

/* t1 makes N/2 short-lived mutexes, t2 locks one of them after its destroy
 * (use after destroy), t1 makes N/2 more; meanwhile t1 takes a then b, t2
 * b then a (an inversion of two long-lived locks). */
static int setup(void **state)
{
	struct sl_fixture *f = calloc(1, sizeof(*f));
	fake_trace_init(&f->t);
	report_init(&f->r);
	struct fake_trace *t = &f->t;
	f->a = fake_object(t, TRACE_OBJ_MUTEX, 0x601000);
	f->b = fake_object(t, TRACE_OBJ_MUTEX, 0x601040);
	f->t1 = an_spawn(t, 0, "t1");
	f->t2 = an_spawn(t, 0, "t2");
	f->s_init = fake_stack(t, 0x100, 2);
	f->s_lock = fake_stack(t, 0x200, 2);
	f->s_uad = fake_stack(t, 0x300, 2);
	f->s_a = fake_stack(t, 0x400, 2);
	f->s_b = fake_stack(t, 0x500, 2);
	uint32_t first = an_short_lived(t, f->t1, N / 2, ADDR, f->s_init, f->s_lock);
	f->reused = first + N / 4;
	fake_lock(t, f->t2, f->reused, f->s_uad)->result = EINVAL;   /* glibc's answer */
	fake_unlock(t, f->t2, f->reused, f->s_uad)->result = EINVAL;
	fake_lock(t, f->t1, f->a, f->s_a);
	fake_lock(t, f->t1, f->b, f->s_b);
	fake_unlock(t, f->t1, f->b, 0);
	fake_unlock(t, f->t1, f->a, 0);
	an_short_lived(t, f->t1, N / 2, ADDR, f->s_init, f->s_lock);
	fake_lock(t, f->t2, f->b, f->s_b);
	fake_lock(t, f->t2, f->a, f->s_a);
	fake_unlock(t, f->t2, f->a, 0);
	fake_unlock(t, f->t2, f->b, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct sl_fixture *f = *state;
	report_release(&f->r);
	fake_trace_release(&f->t);
	free(f);
	return 0;
}

/* Feeds the events to A's state (S), checking after each event that
 * ENTRIES(S) stays at most MAX; then adds its findings. */
static void feed_bounded(struct sl_fixture *f, const struct analyzer *a,
			 size_t (*entries)(void *s), size_t max)
{
	struct analysis_options opt = { 0 };
	void *s = a->begin(&f->t.cat, &opt);
	size_t most = 0;
	for (size_t i = 0; i < f->t.nev; i++) {
		a->feed(s, &f->t.ev[i]);
		size_t n = entries(s);
		most = n > most ? n : most;
	}
	print_message("%s: at most %zu entries\n", a->name, most);
	assert_true(most <= max);
	a->finish(s, &f->r);
	a->free(s);
	report_finalize(&f->r);
}

/* Pages of entries held: those in use, the idle ones it keeps, spares. */
static size_t table_memory(const struct id_table *t)
{
	return id_table_pages(t) + t->nspare;
}

static size_t misuse_entries(void *s)
{
	const struct misuse *mu = s;
	assert_true(table_memory(&mu->locks) <= 2 * 3 + 2 * ID_TABLE_SLACK + 1);
	return mu->locks.count;
}

static void test_misuse(void **state)
{
	struct sl_fixture *f = *state;
	/* a, b, the short-lived one, the one used after its destroy */
	feed_bounded(f, &analyzer_misuse, misuse_entries, 4);
	assert_int_equal(f->r.nmisuses, 1);
	const struct report_misuse *m = &f->r.misuses[0];
	assert_int_equal(m->kind, REPORT_MISUSE_USE_AFTER_DESTROY);
	assert_int_equal(m->lock, f->reused);
	assert_int_equal(m->stack, f->s_uad);
	assert_int_equal(m->count, 2);   /* its lock and its unlock */
}

/* The hang detector (the "hang" analyzer's state is private to hang.c). */
static void test_hang(void **state)
{
	struct sl_fixture *f = *state;
	struct hang_detector *h = hang_detector_new(&f->t.cat);
	size_t most = 0;
	for (size_t i = 0; i < f->t.nev; i++) {
		hang_detector_feed(h, &f->t.ev[i]);
		size_t n = hang_detector_lock_slots(h);
		most = n > most ? n : most;
	}
	assert_true(most <= 4);
	assert_int_equal(hang_detector_check_final(h, f->t.now, 1000000000ull, &f->r), 0);
	hang_detector_free(h);
	assert_int_equal(f->r.ndeadlocks, 0);
}

static size_t lock_order_entries(void *s)
{
	const struct lock_order *lo = s;
	assert_true(table_memory(&lo->last_writer.t) <= 2 * 3 + 2 * ID_TABLE_SLACK + 1);
	assert_true(lo->nedges <= 2 && lo->nsets <= 4);
	return id_index_count(&lo->last_writer);
}

static void test_lock_order(void **state)
{
	struct sl_fixture *f = *state;
	feed_bounded(f, &analyzer_lock_order, lock_order_entries, 4);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->ncycle, 2);
	for (uint32_t i = 0; i < 2; i++)
		assert_true(d->cycle[i].holding == f->a || d->cycle[i].holding == f->b);
}

static size_t contention_entries(void *s)
{
	const struct contention *ct = s;
	assert_true(table_memory(&ct->slot_of.t) <= 2 * 3 + 2 * ID_TABLE_SLACK + 1);
	assert_true(ct->nlocks <= 4 && ct->nstats <= CONTENTION_CLASS_MIN + 4);
	return id_index_count(&ct->slot_of);
}

static void test_contention(void **state)
{
	struct sl_fixture *f = *state;
	feed_bounded(f, &analyzer_contention, contention_entries, 4);
	const struct report_lockstat *c = NULL;
	for (size_t i = 0; i < f->r.nlockstats; i++)
		if (f->r.lockstats[i].instances)
			c = &f->r.lockstats[i];
	assert_non_null(c);
	assert_true(c->instances >= N);   /* the one used again may count twice */
	assert_int_equal(c->acquisitions, N);   /* the lock after the destroy failed */
	assert_int_equal(f->r.nlockstats, 3);   /* the class, a, b */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_misuse), T(test_hang), T(test_lock_order), T(test_contention),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
