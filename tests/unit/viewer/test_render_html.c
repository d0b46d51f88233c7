/* SPDX-License-Identifier: MIT */
/* test_render_html.c - the `ctrace view` page (viewer/render_html.c) on a
 * synthetic trace with a deadlock, a contended lock and a condition variable
 * used with two mutexes (a misuse naming three objects): the template is
 * filled, nothing is fetched from the network, and the embedded data parses
 * (checked by jq, a real JSON parser) with the expected lanes, spans,
 * findings, locks and symbolized stacks; a hang's marks where it began and
 * its waits until the run ended; marks colored by finding kind; a Python
 * program's frames and lock names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "event_source.h"
#include "fake_trace.h"
#include "python_report.h"
#include "render_html.h"
#include "report.h"
#include "timeline_support.h"

#define DATA_OPEN "<script type=\"application/json\" id=\"ctrace-data\">"

struct scene {
	struct fake_trace t;
	struct report rep;
	uint32_t a, b, c, cv;      /* locks, a condition variable */
	uint32_t sa, sb, sc;       /* stacks */
};

/* main creates three workers; w1 and w2 deadlock on a/b (their last
 * waits never end); w3 waits for c while main holds it. */
static void scene_build(struct scene *s)
{
	struct fake_trace *t = &s->t;
	fake_trace_init(t);
	uint32_t w1 = fake_thread(t, 0, "worker-a");
	uint32_t w2 = fake_thread(t, 0, "worker-b");
	uint32_t w3 = fake_thread(t, 0, "waiter </script> & co");
	s->a = fake_object(t, TRACE_OBJ_MUTEX, 0x4040a0);
	s->b = fake_object(t, TRACE_OBJ_MUTEX, 0x4040c8);
	s->c = fake_object(t, TRACE_OBJ_MUTEX, 0x7ffd1000);
	s->cv = fake_object(t, TRACE_OBJ_COND, 0x4040f0);
	s->sa = fake_stack(t, 0x401100, 3);
	s->sb = fake_stack(t, 0x401200, 3);
	s->sc = fake_stack(t, 0x401300, 2);

	fake_lock(t, 0, s->c, s->sc);
	fake_lock(t, w1, s->a, s->sa);
	fake_lock(t, w2, s->b, s->sb);
	fake_begin(t, w3, TRACE_OP_MUTEX_LOCK, s->c)->stack = s->sc;
	fake_begin(t, w1, TRACE_OP_MUTEX_LOCK, s->b)->stack = s->sb;
	fake_begin(t, w2, TRACE_OP_MUTEX_LOCK, s->a)->stack = s->sa;
	fake_unlock(t, 0, s->c, s->sc);
	struct trace_event *e = fake_lock(t, w3, s->c, s->sc);
	e->begin_ns = e->ts_ns - 4000;
	e->had_begin = 1;
	fake_unlock(t, w3, s->c, s->sc);

	report_init(&s->rep);
	struct report_deadlock *d = report_add_deadlock(&s->rep, REPORT_DEADLOCK_HANG);
	struct report_edge *x = report_deadlock_add_edge(d);
	*x = (struct report_edge){ .thread = w1, .holding = s->a, .acquiring = s->b,
		.holding_stack = s->sa, .acquiring_stack = s->sb, .owner = w2,
		.waiting_for = TRACE_NONE };
	x = report_deadlock_add_edge(d);
	*x = (struct report_edge){ .thread = w2, .holding = s->b, .acquiring = s->a,
		.holding_stack = s->sb, .acquiring_stack = s->sa, .owner = w1,
		.waiting_for = TRACE_NONE };
	struct report_lockstat *ls = report_add_lockstat(&s->rep, s->c);
	ls->acquisitions = 2;
	ls->contended = 1;
	ls->wait_ns = 4000;
	report_lockstat_add_site(ls, s->sc)->contended = 1;
	struct report_misuse *m = report_add_misuse(&s->rep, REPORT_MISUSE_COND_MIXED_MUTEX, w3, s->b,
						    s->sc, "wait on cond with b; used with a before");
	m->other_lock = s->a;
	m->cond = s->cv;
	m->other_thread = w1;
	report_finalize(&s->rep);
}

static void scene_release(struct scene *s)
{
	report_release(&s->rep);
	fake_trace_release(&s->t);
}

static size_t fake_frames(void *ctx, uint32_t stack, struct render_html_frame *out, size_t max)
{
	static const char *const fn[] = { "take_first", "worker", "start_thread" };
	(void)ctx;
	size_t n = stack % 2 ? 3 : 2;
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = (struct render_html_frame){ 0x401000 + stack * 0x100 + i * 0x10, fn[i],
			"deadlock.c", (uint32_t)(10 + i), "/tmp/prog" };
	return n < max ? n : max;
}

