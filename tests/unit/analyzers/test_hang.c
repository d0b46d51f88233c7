/* SPDX-License-Identifier: MIT */
/* test_hang.c - analyzers/hang.c: wait-for cycles through mutex, rwlock and
 * spinlock owners in the final (or live) state, self-deadlock, a dead
 * owner, stalls, and the settle time of the live check. */
#include "an_test.h"

#include "hang.h"

#define MS 1000000ull

struct hg_fixture {
	struct fake_trace t;
	struct report r;
	uint32_t a, b, t1, t2;
	uint32_t s_a1, s_b1, s_b2, s_a2;
};

static int setup(void **state)
{
	struct hg_fixture *f = calloc(1, sizeof(*f));
	fake_trace_init(&f->t);
	report_init(&f->r);
	f->a = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x1000);
	f->b = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x2000);
	f->t1 = an_spawn(&f->t, 0, "t1");
	f->t2 = an_spawn(&f->t, 0, "t2");
	f->s_a1 = fake_stack(&f->t, 0x100, 1);
	f->s_b1 = fake_stack(&f->t, 0x200, 1);
	f->s_b2 = fake_stack(&f->t, 0x300, 1);
	f->s_a2 = fake_stack(&f->t, 0x400, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct hg_fixture *f = *state;
	report_release(&f->r);
	fake_trace_release(&f->t);
	free(f);
	return 0;
}

/* t1 holds a and waits for b; t2 holds b and waits for a. Main joins. */
static void abba_hang(struct hg_fixture *f)
{
	fake_lock(&f->t, f->t1, f->a, f->s_a1);
	fake_lock(&f->t, f->t2, f->b, f->s_b2);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->b)->stack = f->s_b1;
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->a)->stack = f->s_a2;
	fake_begin(&f->t, 0, TRACE_OP_JOIN, 0);
}

static int check_final(struct hg_fixture *f, uint64_t end, uint64_t stall)
{
	struct hang_detector *h = hang_detector_new(&f->t.cat);
	for (size_t i = 0; i < f->t.nev; i++)
		hang_detector_feed(h, &f->t.ev[i]);
	int rc = hang_detector_check_final(h, end, stall, &f->r);
	hang_detector_free(h);
	return rc;
}

static void test_abba_cycle(void **state)
{
	struct hg_fixture *f = *state;
	abba_hang(f);
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->kind, REPORT_DEADLOCK_HANG);
	assert_int_equal(d->ncycle, 2);
	const struct report_edge *e = &d->cycle[0];
	assert_int_equal(e->thread, f->t1);
	assert_int_equal(e->acquiring, f->b);
	assert_int_equal(e->owner, f->t2);
	assert_int_equal(e->acquiring_stack, f->s_b1);
	assert_int_equal(e->holding, f->a);
	assert_int_equal(e->holding_stack, f->s_a1);
	assert_int_equal(e->op, TRACE_OP_MUTEX_LOCK);
	assert_true(e->wait_ns > 0);
	e = &d->cycle[1];
	assert_int_equal(e->thread, f->t2);
	assert_int_equal(e->acquiring, f->a);
	assert_int_equal(e->owner, f->t1);
	assert_int_equal(e->holding, f->b);
	assert_int_equal(e->holding_stack, f->s_b2);
}

static void test_live_settle_time(void **state)
{
	struct hg_fixture *f = *state;
	abba_hang(f);
	struct hang_detector *h = hang_detector_new(&f->t.cat);
	for (size_t i = 0; i < f->t.nev; i++)
		hang_detector_feed(h, &f->t.ev[i]);
	/* just formed: not yet */
	assert_int_equal(hang_detector_check(h, f->t.now, 0, &f->r), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
	assert_int_equal(hang_detector_check(h, f->t.now + HANG_SETTLE_NS + MS, 0, &f->r), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
	hang_detector_free(h);
}

/* The lock was handed over: t1 waited, t2 released, t1 got it. */
static void test_no_cycle_after_handover(void **state)
{
	struct hg_fixture *f = *state;
	fake_lock(&f->t, f->t2, f->a, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a);
	fake_unlock(&f->t, f->t2, f->a, 0);
	fake_lock(&f->t, f->t1, f->a, 0)->had_begin = 1;
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->a);   /* t2 waits for t1: no cycle */
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

static void test_self_relock(void **state)
{
	struct hg_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->a, f->s_a1);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a)->stack = f->s_b1;
	assert_int_equal(check_final(f, f->t.now + MS, 0), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->ncycle, 1);
	assert_int_equal(d->cycle[0].owner, f->t1);
	assert_int_equal(d->cycle[0].holding, f->a);
	assert_int_equal(d->cycle[0].acquiring, f->a);
	assert_int_equal(d->cycle[0].holding_stack, f->s_a1);
	assert_non_null(d->note);
}

