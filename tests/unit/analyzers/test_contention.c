/* SPDX-License-Identifier: MIT */
/* test_contention.c - analyzers/contention.c: per-lock counters, wait and
 * hold times, histograms, owner changes, per-site waits and holder blame,
 * waits on other objects, ordering and "every lock appears"; lock classes
 * (many locks initialized at one stack are one lockstat) and bounded memory. */
#include "an_test.h"
#include "contention.h"

#define US 1000ull

struct ct_fixture {
	struct fake_trace t;
	struct report r;
	uint32_t m, idle, t1, t2, t3;
	uint32_t s_hold1, s_hold2, s_wait;
};

static int setup(void **state)
{
	struct ct_fixture *f = calloc(1, sizeof(*f));
	fake_trace_init(&f->t);
	report_init(&f->r);
	f->m = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x1000);
	f->idle = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x2000);
	f->t1 = an_spawn(&f->t, 0, "t1");
	f->t2 = an_spawn(&f->t, 0, "t2");
	f->t3 = an_spawn(&f->t, 0, "t3");
	f->s_hold1 = fake_stack(&f->t, 0x100, 1);
	f->s_hold2 = fake_stack(&f->t, 0x200, 1);
	f->s_wait = fake_stack(&f->t, 0x300, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct ct_fixture *f = *state;
	report_release(&f->r);
	fake_trace_release(&f->t);
	free(f);
	return 0;
}

static const struct report_lockstat *stat_of(const struct report *r, uint32_t lock)
{
	for (size_t i = 0; i < r->nlockstats; i++)
		if (r->lockstats[i].lock == lock)
			return &r->lockstats[i];
	fail_msg("no lockstat for lock %u", lock);
	return NULL;
}

static void at(struct ct_fixture *f, uint64_t us)
{
	fake_trace_at(&f->t, 10000000 + us * US);
}

/*  t1 holds m [0, 100us) from s_hold1; t2 holds m [100, 130us) from s_hold2;
 *  t3 waits from 10us to 130us at s_wait: blamed 90us on s_hold1 and 30us
 *  on s_hold2. */
static void scenario(struct ct_fixture *f)
{
	at(f, 0);
	fake_lock(&f->t, f->t1, f->m, f->s_hold1);
	at(f, 5);
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->m)->stack = f->s_hold2;
	at(f, 10);
	fake_begin(&f->t, f->t3, TRACE_OP_MUTEX_LOCK, f->m)->stack = f->s_wait;
	at(f, 100);
	fake_unlock(&f->t, f->t1, f->m, 0);
	at(f, 100);
	struct trace_event *e = fake_lock(&f->t, f->t2, f->m, f->s_hold2);
	e->had_begin = 1;
	e->begin_ns = 10000000 + 5 * US;
	at(f, 130);
	fake_unlock(&f->t, f->t2, f->m, 0);
	at(f, 130);
	e = fake_lock(&f->t, f->t3, f->m, f->s_wait);
	e->had_begin = 1;
	e->begin_ns = 10000000 + 10 * US;
	at(f, 140);
	fake_unlock(&f->t, f->t3, f->m, 0);
}

static void run(struct ct_fixture *f)
{
	an_run(&analyzer_contention, &f->t, &f->r);
	report_finalize(&f->r);
}

static void test_counters(void **state)
{
	struct ct_fixture *f = *state;
	scenario(f);
	run(f);
	const struct report_lockstat *s = stat_of(&f->r, f->m);
	assert_int_equal(s->acquisitions, 3);
	assert_int_equal(s->contended, 2);
	assert_int_equal(s->wait_ns, 95 * US + 120 * US);
	assert_int_equal(s->max_wait_ns, 120 * US);
	assert_int_equal(s->hold_ns, 100 * US + 30 * US + 10 * US);
	assert_int_equal(s->max_hold_ns, 100 * US);
	assert_int_equal(s->owner_changes, 2);
	uint64_t waits = 0, holds = 0;
	for (int b = 0; b < REPORT_HIST_BUCKETS; b++) {
		waits += s->wait_hist[b];
		holds += s->hold_hist[b];
	}
	assert_int_equal(waits, 2);
	assert_int_equal(holds, 3);
	assert_int_equal(s->hold_hist[report_hist_bucket(100 * US)], 1);
}

