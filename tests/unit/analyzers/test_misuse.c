/* SPDX-License-Identifier: MIT */
/* test_misuse.c - analyzers/misuse*.c: every misuse kind with its lock and
 * stack, the legitimate uses that must stay silent (recursive mutexes,
 * trylock EBUSY, timeouts), and folding of repeated findings. */
#include "mu_test.h"

static void test_clean_run_silent(void **state)
{
	struct mu_fixture *f = *state;
	for (int i = 0; i < 3; i++) {
		fake_lock(&f->t, f->t1, f->m, f->s1);
		fake_unlock(&f->t, f->t1, f->m, f->s1);
		fake_lock(&f->t, f->t2, f->m, f->s2);
		fake_unlock(&f->t, f->t2, f->m, f->s2);
	}
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_TRYLOCK, f->m, 0, 0);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_TRYLOCK, f->m, 0, EBUSY);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_TIMEDLOCK, f->m, 0, ETIMEDOUT);
	fake_unlock(&f->t, f->t1, f->m, 0);
	an_call(&f->t, 0, TRACE_OP_MUTEX_DESTROY, f->m, 0, 0);
	run(f);
	assert_int_equal(f->r.nmisuses, 0);
}

static void test_unlock_not_locked(void **state)
{
	struct mu_fixture *f = *state;
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_LOCKED, f->m, f->s1);
}

static void test_unlock_not_owner(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_UNLOCK_NOT_OWNER, f->m, f->s2);
	assert_int_equal(m->thread, f->t2);
	assert_int_equal(m->other_thread, f->t1);
	assert_int_equal(m->other_stack, f->s1);
}

static void test_relock_normal(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->m)->stack = f->s2;
	run(f);
	only(f, REPORT_MISUSE_RELOCK_NON_RECURSIVE, f->m, f->s2);
}

/* errorcheck: each relock returns EDEADLK; reported once, with a count. */
static void test_relock_errorcheck_once(void **state)
{
	struct mu_fixture *f = *state;
	set_type(f, f->m, TRACE_MUTEX_ERRORCHECK);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	for (int i = 0; i < 4; i++)
		an_call(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->m, f->s2, EDEADLK);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_RELOCK_NON_RECURSIVE, f->m, f->s2);
	assert_int_equal(m->count, 4);
}

static void test_recursive_legit_silent(void **state)
{
	struct mu_fixture *f = *state;
	set_type(f, f->m, TRACE_MUTEX_RECURSIVE);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->m);
	fake_lock(&f->t, f->t1, f->m, f->s1)->had_begin = 1;
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	an_end_thread(&f->t, f->t1);
	run(f);
	assert_int_equal(f->r.nmisuses, 0);
}

/* A recursive mutex unlocked once too often. */
static void test_recursive_over_unlock(void **state)
{
	struct mu_fixture *f = *state;
	set_type(f, f->m, TRACE_MUTEX_RECURSIVE);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s2);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_LOCKED, f->m, f->s2);
}

static void test_destroy_locked(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_DESTROY, f->m, f->s2, EBUSY);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_DESTROY_LOCKED, f->m, f->s2);
	assert_int_equal(m->other_thread, f->t1);
}

static void test_destroy_cond_with_waiters(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	fake_lock(&f->t, f->t1, f->m, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv)->obj2 = f->m;
	fake_event(&f->t, f->t1, TRACE_OP_COND_RELEASE, f->m)->obj2 = cv;
	an_call(&f->t, f->t2, TRACE_OP_COND_DESTROY, cv, f->s2, 0);
	run(f);
	only(f, REPORT_MISUSE_DESTROY_WITH_WAITERS, cv, f->s2);
}

