/* SPDX-License-Identifier: MIT */
/* test_misuse_gap.c - analyzers/misuse_gap.c: no misuse rule turns what a
 * gap lost into a finding. A DROPPED event on a thread (it may have taken
 * or released any lock, ended its wait), an event with obj_gap (its object
 * lost an operation). Each test: the finding made without the gap is not
 * made with it, and a real misuse after the gap is still reported. */
#include "mu_test.h"

#include <errno.h>

/* A lock released in the gap is not held at exit; one taken after is. */
static void test_exit_holding_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	dropped(f, f->t1);
	fake_lock(&f->t, f->t1, m2, f->s2);
	an_end_thread(&f->t, f->t1);
	run(f);
	only(f, REPORT_MISUSE_EXIT_HOLDING_LOCK, m2, f->s2);
}

/* An unlock after the gap: the thread may have locked it in the gap. Once
 * another thread's lock and unlock show the lock free, it is reported. */
static void test_unlock_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	dropped(f, f->t1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_lock(&f->t, f->t2, f->m, 0);
	fake_unlock(&f->t, f->t2, f->m, 0);
	fake_unlock(&f->t, f->t1, f->m, f->s2);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_LOCKED, f->m, f->s2);
}

/* A lock its holder forgot in a gap: anyone's unlock is not reported until
 * a successful lock makes its state known again. */
static void test_unknown_lock_unlock_by_anyone(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	dropped(f, f->t1);
	fake_unlock(&f->t, f->t2, f->m, f->s1);
	fake_lock(&f->t, f->t2, f->m, 0);
	fake_unlock(&f->t, f->t2, f->m, 0);
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_LOCKED, f->m, f->s2);
}

/* Held by another thread from before the gap to after it: the thread with
 * the gap cannot have taken it, so its unlock is not the owner's. */
static void test_unlock_not_owner_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t2, f->m, f->s1);
	dropped(f, f->t1);
	fake_unlock(&f->t, f->t1, f->m, f->s2);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_OWNER, f->m, f->s2);
}

/* Relock of a lock held before the gap (released in it?): not reported;
 * of a lock taken after the gap: reported. */
static void test_relock_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	dropped(f, f->t1);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, f->m)->stack = f->s1;
	dropped(f, f->t1);
	fake_lock(&f->t, f->t1, m2, f->s1);
	fake_begin(&f->t, f->t1, TRACE_OP_MUTEX_LOCK, m2)->stack = f->s2;
	run(f);
	only(f, REPORT_MISUSE_RELOCK_NON_RECURSIVE, m2, f->s2);
}

/* A trylock that finds the lock busy after the gap: it may be someone
 * else's now. */
static void test_trylock_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	dropped(f, f->t1);
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_TRYLOCK, f->m, f->s1, EBUSY);
	fake_lock(&f->t, f->t1, m2, f->s1);
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_TRYLOCK, m2, f->s2, EBUSY);
	run(f);
	only(f, REPORT_MISUSE_TRYLOCK_SELF_HELD, m2, f->s2);
}

/* A wait without the mutex after the thread's gap: it may have locked it
 * in the gap. Another thread's wait is still checked. */
static void test_cond_wait_not_held_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	dropped(f, f->t1);
	cond_wait_begin(f, f->t1, cv, f->m, f->s1);
	cond_wait_begin(f, f->t2, cv, f->m, f->s2);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_COND_WAIT_NOT_HELD, f->m, f->s2);
	assert_int_equal(m->thread, f->t2);
}

/* A signal by a thread that may hold the mutex since its gap. */
static void test_signal_not_held_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	cond_wait(f, f->t1, cv, f->m, f->s1);
	dropped(f, f->t2);
	an_call(&f->t, f->t2, TRACE_OP_COND_SIGNAL, cv, f->s1, 0);
	an_call(&f->t, 0, TRACE_OP_COND_SIGNAL, cv, f->s2, 0);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_COND_SIGNAL_NOT_HELD, f->m, f->s2);
	assert_int_equal(m->thread, 0);
}

/* A waiter whose thread lost events may have stopped waiting. */
static void test_destroy_waiter_gap(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t sem = fake_object(&f->t, TRACE_OBJ_SEM, 0x3000);
	uint32_t sem2 = fake_object(&f->t, TRACE_OBJ_SEM, 0x3100);
	fake_begin(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem);
	dropped(f, f->t1);
	an_call(&f->t, 0, TRACE_OP_SEM_DESTROY, sem, f->s1, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem2);
	an_call(&f->t, 0, TRACE_OP_SEM_DESTROY, sem2, f->s2, 0);
	run(f);
	only(f, REPORT_MISUSE_DESTROY_WITH_WAITERS, sem2, f->s2);
}

