/* SPDX-License-Identifier: MIT */
/* test_tui.c - the terminal timeline (viewer/render_tui.c): the sample
 * trace in plain text against a golden file, a zoomed window, colors only
 * when asked, a real deadlock drawn until the end of the run (golden too),
 * a trace without locks, and the time syntax of --from/--to. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "event_source.h"
#include "render_tui.h"
#include "sample_trace.h"

/* Renders T with OPT (the sample's fake symbols added) and releases T;
 * returns the text (owned). */
static char *render_trace(struct fake_trace *t, struct tui_options *opt, int *rc)
{
	struct tl_names names = sample_names(t);
	opt->names = &names;
	struct event_source src;
	event_source_from_array(&src, &t->cat, t->ev, t->nev);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	struct ct_error err = { 0 };
	*rc = render_tui(&src, opt, out, &err);
	fclose(out);
	event_source_release(&src);
	fake_trace_release(t);
	return text;
}

/* The sample with OPT and its finding. */
static char *render(struct tui_options *opt, int *rc)
{
	struct fake_trace t;
	struct sample_ids id;
	sample_trace(&t, &id);
	struct tl_finding f = sample_finding(&id);
	opt->findings = &f;
	opt->nfindings = 1;
	return render_trace(&t, opt, rc);
}

static void test_plain_golden(void **state)
{
	(void)state;
	struct tui_options opt = { .width = 100 };
	int rc;
	char *text = render(&opt, &rc);
	assert_int_equal(rc, 0);
	assert_null(strchr(text, '\033'));
	/* worker-2 waits for B (main holds it) until the end: its row ends in
	 * wait blocks; the finding is marked on worker-1's row */
	assert_non_null(strstr(text, "worker-2"));
	assert_non_null(strstr(text, "\u2588|\n"));
	assert_non_null(strstr(text, "!"));
	/* letters go first to the lock whose wait never ended */
	assert_non_null(strstr(text, "A  mutex 0x555555558080"));
	assert_non_null(strstr(text, "B  mutex g_lock"));
	assert_non_null(strstr(text, "a wait never ended"));
	assert_int_equal(sample_golden("sample.tui.txt", text, strlen(text)), 0);
	free(text);
}

static void test_window(void **state)
{
	(void)state;
	/* 20us..30us: only main's last hold and worker-2's wait; worker-1
	 * ended at 18us and is not shown, nor is its finding */
	struct tui_options opt = { .width = 80, .from_ns = 20000, .to_ns = 30000 };
	int rc;
	char *text = render(&opt, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "20us .. 30us of 30us"));
	assert_null(strstr(text, "worker-1"));
	assert_null(strstr(text, "findings:"));
	assert_non_null(strstr(text, "worker-2"));
	free(text);
	struct tui_options empty = { .from_ns = 40000, .to_ns = 50000 };
	text = render(&empty, &rc);
	assert_int_equal(rc, -EINVAL);
	free(text);
}

static void test_color_only_when_asked(void **state)
{
	(void)state;
	struct tui_options opt = { .width = 100, .color = true };
	int rc;
	char *text = render(&opt, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "\033[31m"));      /* a wait for a lock, red */
	assert_non_null(strstr(text, "\033[1;97;41m!")); /* the finding */
	free(text);
}

/* A real deadlock ended by the watchdog 16us after the trace's last event:
 * both threads are drawn waiting until the end of the run, the findings
 * are marked where the waits began (3us and 4us), not at 0 or the end. */
static void test_hang_until_run_end(void **state)
{
	(void)state;
	struct fake_trace t;
	struct hang_ids id;
	struct tl_finding f[2];
	hang_trace(&t, &id, f);
	struct tui_options opt = { .width = 100, .findings = f, .nfindings = 2 };
	int rc;
	char *text = render_trace(&t, &opt, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "0 .. 20us of 20us"));
	char *left = strstr(text, "left ");
	char *right = strstr(text, "right ");
	assert_non_null(left);
	assert_non_null(right);
	assert_non_null(strstr(left, "\u2588|\n"));     /* waits to the last column */
	assert_non_null(strstr(right, "\u2588|\n"));
	assert_non_null(strstr(text, "! 3us      left #1"));
	assert_non_null(strstr(text, "! 4us      right #2"));
	assert_non_null(strstr(text, "a wait never ended"));
	assert_int_equal(sample_golden("hang.tui.txt", text, strlen(text)), 0);
	free(text);
}

/* No lock at all (a semaphore and a join): no lock list, and nothing
 * undefined on the way (the ASan/UBSan build runs this too). */
static void test_no_locks(void **state)
{
	(void)state;
	struct fake_trace t;
	fake_trace_init(&t);
	uint32_t w = fake_thread(&t, 0, "worker");
	uint32_t s = fake_object(&t, TRACE_OBJ_SEM, 0x3000);
	fake_begin(&t, 0, TRACE_OP_SEM_WAIT, s);
	fake_event(&t, w, TRACE_OP_SEM_POST, s);
	fake_event(&t, 0, TRACE_OP_SEM_WAIT, s)->had_begin = 1;
	fake_event(&t, w, TRACE_OP_THREAD_END, 0);
	fake_event(&t, 0, TRACE_OP_JOIN, 0)->peer_thread = w;
	struct tui_options opt = { .width = 80 };
	int rc;
	char *text = render_trace(&t, &opt, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "worker"));
	assert_non_null(strstr(text, "\u2584"));         /* the sem wait */
	assert_null(strstr(text, "locks:"));
	assert_null(strstr(text, "findings:"));
	free(text);
}

static void test_times(void **state)
{
	(void)state;
	uint64_t ns;
	assert_int_equal(tui_parse_time("250ms", &ns), 0);
	assert_int_equal(ns, 250000000);
	assert_int_equal(tui_parse_time("1.5s", &ns), 0);
	assert_int_equal(ns, 1500000000);
	assert_int_equal(tui_parse_time("20us", &ns), 0);
	assert_int_equal(ns, 20000);
	assert_int_equal(tui_parse_time("300ns", &ns), 0);
	assert_int_equal(ns, 300);
	assert_int_equal(tui_parse_time("42", &ns), 0);
	assert_int_equal(ns, 42);
	assert_int_equal(tui_parse_time("5 ms", &ns), -EINVAL);
	assert_int_equal(tui_parse_time("ms", &ns), -EINVAL);
	assert_int_equal(tui_parse_time("-1s", &ns), -EINVAL);
	assert_int_equal(tui_parse_time("3h", &ns), -EINVAL);
	char buf[32];
	assert_string_equal(tui_format_time(0, buf, sizeof buf), "0");
	assert_string_equal(tui_format_time(750, buf, sizeof buf), "750ns");
	assert_string_equal(tui_format_time(1500, buf, sizeof buf), "1.5us");
	assert_string_equal(tui_format_time(20000000, buf, sizeof buf), "20ms");
	assert_string_equal(tui_format_time(2250000000ull, buf, sizeof buf), "2.25s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_golden),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_color_only_when_asked),
		cmocka_unit_test(test_hang_until_run_end),
		cmocka_unit_test(test_no_locks),
		cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