static void test_destroy_sem_and_barrier_with_waiters(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t sem = fake_object(&f->t, TRACE_OBJ_SEM, 0x3000);
	uint32_t bar = fake_object(&f->t, TRACE_OBJ_BARRIER, 0x4000);
	fake_object_desc(&f->t, bar)->initialized = true;
	fake_begin(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem);
	fake_begin(&f->t, f->t2, TRACE_OP_BARRIER_WAIT, bar);
	an_call(&f->t, 0, TRACE_OP_SEM_DESTROY, sem, f->s1, 0);
	an_call(&f->t, 0, TRACE_OP_BARRIER_DESTROY, bar, f->s2, EBUSY);
	run(f);
	assert_int_equal(f->r.nmisuses, 2);
	assert_int_equal(f->r.misuses[0].kind, REPORT_MISUSE_DESTROY_WITH_WAITERS);
	assert_int_equal(f->r.misuses[1].kind, REPORT_MISUSE_DESTROY_WITH_WAITERS);
}

/* A wait that ended is no longer a waiter. */
static void test_destroy_after_wait_ok(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t sem = fake_object(&f->t, TRACE_OBJ_SEM, 0x3000);
	fake_begin(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem);
	an_call(&f->t, f->t2, TRACE_OP_SEM_POST, sem, 0, 0);
	an_call(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem, 0, 0)->had_begin = 1;
	an_call(&f->t, 0, TRACE_OP_SEM_DESTROY, sem, f->s1, 0);
	run(f);
	assert_int_equal(f->r.nmisuses, 0);
}

/* A lock of a destroyed mutex fails with EINVAL (glibc marks it); one
 * that succeeds was on a new mutex made there without a call (zeroed
 * memory, PTHREAD_MUTEX_INITIALIZER, std::mutex). */
static void test_use_after_destroy(void **state)
{
	struct mu_fixture *f = *state;
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_DESTROY, f->m, f->s1, 0);
	fake_lock(&f->t, f->t2, f->m, f->s2)->result = EINVAL;
	run(f);
	only(f, REPORT_MISUSE_USE_AFTER_DESTROY, f->m, f->s2);
}

static void test_mutex_made_again_without_call(void **state)
{
	struct mu_fixture *f = *state;
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_DESTROY, f->m, f->s1, 0);
	fake_lock(&f->t, f->t2, f->m, f->s2);
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	run(f);
	assert_int_equal(f->r.nmisuses, 0);
}

static void test_cond_wait_not_held(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	struct trace_event *e = fake_begin(&f->t, f->t1, TRACE_OP_COND_WAIT, cv);
	e->obj2 = f->m;
	e->stack = f->s1;
	e = an_call(&f->t, f->t1, TRACE_OP_COND_WAIT, cv, f->s1, EPERM);
	e->obj2 = f->m;
	e->had_begin = 1;
	run(f);
	/* lock: the mutex that was not held; cond: the condition variable */
	const struct report_misuse *m = only(f, REPORT_MISUSE_COND_WAIT_NOT_HELD, f->m, f->s1);
	assert_int_equal(m->cond, cv);
}

/* The wait failed (EPERM): its reacquisition record took nothing, so the
 * thread does not exit holding the mutex. */
static void test_cond_wait_eperm_holds_nothing(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	cond_wait_begin(f, f->t1, cv, f->m, f->s1);
	fake_event(&f->t, f->t1, TRACE_OP_COND_REACQUIRE, f->m)->obj2 = cv;
	struct trace_event *e = an_call(&f->t, f->t1, TRACE_OP_COND_WAIT, cv, f->s1, EPERM);
	e->obj2 = f->m;
	e->had_begin = 1;
	an_call(&f->t, f->t1, TRACE_OP_PROC_EXIT, 0, f->s2, 0);
	run(f);
	only(f, REPORT_MISUSE_COND_WAIT_NOT_HELD, f->m, f->s1);
}

static void test_cond_proper_use_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	cond_wait(f, f->t1, cv, f->m, f->s1);
	cond_wait(f, f->t2, cv, f->m, f->s2);
	run(f);
	assert_int_equal(f->r.nmisuses, 0);
}

static void test_cond_mixed_mutex(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	cond_waits_at_once(f, cv, f->m, f->s1, m2, f->s2);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_COND_MIXED_MUTEX, m2, f->s2);
	assert_int_equal(m->other_lock, f->m);
	assert_int_equal(m->cond, cv);
}

