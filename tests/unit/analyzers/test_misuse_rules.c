/* SPDX-License-Identifier: MIT */
/* test_misuse_rules.c - analyzers/misuse*.c, the later rules: destroying a
 * condition variable whose waiters were woken (legal), reinit-in-use,
 * cond-signal-not-held (a note), thread-leak, trylock-self-held; each with
 * the legitimate uses that must stay silent. */
#include "mu_test.h"

/* ---- destroy after a wake (POSIX: legal) ---- */

/* THREAD locks the mutex and begins a wait on CV with it. */
static void waits(struct mu_fixture *f, uint32_t thread, uint32_t cv)
{
	fake_lock(&f->t, thread, f->m, 0);
	cond_wait_begin(f, thread, cv, f->m, f->s1);
}

/* THREAD's wait returns; it unlocks the mutex. */
static void returns(struct mu_fixture *f, uint32_t thread, uint32_t cv)
{
	cond_wait_end(f, thread, cv, f->m, f->s1);
	fake_unlock(&f->t, thread, f->m, 0);
}

/* Main signals or broadcasts CV holding the mutex. */
static void wakes(struct mu_fixture *f, unsigned op, uint32_t cv)
{
	fake_lock(&f->t, 0, f->m, 0);
	an_call(&f->t, 0, op, cv, 0, 0);
	fake_unlock(&f->t, 0, f->m, 0);
}

/* Broadcast under the mutex, destroy after the unlock; the waiter's
 * reacquisition and return come after the destroy. */
static void test_destroy_after_broadcast_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	waits(f, f->t1, cv);
	wakes(f, TRACE_OP_COND_BROADCAST, cv);
	an_call(&f->t, 0, TRACE_OP_COND_DESTROY, cv, f->s2, 0);
	returns(f, f->t1, cv);
	run(f);
	none(f);
}

/* POSIX lets one signal wake more than one waiter: no report. */
static void test_destroy_after_signal_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	waits(f, f->t1, cv);
	waits(f, f->t2, cv);
	wakes(f, TRACE_OP_COND_SIGNAL, cv);
	an_call(&f->t, 0, TRACE_OP_COND_DESTROY, cv, f->s2, 0);
	returns(f, f->t1, cv);
	returns(f, f->t2, cv);
	run(f);
	none(f);
}

/* A wait that began after the last signal cannot have been woken. */
static void test_destroy_waiter_after_signal(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	waits(f, f->t1, cv);
	wakes(f, TRACE_OP_COND_SIGNAL, cv);
	waits(f, f->t2, cv);
	an_call(&f->t, 0, TRACE_OP_COND_DESTROY, cv, f->s2, 0);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_DESTROY_WITH_WAITERS, cv, f->s2);
	assert_non_null(strstr(m->message, "while 1 thread waits"));
}

/* A wait that begins after the destroy is a use after destroy, once. */
static void test_wait_after_destroy_reported_once(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	an_call(&f->t, 0, TRACE_OP_COND_DESTROY, cv, f->s2, 0);
	waits(f, f->t1, cv);
	returns(f, f->t1, cv);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_USE_AFTER_DESTROY, cv, f->s1);
	assert_int_equal(m->count, 1);
}

/* A semaphore posted, then destroyed while its waiter returns. */
static void test_sem_destroy_after_post_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t sem = fake_object(&f->t, TRACE_OBJ_SEM, 0x3000);
	fake_begin(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem);
	an_call(&f->t, 0, TRACE_OP_SEM_POST, sem, 0, 0);
	an_call(&f->t, 0, TRACE_OP_SEM_DESTROY, sem, f->s2, 0);
	an_call(&f->t, f->t1, TRACE_OP_SEM_WAIT, sem, f->s1, 0)->had_begin = 1;
	run(f);
	none(f);
}

/* ---- reinit-in-use ---- */

static void test_reinit_held_mutex(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_INIT, f->m, f->s2, 0);
	fake_unlock(&f->t, f->t1, f->m, f->s1);   /* not reported on top */
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_REINIT_IN_USE, f->m, f->s2);
	assert_int_equal(m->other_thread, f->t1);
	assert_int_equal(m->other_stack, f->s1);
}

