/* SPDX-License-Identifier: MIT */
/* test_lock_view.c - semaphores used as locks, shared semaphores across
 * processes and CPython's GIL, through all the analyzers (analysis_new):
 * the event sequences CPython 3.11 makes (formats.md H.2), and C binary
 * semaphores. */
#include "an_test.h"
#include "lock_view.h"

#include <fcntl.h>
#include <string.h>

/* A test's trace, in a C process or a CPython 3.11 one, and its report. */
struct lv_case {
	struct fake_trace t;
	struct report r;
};

static int setup_c(void **state)
{
	struct lv_case *lc = calloc(1, sizeof *lc);
	fake_trace_init(&lc->t);
	report_init(&lc->r);
	*state = lc;
	return 0;
}

static int setup_python(void **state)
{
	setup_c(state);
	struct trace_process *p = &((struct lv_case *)*state)->t.cat.processes[0];
	p->runtime = TRACE_RUNTIME_CPYTHON;
	p->runtime_version = 0x030b02f0;
	return 0;
}

static int teardown(void **state)
{
	struct lv_case *lc = *state;
	report_release(&lc->r);
	fake_trace_release(&lc->t);
	free(lc);
	return 0;
}

/* The trace through every analyzer. */
static struct report *run_all(struct lv_case *lc)
{
	struct analysis *a = analysis_new(&lc->t.cat, ANALYZER_ALL, NULL);
	for (size_t i = 0; i < lc->t.nev; i++)
		analysis_feed(a, &lc->t.ev[i]);
	analysis_finish(a, &lc->r);
	analysis_free(a);
	return &lc->r;
}

/* threading.Lock(): sem_init(s, 0, 1). */
static uint32_t py_lock(struct fake_trace *t, uint32_t thread, uint64_t addr)
{
	uint32_t s = fake_object(t, TRACE_OBJ_SEM, addr);
	fake_event(t, thread, TRACE_OP_SEM_INIT, s)->args[0] = 1;
	return s;
}

/* acquire() of a free lock: a successful sem_trywait. */
static void py_acquire(struct fake_trace *t, uint32_t thread, uint32_t s, uint32_t stack)
{
	an_call(t, thread, TRACE_OP_SEM_TRYWAIT, s, stack, 0);
}

/* acquire() that blocks: a failed try, then sem_wait (its BEGIN only if
 * END is false: the wait never ends). */
static void py_acquire_blocked(struct fake_trace *t, uint32_t thread, uint32_t s, uint32_t stack,
			       bool ends)
{
	an_call(t, thread, TRACE_OP_SEM_TRYWAIT, s, stack, EAGAIN);
	fake_begin(t, thread, TRACE_OP_SEM_WAIT, s)->stack = stack;
	if (ends) {
		struct trace_event *e = an_call(t, thread, TRACE_OP_SEM_WAIT, s, stack, 0);
		e->had_begin = 1;
		e->begin_ns = e->ts_ns - 1000;
	}
}

static void py_release(struct fake_trace *t, uint32_t thread, uint32_t s)
{
	fake_event(t, thread, TRACE_OP_SEM_POST, s);
}

/* CPython 3.11's GIL: gil.mutex and gil.cond, with their roles. */
struct gil {
	uint32_t mutex, cond;
};

static struct gil gil_objects(struct fake_trace *t)
{
	struct gil g = { fake_object(t, TRACE_OBJ_MUTEX, 0xa563d8),
			 fake_object(t, TRACE_OBJ_COND, 0xa563a8) };
	fake_object_desc(t, g.mutex)->role = TRACE_ROLE_GIL_MUTEX;
	fake_object_desc(t, g.cond)->role = TRACE_ROLE_GIL_COND;
	return g;
}

/* take_gil of a free GIL: a critical section of gil.mutex. */
static void gil_take(struct fake_trace *t, uint32_t thread, struct gil g, uint32_t stack)
{
	fake_lock(t, thread, g.mutex, stack);
	fake_unlock(t, thread, g.mutex, stack);
}