static const char *fake_symbol(void *ctx, const struct trace_object *o)
{
	(void)ctx;
	return o->key == 0x4040a0 ? "lock_a" : o->key == 0x4040c8 ? "lock_b" :
	       o->key == 0x4040f0 ? "ready_cv" : NULL;
}

/* Renders the scene; returns the page (malloc'd) and its rc. */
static char *render(struct fake_trace *t, const struct render_html_options *opt, int *rc)
{
	struct event_source src;
	struct ct_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	event_source_from_array(&src, &t->cat, t->ev, t->nev);
	*rc = render_html(&src, opt, f, &err);
	event_source_release(&src);
	fclose(f);
	return buf;
}

/* The embedded JSON, written to a file for jq. */
static void save_data(const char *page, const char *path)
{
	const char *p = strstr(page, DATA_OPEN);
	assert_non_null(p);
	p += strlen(DATA_OPEN);
	const char *end = strstr(p, "</script>");
	assert_non_null(end);
	/* nothing inside may close the element early */
	const char *close = strstr(p, "</");
	assert_true(close == end);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(p, 1, (size_t)(end - p), f);
	fclose(f);
}

/* Renders the scene and saves its data into PATH (a mkstemp template). */
static void render_data(struct fake_trace *t, const struct render_html_options *opt, char *path)
{
	int rc;
	char *page = render(t, opt, &rc);
	assert_int_equal(rc, 0);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	save_data(page, path);
	free(page);
}

/* jq -e EXPR on the data: its exit status (0 = true). */
static int jq(const char *path, const char *expr)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "jq -e '%s' '%s' >/dev/null", expr, path);
	int st = system(cmd);
	if (st)
		print_message("jq false: %s\n", expr);
	return st;
}

static void test_page_shell(void **state)
{
	(void)state;
	struct scene s;
	int rc;
	scene_build(&s);
	struct render_html_options opt = { .report = &s.rep };
	char *page = render(&s.t, &opt, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(page, "<!DOCTYPE html>"));
	assert_null(strstr(page, "<!--ctrace:"));         /* every marker filled */
	assert_non_null(strstr(page, "<title>ctrace: prog</title>"));
	assert_non_null(strstr(page, "CT.boot()"));        /* the JS is inline */
	assert_non_null(strstr(page, "#tl-scroll"));       /* the CSS is inline */
	assert_null(strstr(page, "src=\"http"));           /* no network */
	assert_null(strstr(page, "href=\"http"));
	assert_null(strstr(page, "<script src"));
	/* the thread name with markup is escaped in the data */
	assert_null(strstr(page, "waiter </script>"));
	assert_non_null(strstr(page, "waiter \\u003c/script\\u003e \\u0026 co"));
	free(page);
	scene_release(&s);
}

static void test_data_parses(void **state)
{
	(void)state;
	if (system("jq --version >/dev/null 2>&1") != 0)
		skip();
	struct scene s;
	scene_build(&s);
	struct render_html_symbols sym = { NULL, fake_frames, fake_symbol };
	struct render_html_options opt = { .report = &s.rep, .symbols = &sym,
		.findings_note = "from a test" };
	char path[] = "/tmp/ctrace-view-data-XXXXXX";
	render_data(&s.t, &opt, path);

	assert_int_equal(jq(path, ".ctrace_view == 1"), 0);
	assert_int_equal(jq(path, "[.lanes[].thread] == [0,1,2,3]"), 0);
	assert_int_equal(jq(path, "[.threads[].name] == [\"prog\",\"worker-a\",\"worker-b\",\"waiter </script> & co\"]"), 0);
	/* every span table has columns of one length, times add up */
	assert_int_equal(jq(path, "all(.lanes[] | .spans, .holds; "
			 "(.t | length) as $n | all(.d, .s, .o, .k; length == $n))"), 0);
	assert_int_equal(jq(path, ".duration_ns as $dur | all(.lanes[]; "
			 "(.spans.t | add) + .spans.d[-1] <= $dur and all(.spans.d[]; . >= 0))"), 0);
	/* worker-a: running, then waiting for lock b until the end, held by worker-b */
	assert_int_equal(jq(path, ".states as $st | .lanes[1].spans | "
			 "[.s[] | $st[.]] == [\"running\", \"wait lock\"] and .o[-1] == 2 and .h[-1] == 2"), 0);
	assert_int_equal(jq(path, ".lanes[1].holds.o == [1]"), 0);
	/* the waiter's wait on c names main as the holder */
	assert_int_equal(jq(path, ".states as $st | .lanes[3].spans | "
			 "[range(.s | length) as $i | select($st[.s[$i]] == \"wait lock\") | .h[$i]] == [0]"), 0);
	/* findings by id, marks on both threads of the cycle */
	assert_int_equal(jq(path, ".findings.deadlocks[0].kind == \"deadlock\" and "
			 "[.findings.deadlocks[0].cycle[].thread] == [1,2]"), 0);
	assert_int_equal(jq(path, ".findings.contention[0].lock == 3 and .findings.contention[0].wait_ns == 4000"), 0);
	assert_int_equal(jq(path, "[.marks[] | select(.finding == \"deadlocks:0\") | .thread] | sort == [1,2]"), 0);
	assert_int_equal(jq(path, ".findings_note == \"from a test\""), 0);
	/* a misuse names its mutex, the other mutex and the condition variable */
	assert_int_equal(jq(path, ".findings.misuse[0] | .kind == \"cond-mixed-mutex\" and .lock == 2 and "
			 ".other_lock == 1 and .cond == 4 and .severity == \"warning\" and .other_thread == 1"), 0);
	/* locks and stacks referenced are embedded, symbolized */
	assert_int_equal(jq(path, "[.locks[].id] == [1,2,3,4] and .locks[0].symbol == \"lock_a\" and "
			 ".locks[2].symbol == null and .locks[0].address == \"0x4040a0\" and "
			 ".locks[3].symbol == \"ready_cv\" and .locks[3].kind == \"cond\""), 0);
	assert_int_equal(jq(path, ".stacks[\"1\"][0][1] == \"take_first\" and .stacks[\"1\"][0][2] == \"deadlock.c\" and "
			 "(.stacks | keys | sort) == [\"1\",\"2\",\"3\"]"), 0);
	unlink(path);
	scene_release(&s);
}

