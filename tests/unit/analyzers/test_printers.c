/* SPDX-License-Identifier: MIT */
/* test_printers.c - the text, JSON and SARIF printers against golden files
 * (tests/golden/report/sample.*) on the fixed sample report; the JSON and
 * SARIF outputs checked with jq (structure of SARIF 2.1.0, contract fields);
 * the top-N cut of contention, lock classes, and the wording of waits; the
 * Python sample (python_report.h) in every format (tests/golden/report/
 * python.*).
 * CTRACE_UPDATE_GOLDEN=1 rewrites the golden files. */
#include "python_report.h"
#include "sample_report.h"
#include "race_sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "print.h"
#include "print_common.h"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(f);
	fclose(m);
	return text;
}

static void golden(const char *name, const char *actual)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", CTRACE_GOLDEN_DIR, name);
	if (getenv("CTRACE_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(actual, f);
		fclose(f);
		return;
	}
	char *expected = read_file(path);
	if (!expected)
		fail_msg("missing golden file %s (run with CTRACE_UPDATE_GOLDEN=1)", path);
	if (strcmp(expected, actual)) {
		print_error("--- %s differs; actual output:\n%s\n", path, actual);
		fail();
	}
	free(expected);
}

/* jq -e FILTER-FILE over TEXT must succeed. */
static void jq_check(const char *text, const char *filter_file, const char *expr)
{
	if (!CTRACE_JQ[0])
		fail_msg("jq is needed for this test");
	char tmp[] = "/tmp/ctrace-an-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char cmd[2048];
	if (filter_file)
		snprintf(cmd, sizeof(cmd), "'%s' -e -f '%s' '%s' >/dev/null", CTRACE_JQ, filter_file, tmp);
	else
		snprintf(cmd, sizeof(cmd), "'%s' -e '%s' '%s' >/dev/null", CTRACE_JQ, expr, tmp);
	int rc = system(cmd);
	unlink(tmp);
	if (rc != 0)
		fail_msg("jq check failed: %s", filter_file ? filter_file : expr);
}

struct pr_fixture {
	struct fake_trace t;
	struct report r;
};