/* take_gil of a held GIL: THREAD waits on gil.cond (the BEGIN of a timed
 * wait, gil.mutex released). */
static void gil_wait(struct fake_trace *t, uint32_t thread, struct gil g, uint32_t stack)
{
	fake_lock(t, thread, g.mutex, stack);
	fake_begin(t, thread, TRACE_OP_COND_TIMEDWAIT, g.cond)->obj2 = g.mutex;
	fake_event(t, thread, TRACE_OP_COND_RELEASE, g.mutex)->obj2 = g.cond;
}

/* drop_gil: lock, signal gil.cond, unlock. */
static void gil_drop(struct fake_trace *t, uint32_t thread, struct gil g, uint32_t stack)
{
	fake_lock(t, thread, g.mutex, stack);
	fake_event(t, thread, TRACE_OP_COND_SIGNAL, g.cond)->stack = stack;
	fake_unlock(t, thread, g.mutex, stack);
}

/* Two threads take A and B in opposite orders with OP (sem_wait, or
 * sem_trywait: a Python acquire of a free lock), at stacks S1 and S2, one
 * after the other, posting them back. */
static void abba(struct fake_trace *t, unsigned op, uint32_t a, uint32_t b, uint32_t s1,
		 uint32_t s2)
{
	uint32_t t1 = an_spawn(t, 0, "t1"), t2 = an_spawn(t, 0, "t2");
	an_call(t, t1, op, a, s1, 0);
	an_call(t, t1, op, b, s1, 0);
	py_release(t, t1, b);
	py_release(t, t1, a);
	an_call(t, t2, op, b, s2, 0);
	an_call(t, t2, op, a, s2, 0);
	py_release(t, t2, a);
	py_release(t, t2, b);
}

static size_t count_kind(const struct report *r, enum report_deadlock_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < r->ndeadlocks; i++)
		n += r->deadlocks[i].kind == kind;
	return n;
}

/* Two threads take two threading.Locks in opposite orders, one after the
 * other (no hang): an inversion, found without any wait. */
static void test_python_abba(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t a = py_lock(t, 0, 0x1000), b = py_lock(t, 0, 0x2000);
	uint32_t s1 = fake_stack(t, 0x400000, 3), s2 = fake_stack(t, 0x500000, 3);
	abba(t, TRACE_OP_SEM_TRYWAIT, a, b, s1, s2);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_LOCK_ORDER), 1);
	assert_int_equal(r->deadlocks[0].ncycle, 2);
	assert_int_equal(r->nmisuses, 0);
}

/* t1.start(); t1.join(); t2.start(): the join is an acquire of t1's
 * _tstate_lock, which t1 took first and released at its end. The
 * inversion is still reported, as ordered by create/join. */
static void test_python_join_orders(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t a = py_lock(t, 0, 0x1000), b = py_lock(t, 0, 0x2000);
	uint32_t t1 = an_spawn(t, 0, "t1");
	uint32_t tstate = py_lock(t, t1, 0x3000);
	py_acquire(t, t1, tstate, 0);
	py_acquire(t, t1, a, 0);
	py_acquire(t, t1, b, 0);
	py_release(t, t1, b);
	py_release(t, t1, a);
	py_acquire_blocked(t, 0, tstate, 0, false);
	py_release(t, t1, tstate);
	struct trace_event *e = an_call(t, 0, TRACE_OP_SEM_WAIT, tstate, 0, 0);
	e->had_begin = 1;
	py_release(t, 0, tstate);
	an_end_thread(t, t1);
	uint32_t t2 = an_spawn(t, 0, "t2");
	py_acquire(t, t2, b, 0);
	py_acquire(t, t2, a, 0);
	py_release(t, t2, a);
	py_release(t, t2, b);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_LOCK_ORDER), 1);
	assert_false(r->deadlocks[0].concurrent);
}