static void test_sites_and_blame(void **state)
{
	struct ct_fixture *f = *state;
	scenario(f);
	run(f);
	const struct report_lockstat *s = stat_of(&f->r, f->m);
	assert_int_equal(s->nsites, 2);
	/* sorted by wait: the s_wait site first */
	assert_int_equal(s->sites[0].stack, f->s_wait);
	assert_int_equal(s->sites[0].wait_ns, 120 * US);
	assert_int_equal(s->sites[0].contended, 1);
	assert_int_equal(s->sites[0].nblamed, 2);
	assert_int_equal(s->sites[0].blamed_holder_stack, f->s_hold1);
	assert_int_equal(s->sites[0].blamed[0].wait_ns, 90 * US);
	assert_int_equal(s->sites[0].blamed[1].stack, f->s_hold2);
	assert_int_equal(s->sites[0].blamed[1].wait_ns, 30 * US);
	assert_int_equal(s->sites[1].stack, f->s_hold2);
	assert_int_equal(s->sites[1].blamed_holder_stack, f->s_hold1);
	assert_int_equal(s->sites[1].blamed[0].wait_ns, 95 * US);
}

static void test_every_lock_sorted(void **state)
{
	struct ct_fixture *f = *state;
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_INIT, f->idle, 0, 0);
	scenario(f);
	run(f);
	assert_int_equal(f->r.nlockstats, 2);
	assert_int_equal(f->r.lockstats[0].lock, f->m);
	assert_int_equal(f->r.lockstats[1].lock, f->idle);
	assert_int_equal(f->r.lockstats[1].acquisitions, 0);
}

static void test_equal_waits_tie_break_by_id(void **state)
{
	struct ct_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->idle, 0);
	fake_unlock(&f->t, f->t1, f->idle, 0);
	fake_lock(&f->t, f->t1, f->m, 0);
	fake_unlock(&f->t, f->t1, f->m, 0);
	run(f);
	assert_int_equal(f->r.nlockstats, 2);
	assert_int_equal(f->r.lockstats[0].lock, f->m);
	assert_int_equal(f->r.lockstats[1].lock, f->idle);
}

/* Readers holding an rwlock both make a writer wait. */
static void test_rwlock_readers_blamed(void **state)
{
	struct ct_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x3000);
	at(f, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s_hold1, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_RDLOCK, rw, f->s_hold2, 0);
	at(f, 10);
	fake_begin(&f->t, f->t3, TRACE_OP_RWLOCK_WRLOCK, rw)->stack = f->s_wait;
	at(f, 50);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, rw, 0, 0);
	at(f, 70);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, rw, 0, 0);
	at(f, 70);
	struct trace_event *e = an_call(&f->t, f->t3, TRACE_OP_RWLOCK_WRLOCK, rw, f->s_wait, 0);
	e->had_begin = 1;
	e->begin_ns = 10000000 + 10 * US;
	run(f);
	const struct report_lockstat *s = stat_of(&f->r, rw);
	assert_int_equal(s->acquisitions, 3);
	assert_int_equal(s->contended, 1);
	assert_int_equal(s->nsites, 1);
	assert_int_equal(s->sites[0].nblamed, 2);
	assert_int_equal(s->sites[0].blamed_holder_stack, f->s_hold2);
	assert_int_equal(s->sites[0].blamed[0].wait_ns, 60 * US);
	assert_int_equal(s->sites[0].blamed[1].wait_ns, 40 * US);
}

static void test_timeout_counted_as_wait(void **state)
{
	struct ct_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, 0);
	an_lock_wait(&f->t, f->t2, TRACE_OP_MUTEX_TIMEDLOCK, f->m, f->s_wait, 20000000, 21000000)->result =
		ETIMEDOUT;
	run(f);
	const struct report_lockstat *s = stat_of(&f->r, f->m);
	assert_int_equal(s->acquisitions, 1);
	assert_int_equal(s->timeouts, 1);
	assert_int_equal(s->contended, 1);
	assert_int_equal(s->wait_ns, 1000000);
}