/* One wait after the other with different mutexes: POSIX binds the
 * condition to a mutex only while a wait lasts. */
static void test_cond_mutex_per_wait(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	cond_wait(f, f->t1, cv, f->m, f->s1);
	cond_wait(f, f->t2, cv, m2, f->s2);
	cond_wait(f, f->t1, cv, f->m, f->s1);
	run(f);
	none(f);
}

static void test_exit_holding_lock(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	an_end_thread(&f->t, f->t1);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_EXIT_HOLDING_LOCK, f->m, f->s1);
	assert_int_equal(m->thread, f->t1);
}

/* A process's locks end with it: exiting holding one is no misuse (a
 * server parks its threads on mutexes it holds, then exits). */
static void test_process_exit_holding_lock(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, 0, f->m, f->s1);
	an_call(&f->t, 0, TRACE_OP_PROC_EXIT, 0, f->s2, 0);
	run(f);
	assert_int_equal(f->r.nmisuses, 0);
}

static void test_join_double(void **state)
{
	struct mu_fixture *f = *state;
	an_end_thread(&f->t, f->t1);
	an_join(&f->t, 0, f->t1);
	struct trace_event *e = fake_event(&f->t, 0, TRACE_OP_JOIN, 0);
	e->peer_thread = f->t1;
	e->stack = f->s2;
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_JOIN_INVALID, 0, f->s2);
	assert_int_equal(m->other_thread, f->t1);
}

static void test_join_detached_and_self(void **state)
{
	struct mu_fixture *f = *state;
	struct trace_event *e = fake_event(&f->t, 0, TRACE_OP_DETACH, 0);
	e->peer_thread = f->t1;
	e = an_call(&f->t, 0, TRACE_OP_JOIN, 0, f->s1, EINVAL);
	e->peer_thread = f->t1;
	e = an_call(&f->t, f->t2, TRACE_OP_JOIN, 0, f->s2, EDEADLK);
	e->peer_thread = f->t2;
	run(f);
	assert_int_equal(f->r.nmisuses, 2);
	assert_int_equal(f->r.misuses[0].kind, REPORT_MISUSE_JOIN_INVALID);
	assert_int_equal(f->r.misuses[1].kind, REPORT_MISUSE_JOIN_INVALID);
	assert_int_equal(f->r.misuses[0].error, EINVAL);
}

static void test_rwlock_unlock_not_held(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s1, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, rw, f->s1, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, rw, f->s2, 0);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_LOCKED, rw, f->s2);
}

static void test_rwlock_unlock_other_readers(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s1, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_UNLOCK, rw, f->s2, 0);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_OWNER, rw, f->s2);
}

static void test_rwlock_wrlock_while_reading(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s1, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_RWLOCK_WRLOCK, rw)->stack = f->s2;
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_RELOCK_NON_RECURSIVE, rw, f->s2);
	assert_non_null(strstr(m->message, "write-lock"));
	assert_non_null(strstr(m->message, "for reading: it waits for itself"));
}

/* The same upgrade with a timeout (shared_timed_mutex::try_lock_for):
 * it can only time out, and the message says so. */
static void test_rwlock_timed_wrlock_while_reading(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s1, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_RWLOCK_CLOCKWRLOCK, rw)->stack = f->s2;
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_CLOCKWRLOCK, rw, f->s2, ETIMEDOUT)->had_begin = 1;
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_RELOCK_NON_RECURSIVE, rw, f->s2);
	assert_non_null(strstr(m->message, "can only time out"));
}

static void test_sem_overflow(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t sem = fake_object(&f->t, TRACE_OBJ_SEM, 0x3000);
	an_call(&f->t, f->t1, TRACE_OP_SEM_POST, sem, f->s1, EOVERFLOW);
	run(f);
	only(f, REPORT_MISUSE_SEM_OVERFLOW, sem, f->s1);
}