static void test_recursive_relock_not_hang(void **state)
{
	struct hg_fixture *f = *state;
	fake_object_desc(&f->t, f->a)->attr = TRACE_MUTEX_RECURSIVE;
	fake_object_desc(&f->t, f->a)->initialized = true;
	fake_lock(&f->t, f->t1, f->a, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a);
	assert_int_equal(check_final(f, f->t.now + MS, 0), 0);
}

/* rwlock: t1 holds x for reading and waits for a; t2 holds a and wants x
 * for writing: blocked by the reader. */
static void test_rwlock_reader_cycle(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t x = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x5000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, x, 0, 0);
	fake_lock(&f->t, f->t2, f->a, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a);
	fake_begin(&f->t, f->t2, TRACE_OP_RWLOCK_WRLOCK, x);
	assert_int_equal(check_final(f, f->t.now + MS, 0), 1);
	assert_int_equal(f->r.deadlocks[0].ncycle, 2);
	assert_true(f->r.deadlocks[0].cycle[0].holding_read || f->r.deadlocks[0].cycle[1].holding_read);
}

/* Two readers and a reader waiting: no conflict, no cycle. */
static void test_rwlock_readers_no_cycle(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t x = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x5000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, x, 0, 0);
	fake_lock(&f->t, f->t2, f->a, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a);
	fake_begin(&f->t, f->t2, TRACE_OP_RWLOCK_RDLOCK, x);
	assert_int_equal(check_final(f, f->t.now + MS, 0), 0);
}

static void test_spinlock_cycle(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t x = fake_object(&f->t, TRACE_OBJ_SPINLOCK, 0x5000);
	an_call(&f->t, f->t1, TRACE_OP_SPIN_LOCK, x, 0, 0);
	fake_lock(&f->t, f->t2, f->a, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a);
	fake_begin(&f->t, f->t2, TRACE_OP_SPIN_LOCK, x);
	assert_int_equal(check_final(f, f->t.now + MS, 0), 1);
}

/* t2 ended holding a, t1 waits for it. Another thread may still unlock
 * a normal mutex (glibc lets it): for good once main blocks too. */
