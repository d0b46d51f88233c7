/* SPDX-License-Identifier: MIT */
/* test_races_sync.c - each synchronization rule of the race analysis on a
 * synthetic stream: worker 1 writes X, [the synchronization], worker 2
 * touches X. Without the synchronization it is a race, with it none. */
#include "race_test.h"
#include "races.h"

/* ---- threads ---- */

static size_t create_order(bool sync)
{
	struct rt x;
	fake_trace_init(&x.t);
	uint32_t s = fake_stack(&x.t, 0x401000, 1), s2 = fake_stack(&x.t, 0x402000, 1);
	if (sync)
		rt_write(&x, 0, RT_X, 4, s);
	uint32_t c = an_spawn(&x.t, 0, "child");
	if (!sync)
		rt_write(&x, 0, RT_X, 4, s);
	rt_read(&x, c, RT_X, 4, s2);
	return rt_count(&x);
}

static void test_create(void **state)
{
	(void)state;
	assert_int_equal(create_order(false), 1);
	assert_int_equal(create_order(true), 0);
}

/* The child's start comes before the create's END in the merged order
 * (the create had a BEGIN): it still gets the parent's clock. */
static void test_create_in_flight(void **state)
{
	(void)state;
	struct rt x;
	fake_trace_init(&x.t);
	uint32_t s = fake_stack(&x.t, 0x401000, 1), s2 = fake_stack(&x.t, 0x402000, 1);
	rt_write(&x, 0, RT_X, 4, s);
	uint32_t c = fake_thread(&x.t, 0, "child");
	fake_begin(&x.t, 0, TRACE_OP_CREATE, 0)->peer_thread = c;
	fake_event(&x.t, c, TRACE_OP_THREAD_START, 0)->peer_thread = 0;
	rt_read(&x, c, RT_X, 4, s2);
	fake_event(&x.t, 0, TRACE_OP_CREATE, 0)->peer_thread = c;
	assert_int_equal(rt_count(&x), 0);
}

/* Main creates R, writes X, and is inside the create of S when R's first
 * record comes: R gets the clock of its own create, not of S's (which
 * holds the write), and its read of X races (the helper's loop of creates). */
static void test_start_during_next_create(void **state)
{
	(void)state;
	struct rt x;
	fake_trace_init(&x.t);
	uint32_t s = fake_stack(&x.t, 0x401000, 1), s2 = fake_stack(&x.t, 0x402000, 1);
	uint32_t r = fake_thread(&x.t, 0, "r"), s_thread = fake_thread(&x.t, 0, "s");
	fake_begin(&x.t, 0, TRACE_OP_CREATE, 0)->peer_thread = r;
	fake_event(&x.t, 0, TRACE_OP_CREATE, 0)->peer_thread = r;
	rt_write(&x, 0, RT_X, 4, s);
	fake_begin(&x.t, 0, TRACE_OP_CREATE, 0)->peer_thread = s_thread;
	fake_event(&x.t, r, TRACE_OP_THREAD_START, 0)->peer_thread = 0;
	rt_read(&x, r, RT_X, 4, s2);
	fake_event(&x.t, 0, TRACE_OP_CREATE, 0)->peer_thread = s_thread;
	fake_event(&x.t, s_thread, TRACE_OP_THREAD_START, 0)->peer_thread = 0;
	rt_read(&x, s_thread, RT_X, 4, s2);   /* S's is ordered: after its create's start */
	assert_int_equal(rt_count(&x), 1);
}