static void test_barrier_uninitialized(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t bar = fake_object(&f->t, TRACE_OBJ_BARRIER, 0x4000);
	an_call(&f->t, f->t1, TRACE_OP_BARRIER_WAIT, bar, f->s1, 0);
	run(f);
	only(f, REPORT_MISUSE_BARRIER_MISUSE, bar, f->s1);
}

static void test_bad_argument(void **state)
{
	struct mu_fixture *f = *state;
	const struct report_misuse *m;
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->m, f->s1, EINVAL);
	run(f);
	m = only(f, REPORT_MISUSE_BAD_ARGUMENT, f->m, f->s1);
	assert_int_equal(m->error, EINVAL);
	assert_non_null(strstr(m->message, "pthread_mutex_lock"));
	assert_non_null(strstr(m->message, "EINVAL"));
}

static void test_expected_errors_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t sem = fake_object(&f->t, TRACE_OBJ_SEM, 0x3000);
	uint32_t mq = fake_object(&f->t, TRACE_OBJ_MQ, 0x8000000000001234ull);
	an_call(&f->t, f->t1, TRACE_OP_SEM_TRYWAIT, sem, 0, EAGAIN);
	an_call(&f->t, f->t1, TRACE_OP_SEM_TIMEDWAIT, sem, 0, ETIMEDOUT);
	an_call(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem, 0, EINTR);
	an_call(&f->t, f->t1, TRACE_OP_MQ_RECEIVE, mq, 0, EAGAIN);
	an_call(&f->t, f->t1, TRACE_OP_MQ_UNLINK, mq, 0, ENOENT);
	an_call(&f->t, f->t1, TRACE_OP_MQ_OPEN, mq, 0, EACCES);   /* no permission */
	an_call(&f->t, f->t1, TRACE_OP_MQ_UNLINK, mq, 0, EACCES);
	an_call(&f->t, f->t1, TRACE_OP_SEM_OPEN, sem, 0, EMFILE);
	an_call(&f->t, f->t1, TRACE_OP_MQ_OPEN, mq, 0, ENOSPC);   /* queues_max */
	an_call(&f->t, f->t1, TRACE_OP_FORK, 0, 0, EAGAIN);
	run(f);
	assert_int_equal(f->r.nmisuses, 0);
	an_call(&f->t, f->t1, TRACE_OP_MQ_OPEN, mq, 0, EINVAL);   /* a bad name or attribute */
	run(f);
	assert_int_equal(f->r.nmisuses, 1);
}

/* The same misuse in a loop: one finding with a count. */
static void test_repeated_folded(void **state)
{
	struct mu_fixture *f = *state;
	for (int i = 0; i < 100; i++)
		fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	run(f);
	assert_int_equal(f->r.nmisuses, 2);
	assert_int_equal(f->r.misuses[0].count + f->r.misuses[1].count, 101);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_clean_run_silent), T(test_unlock_not_locked), T(test_unlock_not_owner),
		T(test_relock_normal), T(test_relock_errorcheck_once), T(test_recursive_legit_silent),
		T(test_recursive_over_unlock), T(test_destroy_locked), T(test_destroy_cond_with_waiters),
		T(test_destroy_sem_and_barrier_with_waiters), T(test_destroy_after_wait_ok),
		T(test_use_after_destroy), T(test_mutex_made_again_without_call), T(test_cond_wait_not_held), T(test_cond_wait_eperm_holds_nothing),
		T(test_cond_proper_use_silent),
		T(test_cond_mixed_mutex), T(test_cond_mutex_per_wait), T(test_exit_holding_lock), T(test_process_exit_holding_lock),
		T(test_join_double), T(test_join_detached_and_self), T(test_rwlock_unlock_not_held),
		T(test_rwlock_unlock_other_readers), T(test_rwlock_wrlock_while_reading),
		T(test_rwlock_timed_wrlock_while_reading),
		T(test_sem_overflow), T(test_barrier_uninitialized), T(test_bad_argument),
		T(test_expected_errors_silent), T(test_repeated_folded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