/* t1 holds A and tries B the way the Python call CALL says (the shim read
 * it); t2 takes B then A (plain acquires). */
static void python_try_second(struct fake_trace *t, enum trace_sem_call call)
{
	uint32_t a = py_lock(t, 0, 0x1000), b = py_lock(t, 0, 0x2000);
	uint32_t t1 = an_spawn(t, 0, "t1"), t2 = an_spawn(t, 0, "t2");
	py_acquire(t, t1, a, 0);
	an_call(t, t1, TRACE_OP_SEM_TRYWAIT, b, 0, 0)->args[0] = call;
	py_release(t, t1, b);
	py_release(t, t1, a);
	py_acquire(t, t2, b, 0);
	py_acquire(t, t2, a, 0);
	py_release(t, t2, a);
	py_release(t, t2, b);
}

/* acquire(blocking=False) or acquire(timeout=5) of the second lock got it
 * at once: it could not have waited for good, no inversion. */
static void test_python_try_and_timed_calls(void **state)
{
	const enum trace_sem_call calls[] = { TRACE_SEM_CALL_TRY, TRACE_SEM_CALL_TIMED };
	for (size_t i = 0; i < 2; i++) {
		teardown(state);
		setup_python(state);
		struct lv_case *lc = *state;
		python_try_second(&lc->t, calls[i]);
		struct report *r = run_all(lc);
		assert_int_equal(r->ndeadlocks, 0);
	}
}

/* The same with a plain acquire(): the inversion. */
static void test_python_plain_call(void **state)
{
	struct lv_case *lc = *state;
	python_try_second(&lc->t, TRACE_SEM_CALL_PLAIN);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_LOCK_ORDER), 1);
}

/* The same order in C with sem_trywait: a trylock cannot deadlock. */
static void test_c_trywait_is_try(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t a = py_lock(t, 0, 0x1000), b = py_lock(t, 0, 0x2000);
	abba(t, TRACE_OP_SEM_TRYWAIT, a, b, 0, 0);
	struct report *r = run_all(lc);
	assert_int_equal(r->ndeadlocks, 0);
}

/* C binary semaphores as mutexes (sem_wait / sem_post), ABBA: an inversion. */
static void test_c_binary_semaphore_abba(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t a = py_lock(t, 0, 0x1000), b = py_lock(t, 0, 0x2000);
	abba(t, TRACE_OP_SEM_WAIT, a, b, 0, 0);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_LOCK_ORDER), 1);
}

/* A counting semaphore (value 2) is never a lock. */
static void test_counting_semaphore_is_not_a_lock(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t a = fake_object(t, TRACE_OBJ_SEM, 0x1000);
	fake_event(t, 0, TRACE_OP_SEM_INIT, a)->args[0] = 2;
	uint32_t b = py_lock(t, 0, 0x2000);
	abba(t, TRACE_OP_SEM_WAIT, a, b, 0, 0);
	struct report *r = run_all(lc);
	assert_int_equal(r->ndeadlocks, 0);
}

/* Condition.wait (formats.md H.2): the waiter takes its waiter semaphore
 * W holding the condition's lock L, releases L, and waits on W again; the
 * notifier posts W holding L; the waiter then takes L back holding W.
 * L->W and W->L, but W is a signal: no inversion, and no misuse. */