static void test_dead_owner(void **state)
{
	struct hg_fixture *f = *state;
	fake_lock(&f->t, f->t2, f->a, 0);
	an_end_thread(&f->t, f->t2);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a);
	fake_event(&f->t, 0, TRACE_OP_MUTEX_INIT, f->b);   /* main runs */
	assert_int_equal(check_final(f, f->t.now + MS, 0), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
	fake_begin(&f->t, 0, TRACE_OP_JOIN, 0);
	assert_int_equal(check_final(f, f->t.now + MS, 0), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
	assert_int_equal(f->r.deadlocks[0].cycle[0].owner, f->t2);
}

/* Only the owner unlocks an error-checking mutex: for good at once; a
 * robust one's waiter gets EOWNERDEAD: never. */
static void test_dead_owner_errorcheck_robust(void **state)
{
	struct hg_fixture *f = *state;
	fake_object_desc(&f->t, f->a)->attr = TRACE_MUTEX_ERRORCHECK;
	fake_object_desc(&f->t, f->b)->attr = TRACE_MUTEX_ERRORCHECK | TRACE_MUTEX_ROBUST;
	fake_lock(&f->t, f->t2, f->a, 0);
	fake_lock(&f->t, f->t2, f->b, 0);
	an_end_thread(&f->t, f->t2);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->b);
	fake_event(&f->t, 0, TRACE_OP_MUTEX_INIT, f->b);   /* main runs */
	assert_int_equal(check_final(f, f->t.now + MS, 0), 0);
	fake_begin(&f->t, 0, TRACE_OP_MUTEX_LOCK, f->a);
	assert_int_equal(check_final(f, f->t.now + MS, 0), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
	assert_int_equal(f->r.deadlocks[0].cycle[0].thread, 0);
}

/* A binary semaphore taken by t2, which ended, waited for by t1 while
 * main joins: a signal handler may still post it (sem_post is
 * async-signal-safe): no deadlock, and no stall. */
static void test_dead_owner_semaphore(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t s = fake_object(&f->t, TRACE_OBJ_SEM, 0x7000);
	fake_lock(&f->t, f->t2, s, 0);
	an_end_thread(&f->t, f->t2);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, s);
	fake_begin(&f->t, 0, TRACE_OP_JOIN, 0);
	assert_int_equal(check_final(f, f->t.now + 20000 * MS, 10000 * MS), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* Main joins t1, which has ended: the join returns (its END not written
 * yet when the watchdog looks): no stall, however long main waited. */
static void test_join_of_ended_thread_no_stall(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t th1 = fake_thread_object(&f->t, f->t1);
	fake_begin(&f->t, 0, TRACE_OP_JOIN, th1);
	an_end_thread(&f->t, f->t1);
	an_end_thread(&f->t, f->t2);
	assert_int_equal(check_final(f, f->t.now + 20000 * MS, 1000 * MS), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* t1 holds a and joins t2, which waits for a: a deadlock through the join
 * (found in the settle time, not after the stall timeout). */
static void test_join_cycle(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t th2 = fake_thread_object(&f->t, f->t2);
	fake_lock(&f->t, f->t1, f->a, f->s_a1);
	fake_begin(&f->t, f->t1, TRACE_OP_JOIN, th2);
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->a)->stack = f->s_a2;
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->kind, REPORT_DEADLOCK_HANG);
	assert_int_equal(d->ncycle, 2);
	const struct report_edge *join = d->cycle[0].thread == f->t1 ? &d->cycle[0] : &d->cycle[1];
	const struct report_edge *lock = join == &d->cycle[0] ? &d->cycle[1] : &d->cycle[0];
	assert_int_equal(join->op, TRACE_OP_JOIN);
	assert_int_equal(join->waiting_for, f->t2);
	assert_int_equal(join->owner, TRACE_NONE);
	assert_int_equal(join->holding, f->a);
	assert_int_equal(join->holding_stack, f->s_a1);
	assert_int_equal(lock->thread, f->t2);
	assert_int_equal(lock->owner, f->t1);
	assert_int_equal(lock->acquiring_stack, f->s_a2);
	assert_int_equal(lock->holding, 0);   /* t1 waits for t2's end, not a lock */
}

/* t2 runs the routine of once o (its once call began, then it waited for
 * a) while t1 holds a and waits on o: a deadlock through the once. While
 * the runner has made no record since its call began, it looks like a
 * waiter: no runner, no cycle. */
static void test_once_cycle(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t o = fake_object(&f->t, TRACE_OBJ_ONCE, 0x5000);
	fake_begin(&f->t, f->t2, TRACE_OP_ONCE, o);
	fake_lock(&f->t, f->t1, f->a, f->s_a1);
	fake_begin(&f->t, f->t1, TRACE_OP_ONCE, o);
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 0);
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->a);
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->kind, REPORT_DEADLOCK_HANG);
	assert_int_equal(d->ncycle, 2);
	const struct report_edge *once = d->cycle[0].thread == f->t1 ? &d->cycle[0] : &d->cycle[1];
	assert_int_equal(once->op, TRACE_OP_ONCE);
	assert_int_equal(once->waiting_for, f->t2);
	assert_int_equal(once->owner, TRACE_NONE);
	assert_int_equal(once->holding, f->a);
}

/* The same with the joiner made after the thread it joins: found once. */
static void test_join_cycle_once(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t th1 = fake_thread_object(&f->t, f->t1);
	fake_lock(&f->t, f->t2, f->a, f->s_a1);
	fake_begin(&f->t, f->t2, TRACE_OP_JOIN, th1);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->a);
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
}

/* A cycle with one wait timed: it gives up by itself (a program that
 * backs off is correct), so no deadlock. */