/* Without a symbolizer, raw pcs from the catalog; without a report, no
 * findings and no marks. */
static void test_no_report(void **state)
{
	(void)state;
	if (system("jq --version >/dev/null 2>&1") != 0)
		skip();
	struct scene s;
	scene_build(&s);
	char path[] = "/tmp/ctrace-view-data-XXXXXX";
	render_data(&s.t, NULL, path);
	assert_int_equal(jq(path, ".findings.deadlocks == [] and .marks == [] and (.lanes | length) == 4"), 0);
	assert_int_equal(jq(path, ".stacks[\"1\"] == [[\"0x401100\",null,null,0,null],"
			 "[\"0x401110\",null,null,0,null],[\"0x401120\",null,null,0,null]]"), 0);
	unlink(path);
	scene_release(&s);
}

/* Two workers deadlock on a/b after w1 took b once at the same call site
 * (a loop); the watchdog ended the run at RUN_END. The report has the hang
 * and, as the analyzers would, the lock-order inversion. */
#define RUN_END 2000000ull
static void hang_scene_build(struct scene *s, uint64_t *w1_waits)
{
	struct fake_trace *t = &s->t;
	fake_trace_init(t);
	uint32_t w1 = fake_thread(t, 0, "worker-a");
	uint32_t w2 = fake_thread(t, 0, "worker-b");
	s->a = fake_object(t, TRACE_OBJ_MUTEX, 0x4040a0);
	s->b = fake_object(t, TRACE_OBJ_MUTEX, 0x4040c8);
	s->sa = fake_stack(t, 0x401100, 3);
	s->sb = fake_stack(t, 0x401200, 3);
	fake_lock(t, w1, s->a, s->sa);
	fake_lock(t, w1, s->b, s->sb);     /* the first round: no deadlock yet */
	fake_unlock(t, w1, s->b, s->sb);
	fake_lock(t, w2, s->b, s->sb);
	*w1_waits = t->now;
	fake_begin(t, w1, TRACE_OP_MUTEX_LOCK, s->b)->stack = s->sb;
	uint64_t w2_waits = t->now;
	fake_begin(t, w2, TRACE_OP_MUTEX_LOCK, s->a)->stack = s->sa;
	t->cat.run = (struct trace_run){ .present = true, .start_ns = t->cat.start_ns,
		.end_ns = RUN_END, .exit_status = 137, .exit_signal = 9, .ended_by_ctrace = true };
	report_init(&s->rep);
	enum report_deadlock_kind kinds[2] = { REPORT_DEADLOCK_HANG, REPORT_DEADLOCK_LOCK_ORDER };
	for (int k = 0; k < 2; k++) {
		struct report_deadlock *d = report_add_deadlock(&s->rep, kinds[k]);
		bool hang = kinds[k] == REPORT_DEADLOCK_HANG;
		*report_deadlock_add_edge(d) = (struct report_edge){ .thread = w1,
			.holding = s->a, .acquiring = s->b, .holding_stack = s->sa,
			.acquiring_stack = s->sb, .owner = hang ? w2 : TRACE_NONE,
			.waiting_for = TRACE_NONE, .wait_ns = hang ? RUN_END - *w1_waits : 0 };
		*report_deadlock_add_edge(d) = (struct report_edge){ .thread = w2,
			.holding = s->b, .acquiring = s->a, .holding_stack = s->sb,
			.acquiring_stack = s->sa, .owner = hang ? w1 : TRACE_NONE,
			.waiting_for = TRACE_NONE, .wait_ns = hang ? RUN_END - w2_waits : 0 };
	}
	report_finalize(&s->rep);
}