/* A use of a destroyed lock after some thread lost events: that thread
 * may have initialized it again. A destroy after the gap still counts. */
static void test_use_after_destroy_gap(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	an_call(&f->t, 0, TRACE_OP_MUTEX_DESTROY, f->m, f->s1, 0);
	dropped(f, f->t2);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, 0, TRACE_OP_MUTEX_DESTROY, m2, f->s1, 0);
	fake_lock(&f->t, f->t1, m2, f->s2)->result = EINVAL;   /* glibc's answer */
	run(f);
	only(f, REPORT_MISUSE_USE_AFTER_DESTROY, m2, f->s2);
}

/* obj_gap: the lock lost an operation (a lock by T1, say) just before T1's
 * unlock; without the mark it would be "not locked". */
static void test_obj_gap_unlock(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	fake_unlock(&f->t, f->t1, f->m, f->s1)->obj_gap = 1;
	fake_unlock(&f->t, f->t1, f->m, f->s1);   /* still unknown */
	fake_unlock(&f->t, f->t1, m2, f->s2);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_LOCKED, m2, f->s2);
}

/* obj_gap: T1's unlock was lost; T2 then locks it. T1 does not exit
 * holding it; a lock T1 takes after is held at its exit. */
static void test_obj_gap_forgets_holders(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_lock(&f->t, f->t2, f->m, f->s2)->obj_gap = 1;
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	fake_lock(&f->t, f->t1, m2, f->s2);
	an_end_thread(&f->t, f->t1);
	run(f);
	only(f, REPORT_MISUSE_EXIT_HOLDING_LOCK, m2, f->s2);
}

/* obj_gap on a destroyed object: the lost operation may be its init. */
static void test_obj_gap_after_destroy(void **state)
{
	struct mu_fixture *f = *state;
	an_call(&f->t, 0, TRACE_OP_MUTEX_DESTROY, f->m, f->s1, 0);
	fake_lock(&f->t, f->t1, f->m, f->s1)->obj_gap = 1;
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, 0, TRACE_OP_MUTEX_DESTROY, f->m, f->s1, 0);
	fake_lock(&f->t, f->t2, f->m, f->s2)->result = EINVAL;
	run(f);
	only(f, REPORT_MISUSE_USE_AFTER_DESTROY, f->m, f->s2);
}

/* A recursive mutex held before the gap, locked again after it: the depth
 * is unknown, so its unlocks are not counted against it. */
static void test_recursive_after_gap(void **state)
{
	struct mu_fixture *f = *state;
	set_type(f, f->m, TRACE_MUTEX_RECURSIVE);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	dropped(f, f->t1);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_lock(&f->t, f->t2, f->m, f->s2);
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_LOCKED, f->m, f->s2);
}

/* A late event (its stamp was skipped, then it came: trace_event.h) is not
 * applied: t1's late lock and unlock do not make t2's unlock of the lock
 * it really holds an unlock of another thread's lock. */
static void test_late_event_not_applied(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t real = fake_stack(&f->t, 0x900, 1);
	fake_lock(&f->t, f->t2, f->m, f->s1)->obj_gap = TRACE_OBJ_GAP_BEFORE;
	fake_lock(&f->t, f->t1, f->m, 0)->obj_gap = TRACE_OBJ_GAP_LATE;
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	fake_unlock(&f->t, f->t1, f->m, 0)->obj_gap = TRACE_OBJ_GAP_LATE;
	fake_lock(&f->t, f->t2, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, real);   /* a real one: the state is known again */
	run(f);
	only(f, REPORT_MISUSE_UNLOCK_NOT_OWNER, f->m, real);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_exit_holding_after_gap), T(test_unlock_after_gap),
		T(test_unknown_lock_unlock_by_anyone), T(test_unlock_not_owner_after_gap),
		T(test_relock_after_gap), T(test_trylock_after_gap),
		T(test_cond_wait_not_held_after_gap), T(test_signal_not_held_after_gap),
		T(test_destroy_waiter_gap), T(test_use_after_destroy_gap), T(test_obj_gap_unlock),
		T(test_obj_gap_forgets_holders), T(test_obj_gap_after_destroy),
		T(test_recursive_after_gap), T(test_late_event_not_applied),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