static void test_cond_and_join_waits(void **state)
{
	struct ct_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x4000);
	uint32_t th = fake_object(&f->t, TRACE_OBJ_THREAD, 0x7f0000002000ull);
	an_lock_wait(&f->t, f->t1, TRACE_OP_COND_WAIT, cv, f->s_wait, 30000000, 30500000)->obj2 = f->m;
	an_lock_wait(&f->t, 0, TRACE_OP_JOIN, th, f->s_hold1, 31000000, 33000000)->peer_thread = f->t1;
	run(f);
	const struct report_lockstat *c = stat_of(&f->r, cv);
	assert_int_equal(c->acquisitions, 1);
	assert_int_equal(c->wait_ns, 500000);
	assert_int_equal(c->hold_ns, 0);
	const struct report_lockstat *j = stat_of(&f->r, th);
	assert_int_equal(j->wait_ns, 2000000);
	assert_int_equal(f->r.lockstats[0].lock, th);   /* largest wait first */
}

/* ---- classes: locks of one kind initialized at one stack ---- */

/* N mutexes initialized at STACK, each locked by T1 (unlocked) and
 * destroyed: the life of a short-lived lock. Returns the first id. */
static uint32_t short_lived(struct ct_fixture *f, unsigned n, uint32_t stack)
{
	return an_short_lived(&f->t, f->t1, n, 0x9000, stack, f->s_hold1);
}

static void test_class_of_many_is_one_lockstat(void **state)
{
	struct ct_fixture *f = *state;
	uint32_t s_init = fake_stack(&f->t, 0x500, 2);
	uint32_t first = short_lived(f, CONTENTION_CLASS_MIN + 4, s_init);
	fake_lock(&f->t, f->t2, f->m, f->s_hold2);
	fake_unlock(&f->t, f->t2, f->m, 0);
	run(f);
	assert_int_equal(f->r.nlockstats, 2);
	const struct report_lockstat *c = stat_of(&f->r, first);
	assert_int_equal(c->instances, CONTENTION_CLASS_MIN + 4);
	assert_int_equal(c->acquisitions, CONTENTION_CLASS_MIN + 4);
	uint64_t holds = 0;
	for (int b = 0; b < REPORT_HIST_BUCKETS; b++)
		holds += c->hold_hist[b];
	assert_int_equal(holds, CONTENTION_CLASS_MIN + 4);
	assert_int_equal(stat_of(&f->r, f->m)->instances, 0);   /* alone: itself */
}

static void test_class_of_few_shows_each(void **state)
{
	struct ct_fixture *f = *state;
	uint32_t s_init = fake_stack(&f->t, 0x500, 2);
	uint32_t first = short_lived(f, CONTENTION_CLASS_MIN - 1, s_init);
	run(f);
	assert_int_equal(f->r.nlockstats, CONTENTION_CLASS_MIN - 1);
	for (uint32_t i = 0; i < CONTENTION_CLASS_MIN - 1; i++) {
		const struct report_lockstat *s = stat_of(&f->r, first + i);
		assert_int_equal(s->instances, 0);
		assert_int_equal(s->acquisitions, 1);
	}
}

/* Each member of a class is held by T1 while T2 waits for it at s_wait:
 * one site for the class, the waits and the blame added up. */