/* A hang is marked where it began (w1's last request, not its first lock of
 * b at that call site), the waits last until the run ended, and a
 * lock-order inversion's marks are not colored as a deadlock. */
static void test_hang_marks(void **state)
{
	(void)state;
	if (system("jq --version >/dev/null 2>&1") != 0)
		skip();
	struct scene s;
	uint64_t w1_waits;
	hang_scene_build(&s, &w1_waits);
	struct render_html_options opt = { .report = &s.rep };
	char path[] = "/tmp/ctrace-view-data-XXXXXX";
	render_data(&s.t, &opt, path);
	char expr[512];
	snprintf(expr, sizeof expr, ".start_ns as $t0 | .duration_ns == %llu - $t0 and "
		 "([.marks[] | select(.kind == \"deadlock\" and .thread == 1) | .ts + $t0] == [%llu])",
		 RUN_END, (unsigned long long)w1_waits);
	assert_int_equal(jq(path, expr), 0);
	assert_int_equal(jq(path, ".states as $st | .lanes[1].spans as $s | $st[$s.s[-1]] == \"wait lock\" "
			 "and ($s.t | add) + $s.d[-1] == .duration_ns"), 0);
	assert_int_equal(jq(path, "[.marks[].kind] | unique == [\"deadlock\", \"lock-order-inversion\"]"), 0);
	assert_int_equal(jq(path, "[.marks[] | select(.kind == \"lock-order-inversion\") | .thread] "
			 "| sort == [1,2]"), 0);
	unlink(path);
	scene_release(&s);
}

static void test_write_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	struct scene s;
	struct event_source src;
	struct ct_error err = { 0 };
	scene_build(&s);
	event_source_from_array(&src, &s.t.cat, s.t.ev, s.t.nev);
	assert_int_equal(render_html(&src, NULL, f, &err), -EIO);
	assert_non_null(strstr(err.msg, "writing the page failed"));
	fclose(f);
	event_source_release(&src);
	scene_release(&s);
}

static void check_page(const char *path, const char *lock_a_field)
{
	char expr[512];
	assert_int_equal(jq(path, "[.stacks[] | .[] | select(length == 6)] | length > 0 and "
			 "all(.[]; .[0] == null and .[4] == null and .[5] == \"python\")"), 0);
	snprintf(expr, sizeof expr, ".stacks[] | select(.[0][1] == \"callback\") | "
		 "[.[] | .[1] // .[4]] == [\"callback\", \"%s\", \"worker2\", \"Thread.run\", "
		 "\"Thread._bootstrap_inner\", \"Thread._bootstrap\"]", PYS_EXT);
	assert_int_equal(jq(path, expr), 0);
	assert_int_equal(jq(path, "[.locks[] | select(.name == \"GIL\")] | length == 1"), 0);
	snprintf(expr, sizeof expr, "[.locks[] | select(.%s == \"demo.py:2\")] | length == 1", lock_a_field);
	assert_int_equal(jq(path, expr), 0);
}

/* A Python program's page: stacks of Python frames (pc null, "python")
 * without the interpreter's, locks named where demo.py made them and the
 * GIL by name, from the report alone and from a symbolizer as ctrace view
 * does (tests/unit/python_sample.h). */
static void test_python(void **state)
{
	(void)state;
	if (system("jq --version >/dev/null 2>&1") != 0)
		skip();
	struct python_sample s;
	struct report r;
	python_sample_init(&s);
	python_sample_waits(&s);
	report_init(&r);
	python_report(&s, &r);
	char path[] = "/tmp/ctrace-pyview-XXXXXX";
	/* from the report alone */
	struct render_html_options opt = { .report = &r };
	render_data(&s.t, &opt, path);
	check_page(path, "name");
	unlink(path);
	/* from the command's symbolizer, as ctrace view does */
	struct symbolizer *sym = symbolizer_new(&s.t.cat);
	struct render_html_symbols symbols;
	tl_symbols_for_html(&symbols, sym);
	opt.symbols = &symbols;
	strcpy(path, "/tmp/ctrace-pyview-XXXXXX");
	render_data(&s.t, &opt, path);
	check_page(path, "symbol");
	unlink(path);
	symbolizer_free(sym);
	report_release(&r);
	python_sample_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_shell),
		cmocka_unit_test(test_data_parses),
		cmocka_unit_test(test_no_report),
		cmocka_unit_test(test_hang_marks),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_python),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