static void test_reinit_read_held_rwlock(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s1, 0);
	an_call(&f->t, 0, TRACE_OP_RWLOCK_INIT, rw, f->s2, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_UNLOCK, rw, f->s1, 0);
	run(f);
	only(f, REPORT_MISUSE_REINIT_IN_USE, rw, f->s2);
}

/* The holder never unlocks it: its memory may have been freed while held
 * (an object freed by its last user under its own lock) and a new object
 * made there; frees are not in the trace. Not reported; the new object's
 * uses are its own. */
static void test_reinit_held_then_new_object(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, 0, TRACE_OP_MUTEX_INIT, f->m, f->s2, 0);
	fake_lock(&f->t, 0, f->m, f->s2);
	fake_unlock(&f->t, 0, f->m, f->s2);
	fake_lock(&f->t, f->t2, f->m, f->s2);
	fake_unlock(&f->t, f->t2, f->m, f->s2);
	run(f);
	none(f);
}

static void test_reinit_cond_and_barrier_with_waiters(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	uint32_t bar = fake_object(&f->t, TRACE_OBJ_BARRIER, 0x4000);
	fake_object_desc(&f->t, bar)->initialized = true;
	waits(f, f->t1, cv);
	fake_begin(&f->t, f->t2, TRACE_OP_BARRIER_WAIT, bar);
	an_call(&f->t, 0, TRACE_OP_COND_INIT, cv, f->s1, 0);
	an_call(&f->t, 0, TRACE_OP_BARRIER_INIT, bar, f->s2, 0);
	run(f);
	assert_int_equal(f->r.nmisuses, 2);
	assert_int_equal(f->r.misuses[0].kind, REPORT_MISUSE_REINIT_IN_USE);
	assert_int_equal(f->r.misuses[1].kind, REPORT_MISUSE_REINIT_IN_USE);
}

/* Init of a free object; after a destroy; of a condition variable
 * destroyed after a broadcast while its waiter returns; opening a named
 * semaphore others wait on: all legal. */
static void test_reinit_legal_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	uint32_t sem = fake_object(&f->t, TRACE_OBJ_SEM, 0x3000);
	an_call(&f->t, 0, TRACE_OP_MUTEX_INIT, f->m, f->s1, 0);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, 0, TRACE_OP_MUTEX_INIT, f->m, f->s1, 0);
	an_call(&f->t, 0, TRACE_OP_MUTEX_DESTROY, f->m, f->s1, 0);
	an_call(&f->t, 0, TRACE_OP_MUTEX_INIT, f->m, f->s1, 0);
	waits(f, f->t1, cv);
	wakes(f, TRACE_OP_COND_BROADCAST, cv);
	an_call(&f->t, 0, TRACE_OP_COND_DESTROY, cv, f->s2, 0);
	an_call(&f->t, 0, TRACE_OP_COND_INIT, cv, f->s2, 0);
	fake_begin(&f->t, f->t2, TRACE_OP_SEM_WAIT, sem);
	an_call(&f->t, 0, TRACE_OP_SEM_OPEN, sem, f->s2, 0);
	run(f);
	none(f);
}

/* ---- cond-signal-not-held ---- */

static void test_signal_not_held_is_a_note(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	cond_wait(f, f->t1, cv, f->m, f->s1);
	an_call(&f->t, f->t2, TRACE_OP_COND_SIGNAL, cv, f->s2, 0);
	an_call(&f->t, f->t2, TRACE_OP_COND_BROADCAST, cv, f->s2, 0);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_COND_SIGNAL_NOT_HELD, f->m, f->s2);
	assert_int_equal(m->cond, cv);
	assert_int_equal(m->count, 2);
	assert_int_equal(report_misuse_kind_severity(m->kind), REPORT_SEVERITY_NOTE);
	assert_int_equal(report_findings(&f->r), 0);   /* exit status 0 */
}

/* With the mutex held; on a cond no wait used a mutex with; on a cond used
 * with two mutexes (that is cond-mixed-mutex's finding). */