static void test_condition_waiter_is_a_signal(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t l = py_lock(t, 0, 0x1000);
	uint32_t waiter = an_spawn(t, 0, "waiter"), notifier = an_spawn(t, 0, "notifier");
	py_acquire(t, waiter, l, 0);
	uint32_t w = py_lock(t, waiter, 0x9000);
	py_acquire(t, waiter, w, 0);          /* L -> W */
	py_release(t, waiter, l);
	py_acquire_blocked(t, waiter, w, 0, false);
	py_acquire(t, notifier, l, 0);
	py_release(t, notifier, w);
	struct trace_event *e = an_call(t, waiter, TRACE_OP_SEM_WAIT, w, 0, 0);
	e->had_begin = 1;
	py_release(t, notifier, l);
	py_acquire(t, waiter, l, 0);          /* W -> L */
	py_release(t, waiter, w);
	fake_event(t, waiter, TRACE_OP_SEM_DESTROY, w);
	py_release(t, waiter, l);
	struct report *r = run_all(lc);
	assert_int_equal(r->ndeadlocks, 0);
	assert_int_equal(r->nmisuses, 0);
}

/* A Lock released by another thread than the one that took it is legal
 * in Python: it stops being a lock, and nothing is reported. */
static void test_release_by_another_thread(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t a = py_lock(t, 0, 0x1000), b = py_lock(t, 0, 0x2000);
	uint32_t t1 = an_spawn(t, 0, "t1"), t2 = an_spawn(t, 0, "t2");
	py_acquire(t, t1, a, 0);
	py_acquire(t, t1, b, 0);
	py_release(t, t1, b);
	py_release(t, t2, a);                 /* a is a signal */
	py_acquire(t, t2, b, 0);
	py_acquire(t, t2, a, 0);
	py_release(t, t2, b);
	struct report *r = run_all(lc);
	assert_int_equal(r->ndeadlocks, 0);
	assert_int_equal(r->nmisuses, 0);
}

/* Two threads really deadlocked on two Locks while the main thread waits
 * in join (sem_wait on the first thread's _tstate_lock): a deadlock with
 * its owners. */
static void build_python_hang(struct fake_trace *t, bool main_blocked)
{
	uint32_t a = py_lock(t, 0, 0x1000), b = py_lock(t, 0, 0x2000);
	uint32_t t1 = an_spawn(t, 0, "t1"), t2 = an_spawn(t, 0, "t2");
	uint32_t tstate = py_lock(t, t1, 0x3000);
	py_acquire(t, t1, tstate, 0);
	py_acquire(t, t1, a, 0);
	py_acquire(t, t2, b, 0);
	py_acquire_blocked(t, t1, b, 0, false);
	py_acquire_blocked(t, t2, a, 0, false);
	if (main_blocked)
		py_acquire_blocked(t, 0, tstate, 0, false);
}

static void test_python_real_deadlock(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	build_python_hang(t, true);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_HANG), 1);
	const struct report_deadlock *d = &r->deadlocks[0];
	if (d->kind != REPORT_DEADLOCK_HANG)
		d++;
	assert_int_equal(d->kind, REPORT_DEADLOCK_HANG);
	assert_int_equal(d->ncycle, 2);
	assert_int_not_equal(d->cycle[0].owner, TRACE_NONE);
}

/* ... while the main thread still runs, one of its posts could end it:
 * not certain, so no deadlock (the lock order still says it can happen). */
static void test_python_cycle_with_a_running_thread(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	build_python_hang(t, false);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_HANG), 0);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_LOCK_ORDER), 1);
}

/* lock.acquire() twice by its holder: a self-deadlock if every other
 * thread is blocked (MAIN_BLOCKED); while another thread may post, not one. */
static void build_python_self_wait(struct fake_trace *t, bool main_blocked)
{
	uint32_t a = py_lock(t, 0, 0x1000), other = py_lock(t, 0, 0x2000);
	uint32_t t1 = an_spawn(t, 0, "t1");
	py_acquire(t, t1, other, 0);
	py_acquire(t, t1, a, 0);
	py_acquire_blocked(t, t1, a, 0, false);
	if (main_blocked)
		py_acquire_blocked(t, 0, other, 0, false);
}

static void test_python_self_deadlock(void **state)
{
	struct lv_case *lc = *state;
	build_python_self_wait(&lc->t, true);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_HANG), 1);
	assert_int_equal(r->deadlocks[0].ncycle, 1);
}