static void test_class_sites_and_blame_add_up(void **state)
{
	struct ct_fixture *f = *state;
	const unsigned n = CONTENTION_CLASS_MIN * 2;
	uint32_t s_init = fake_stack(&f->t, 0x500, 2), first = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = 20000000 + i * 100 * US;
		uint32_t m = fake_object(&f->t, TRACE_OBJ_MUTEX, 0xa000 + i * 64);
		fake_object_desc(&f->t, m)->init_stack = s_init;
		first = first ? first : m;
		fake_trace_at(&f->t, t0);
		fake_lock(&f->t, f->t1, m, f->s_hold1);
		fake_trace_at(&f->t, t0 + 2 * US);
		fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, m)->stack = f->s_wait;
		fake_trace_at(&f->t, t0 + 12 * US);
		fake_unlock(&f->t, f->t1, m, 0);
		fake_trace_at(&f->t, t0 + 12 * US);
		struct trace_event *e = fake_lock(&f->t, f->t2, m, f->s_wait);
		e->had_begin = 1;
		e->begin_ns = t0 + 2 * US;
		fake_unlock(&f->t, f->t2, m, 0);
	}
	run(f);
	assert_int_equal(f->r.nlockstats, 1);
	const struct report_lockstat *c = stat_of(&f->r, first);
	assert_int_equal(c->instances, n);
	assert_int_equal(c->acquisitions, 2 * n);
	assert_int_equal(c->contended, n);
	assert_int_equal(c->wait_ns, n * 10 * US);
	assert_int_equal(c->max_wait_ns, 10 * US);
	assert_int_equal(c->nsites, 1);
	assert_int_equal(c->sites[0].stack, f->s_wait);
	assert_int_equal(c->sites[0].contended, n);
	assert_int_equal(c->sites[0].blamed_holder_stack, f->s_hold1);
	assert_int_equal(c->sites[0].blamed[0].wait_ns, n * 10 * US);
}

/* Memory follows live locks and classes: after thousands of short-lived
 * mutexes the analysis holds a slot or two and a class's records. */
static void test_class_memory_bounded(void **state)
{
	struct ct_fixture *f = *state;
	uint32_t s_init = fake_stack(&f->t, 0x500, 2);
	short_lived(f, 5000, s_init);
	struct analysis_options opt = { 0 };
	struct contention *ct = analyzer_contention.begin(&f->t.cat, &opt);
	for (size_t i = 0; i < f->t.nev; i++)
		analyzer_contention.feed(ct, &f->t.ev[i]);
	assert_true(ct->nlocks <= 2);
	assert_true(ct->nstats <= CONTENTION_CLASS_MIN + 1);
	assert_int_equal(ct->nclasses, 1);
	analyzer_contention.finish(ct, &f->r);
	analyzer_contention.free(ct);
	assert_int_equal(f->r.nlockstats, 1);
	assert_int_equal(f->r.lockstats[0].instances, 5000);
}

/* A lock used after it was destroyed is still one lockstat. */
static void test_use_after_destroy_one_lockstat(void **state)
{
	struct ct_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s_hold1);
	fake_unlock(&f->t, f->t1, f->m, 0);
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_DESTROY, f->m, 0, 0);
	fake_lock(&f->t, f->t2, f->m, f->s_hold2);
	run(f);
	assert_int_equal(f->r.nlockstats, 1);
	assert_int_equal(f->r.lockstats[0].acquisitions, 2);
	assert_int_equal(f->r.lockstats[0].instances, 0);
	assert_int_equal(f->r.lockstats[0].owner_changes, 0);
}

/* Without stacks (--stack-depth 0) a class is one address: a lock made
 * again and again on the stack is one class, distinct globals are not. */
static void test_class_without_stacks_by_address(void **state)
{
	struct ct_fixture *f = *state;
	uint32_t first = short_lived(f, CONTENTION_CLASS_MIN + 1, 0);
	for (unsigned i = 0; i < CONTENTION_CLASS_MIN + 1; i++) {
		uint32_t g = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x601000 + i * 64);
		fake_lock(&f->t, f->t2, g, 0);
		fake_unlock(&f->t, f->t2, g, 0);
	}
	run(f);
	assert_int_equal(f->r.nlockstats, 1 + CONTENTION_CLASS_MIN + 1);
	assert_int_equal(stat_of(&f->r, first)->instances, CONTENTION_CLASS_MIN + 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_counters), T(test_sites_and_blame), T(test_every_lock_sorted),
		T(test_equal_waits_tie_break_by_id), T(test_rwlock_readers_blamed),
		T(test_timeout_counted_as_wait), T(test_cond_and_join_waits),
		T(test_class_of_many_is_one_lockstat), T(test_class_of_few_shows_each),
		T(test_class_sites_and_blame_add_up), T(test_class_memory_bounded),
		T(test_use_after_destroy_one_lockstat), T(test_class_without_stacks_by_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