static void test_timed_lock_no_cycle(void **state)
{
	struct hg_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->a, f->s_a1);
	fake_lock(&f->t, f->t2, f->b, f->s_b2);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_TIMEDLOCK, f->b);
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->a);
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* ... nor with a timed join. */
static void test_timed_join_no_cycle(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t th2 = fake_thread_object(&f->t, f->t2);
	fake_lock(&f->t, f->t1, f->a, f->s_a1);
	fake_begin(&f->t, f->t1, TRACE_OP_TIMEDJOIN_NP, th2);
	fake_begin(&f->t, f->t2, TRACE_OP_MUTEX_LOCK, f->a);
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* Everyone waits, one of them on a semaphore: a signal handler may post it
 * (a daemon waiting for SIGTERM, CPython's every wait): no stall. */
static void test_no_stall_on_semaphore(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	fake_lock(&f->t, f->t1, f->a, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv)->obj2 = f->a;
	fake_event(&f->t, f->t1, TRACE_OP_COND_RELEASE, f->a)->obj2 = cv;
	fake_begin(&f->t, f->t2, TRACE_OP_SEM_WAIT, fake_object(&f->t, TRACE_OBJ_SEM, 0x8000));
	fake_begin(&f->t, 0, TRACE_OP_SEM_WAIT, fake_object(&f->t, TRACE_OBJ_SEM, 0x9000));
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* Everyone waits on a cond / join for a long time: a stall. */
static void test_stall(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	uint32_t th1 = fake_thread_object(&f->t, f->t1);
	fake_lock(&f->t, f->t1, f->a, 0);
	struct trace_event *e = fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv);
	e->obj2 = f->a;
	fake_event(&f->t, f->t1, TRACE_OP_COND_RELEASE, f->a)->obj2 = cv;
	fake_begin(&f->t, f->t2, TRACE_OP_BARRIER_WAIT, fake_object(&f->t, TRACE_OBJ_BARRIER, 0x8000));
	fake_begin(&f->t, 0, TRACE_OP_JOIN, th1);
	uint64_t end = f->t.now + 5000 * MS;
	assert_int_equal(check_final(f, end, 1000 * MS), 1);
	assert_int_equal(f->r.ndeadlocks, 1);
	const struct report_deadlock *d = &f->r.deadlocks[0];
	assert_int_equal(d->kind, REPORT_DEADLOCK_STALL);
	assert_int_equal(d->ncycle, 3);
	assert_int_equal(d->cycle[0].thread, 0);
	assert_int_equal(d->cycle[0].waiting_for, f->t1);
	assert_int_equal(d->cycle[1].acquiring, cv);
	assert_int_equal(d->cycle[1].holding, 0);   /* the wait released its mutex */
}

/* Main waits on a condition that t1 signals just before it ends, and t2
 * leaves a barrier that t1... waits on no more: the waits were released,
 * their ENDs not yet written (main not yet scheduled): no stall. Before
 * the wake, the same state is one. */
static void test_no_stall_when_woken(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	uint32_t bar = fake_object(&f->t, TRACE_OBJ_BARRIER, 0x8000);
	fake_lock(&f->t, 0, f->a, 0);
	fake_begin(&f->t, 0, TRACE_OP_COND_WAIT, cv)->obj2 = f->a;
	fake_event(&f->t, 0, TRACE_OP_COND_RELEASE, f->a)->obj2 = cv;
	fake_begin(&f->t, f->t1, TRACE_OP_BARRIER_WAIT, bar);
	fake_begin(&f->t, f->t2, TRACE_OP_JOIN, 0);
	uint64_t end = f->t.now + 5000 * MS;
	assert_int_equal(check_final(f, end, 1000 * MS), 1);   /* nobody woken: a stall */
	assert_int_equal(f->r.deadlocks[0].kind, REPORT_DEADLOCK_STALL);
	report_release(&f->r);
	report_init(&f->r);
	fake_event(&f->t, f->t2, TRACE_OP_JOIN, 0);
	fake_event(&f->t, f->t2, TRACE_OP_COND_SIGNAL, cv);
	fake_begin(&f->t, f->t2, TRACE_OP_BARRIER_WAIT, bar);
	fake_event(&f->t, f->t2, TRACE_OP_BARRIER_WAIT, bar);   /* the round is complete */
	an_end_thread(&f->t, f->t2);
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* t1 unlocks the lock main waits for, then ends before main runs; t2
 * joins: main gets the lock once scheduled, no stall. If t2 had got it
 * first (and blocked), main would wait again. */
static void test_no_stall_after_unlock(void **state)
{
	struct hg_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->a, 0);
	fake_begin(&f->t, 0, TRACE_OP_MUTEX_LOCK, f->a);
	fake_begin(&f->t, f->t2, TRACE_OP_JOIN, 0);
	fake_unlock(&f->t, f->t1, f->a, 0);
	an_end_thread(&f->t, f->t1);
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
	fake_event(&f->t, f->t2, TRACE_OP_JOIN, 0);
	fake_lock(&f->t, f->t2, f->a, 0);   /* t2 took it first: main waits again */
	fake_begin(&f->t, f->t2, TRACE_OP_JOIN, 0);
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 1);
}

/* Main joins t1, which waits with a timeout longer than the stall
 * timeout, t2 is in a join too: t1 will run again, no stall. */
static void test_no_stall_in_timed_wait(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	fake_lock(&f->t, f->t1, f->a, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_COND_TIMEDWAIT, cv)->obj2 = f->a;
	fake_event(&f->t, f->t1, TRACE_OP_COND_RELEASE, f->a)->obj2 = cv;
	fake_begin(&f->t, f->t2, TRACE_OP_JOIN, 0);
	fake_begin(&f->t, 0, TRACE_OP_JOIN, 0);
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
	assert_int_equal(f->r.ndeadlocks, 0);
}

static void test_no_stall_when_one_runs_or_too_short(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv);
	fake_begin(&f->t, 0, TRACE_OP_JOIN, 0);
	fake_lock(&f->t, f->t2, f->a, 0);              /* t2 is running */
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
	fake_begin(&f->t, f->t2, TRACE_OP_COND_WAIT, cv);
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 1000 * MS), 0);   /* too short */
	assert_int_equal(check_final(f, f->t.now + 10 * MS, 0), 0);           /* disabled */
	assert_int_equal(f->r.ndeadlocks, 0);
}