static void test_python_self_wait_with_a_running_thread(void **state)
{
	struct lv_case *lc = *state;
	build_python_self_wait(&lc->t, false);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_HANG), 0);
}

/* Thread.start(): the main thread waits on its waiter lock, which the new
 * thread will post once it runs; until that thread's first event, it may
 * be running: no self-deadlock, however long the wait. */
static void test_unstarted_thread_may_post(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	uint32_t w = py_lock(t, 0, 0x1000);
	uint32_t child = fake_thread(t, 0, NULL);
	fake_event(t, 0, TRACE_OP_CREATE, 0)->peer_thread = child;
	py_acquire(t, 0, w, 0);
	py_acquire_blocked(t, 0, w, 0, false);
	fake_trace_at(t, 10000000000ull);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_HANG), 0);
}

/* A thread asked for the GIL while main held it; main then dropped it and
 * waits on its own waiter lock (Thread.start). The other thread has not
 * run since: its request is still open, but the GIL is free, so it will
 * run and post. Not a self-deadlock. */
static void test_free_gil_is_no_wait(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	struct gil g = gil_objects(t);
	uint32_t t1 = an_spawn(t, 0, "t1");
	gil_take(t, 0, g, 0);                  /* main takes the GIL */
	gil_wait(t, t1, g, 0);                 /* t1 asks for it and waits */
	gil_drop(t, 0, g, 0);                  /* main drops it */
	uint32_t w = py_lock(t, 0, 0x9000);   /* and waits on its waiter lock */
	py_acquire(t, 0, w, 0);
	py_acquire_blocked(t, 0, w, 0, false);
	fake_trace_at(t, 10000000000ull);
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_HANG), 0);
}

/* multiprocessing.Lock: a named semaphore made by one process and used by
 * a fork child at the same address: one lock across both processes. */
static void test_named_semaphore_across_fork(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	struct trace_catalog *c = &t->cat;
	/* the child process, forked by thread 0 */
	c->processes = realloc(c->processes, 2 * sizeof(*c->processes));
	c->processes[1] = c->processes[0];
	c->processes[1].pid = 1001;
	c->processes[1].parent = 0;
	c->processes[1].parent_thread = 0;
	c->processes[1].exe = strdup("/usr/bin/prog");
	c->processes[1].argv = calloc(2, sizeof(char *));
	c->processes[1].argv[0] = strdup("prog");
	c->processes[1].file = strdup("fake");
	c->nprocesses = 2;
	uint32_t a = fake_object(t, TRACE_OBJ_SEM, 0x1000), b = fake_object(t, TRACE_OBJ_SEM, 0x2000);
	struct trace_event *e = fake_event(t, 0, TRACE_OP_SEM_OPEN, a);
	e->args[0] = O_CREAT | O_EXCL;
	e->args[1] = 1;
	e->str = "/mp-aaaa";
	e = fake_event(t, 0, TRACE_OP_SEM_OPEN, b);
	e->args[0] = O_CREAT | O_EXCL;
	e->args[1] = 1;
	e->str = "/mp-bbbb";
	uint32_t child = fake_thread(t, TRACE_NONE, "child");
	c->threads[child].process = 1;
	c->processes[0].nthreads--;
	c->processes[1].first_thread = child;
	c->processes[1].nthreads = 1;
	uint32_t ca = fake_object(t, TRACE_OBJ_SEM, 0x1000), cb = fake_object(t, TRACE_OBJ_SEM, 0x2000);
	fake_object_desc(t, ca)->process = 1;
	fake_object_desc(t, cb)->process = 1;
	py_acquire(t, 0, a, 0);
	py_acquire(t, 0, b, 0);
	py_release(t, 0, b);
	py_release(t, 0, a);
	struct trace_event *x[4];
	size_t first = t->nev;
	py_acquire(t, child, cb, 0);
	py_acquire(t, child, ca, 0);
	py_release(t, child, ca);
	py_release(t, child, cb);
	for (size_t i = 0; i < 4; i++) {
		x[i] = &t->ev[first + i];
		x[i]->process = 1;
	}
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_LOCK_ORDER), 1);
}

