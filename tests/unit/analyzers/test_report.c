/* SPDX-License-Identifier: MIT */
/* test_report.c - analyzers/report*.c: folding, deterministic order,
 * resolving ids through a symbol source (and without one), names. */
#include "sample_report.h"

#include "op_class.h"

static void test_fold_and_sort_misuse(void **state)
{
	struct report r;
	(void)state;
	report_init(&r);
	report_add_misuse(&r, REPORT_MISUSE_BAD_ARGUMENT, 1, 5, 9, "x");
	report_add_misuse(&r, REPORT_MISUSE_UNLOCK_NOT_OWNER, 2, 5, 9, "y")->count = 3;
	report_add_misuse(&r, REPORT_MISUSE_BAD_ARGUMENT, 3, 5, 9, "x again");
	report_add_misuse(&r, REPORT_MISUSE_UNLOCK_NOT_OWNER, 2, 4, 9, "z");
	report_finalize(&r);
	assert_int_equal(r.nmisuses, 3);
	assert_int_equal(r.misuses[0].kind, REPORT_MISUSE_UNLOCK_NOT_OWNER);
	assert_int_equal(r.misuses[0].lock, 4);
	assert_int_equal(r.misuses[1].lock, 5);
	assert_int_equal(r.misuses[1].count, 3);
	assert_int_equal(r.misuses[2].kind, REPORT_MISUSE_BAD_ARGUMENT);
	assert_int_equal(r.misuses[2].count, 2);
	assert_int_equal(r.misuses[2].thread, 1);
	report_finalize(&r);   /* idempotent */
	assert_int_equal(r.nmisuses, 3);
	report_release(&r);
}

static void add_cycle(struct report *r, enum report_deadlock_kind kind, bool concurrent, uint32_t l0)
{
	struct report_deadlock *d = report_add_deadlock(r, kind);
	d->concurrent = concurrent;
	struct report_edge *e = report_deadlock_add_edge(d);
	e->holding = l0;
	e->acquiring = l0 + 1;
	e = report_deadlock_add_edge(d);
	e->holding = l0 + 1;
	e->acquiring = l0;
}

static void test_deadlock_order_and_fold(void **state)
{
	struct report r;
	(void)state;
	report_init(&r);
	add_cycle(&r, REPORT_DEADLOCK_LOCK_ORDER, false, 1);
	add_cycle(&r, REPORT_DEADLOCK_LOCK_ORDER, true, 7);
	add_cycle(&r, REPORT_DEADLOCK_STALL, true, 3);
	add_cycle(&r, REPORT_DEADLOCK_HANG, true, 5);
	add_cycle(&r, REPORT_DEADLOCK_LOCK_ORDER, true, 7);   /* the same cycle twice */
	report_finalize(&r);
	assert_int_equal(r.ndeadlocks, 4);
	assert_int_equal(r.deadlocks[0].kind, REPORT_DEADLOCK_HANG);
	assert_int_equal(r.deadlocks[1].kind, REPORT_DEADLOCK_STALL);
	assert_int_equal(r.deadlocks[2].kind, REPORT_DEADLOCK_LOCK_ORDER);
	assert_true(r.deadlocks[2].concurrent);
	assert_false(r.deadlocks[3].concurrent);
	report_release(&r);
}

static void test_lockstat_order(void **state)
{
	struct report r;
	(void)state;
	report_init(&r);
	report_add_lockstat(&r, 3)->wait_ns = 10;
	report_add_lockstat(&r, 1)->wait_ns = 10;
	report_add_lockstat(&r, 2)->wait_ns = 99;
	struct report_lockstat *s = report_add_lockstat(&r, 4);
	struct report_site *site = report_lockstat_add_site(s, 8);
	site->wait_ns = 1;
	report_site_add_blame(site, 20, 5);
	report_site_add_blame(site, 21, 7);
	report_site_add_blame(site, 20, 5);
	report_lockstat_add_site(s, 9)->wait_ns = 2;
	report_finalize(&r);
	assert_int_equal(r.lockstats[0].lock, 2);
	assert_int_equal(r.lockstats[1].lock, 1);
	assert_int_equal(r.lockstats[2].lock, 3);
	assert_int_equal(r.lockstats[3].lock, 4);
	assert_int_equal(r.lockstats[3].sites[0].stack, 9);
	assert_int_equal(r.lockstats[3].sites[1].blamed_holder_stack, 20);
	assert_int_equal(r.lockstats[3].sites[1].blamed[0].wait_ns, 10);
	report_release(&r);
}