/* A process that exited is not stalled even if its threads were blocked. */
static void test_exited_process_no_stall(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv);
	fake_begin(&f->t, f->t2, TRACE_OP_COND_WAIT, cv);
	fake_event(&f->t, 0, TRACE_OP_PROC_EXIT, 0);
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
}

/* An image replaced by exec is over, not blocked in exec; if the exec
 * fails (its END), the image goes on and can stall. */
static void test_exec_is_not_a_wait(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv);
	fake_begin(&f->t, f->t2, TRACE_OP_COND_WAIT, cv);
	fake_begin(&f->t, 0, TRACE_OP_EXEC, 0);
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
	fake_event(&f->t, 0, TRACE_OP_EXEC, 0)->result = ENOENT;
	fake_begin(&f->t, 0, TRACE_OP_JOIN, 0);
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 1);
	assert_int_equal(f->r.deadlocks[0].kind, REPORT_DEADLOCK_STALL);
}

/* A process ended by a signal while its threads wait (a pool worker that
 * is terminated) is over, not stalled. */
static void test_signalled_process_no_stall(void **state)
{
	struct hg_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x7000);
	fake_begin(&f->t, f->t1, TRACE_OP_SEM_WAIT, fake_object(&f->t, TRACE_OBJ_SEM, 0x8000));
	fake_begin(&f->t, f->t2, TRACE_OP_COND_WAIT, cv);
	fake_begin(&f->t, 0, TRACE_OP_JOIN, 0);
	fake_event(&f->t, f->t1, TRACE_OP_SIGNAL, 0)->result = 15;
	assert_int_equal(check_final(f, f->t.now + 5000 * MS, 1000 * MS), 0);
}

/* The analyzer form checks the final state of the trace. */
static void test_analyzer_final_state(void **state)
{
	struct hg_fixture *f = *state;
	abba_hang(f);
	an_run(&analyzer_hang, &f->t, &f->r);
	assert_int_equal(f->r.ndeadlocks, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_abba_cycle),
		T(test_live_settle_time),
		T(test_no_cycle_after_handover),
		T(test_self_relock),
		T(test_recursive_relock_not_hang),
		T(test_rwlock_reader_cycle),
		T(test_rwlock_readers_no_cycle),
		T(test_spinlock_cycle),
		T(test_dead_owner),
		T(test_dead_owner_errorcheck_robust),
		T(test_dead_owner_semaphore),
		T(test_join_of_ended_thread_no_stall),
		T(test_join_cycle),
		T(test_join_cycle_once),
		T(test_once_cycle),
		T(test_timed_lock_no_cycle),
		T(test_timed_join_no_cycle),
		T(test_no_stall_on_semaphore),
		T(test_stall),
		T(test_no_stall_when_woken), T(test_no_stall_after_unlock), T(test_no_stall_in_timed_wait),
		T(test_no_stall_when_one_runs_or_too_short),
		T(test_exited_process_no_stall),
		T(test_exec_is_not_a_wait),
		T(test_signalled_process_no_stall),
		T(test_analyzer_final_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