/* The GIL: take_gil of a thread that waits (gil.mutex, gil.cond timed
 * waits, unlock) while another holds it, and drop_gil (lock, signal,
 * unlock): a contended mutex "GIL", its holder blamed by where it dropped
 * the GIL (the Python code it ran), not where it took it; the GIL's own
 * mutex and condition are not reported. */
static void test_gil_contention(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	struct gil g = gil_objects(t);
	uint32_t t1 = an_spawn(t, 0, "t1"), t2 = an_spawn(t, 0, "t2");
	uint32_t s1 = fake_stack(t, 0x400000, 2), s2 = fake_stack(t, 0x500000, 2);
	uint32_t s3 = fake_stack(t, 0x600000, 2);
	/* t1 takes the GIL */
	gil_take(t, t1, g, s1);
	/* t2 asks for it and waits 10 ms */
	fake_trace_at(t, 2000000);
	gil_wait(t, t2, g, s2);
	/* t1 drops it */
	fake_trace_at(t, 12000000);
	gil_drop(t, t1, g, s3);
	fake_event(t, t2, TRACE_OP_COND_REACQUIRE, g.mutex)->obj2 = g.cond;
	struct trace_event *w = an_call(t, t2, TRACE_OP_COND_TIMEDWAIT, g.cond, 0, 0);
	w->obj2 = g.mutex;
	w->had_begin = 1;
	fake_unlock(t, t2, g.mutex, s2);
	struct report *r = run_all(lc);
	assert_int_equal(r->ndeadlocks, 0);
	assert_int_equal(r->nmisuses, 0);
	const struct report_lockstat *gil = NULL;
	for (size_t i = 0; i < r->nlockstats; i++) {
		assert_int_not_equal(r->lockstats[i].lock, g.cond);
		if (r->lockstats[i].lock == g.mutex)
			gil = &r->lockstats[i];
	}
	assert_non_null(gil);
	assert_int_equal(gil->acquisitions, 2);
	assert_int_equal(gil->contended, 1);
	assert_true(gil->wait_ns >= 10000000);
	assert_true(gil->blame_at_release);
	assert_true(gil->nsites >= 1);
	assert_int_equal(gil->sites[0].stack, s2);
	assert_int_equal(gil->sites[0].nblamed, 1);
	assert_int_equal(gil->sites[0].blamed[0].stack, s3);
	assert_in_range(gil->sites[0].blamed[0].wait_ns, 10000000, gil->wait_ns);
}

/* CPython 3.13's Thread.join parks on a semaphore of its stack (value 0),
 * which the shim marks with a happens-before annotation right after its
 * sem_init; the ending thread posts it. The joiner's long wait is no
 * contended semaphore (CPython's means of waiting) and the annotations
 * order the post after the init. Without them: a listed wait, and a race
 * on the semaphore. */
static void park(struct fake_trace *t, uint32_t joiner, uint32_t ender, uint32_t sem,
		 uint64_t addr, bool marked)
{
	fake_event(t, joiner, TRACE_OP_SEM_INIT, sem)->args[0] = 0;
	if (marked)
		fake_annotate(t, joiner, TRACE_ANN_HAPPENS_BEFORE, addr, 0);
	fake_begin(t, joiner, TRACE_OP_SEM_WAIT, sem);
	fake_trace_at(t, t->ev[t->nev - 1].ts_ns + 500000000);
	if (marked)
		fake_annotate(t, ender, TRACE_ANN_HAPPENS_AFTER, addr, 0);
	fake_event(t, ender, TRACE_OP_SEM_POST, sem);
	an_call(t, joiner, TRACE_OP_SEM_WAIT, sem, 0, 0)->had_begin = 1;
	fake_event(t, joiner, TRACE_OP_SEM_DESTROY, sem);
}