static int setup(void **state)
{
	struct pr_fixture *f = calloc(1, sizeof(*f));
	fake_trace_init(&f->t);
	report_init(&f->r);
	sample_trace(&f->t);
	sample_report(&f->t, &f->r, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct pr_fixture *f = *state;
	report_release(&f->r);
	fake_trace_release(&f->t);
	free(f);
	return 0;
}

static void test_sample_findings(void **state)
{
	struct pr_fixture *f = *state;
	assert_int_equal(f->r.ndeadlocks, 1);
	assert_int_equal(f->r.nmisuses, 4);
	/* the cond-signal-not-held note is no finding (exit status) */
	assert_int_equal(report_findings(&f->r), 4);
	assert_int_equal(report_note_findings(&f->r), 1);
}

static void test_text_golden(void **state)
{
	struct pr_fixture *f = *state;
	struct print_options opt = { 0 };
	char *text = an_render(print_text, &f->r, &opt);
	golden("sample.txt", text);
	free(text);
}

static void test_text_color_only_when_asked(void **state)
{
	struct pr_fixture *f = *state;
	struct print_options opt = { .color = true };
	char *plain = an_render(print_text, &f->r, NULL);
	char *color = an_render(print_text, &f->r, &opt);
	assert_null(strchr(plain, '\033'));
	assert_non_null(strstr(color, "\033[1;31mWARNING: ctrace: lock-order inversion"));
	free(plain);
	free(color);
}

static void test_json_golden(void **state)
{
	struct pr_fixture *f = *state;
	struct print_options opt = { .json_indent = 2 };
	char *text = an_render(print_json, &f->r, &opt);
	golden("sample.json", text);
	free(text);
}

/* The contract's fields, checked on the compact output. */
static void test_json_contract(void **state)
{
	struct pr_fixture *f = *state;
	char *text = an_render(print_json, &f->r, NULL);
	jq_check(text, NULL,
		 ".ctrace_report == 1 and (.program | has(\"argv\") and has(\"pid\") and has(\"exit_status\") "
		 "and has(\"duration_ns\")) and (.threads[0] | has(\"id\") and has(\"tid\") and has(\"name\") "
		 "and has(\"parent\") and has(\"create_stack\")) and .races == [] "
		 "and .deadlocks[0].kind == \"lock-order-inversion\" and (.deadlocks[0].cycle | length) == 2 "
		 "and (.deadlocks[0].cycle[0] | has(\"thread\") and has(\"holding\") and has(\"acquiring\") "
		 "and has(\"holding_stack\") and has(\"acquiring_stack\")) "
		 "and .deadlocks[0].cycle[0].holding.symbol == \"lock_a\" "
		 "and (.deadlocks[0].cycle[0].holding | has(\"id\") and has(\"address\") and has(\"kind\") "
		 "and has(\"init_stack\")) "
		 "and (.deadlocks[0].cycle[0].acquiring_stack[0] | keys == [\"file\",\"function\",\"line\",\"module\",\"pc\"]) "
		 "and ([.contention[].wait_ns] == ([.contention[].wait_ns] | sort | reverse)) "
		 "and (.contention[0] | has(\"lock\") and has(\"acquisitions\") and has(\"contended\") "
		 "and has(\"wait_ns\") and has(\"max_wait_ns\") and has(\"hold_ns\") and has(\"max_hold_ns\") "
		 "and has(\"sites\")) and (.contention[0].sites[0] | has(\"stack\") and has(\"contended\") "
		 "and has(\"wait_ns\") and has(\"blamed_holder_stack\")) "
		 "and ([.misuse[].kind] == [\"unlock-not-owner\", \"cond-wait-not-held\", \"bad-argument\", "
		 "\"cond-signal-not-held\"]) "
		 "and (.misuse[0] | has(\"kind\") and has(\"thread\") and has(\"lock\") and has(\"stack\") "
		 "and has(\"message\")) and (.trace | has(\"events\") and has(\"dropped\") and has(\"bytes\"))");
	free(text);
}

/* Both objects of a condition-variable finding named by symbol: lock is
 * the mutex, cond the condition variable, and the message names both
 * (\u0027 is a quote: the filter is quoted for the shell). */
static void test_json_cond_objects_named(void **state)
{
	struct pr_fixture *f = *state;
	char *text = an_render(print_json, &f->r, NULL);
	jq_check(text, NULL,
		 "[.misuse[] | select(.kind | startswith(\"cond-\"))] | length == 2 and all(.[]; "
		 ".lock.symbol == \"state_lock\" and .lock.kind == \"mutex\" "
		 "and .cond.symbol == \"ready_cv\" and .cond.kind == \"cond\" "
		 "and (.message | contains(\"cond \\u0027ready_cv\\u0027\") "
		 "and contains(\"mutex \\u0027state_lock\\u0027\")))");
	jq_check(text, NULL,
		 "[.misuse[] | {kind, severity}] == [{kind: \"unlock-not-owner\", severity: \"warning\"}, "
		 "{kind: \"cond-wait-not-held\", severity: \"warning\"}, "
		 "{kind: \"bad-argument\", severity: \"warning\"}, "
		 "{kind: \"cond-signal-not-held\", severity: \"note\"}]");
	free(text);
}

/* SARIF: the names in the message, the note's level. */
static void test_sarif_cond_named_and_note(void **state)
{
	struct pr_fixture *f = *state;
	char *text = an_render(print_sarif, &f->r, NULL);
	jq_check(text, NULL,
		 ".runs[0].results | map(select(.ruleId | startswith(\"cond-\"))) | "
		 "(map(.level) == [\"warning\", \"note\"]) and all(.[]; .message.text | "
		 "contains(\"cond \\u0027ready_cv\\u0027\") and contains(\"mutex \\u0027state_lock\\u0027\"))");
	jq_check(text, NULL, "[.runs[0].tool.driver.rules[] | select(.id == \"cond-signal-not-held\") "
			     "| .defaultConfiguration.level] == [\"note\"]");
	free(text);
}

/* Text: both names, the note said to be one. */
static void test_text_cond_named_and_note(void **state)
{
	struct pr_fixture *f = *state;
	char *text = an_render(print_text, &f->r, NULL);
	assert_non_null(strstr(text, "wait on cond 'ready_cv' with mutex 'state_lock' not held"));
	assert_non_null(strstr(text, "  The mutex: mutex 'state_lock' (0x6010c0)\n"
				     "  The condition variable: cond 'ready_cv' (0x601080)\n"));
	assert_non_null(strstr(text, "NOTE: ctrace: condition signal without the waiters' mutex "
				     "[cond-signal-not-held]"));
	assert_non_null(strstr(text, "ctrace: 1 lock-order-inversion, 0 races, 3 misuse findings, 1 note;"));
	free(text);
}

static void test_sarif_golden_and_structure(void **state)
{
	struct pr_fixture *f = *state;
	struct print_options opt = { .json_indent = 2 };
	char *text = an_render(print_sarif, &f->r, &opt);
	golden("sample.sarif", text);
	jq_check(text, CTRACE_SARIF_CHECK, NULL);
	free(text);
}

/* An empty report is valid SARIF too (results: []). */
static void test_sarif_empty(void **state)
{
	struct report r;
	(void)state;
	report_init(&r);
	char *text = an_render(print_sarif, &r, NULL);
	jq_check(text, NULL, ".version == \"2.1.0\" and .runs[0].results == [] and "
			     "(.runs[0].tool.driver.rules | length) == 22");
	free(text);
	report_release(&r);
}

static void test_summary(void **state)
{
	struct pr_fixture *f = *state;
	char *text = an_render(print_summary, &f->r, NULL);
	assert_non_null(strstr(text, "ctrace: 4 findings: 1 lock-order-inversion, 1 unlock-not-owner, "
				     "1 cond-wait-not-held, 1 bad-argument\n"));
	assert_non_null(strstr(text, "ctrace: 1 note (not counted as findings): 1 cond-signal-not-held\n"));
	assert_non_null(strstr(text, "ctrace: most contended: mutex 'lock_a' (0x601000): waited 19.0 us"));
	free(text);
}

/* ---- contention: the top lockstats, classes, how waits are called ---- */

/* 150 contended mutexes, lockstat i waiting i+1 us; the one waiting most a
 * class of 40 locks. Resolved (raw pcs) and finalized into r. */
static void many_lockstats(struct fake_trace *t, struct report *r)
{
	uint32_t s_init = fake_stack(t, 0x406000, 2);
	for (uint32_t i = 0; i < 150; i++) {
		uint32_t m = fake_object(t, TRACE_OBJ_MUTEX, 0x10000 + i * 64);
		fake_object_desc(t, m)->init_stack = s_init;
		fake_object_desc(t, m)->initialized = true;
		struct report_lockstat *s = report_add_lockstat(r, m);
		s->acquisitions = 2;
		s->contended = 1;
		s->wait_ns = (i + 1) * 1000;
		s->instances = i == 149 ? 40 : 0;
	}
	report_resolve(r, &t->cat, NULL);
	report_finalize(r);
}

static void test_contention_top(void **state)
{
	(void)state;
	struct fake_trace t;
	struct report r;
	fake_trace_init(&t);
	report_init(&r);
	many_lockstats(&t, &r);
	char *json = an_render(print_json, &r, NULL);
	jq_check(json, NULL, "(.contention | length) == 100 and .contention_omitted == 50 "
			     "and .contention[0].class == true and .contention[0].instances == 40 "
			     "and .contention[0].lock.init_stack[0].pc == \"0x406000\" "
			     "and .contention[1].wait_ns == 149000 and (.contention[1] | has(\"class\") | not)");
	struct print_options all = { .contention_top = PRINT_CONTENTION_ALL };
	char *json_all = an_render(print_json, &r, &all);
	jq_check(json_all, NULL, "(.contention | length) == 150 and (has(\"contention_omitted\") | not)");
	char *text = an_render(print_text, &r, NULL);
	assert_non_null(strstr(text, "Lock contention (locks): 150; top 10 by total wait:\n\n"
				     "  mutex class of 40 instances initialized at 0x406000\n"));
	assert_non_null(strstr(text, "(140 more, with less waiting: ctrace report --contention=all)"));
	struct print_options three = { .contention_top = 3 };
	char *text3 = an_render(print_text, &r, &three);
	assert_non_null(strstr(text3, "(147 more, with less waiting"));
	char *summary = an_render(print_summary, &r, NULL);
	assert_non_null(strstr(summary, "ctrace: most contended: mutex class of 40 instances initialized "
					"at 0x406000: waited 150.0 us in 1 of 2 acquisitions\n"));
	free(json);
	free(json_all);
	free(text);
	free(text3);
	free(summary);
	report_release(&r);
	fake_trace_release(&t);
}

/* A join is a join, a condition wait a condition wait; one is singular. A
 * stall counts as a stall. */
static void test_wait_wording(void **state)
{
	(void)state;
	struct fake_trace t;
	struct report r;
	fake_trace_init(&t);
	report_init(&r);
	uint32_t th = fake_object(&t, TRACE_OBJ_THREAD, 0x7f0000002000ull);
	uint32_t cv = fake_object(&t, TRACE_OBJ_COND, 0x601080);
	uint32_t st = fake_stack(&t, 0x401000, 2);
	struct report_lockstat *s = report_add_lockstat(&r, th);
	s->acquisitions = s->contended = 1;
	s->wait_ns = 8900000;
	report_lockstat_add_site(s, st)->contended = 1;
	s = report_add_lockstat(&r, cv);
	s->acquisitions = s->contended = 2;
	s->wait_ns = 5000;
	report_lockstat_add_site(s, st)->contended = 2;
	report_add_deadlock(&r, REPORT_DEADLOCK_STALL);
	report_resolve(&r, &t.cat, NULL);
	report_finalize(&r);
	char *text = an_render(print_text, &r, NULL);
	assert_non_null(strstr(text, " in 1 join at:\n"));
	assert_non_null(strstr(text, " in 2 condition waits at:\n"));
	assert_null(strstr(text, "contended acquisition"));
	assert_non_null(strstr(text, "ctrace: 1 stall, 0 races, 0 misuse findings;"));
	free(text);
	report_release(&r);
	fake_trace_release(&t);
}

struct py_fixture {
	struct python_sample s;
	struct report r;
};

static int py_setup(void **state)
{
	struct py_fixture *f = calloc(1, sizeof(*f));
	python_sample_init(&f->s);
	report_init(&f->r);
	python_report(&f->s, &f->r);
	*state = f;
	return 0;
}

static int py_teardown(void **state)
{
	struct py_fixture *f = *state;
	report_release(&f->r);
	python_sample_release(&f->s);
	free(f);
	return 0;
}

/* Python frames in the text: "#0 worker /src/app/demo.py:12 (python)", the
 * extension's frame between the Python frames that called it, none of the
 * interpreter's; locks named where demo.py made them; the GIL by its name. */
static void test_python_text(void **state)
{
	struct py_fixture *f = *state;
	char *text = an_render(print_text, &f->r, NULL);
	golden("python.txt", text);
	assert_non_null(strstr(text, "    #0 worker /src/app/demo.py:12 (python)\n"
				     "    #1 Thread.run /opt/py/lib/python3.11/threading.py:975 (python)\n"));
	assert_non_null(strstr(text, "    #0 callback /src/app/demo.py:30 (python)\n"
				     "    #1 <null> (_ext.cpython-311-x86_64-linux-gnu.so+0x100)\n"
				     "    #2 worker2 /src/app/demo.py:25 (python)\n"));
	assert_non_null(strstr(text, "    #0 <null> (libsqlite3.so.0+0x100)\n"
				     "    #1 <null> (_ext.cpython-311-x86_64-linux-gnu.so+0x200)\n"
				     "    #2 worker2 /src/app/demo.py:24 (python)\n"));
	assert_non_null(strstr(text, "sem 'demo.py:2'"));
	assert_non_null(strstr(text, "mutex 'GIL'"));
	assert_null(strstr(text, "(python3.11, pc"));
	assert_null(strstr(text, "(libc.so.6, pc"));
	free(text);
}

static void test_python_json(void **state)
{
	struct py_fixture *f = *state;
	struct print_options opt = { .json_indent = 2 };
	char *text = an_render(print_json, &f->r, &opt);
	golden("python.json", text);
	jq_check(text, NULL,
		 ".deadlocks[0].cycle[0].acquiring_stack[0] == {pc: null, function: \"worker\", "
		 "file: \"/src/app/demo.py\", line: 13, module: null, language: \"python\"} "
		 "and ([.deadlocks[0].cycle[1].acquiring_stack[] | .function // .module] == [\"callback\", "
		 "\"" PYS_EXT "\", \"worker2\", \"Thread.run\", \"Thread._bootstrap_inner\", "
		 "\"Thread._bootstrap\"]) "
		 "and .deadlocks[0].cycle[0].holding.name == \"demo.py:2\" "
		 "and .contention[0].lock.name == \"GIL\" "
		 "and .threads[1].name == \"Thread-1 (worker)\" "
		 "and ([.threads[1].create_stack[].function] == [\"Thread.start\", \"<module>\"])");
	free(text);
}

static void test_python_sarif(void **state)
{
	struct py_fixture *f = *state;
	struct print_options opt = { .json_indent = 2 };
	char *text = an_render(print_sarif, &f->r, &opt);
	golden("python.sarif", text);
	jq_check(text, CTRACE_SARIF_CHECK, NULL);
	jq_check(text, NULL,
		 ".runs[0].results[0].locations[0].physicalLocation == {artifactLocation: "
		 "{uri: \"file:///src/app/demo.py\"}, region: {startLine: 13}} "
		 "and .runs[0].results[0].locations[0].logicalLocations[0].fullyQualifiedName == \"worker\"");
	free(text);
}

/* ---- races (race_sample.h) ---- */

static char *race_render(an_printer fn, const struct print_options *opt)
{
	struct fake_trace t;
	struct report r;
	fake_trace_init(&t);
	report_init(&r);
	race_trace(&t);
	race_report(&t, &r, true);
	assert_int_equal(r.nraces, 3);
	char *text = an_render(fn, &r, opt);
	report_release(&r);
	fake_trace_release(&t);
	return text;
}

static void test_race_text_golden(void **state)
{
	(void)state;
	char *text = race_render(print_text, NULL);
	golden("races.txt", text);
	assert_non_null(strstr(text, "WARNING: ctrace: data race (pid=1000)\n"
				     "  Read of size 4 at 0x601008 by thread T2 'peeker':\n"
				     "    Mutexes held: mutex 'lock_b' (0x601140)\n"));
	assert_non_null(strstr(text, "  Previous write of size 4 at 0x601008 by thread T1 'bumper':\n"));
	assert_non_null(strstr(text, "  Location is global 'stats.hits' at 0x601008\n"));
	assert_non_null(strstr(text, "  Location is freed heap block of size 40 at 0x10000040 (offset 12), "
				     "allocated by thread T0 'prog':\n"));
	assert_non_null(strstr(text, "  and freed by thread T2 'peeker':\n    #0 drop /src/app/buf.c:41"));
	assert_non_null(strstr(text, "SUMMARY: ctrace: data race /src/app/counter.c:17 in peek\n"));
	assert_non_null(strstr(text, "WARNING: ctrace: race on a sync object"));
	free(text);
}

/* Where a finding is: a stripped program's frame has no name, so it is its
 * object and offset (as TSan prints it), not libc's start_thread above
 * it; an unknown pc (no object) is passed over. */
static void test_where_stripped(void **state)
{
	(void)state;
	struct report_frame frames[3] = {
		{ .pc = 0x7f0000001000 },
		{ .pc = 0x555555555234, .module = "/opt/app/bin/server", .module_offset = 0x1234,
		  .has_offset = true },
		{ .pc = 0x7ffff7e0a000, .function = "start_thread", .module = "/lib/libc.so.6",
		  .module_offset = 0x8a000, .has_offset = true },
	};
	struct report_stack st = { .id = 5, .frames = frames, .nframes = 3 };
	struct report r = { .stacks = &st, .nstacks = 1 };
	char buf[128];
	assert_string_equal(print_stack_where(&r, 5, buf, sizeof buf), "(server+0x1234)");
	st.frames = &frames[2];
	st.nframes = 1;
	assert_string_equal(print_stack_where(&r, 5, buf, sizeof buf), "start_thread (libc.so.6)");
}

/* A std::mutex lock: libstdc++'s inlined frames, in /usr/include, are
 * passed over to the program's line that took the lock; a stack of
 * nothing but theirs still names one. */
static void test_where_past_system_headers(void **state)
{
	(void)state;
	struct report_frame frames[3] = {
		{ .pc = 0x401000, .function = "__gthread_mutex_lock", .line = 749,
		  .file = "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h", .inlined = true },
		{ .pc = 0x401000, .function = "std::mutex::lock", .line = 100,
		  .file = "/usr/include/c++/12/bits/std_mutex.h", .inlined = true },
		{ .pc = 0x401000, .function = "worker", .file = "/src/app/pool.cc", .line = 42 },
	};
	struct report_stack st = { .id = 6, .frames = frames, .nframes = 3 };
	struct report r = { .stacks = &st, .nstacks = 1 };
	char buf[256];
	assert_string_equal(print_stack_where(&r, 6, buf, sizeof buf), "/src/app/pool.cc:42 in worker");
	st.nframes = 2;
	assert_string_equal(print_stack_where(&r, 6, buf, sizeof buf),
			    "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h:749 in __gthread_mutex_lock");
}

/* A finding in a child process names the child's pid, not the program's. */
static void test_header_pid_of_child(void **state)
{
	(void)state;
	struct report_thread threads[2] = { { .id = 0, .tid = 100, .pid = 100 },
					    { .id = 1, .tid = 101, .pid = 101 } };
	struct report_misuse m = { .kind = REPORT_MISUSE_THREAD_LEAK, .thread = 1, .message = "leak",
				   .count = 1, .other_thread = TRACE_NONE };
	struct report r = { .threads = threads, .nthreads = 2, .misuses = &m, .nmisuses = 1 };
	r.program.pid = 100;
	char *text = an_render(print_text, &r, NULL);
	assert_non_null(strstr(text, "(pid=101)\n"));
	assert_null(strstr(text, "(pid=100)"));
	free(text);
}

static void test_race_json_golden_and_contract(void **state)
{
	(void)state;
	struct print_options opt = { .json_indent = 2 };
	char *text = race_render(print_json, &opt);
	golden("races.json", text);
	jq_check(text, NULL,
		 "(.races | length) == 3 and all(.races[]; has(\"address\") and has(\"size\") "
		 "and has(\"symbol\") and (.accesses | length) == 2 and all(.accesses[]; has(\"thread\") "
		 "and (.op | IN(\"read\", \"write\")) and (.atomic | type == \"boolean\") "
		 "and (.stack | type == \"array\") and (.locks_held | type == \"array\"))) "
		 "and .races[0].symbol == \"stats.hits\" and .races[0].location == \"global\" "
		 "and .races[0].accesses[0].locks_held == [2] and .races[0].accesses[1].locks_held == [1] "
		 "and .races[1].location == \"heap\" and .races[1].block.size == 40 and .races[1].offset == 12 "
		 "and .races[1].block.allocation_stack[0].function == \"make_buf\" "
		 "and .races[1].accesses[0].free == true "
		 "and .races[2].kind == \"sync-object-race\" and .races[2].object.symbol == \"late_lock\" "
		 "and .races[2].accesses[1].call == \"mutex_init\"");
	free(text);
}

static void test_race_sarif_golden_and_structure(void **state)
{
	(void)state;
	struct print_options opt = { .json_indent = 2 };
	char *text = race_render(print_sarif, &opt);
	golden("races.sarif", text);
	jq_check(text, CTRACE_SARIF_CHECK, NULL);
	jq_check(text, NULL,
		 "[.runs[0].results[].ruleId] == [\"data-race\", \"data-race\", \"sync-object-race\"] "
		 "and (.runs[0].results[0].codeFlows[0].threadFlows | length) == 2 "
		 "and (.runs[0].results[1].relatedLocations | length) == 3 "
		 "and (.runs[0].results[1].relatedLocations[2].message.text | endswith(\"was freed here\")) "
		 "and (.runs[0].results[0].message.text "
		 "| test(\"T2 .peeker., holding mutex .lock_b. \\\\(0x601140\\\\)\"))");
	free(text);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_sample_findings), T(test_text_golden), T(test_text_color_only_when_asked),
		T(test_json_golden), T(test_json_contract), T(test_sarif_golden_and_structure),
		cmocka_unit_test(test_sarif_empty), T(test_summary), T(test_json_cond_objects_named),
		T(test_sarif_cond_named_and_note), T(test_text_cond_named_and_note),
		cmocka_unit_test(test_contention_top), cmocka_unit_test(test_wait_wording),
		cmocka_unit_test_setup_teardown(test_python_text, py_setup, py_teardown),
		cmocka_unit_test_setup_teardown(test_python_json, py_setup, py_teardown),
		cmocka_unit_test_setup_teardown(test_python_sarif, py_setup, py_teardown),
		cmocka_unit_test(test_race_text_golden), cmocka_unit_test(test_where_stripped),
		cmocka_unit_test(test_where_past_system_headers),
		cmocka_unit_test(test_header_pid_of_child),
		cmocka_unit_test(test_race_json_golden_and_contract),
		cmocka_unit_test(test_race_sarif_golden_and_structure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