static size_t join_order(bool sync, unsigned join_op)
{
	struct rt x;
	rt_init(&x);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	an_end_thread(&x.t, x.t1);
	if (sync)
		fake_event(&x.t, 0, join_op, 0)->peer_thread = x.t1;
	rt_write(&x, 0, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_join(void **state)
{
	(void)state;
	assert_int_equal(join_order(false, TRACE_OP_JOIN), 1);
	assert_int_equal(join_order(true, TRACE_OP_JOIN), 0);
	assert_int_equal(join_order(true, TRACE_OP_THRD_JOIN), 0);
	assert_int_equal(join_order(true, TRACE_OP_TIMEDJOIN_NP), 0);
}

/* Threads let go once ended and joined (or detached) keep ordering what
 * they did. t1 writes X and ends; main joins it (or t1 was made detached,
 * or detached after its end). Then:
 * - a third thread made after the join reads X: ordered (create after join);
 * - t2, never ordered with t1, loses events (a gap): it acquires what
 *   every thread did so far, t1's last epoch included, and reads X.
 * WAY: 0 joined, 1 made detached, 2 detached after its end. */
static size_t let_go(int way, bool gap)
{
	struct rt x;
	rt_init(&x);
	if (way == 1)
		fake_event(&x.t, x.t1, TRACE_OP_THREAD_ATTR, 0)->args[0] = 1;
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	an_end_thread(&x.t, x.t1);
	if (way == 0)
		an_join(&x.t, 0, x.t1);
	if (way == 2)
		fake_event(&x.t, 0, TRACE_OP_DETACH, 0)->peer_thread = x.t1;
	if (gap) {
		fake_event(&x.t, x.t2, TRACE_OP_DROPPED, 0)->args[0] = 5;
		rt_read(&x, x.t2, RT_X, 4, x.s2);
	} else {
		uint32_t t3 = an_spawn(&x.t, 0, "w3");
		rt_read(&x, way == 0 ? t3 : x.t2, RT_X, 4, x.s2);
	}
	return rt_count(&x);
}

static void test_let_go(void **state)
{
	(void)state;
	assert_int_equal(let_go(0, false), 0);
	for (int way = 0; way < 3; way++)
		assert_int_equal(let_go(way, true), 0);
	/* detached, no gap: t2 was never ordered after t1's write */
	assert_int_equal(let_go(1, false), 1);
	assert_int_equal(let_go(2, false), 1);
}

/* A fork then a create without BEGIN: the child thread gets the clock of
 * the create, not the fork's. */
static void test_fork_then_create(void **state)
{
	(void)state;
	struct rt x;
	fake_trace_init(&x.t);
	uint32_t s = fake_stack(&x.t, 0x401000, 1), s2 = fake_stack(&x.t, 0x402000, 1);
	fake_event(&x.t, 0, TRACE_OP_FORK, 0)->result = 4242;
	rt_write(&x, 0, RT_X, 4, s);
	uint32_t c = an_spawn(&x.t, 0, "child");
	rt_read(&x, c, RT_X, 4, s2);
	assert_int_equal(rt_count(&x), 0);
}

/* A forked process's main thread starts after its parent's fork (the
 * happens-before state, as the rules leave it). */
static void test_fork_child(void **state)
{
	(void)state;
	struct fake_trace t;
	fake_trace_init(&t);
	uint32_t child = fake_thread(&t, TRACE_NONE, "child-main");
	struct trace_catalog *c = &t.cat;
	struct trace_process *p = realloc(c->processes, 2 * sizeof(*p));
	assert_non_null(p);
	c->processes = p;
	c->processes[1] = c->processes[0];
	c->processes[1].pid = 1001;
	c->processes[1].parent = 0;
	c->processes[1].parent_thread = 0;
	c->processes[1].exe = NULL;   /* shared with process 0: not released twice */
	c->processes[1].argv = NULL;
	c->processes[1].argc = 0;
	c->processes[1].file = NULL;
	c->nprocesses = 2;
	c->processes[0].nthreads = 1;
	c->threads[child].process = 1;
	c->threads[child].index = 0;
	struct rc_hb hb;
	struct rc_extra x;
	rc_hb_init(&hb);
	struct trace_event *e = fake_event(&t, 0, TRACE_OP_FORK, 0);
	rc_extra_of(c, e, false, &x);
	rc_sync_event(&hb, e, &x, NULL, NULL);
	uint32_t before = vclock_get(&hb.threads[0].vc, 0) - 1;   /* the fork ticked */
	e = fake_event(&t, child, TRACE_OP_THREAD_START, 0);
	e->process = 1;
	rc_extra_of(c, e, true, &x);
	assert_int_equal(x.fork_parent, 0);
	rc_sync_event(&hb, e, &x, NULL, NULL);
	assert_true(vclock_covers(&hb.threads[child].vc, 0, before));
	assert_false(vclock_covers(&hb.threads[child].vc, 0, vclock_get(&hb.threads[0].vc, 0)));
	rc_hb_release(&hb);
	fake_trace_release(&t);
}

/* ---- locks ---- */

static size_t mutex_order(bool sync, unsigned lock_op, unsigned unlock_op, enum trace_obj_kind kind)
{
	struct rt x;
	rt_init(&x);
	uint32_t m = fake_object(&x.t, kind, 0x601100);
	uint32_t m2 = fake_object(&x.t, kind, 0x601200);
	rt_section(&x, x.t1, lock_op, unlock_op, m, true, x.s1);
	rt_section(&x, x.t2, lock_op, unlock_op, sync ? m : m2, true, x.s2);
	return rt_count(&x);
}

static void test_mutex(void **state)
{
	(void)state;
	assert_int_equal(mutex_order(false, TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK, TRACE_OBJ_MUTEX), 1);
	assert_int_equal(mutex_order(true, TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK, TRACE_OBJ_MUTEX), 0);
	assert_int_equal(mutex_order(true, TRACE_OP_MTX_LOCK, TRACE_OP_MTX_UNLOCK, TRACE_OBJ_MUTEX), 0);
	assert_int_equal(mutex_order(true, TRACE_OP_MUTEX_TRYLOCK, TRACE_OP_MUTEX_UNLOCK, TRACE_OBJ_MUTEX), 0);
}

static void test_spinlock(void **state)
{
	(void)state;
	assert_int_equal(mutex_order(false, TRACE_OP_SPIN_LOCK, TRACE_OP_SPIN_UNLOCK, TRACE_OBJ_SPINLOCK), 1);
	assert_int_equal(mutex_order(true, TRACE_OP_SPIN_LOCK, TRACE_OP_SPIN_UNLOCK, TRACE_OBJ_SPINLOCK), 0);
}

/* A failed trylock acquires nothing. */
static void test_failed_trylock(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	rt_section(&x, x.t1, TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK, m, true, x.s1);
	fake_event(&x.t, x.t2, TRACE_OP_MUTEX_TRYLOCK, m)->result = EBUSY;
	rt_write(&x, x.t2, RT_X, 4, x.s2);
	assert_int_equal(rt_count(&x), 1);
}

/* A robust mutex whose owner ended holding it: its next owner's lock
 * returns EOWNERDEAD and takes what the dead owner did (TSan's
 * mutex_robust2, whose race TSan reports is a false one); a lock that
 * fails otherwise takes nothing. */
static size_t owner_dead(int result)
{
	struct rt x;
	rt_init(&x);
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	fake_lock(&x.t, x.t1, m, x.s1);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	an_end_thread(&x.t, x.t1);
	fake_event(&x.t, x.t2, TRACE_OP_MUTEX_TRYLOCK, m)->result = result;
	rt_write(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_owner_dead(void **state)
{
	(void)state;
	assert_int_equal(owner_dead(EOWNERDEAD), 0);
	assert_int_equal(owner_dead(EBUSY), 1);
}

/* The analysis' state of sync objects follows those alive: 100,000
 * mutexes made, locked and destroyed one after the other (C++ objects
 * with a lock each) leave a few pages of state, and no held set each
 * (it took 430 bytes a mutex: 857 MB for 2 million). */
static void test_state_of_live_objects(void **state)
{
	(void)state;
	struct fake_trace t;
	fake_trace_init(&t);
	struct rc_hb hb;
	rc_hb_init(&hb);
	struct rc_extra x = { .fork_parent = TRACE_NONE };
	enum { N = 100000 };
	for (uint32_t i = 0; i < N; i++) {
		uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, 0x601100);
		unsigned ops[] = { TRACE_OP_MUTEX_INIT, TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK,
				   TRACE_OP_MUTEX_DESTROY };
		for (unsigned k = 0; k < 4; k++) {
			t.nev = 0;   /* one event at a time, fed at once */
			rc_sync_event(&hb, fake_event(&t, 0, ops[k], m), &x, NULL, NULL);
		}
	}
	assert_true(id_table_pages(&hb.objs) <= ID_TABLE_SLACK + 2);
	assert_true(hb.nsets < 16);
	rc_hb_release(&hb);
	fake_trace_release(&t);
}

/* rwlock: a write unlock orders later readers; read unlocks order a later
 * writer; readers are not ordered with each other. */
static size_t rwlock_case(unsigned first_lock, bool first_write, unsigned second_lock, bool second_write)
{
	struct rt x;
	rt_init(&x);
	uint32_t l = fake_object(&x.t, TRACE_OBJ_RWLOCK, 0x601100);
	rt_section(&x, x.t1, first_lock, TRACE_OP_RWLOCK_UNLOCK, l, first_write, x.s1);
	rt_section(&x, x.t2, second_lock, TRACE_OP_RWLOCK_UNLOCK, l, second_write, x.s2);
	return rt_count(&x);
}

static void test_rwlock(void **state)
{
	(void)state;
	assert_int_equal(rwlock_case(TRACE_OP_RWLOCK_WRLOCK, true, TRACE_OP_RWLOCK_RDLOCK, false), 0);
	assert_int_equal(rwlock_case(TRACE_OP_RWLOCK_RDLOCK, false, TRACE_OP_RWLOCK_WRLOCK, true), 0);
	/* a write under a read lock races with another reader's */
	assert_int_equal(rwlock_case(TRACE_OP_RWLOCK_RDLOCK, true, TRACE_OP_RWLOCK_RDLOCK, false), 1);
	assert_int_equal(rwlock_case(TRACE_OP_RWLOCK_WRLOCK, true, TRACE_OP_RWLOCK_WRLOCK, true), 0);
}

/* ---- condition variables ---- */

static size_t cond_signal(bool sync)
{
	struct rt x;
	rt_init(&x);
	uint32_t cv = fake_object(&x.t, TRACE_OBJ_COND, 0x601100);
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601140);
	fake_begin(&x.t, x.t2, TRACE_OP_COND_WAIT, cv)->obj2 = m;
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	if (sync)
		fake_event(&x.t, x.t1, TRACE_OP_COND_SIGNAL, cv);
	fake_event(&x.t, x.t2, TRACE_OP_COND_WAIT, cv)->obj2 = m;
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

/* The waiter's mutex: the writer wrote under it, the wait got it back
 * (COND_REACQUIRE; a wait returning also holds it), with no signal (a
 * timeout). Without the mutex around the write, a race. */
static size_t cond_mutex(bool sync)
{
	struct rt x;
	rt_init(&x);
	uint32_t cv = fake_object(&x.t, TRACE_OBJ_COND, 0x601100);
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601140);
	fake_lock(&x.t, x.t2, m, 0);
	struct trace_event *e = fake_event(&x.t, x.t2, TRACE_OP_COND_RELEASE, m);
	e->obj2 = cv;
	if (sync)
		fake_lock(&x.t, x.t1, m, 0);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	if (sync)
		fake_unlock(&x.t, x.t1, m, 0);
	e = fake_event(&x.t, x.t2, TRACE_OP_COND_REACQUIRE, m);
	e->obj2 = cv;
	e = fake_event(&x.t, x.t2, TRACE_OP_COND_TIMEDWAIT, cv);
	e->obj2 = m;
	e->result = ETIMEDOUT;
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_cond(void **state)
{
	(void)state;
	assert_int_equal(cond_signal(false), 1);
	assert_int_equal(cond_signal(true), 0);
	assert_int_equal(cond_mutex(false), 1);
	assert_int_equal(cond_mutex(true), 0);
}

/* ---- semaphores, queues, once ---- */

static size_t post_wait(bool sync, enum trace_obj_kind kind, unsigned post, unsigned wait)
{
	struct rt x;
	rt_init(&x);
	uint32_t s = fake_object(&x.t, kind, 0x601100);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	if (sync)
		fake_event(&x.t, x.t1, post, s);
	fake_event(&x.t, x.t2, wait, s);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_sem(void **state)
{
	(void)state;
	assert_int_equal(post_wait(false, TRACE_OBJ_SEM, TRACE_OP_SEM_POST, TRACE_OP_SEM_WAIT), 1);
	assert_int_equal(post_wait(true, TRACE_OBJ_SEM, TRACE_OP_SEM_POST, TRACE_OP_SEM_WAIT), 0);
	assert_int_equal(post_wait(true, TRACE_OBJ_SEM, TRACE_OP_SEM_POST, TRACE_OP_SEM_TIMEDWAIT), 0);
}

/* The receiver was blocked: the real mq_send wakes it, and its receive
 * returns (END recorded) before the send's END. The send's BEGIN,
 * stamped before the real call, releases. BEFORE: the send starts only
 * after the receive returned (no order). */
static size_t send_woke_receiver(bool before)
{
	struct rt x;
	rt_init(&x);
	uint32_t q = fake_object(&x.t, TRACE_OBJ_MQ, 0x601100);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	fake_begin(&x.t, x.t2, TRACE_OP_MQ_RECEIVE, q);
	if (!before)
		fake_begin(&x.t, x.t1, TRACE_OP_MQ_SEND, q);
	fake_event(&x.t, x.t2, TRACE_OP_MQ_RECEIVE, q)->had_begin = 1;
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	if (before)
		fake_begin(&x.t, x.t1, TRACE_OP_MQ_SEND, q);
	fake_event(&x.t, x.t1, TRACE_OP_MQ_SEND, q)->had_begin = 1;
	return rt_count(&x);
}

static void test_mq(void **state)
{
	(void)state;
	assert_int_equal(send_woke_receiver(false), 0);
	assert_int_equal(send_woke_receiver(true), 1);
	assert_int_equal(post_wait(false, TRACE_OBJ_MQ, TRACE_OP_MQ_SEND, TRACE_OP_MQ_RECEIVE), 1);
	assert_int_equal(post_wait(true, TRACE_OBJ_MQ, TRACE_OP_MQ_SEND, TRACE_OP_MQ_RECEIVE), 0);
	assert_int_equal(post_wait(true, TRACE_OBJ_MQ, TRACE_OP_MQ_TIMEDSEND, TRACE_OP_MQ_TIMEDRECEIVE), 0);
}

/* Both workers call one once; t1 runs its routine, which writes X. */
static uint32_t once_begin(struct rt *x)
{
	rt_init(x);
	uint32_t o = fake_object(&x->t, TRACE_OBJ_ONCE, 0x601100);
	fake_begin(&x->t, x->t1, TRACE_OP_ONCE, o);
	fake_begin(&x->t, x->t2, TRACE_OP_ONCE, o);
	rt_write(x, x->t1, RT_X, 4, x->s1);   /* the init routine */
	return o;
}

static size_t once_case(bool sync)
{
	struct rt x;
	uint32_t o = once_begin(&x);
	fake_event(&x.t, x.t1, TRACE_OP_ONCE, sync ? o : 0);
	fake_event(&x.t, x.t2, TRACE_OP_ONCE, sync ? o : 0);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

/* The other caller may return first: the routine's writes reach it
 * through the shim's annotation on the once, written before the library
 * marked it done, and the routine's caller's END comes last. */
static size_t once_late_end_case(bool annotated)
{
	struct rt x;
	uint32_t o = once_begin(&x);
	if (annotated)
		fake_annotate(&x.t, x.t1, TRACE_ANN_HAPPENS_BEFORE, 0x601100, 0);
	fake_event(&x.t, x.t2, TRACE_OP_ONCE, o);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	fake_event(&x.t, x.t1, TRACE_OP_ONCE, o);
	return rt_count(&x);
}

static void test_once(void **state)
{
	(void)state;
	assert_int_equal(once_case(false), 1);
	assert_int_equal(once_case(true), 0);
	assert_int_equal(once_late_end_case(false), 1);
	assert_int_equal(once_late_end_case(true), 0);
}

/* ---- barriers ---- */

/* Two rounds: each worker writes its own slot before a round and reads
 * the other's after it; the departures of round 1 interleave with
 * arrivals of round 2. */
static size_t barrier_case(bool sync)
{
	struct rt x;
	rt_init(&x);
	uint32_t b = fake_object(&x.t, TRACE_OBJ_BARRIER, 0x601100);
	uint32_t bb = sync ? b : fake_object(&x.t, TRACE_OBJ_BARRIER, 0x601200);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	fake_begin(&x.t, x.t1, TRACE_OP_BARRIER_WAIT, b);
	rt_write(&x, x.t2, RT_X + 8, 4, x.s2);
	fake_begin(&x.t, x.t2, TRACE_OP_BARRIER_WAIT, bb);
	fake_event(&x.t, x.t2, TRACE_OP_BARRIER_WAIT, bb);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	fake_begin(&x.t, x.t2, TRACE_OP_BARRIER_WAIT, bb);   /* round 2 arrives */
	fake_event(&x.t, x.t1, TRACE_OP_BARRIER_WAIT, b);
	rt_read(&x, x.t1, RT_X + 8, 4, x.s1);
	fake_begin(&x.t, x.t1, TRACE_OP_BARRIER_WAIT, b);
	fake_event(&x.t, x.t1, TRACE_OP_BARRIER_WAIT, b);
	fake_event(&x.t, x.t2, TRACE_OP_BARRIER_WAIT, bb);
	rt_write(&x, x.t1, RT_X, 4, x.s3);   /* round 2: t2 read it in round 1 */
	return rt_count(&x);
}

static void test_barrier(void **state)
{
	(void)state;
	assert_int_equal(barrier_case(false), 2);
	assert_int_equal(barrier_case(true), 0);
}

/* ---- atomics and fences ---- */

#define MO_RELAXED 0
#define MO_ACQUIRE 2
#define MO_RELEASE 3
#define MO_ACQ_REL 4
#define MO_SEQ_CST 5

static size_t flag_case(unsigned store_mo, unsigned load_mo)
{
	struct rt x;
	rt_init(&x);
	uint32_t flag = fake_object(&x.t, TRACE_OBJ_ATOMIC, 0x601100);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	fake_atomic(&x.t, x.t1, flag, TRACE_ATOMIC_STORE, store_mo, 4, x.s3);
	fake_atomic(&x.t, x.t2, flag, TRACE_ATOMIC_LOAD, load_mo, 4, x.s3);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_atomic_flag(void **state)
{
	(void)state;
	assert_int_equal(flag_case(MO_RELEASE, MO_ACQUIRE), 0);
	assert_int_equal(flag_case(MO_SEQ_CST, MO_SEQ_CST), 0);
	assert_int_equal(flag_case(MO_RELAXED, MO_ACQUIRE), 1);   /* relaxed as a flag */
	assert_int_equal(flag_case(MO_RELEASE, MO_RELAXED), 1);
	assert_int_equal(flag_case(MO_RELAXED, MO_RELAXED), 1);
}

/* t1 stores with release; a third thread's relaxed RMW continues the
 * release sequence; t2's acquire load reads the RMW's value. A relaxed
 * store there instead starts over. */
static size_t release_sequence(unsigned middle_op)
{
	struct rt x;
	rt_init(&x);
	uint32_t t3 = an_spawn(&x.t, 0, "w3");
	uint32_t flag = fake_object(&x.t, TRACE_OBJ_ATOMIC, 0x601100);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	fake_atomic(&x.t, x.t1, flag, TRACE_ATOMIC_STORE, MO_RELEASE, 4, x.s3);
	fake_atomic(&x.t, t3, flag, middle_op, MO_RELAXED, 4, x.s3);
	fake_atomic(&x.t, x.t2, flag, TRACE_ATOMIC_LOAD, MO_ACQUIRE, 4, x.s3);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_release_sequence(void **state)
{
	(void)state;
	assert_int_equal(release_sequence(TRACE_ATOMIC_RMW), 0);
}

/* Fences: release fence + relaxed store, relaxed load + acquire fence. */
static size_t fence_case(bool rel_fence, bool acq_fence)
{
	struct rt x;
	rt_init(&x);
	uint32_t flag = fake_object(&x.t, TRACE_OBJ_ATOMIC, 0x601100);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	if (rel_fence)
		fake_fence(&x.t, x.t1, MO_RELEASE);
	fake_atomic(&x.t, x.t1, flag, TRACE_ATOMIC_STORE, MO_RELAXED, 4, x.s3);
	fake_atomic(&x.t, x.t2, flag, TRACE_ATOMIC_LOAD, MO_RELAXED, 4, x.s3);
	if (acq_fence)
		fake_fence(&x.t, x.t2, MO_ACQUIRE);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_fences(void **state)
{
	(void)state;
	assert_int_equal(fence_case(true, true), 0);
	assert_int_equal(fence_case(true, false), 1);
	assert_int_equal(fence_case(false, true), 1);
}

/* Atomic accesses do not race with each other; with a plain one they do. */
static void test_atomic_vs_plain(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint32_t a = fake_object(&x.t, TRACE_OBJ_ATOMIC, RT_X);
	fake_atomic(&x.t, x.t1, a, TRACE_ATOMIC_STORE, MO_RELAXED, 4, x.s1);
	fake_atomic(&x.t, x.t2, a, TRACE_ATOMIC_RMW, MO_RELAXED, 4, x.s2);
	assert_int_equal(rt_count(&x), 0);
	rt_init(&x);
	a = fake_object(&x.t, TRACE_OBJ_ATOMIC, RT_X);
	fake_atomic(&x.t, x.t1, a, TRACE_ATOMIC_STORE, MO_RELAXED, 4, x.s1);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	struct report r;
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	assert_false(r.races[0].accesses[0].atomic);
	assert_true(r.races[0].accesses[1].atomic);
	rt_release(&x, &r);
}

/* ---- annotations, fork ---- */

static size_t annotate_case(bool sync)
{
	struct rt x;
	rt_init(&x);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	if (sync)
		fake_annotate(&x.t, x.t1, TRACE_ANN_HAPPENS_BEFORE, 0x601100, 0);
	fake_annotate(&x.t, x.t2, TRACE_ANN_HAPPENS_AFTER, 0x601100, 0);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_annotations(void **state)
{
	(void)state;
	assert_int_equal(annotate_case(false), 1);
	assert_int_equal(annotate_case(true), 0);
	struct rt x;
	rt_init(&x);
	fake_annotate(&x.t, 0, TRACE_ANN_BENIGN_RACE, RT_X, 8);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	rt_write(&x, x.t2, RT_X + 4, 4, x.s2);
	rt_write(&x, x.t2, RT_X, 4, x.s2);
	assert_int_equal(rt_count(&x), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_in_flight),
		cmocka_unit_test(test_start_during_next_create),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_let_go),
		cmocka_unit_test(test_fork_then_create),
		cmocka_unit_test(test_fork_child),
		cmocka_unit_test(test_mutex),
		cmocka_unit_test(test_spinlock),
		cmocka_unit_test(test_failed_trylock),
		cmocka_unit_test(test_owner_dead),
		cmocka_unit_test(test_state_of_live_objects),
		cmocka_unit_test(test_rwlock),
		cmocka_unit_test(test_cond),
		cmocka_unit_test(test_sem),
		cmocka_unit_test(test_mq),
		cmocka_unit_test(test_once),
		cmocka_unit_test(test_barrier),
		cmocka_unit_test(test_atomic_flag),
		cmocka_unit_test(test_release_sequence),
		cmocka_unit_test(test_fences),
		cmocka_unit_test(test_atomic_vs_plain),
		cmocka_unit_test(test_annotations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