static void test_signal_silent_cases(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	uint32_t lone = fake_object(&f->t, TRACE_OBJ_COND, 0x2100);
	uint32_t mixed = fake_object(&f->t, TRACE_OBJ_COND, 0x2200);
	uint32_t m2 = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x5000);
	cond_wait(f, f->t1, cv, f->m, f->s1);
	fake_lock(&f->t, f->t2, f->m, 0);
	an_call(&f->t, f->t2, TRACE_OP_COND_SIGNAL, cv, f->s2, 0);
	fake_unlock(&f->t, f->t2, f->m, 0);
	an_call(&f->t, f->t2, TRACE_OP_COND_SIGNAL, lone, f->s2, 0);
	cond_waits_at_once(f, mixed, f->m, f->s1, m2, f->s1);
	an_call(&f->t, 0, TRACE_OP_COND_BROADCAST, mixed, f->s2, 0);
	run(f);
	only(f, REPORT_MISUSE_COND_MIXED_MUTEX, m2, f->s1);
}

/* Lock, change the state, unlock, then signal (zstd's and many pools'
 * way): the state changed under the mutex, nothing to say. */
static void test_signal_after_unlock_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t cv = fake_object(&f->t, TRACE_OBJ_COND, 0x2000);
	cond_wait(f, f->t1, cv, f->m, f->s1);
	fake_lock(&f->t, f->t2, f->m, 0);
	fake_unlock(&f->t, f->t2, f->m, 0);
	an_call(&f->t, f->t2, TRACE_OP_COND_BROADCAST, cv, f->s2, 0);
	an_call(&f->t, f->t2, TRACE_OP_COND_SIGNAL, cv, f->s2, 0);
	run(f);
	none(f);
}

/* ---- thread-leak ---- */

/* A create by main of a new thread, at STACK; returns the thread. */
static uint32_t create(struct mu_fixture *f, uint32_t stack)
{
	uint32_t child = fake_thread(&f->t, 0, "w");
	struct trace_event *e = an_call(&f->t, 0, TRACE_OP_CREATE, 0, stack, 0);
	e->peer_thread = child;
	e->args[0] = child;
	e->args[1] = f->t.cat.threads[child].handle;
	fake_event(&f->t, child, TRACE_OP_THREAD_START, 0)->peer_thread = 0;
	return child;
}

static struct trace_event *thread_call(struct mu_fixture *f, unsigned op, uint32_t obj,
				       uint32_t peer, int result)
{
	struct trace_event *e = an_call(&f->t, 0, op, obj, 0, result);
	e->peer_thread = peer;
	return e;
}

static void proc_exit(struct mu_fixture *f)
{
	an_call(&f->t, 0, TRACE_OP_PROC_EXIT, 0, 0, 0);
}

/* Proven joinable (a tryjoin found it busy, a timed join timed out), ended,
 * never joined nor detached, the process exited: a leak, once per create
 * site. */
static void test_thread_leak(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t a = create(f, f->s1), b = create(f, f->s1);
	thread_call(f, TRACE_OP_TRYJOIN_NP, fake_thread_object(&f->t, a), a, EBUSY);
	thread_call(f, TRACE_OP_TIMEDJOIN_NP, fake_thread_object(&f->t, b), b, ETIMEDOUT);
	an_end_thread(&f->t, a);
	an_end_thread(&f->t, b);
	proc_exit(f);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_THREAD_LEAK, 0, f->s1);
	assert_int_equal(m->thread, 0);
	assert_int_equal(m->count, 2);
	assert_int_equal(m->other_thread, a);
}

/* Main leaves by pthread_exit and its two joinable workers finish (the
 * textbook way to let them): nobody was to join them, no leak; the last
 * one ends the process. */
static void test_thread_leak_after_main_left(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t a = create(f, f->s1), b = create(f, f->s1);
	fake_event(&f->t, a, TRACE_OP_THREAD_ATTR, 0)->args[0] = 0;
	fake_event(&f->t, b, TRACE_OP_THREAD_ATTR, 0)->args[0] = 0;
	an_end_thread(&f->t, 0);
	an_end_thread(&f->t, a);
	an_end_thread(&f->t, b);
	an_call(&f->t, b, TRACE_OP_PROC_EXIT, 0, 0, 0);
	run(f);
	none(f);
}