/* The joiner's park in a CPython 3.13 process, MARKED or not; the report. */
static struct report *python313_park(struct lv_case *lc, bool marked, uint32_t *sem)
{
	struct fake_trace *t = &lc->t;
	t->cat.processes[0].runtime_version = 0x030d00f0;
	/* its order all recorded (an extension built with ctrace cc): without,
	 * an init and a post that do not overlap in time are no race anyway */
	t->cat.processes[0].accesses_seen = 1;
	uint32_t worker = an_spawn(t, 0, "worker");
	*sem = fake_object(t, TRACE_OBJ_SEM, 0x7ffc1000);
	park(t, 0, worker, *sem, 0x7ffc1000, marked);
	struct report *r = run_all(lc);
	assert_int_equal(r->ndeadlocks, 0);
	assert_int_equal(r->nmisuses, 0);
	return r;
}

static bool lockstat_listed(const struct report *r, uint32_t lock)
{
	for (size_t i = 0; i < r->nlockstats; i++)
		if (r->lockstats[i].lock == lock)
			return true;
	return false;
}

static void test_python313_parking_lot(void **state)
{
	uint32_t s;
	struct report *r = python313_park(*state, true, &s);
	assert_int_equal(r->nraces, 0);
	assert_false(lockstat_listed(r, s));
}

/* Unmarked, the post races with the init (nothing orders them) and the
 * wait is listed: what the annotations are for. */
static void test_python313_parking_lot_unmarked(void **state)
{
	uint32_t s;
	struct report *r = python313_park(*state, false, &s);
	assert_int_equal(r->nraces, 1);
	assert_true(lockstat_listed(r, s));
}

/* A C extension that takes mutex M holding the GIL, while a thread holding
 * M waits for the GIL: a real deadlock through the GIL. */
static void test_gil_deadlock(void **state)
{
	struct lv_case *lc = *state;
	struct fake_trace *t = &lc->t;
	struct gil g = gil_objects(t);
	uint32_t m = fake_object(t, TRACE_OBJ_MUTEX, 0x7000);
	uint32_t t1 = an_spawn(t, 0, "t1");
	fake_lock(t, 0, m, 0);
	gil_take(t, t1, g, 0);                 /* t1 holds the GIL */
	gil_wait(t, 0, g, 0);                  /* main holds M, asks for the GIL */
	fake_begin(t, t1, TRACE_OP_MUTEX_LOCK, m);  /* t1 takes M holding the GIL */
	struct report *r = run_all(lc);
	assert_int_equal(count_kind(r, REPORT_DEADLOCK_HANG), 1);
}

int main(void)
{
#define PY(fn) cmocka_unit_test_setup_teardown(fn, setup_python, teardown)
#define C(fn) cmocka_unit_test_setup_teardown(fn, setup_c, teardown)
	const struct CMUnitTest tests[] = {
		PY(test_python_abba),
		PY(test_python_try_and_timed_calls),
		PY(test_python_plain_call),
		PY(test_python_join_orders),
		C(test_c_trywait_is_try),
		C(test_c_binary_semaphore_abba),
		C(test_counting_semaphore_is_not_a_lock),
		PY(test_condition_waiter_is_a_signal),
		PY(test_release_by_another_thread),
		PY(test_python_real_deadlock),
		PY(test_python_cycle_with_a_running_thread),
		PY(test_python_self_deadlock),
		PY(test_python_self_wait_with_a_running_thread),
		PY(test_unstarted_thread_may_post),
		PY(test_free_gil_is_no_wait),
		PY(test_named_semaphore_across_fork),
		PY(test_gil_contention),
		PY(test_gil_deadlock),
		PY(test_python313_parking_lot),
		PY(test_python313_parking_lot_unmarked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