static void test_resolve_with_symbols(void **state)
{
	struct fake_trace t;
	struct report r;
	(void)state;
	fake_trace_init(&t);
	report_init(&r);
	sample_trace(&t);
	sample_report(&t, &r, true);
	assert_int_equal(r.nthreads, 3);
	assert_string_equal(r.threads[1].name, "worker-1");
	assert_int_equal(r.threads[1].parent, 0);
	assert_string_equal(r.program.argv[0], "prog");
	assert_int_equal(r.program.pid, 1000);
	const struct report_lock *a = report_lock_find(&r, r.deadlocks[0].cycle[0].holding);
	assert_non_null(a);
	assert_string_equal(a->symbol, "lock_a");
	const struct report_stack *s = report_stack_find(&r, r.deadlocks[0].cycle[0].acquiring_stack);
	assert_non_null(s);
	assert_int_equal(s->nframes, 2);
	assert_string_equal(s->frames[0].function, "worker_a");
	assert_int_equal(s->frames[0].line, 13);
	assert_string_equal(s->frames[1].function, "start_thread");
	assert_null(s->frames[1].file);
	/* the heap mutex: no symbol, its init stack resolved too */
	const struct report_lock *m3 = report_lock_find(&r, r.misuses[0].lock);
	assert_null(m3->symbol);
	assert_non_null(report_stack_find(&r, m3->init_stack));
	assert_int_equal(r.nnotes, 1);
	report_release(&r);
	fake_trace_release(&t);
}

static void test_resolve_without_symbols(void **state)
{
	struct fake_trace t;
	struct report r;
	(void)state;
	fake_trace_init(&t);
	report_init(&r);
	sample_trace(&t);
	struct analysis *an = analysis_new(&t.cat, ANALYZER_MISUSE, NULL);
	for (size_t i = 0; i < t.nev; i++)
		analysis_feed(an, &t.ev[i]);
	analysis_finish(an, &r);
	analysis_free(an);
	report_resolve(&r, &t.cat, NULL);
	report_finalize(&r);
	assert_int_equal(r.ndeadlocks, 0);         /* --only=misuse */
	assert_int_equal(r.nlockstats, 0);
	const struct report_stack *s = report_stack_find(&r, r.misuses[0].stack);
	assert_int_equal(s->nframes, 2);
	assert_int_equal(s->frames[0].pc, 0x405000);
	assert_null(s->frames[0].function);
	report_release(&r);
	fake_trace_release(&t);
}

static void test_names(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(report_op_function(TRACE_OP_MUTEX_LOCK, buf, sizeof(buf)), "pthread_mutex_lock");
	assert_string_equal(report_op_function(TRACE_OP_SEM_POST, buf, sizeof(buf)), "sem_post");
	assert_string_equal(report_op_function(TRACE_OP_MTX_LOCK, buf, sizeof(buf)), "mtx_lock");
	assert_string_equal(report_op_function(TRACE_OP_JOIN, buf, sizeof(buf)), "pthread_join");
	assert_string_equal(report_op_function(TRACE_OP_PROC_EXIT, buf, sizeof(buf)), "exit");
	assert_string_equal(report_misuse_kind_name(REPORT_MISUSE_COND_MIXED_MUTEX), "cond-mixed-mutex");
	assert_string_equal(report_deadlock_kind_name(REPORT_DEADLOCK_HANG), "deadlock");
	assert_int_equal(report_hist_bucket(0), 0);
	assert_int_equal(report_hist_bucket(1), 1);
	assert_int_equal(report_hist_bucket(1023), 10);
	assert_int_equal(report_hist_bucket(1024), 11);
	assert_int_equal(report_hist_bucket(UINT64_MAX), REPORT_HIST_BUCKETS - 1);
}

static void test_parse_only(void **state)
{
	unsigned mask = 0;
	struct ct_error err = { 0 };
	(void)state;
	assert_int_equal(analyzer_parse_only("deadlocks,misuse", &mask, &err), 0);
	assert_int_equal(mask, ANALYZER_DEADLOCKS | ANALYZER_MISUSE);
	assert_int_equal(analyzer_parse_only("races,contention", &mask, &err), 0);
	assert_int_equal(mask, ANALYZER_RACES | ANALYZER_CONTENTION);
	assert_true(analyzer_parse_only("deadlock", &mask, &err) < 0);
	assert_non_null(strstr(err.msg, "deadlock"));
	assert_true(analyzer_parse_only("", &mask, &err) < 0);
	assert_non_null(analyzer_find("lock-order"));
	assert_null(analyzer_find("nope"));
}

/* The analyzers' op table says what trace_event.h's predicates say. */
static void test_op_class_agrees(void **state)
{
	(void)state;
	for (unsigned op = 0; op < TRACE_OP_COUNT; op++) {
		unsigned c = op_class(op);
		assert_int_equal(!!(c & OPC_ACQUIRE), trace_op_is_lock_acquire(op));
		assert_int_equal(!!(c & OPC_RELEASE), trace_op_is_lock_release(op));
		assert_int_equal(!!(c & OPC_TRY), trace_op_is_trylock(op));
		assert_int_equal(!!(c & OPC_READ), trace_op_is_read_lock(op));
		assert_int_equal(!!(c & OPC_COND), trace_op_is_cond_wait(op));
		assert_int_equal(!!(c & OPC_INIT), trace_op_is_init(op));
		assert_int_equal(!!(c & OPC_DESTROY), trace_op_is_destroy(op));
		assert_int_equal(!!(c & OPC_JOIN), trace_op_is_join(op));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_and_sort_misuse),
		cmocka_unit_test(test_deadlock_order_and_fold),
		cmocka_unit_test(test_lockstat_order),
		cmocka_unit_test(test_resolve_with_symbols),
		cmocka_unit_test(test_resolve_without_symbols),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_only),
		cmocka_unit_test(test_op_class_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