/* A return from main: no exit call, the exit handlers ran. */
static void test_thread_leak_return_from_main(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t a = create(f, f->s1);
	thread_call(f, TRACE_OP_TRYJOIN_NP, fake_thread_object(&f->t, a), a, EBUSY);
	an_end_thread(&f->t, a);
	f->t.cat.processes[0].exit_flags = TRACE_EXIT_CAL;
	run(f);
	only(f, REPORT_MISUSE_THREAD_LEAK, 0, f->s1);
}

/* What the thread's attributes say (thread_attr: 0 joinable, 1 detached);
 * a joinable thread still running at exit is no leak: exit ends it. */
static void test_thread_leak_by_attributes(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t joinable = create(f, f->s1), detached = create(f, f->s2);
	uint32_t running = create(f, f->s2);
	fake_event(&f->t, joinable, TRACE_OP_THREAD_ATTR, 0)->args[0] = 0;
	fake_event(&f->t, detached, TRACE_OP_THREAD_ATTR, 0)->args[0] = 1;
	fake_event(&f->t, running, TRACE_OP_THREAD_ATTR, 0)->args[0] = 0;
	an_end_thread(&f->t, joinable);
	an_end_thread(&f->t, detached);
	proc_exit(f);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_THREAD_LEAK, 0, f->s1);
	assert_int_equal(m->other_thread, joinable);
}

/* Not a leak, or not certain: joinable unknown (it may have been created
 * detached), joined later, detached, a join in progress. */
static void test_thread_leak_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t unknown = create(f, f->s1), joined = create(f, f->s1);
	uint32_t detached = create(f, f->s1), joining = create(f, f->s1);
	(void)unknown;
	uint32_t oj = fake_thread_object(&f->t, joined), od = fake_thread_object(&f->t, detached);
	uint32_t og = fake_thread_object(&f->t, joining);
	thread_call(f, TRACE_OP_TRYJOIN_NP, oj, joined, EBUSY);
	thread_call(f, TRACE_OP_TRYJOIN_NP, od, detached, EBUSY);
	thread_call(f, TRACE_OP_TRYJOIN_NP, og, joining, EBUSY);
	thread_call(f, TRACE_OP_JOIN, oj, joined, 0);
	thread_call(f, TRACE_OP_DETACH, od, detached, 0);
	fake_begin(&f->t, f->t1, TRACE_OP_JOIN, og)->peer_thread = joining;
	proc_exit(f);
	run(f);
	none(f);
}

/* The process did not exit cleanly: killed by a signal; still running at
 * the end of the trace; one of its threads lost events. */
static void test_thread_leak_unclean_exit_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t a = create(f, f->s1);
	thread_call(f, TRACE_OP_TRYJOIN_NP, fake_thread_object(&f->t, a), a, EBUSY);
	f->t.cat.processes[0].exit_flags = TRACE_EXIT_SIGNAL | TRACE_EXIT_CAL;
	run(f);
	none(f);
	report_release(&f->r);
	f->t.cat.processes[0].exit_flags = 0;
	run(f);
	none(f);
	report_release(&f->r);
	dropped(f, f->t2);
	proc_exit(f);
	run(f);
	none(f);
}

/* CPython 3.13 creates threading's threads joinable and ends the daemon
 * threads still waiting at exit without a join: a thread that Python code
 * started (a Python frame in its creation stack) in a CPython process is
 * the interpreter's, no leak of the program. One started from C is. */
static void test_thread_leak_python_silent(void **state)
{
	struct mu_fixture *f = *state;
	f->t.cat.processes[0].runtime = TRACE_RUNTIME_CPYTHON;
	f->t.cat.processes[0].runtime_version = 0x030d00f0;
	uint32_t start = fake_pycode(&f->t, "/usr/lib/python3.13/threading.py", "Thread.start");
	const uint64_t pcs[] = { 0x401000, trace_pyframe(start, 973), 0x402000 };
	uint32_t py = fake_stack_pcs(&f->t, pcs, 3);
	uint32_t daemon = create(f, py), from_c = create(f, f->s1);
	fake_event(&f->t, daemon, TRACE_OP_THREAD_ATTR, 0)->args[0] = 0;
	fake_event(&f->t, from_c, TRACE_OP_THREAD_ATTR, 0)->args[0] = 0;
	an_end_thread(&f->t, daemon);
	an_end_thread(&f->t, from_c);
	proc_exit(f);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_THREAD_LEAK, 0, f->s1);
	assert_int_equal(m->other_thread, from_c);
}

