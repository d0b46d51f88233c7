/* SPDX-License-Identifier: MIT */
/* test_suppress.c - analyzers/suppress.c: the file format, pattern
 * matching, and removing matched findings from the sample report. */
#include "sample_report.h"
#include "race_sample.h"

#include "suppress.h"

static void test_parse(void **state)
{
	struct suppressions s = SUPPRESSIONS_INIT;
	struct ct_error err = { 0 };
	(void)state;
	assert_int_equal(suppressions_parse(&s, "# comment\n\n deadlock : worker_* # why\n"
					    "unlock-not-owner:^drop_m3$\ncontention:lock_a\n", "f", &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.rules[0].kind, "deadlock");
	assert_string_equal(s.rules[0].pattern, "worker_*");
	assert_int_equal(s.rules[0].line, 3);
	assert_true(s.rules[1].anchor_start);
	assert_true(s.rules[1].anchor_end);
	assert_string_equal(s.rules[1].pattern, "drop_m3");
	suppressions_release(&s);
}

static void test_parse_errors(void **state)
{
	struct suppressions s = SUPPRESSIONS_INIT;
	struct ct_error err = { 0 };
	(void)state;
	assert_int_equal(suppressions_parse(&s, "deadlock:x\nnonsense\n", "supp.txt", &err), -EINVAL);
	assert_string_equal(err.file, "supp.txt");
	assert_non_null(strstr(err.msg, "line 2"));
	suppressions_release(&s);
	assert_int_equal(suppressions_parse(&s, "deadlocks:x\n", "f", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown kind"));
	suppressions_release(&s);
	assert_int_equal(suppressions_parse(&s, "misuse:\n", "f", &err), -EINVAL);
	suppressions_release(&s);
	assert_true(suppressions_load(&s, "/nonexistent/supp", &err) < 0);
}

static void test_matching(void **state)
{
	struct suppression r = { .pattern = (char *)"lock" };
	(void)state;
	assert_true(suppression_matches(&r, "my_lock_fn"));
	assert_false(suppression_matches(&r, "mutex"));
	assert_false(suppression_matches(&r, NULL));
	r.anchor_start = true;
	assert_false(suppression_matches(&r, "my_lock_fn"));
	assert_true(suppression_matches(&r, "lock_fn"));
	r.anchor_end = true;
	assert_false(suppression_matches(&r, "lock_fn"));
	assert_true(suppression_matches(&r, "lock"));
	r.pattern = (char *)"w?rker_*b";
	assert_true(suppression_matches(&r, "worker_ab"));
	assert_false(suppression_matches(&r, "worker_a"));
	r.pattern = (char *)"/src/app/*.c";
	r.anchor_start = r.anchor_end = false;
	assert_true(suppression_matches(&r, "/src/app/pool.c"));
}

static uint64_t apply(const char *text, struct report *out)
{
	struct fake_trace t;
	struct suppressions s = SUPPRESSIONS_INIT;
	struct ct_error err = { 0 };
	fake_trace_init(&t);
	report_init(out);
	sample_trace(&t);
	sample_report(&t, out, false);
	assert_int_equal(suppressions_parse(&s, text, "test", &err), 0);
	suppressions_apply(&s, out);
	report_finalize(out);
	uint64_t hits = 0;
	for (size_t i = 0; i < s.n; i++)
		hits += s.rules[i].hits;
	suppressions_release(&s);
	fake_trace_release(&t);
	return hits;
}

static void test_apply(void **state)
{
	struct report r;
	(void)state;
	/* a deadlock by function, misuse by a function of its stack */
	assert_int_equal(apply("deadlock:worker_b\nunlock-not-owner:drop_m3\n", &r), 2);
	assert_int_equal(r.ndeadlocks, 0);
	assert_int_equal(r.nmisuses, 3);
	assert_int_equal(r.misuses[1].kind, REPORT_MISUSE_BAD_ARGUMENT);
	assert_int_equal(r.suppressed, 2);
	report_release(&r);
	/* the class catches every misuse kind; by file name */
	apply("misuse:/src/app/pool.c$\n", &r);
	assert_int_equal(r.nmisuses, 2);
	assert_int_equal(r.misuses[0].kind, REPORT_MISUSE_COND_WAIT_NOT_HELD);
	assert_int_equal(r.ndeadlocks, 1);
	report_release(&r);
	/* the new kinds by name; a condition variable by its symbol (the
	 * second object of a cond finding), a note like any finding */
	assert_int_equal(apply("cond-wait-not-held:^ready_cv$\ncond-signal-not-held:post_ready\n", &r), 2);
	assert_int_equal(r.nmisuses, 2);
	assert_int_equal(r.suppressed, 2);
	report_release(&r);
	/* by lock symbol; a kind-specific rule does not touch other kinds */
	apply("lock-order-inversion:lock_b\nstall:worker\ncontention:^lock_a$\n", &r);
	assert_int_equal(r.ndeadlocks, 0);
	for (size_t i = 0; i < r.nlockstats; i++) {
		const struct report_lock *l = report_lock_find(&r, r.lockstats[i].lock);
		assert_true(!l->symbol || strcmp(l->symbol, "lock_a"));
	}
	assert_int_equal(r.suppressed, 2);
	report_release(&r);
	/* nothing matches */
	assert_int_equal(apply("deadlock:no_such_function\n", &r), 0);
	assert_int_equal(r.ndeadlocks, 1);
	assert_int_equal(r.suppressed, 0);
	report_release(&r);
}

/* race:PATTERN by a function or file of either access, by the variable's
 * symbol, by the sync object's; the kinds by name. */
static size_t race_apply(const char *text, uint64_t *hits)
{
	struct fake_trace t;
	struct report r;
	struct suppressions s = SUPPRESSIONS_INIT;
	struct ct_error err = { 0 };
	fake_trace_init(&t);
	report_init(&r);
	race_trace(&t);
	race_report(&t, &r, false);
	assert_int_equal(suppressions_parse(&s, text, "test", &err), 0);
	suppressions_apply(&s, &r);
	report_finalize(&r);
	*hits = r.suppressed;
	size_t n = r.nraces;
	suppressions_release(&s);
	report_release(&r);
	fake_trace_release(&t);
	return n;
}

static void test_apply_races(void **state)
{
	(void)state;
	uint64_t hits;
	assert_int_equal(race_apply("", &hits), 3);
	assert_int_equal(race_apply("race:peek\n", &hits), 2);         /* the later access */
	assert_int_equal(hits, 1);
	assert_int_equal(race_apply("race:^bump$\n", &hits), 2);       /* the earlier one */
	assert_int_equal(race_apply("race:buf.c\n", &hits), 2);        /* a file */
	assert_int_equal(race_apply("race:stats.*\n", &hits), 2);      /* the variable */
	assert_int_equal(race_apply("race:late_lock\n", &hits), 2);    /* the sync object */
	assert_int_equal(race_apply("sync-object-race:main.c\n", &hits), 2);
	assert_int_equal(race_apply("data-race:counter.c\ndata-race:buf.c\n", &hits), 1);
	assert_int_equal(race_apply("misuse:peek\n", &hits), 3);
	assert_int_equal(hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse), cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_matching), cmocka_unit_test(test_apply),
		cmocka_unit_test(test_apply_races),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