/* A pthread_t reused by a new thread: the old thread was done with. */
static void test_thread_leak_handle_reuse_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t a = create(f, f->s1);
	uint32_t obj = fake_thread_object(&f->t, a);
	thread_call(f, TRACE_OP_TRYJOIN_NP, obj, a, EBUSY);
	struct trace_event *e = an_call(&f->t, 0, TRACE_OP_CREATE, 0, f->s2, 0);
	e->args[1] = f->t.cat.threads[a].handle;
	proc_exit(f);
	run(f);
	none(f);
}

/* ---- trylock-self-held ---- */

static void test_trylock_self_held(void **state)
{
	struct mu_fixture *f = *state;
	fake_lock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_TRYLOCK, f->m, f->s2, EBUSY);
	an_call(&f->t, f->t2, TRACE_OP_MUTEX_TRYLOCK, f->m, f->s2, EBUSY);   /* really busy */
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	run(f);
	const struct report_misuse *m = only(f, REPORT_MISUSE_TRYLOCK_SELF_HELD, f->m, f->s2);
	assert_int_equal(m->thread, f->t1);
	assert_int_equal(m->other_stack, f->s1);
	assert_int_equal(m->error, EBUSY);
}

/* rwlock: trywrlock by a reader, tryrdlock by the writer; a spinlock. */
static void test_trylock_self_held_rwlock_spin(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	uint32_t rw2 = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6100);
	uint32_t spin = fake_object(&f->t, TRACE_OBJ_SPINLOCK, 0x7000);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s1, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_TRYWRLOCK, rw, f->s2, EBUSY);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_WRLOCK, rw2, f->s1, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_TRYRDLOCK, rw2, f->s2, EDEADLK);
	an_call(&f->t, f->t1, TRACE_OP_SPIN_LOCK, spin, f->s1, 0);
	an_call(&f->t, f->t1, TRACE_OP_SPIN_TRYLOCK, spin, f->s2, EBUSY);
	run(f);
	assert_int_equal(f->r.nmisuses, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(f->r.misuses[i].kind, REPORT_MISUSE_TRYLOCK_SELF_HELD);
}

/* A recursive mutex; a second read lock; another thread's busy lock. */
static void test_trylock_legal_silent(void **state)
{
	struct mu_fixture *f = *state;
	uint32_t rw = fake_object(&f->t, TRACE_OBJ_RWLOCK, 0x6000);
	set_type(f, f->m, TRACE_MUTEX_RECURSIVE);
	fake_lock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, f->t1, TRACE_OP_MUTEX_TRYLOCK, f->m, f->s2, 0);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	fake_unlock(&f->t, f->t1, f->m, f->s1);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_RDLOCK, rw, f->s1, 0);
	an_call(&f->t, f->t1, TRACE_OP_RWLOCK_TRYRDLOCK, rw, f->s2, 0);
	an_call(&f->t, f->t2, TRACE_OP_RWLOCK_TRYWRLOCK, rw, f->s2, EBUSY);
	run(f);
	none(f);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_destroy_after_broadcast_silent), T(test_destroy_after_signal_silent),
		T(test_destroy_waiter_after_signal), T(test_wait_after_destroy_reported_once),
		T(test_sem_destroy_after_post_silent),
		T(test_reinit_held_mutex), T(test_reinit_read_held_rwlock), T(test_reinit_held_then_new_object),
		T(test_reinit_cond_and_barrier_with_waiters), T(test_reinit_legal_silent),
		T(test_signal_not_held_is_a_note), T(test_signal_silent_cases),
		T(test_signal_after_unlock_silent),
		T(test_thread_leak), T(test_thread_leak_after_main_left), T(test_thread_leak_return_from_main), T(test_thread_leak_silent),
		T(test_thread_leak_by_attributes),
		T(test_thread_leak_unclean_exit_silent), T(test_thread_leak_handle_reuse_silent),
		T(test_thread_leak_python_silent),
		T(test_trylock_self_held), T(test_trylock_self_held_rwlock_spin),
		T(test_trylock_legal_silent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
