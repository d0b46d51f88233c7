/* SPDX-License-Identifier: MIT */
/* test_race_views.c - a race in every view: two workers write a global
 * unordered; the race analyzer's report becomes timeline findings placed
 * at each access's time on its thread, joined by a flow. Chrome JSON: an
 * instant on both threads with the race's description and a flow from the
 * earlier access to the later (well formed per check_chrome.py); Perfetto:
 * both instants and the description; the terminal: a marker on both rows;
 * the HTML page: both marks and the race in its findings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer.h"
#include "event_source.h"
#include "export.h"
#include "render_html.h"
#include "render_tui.h"
#include "report_resolve.h"
#include "sample_trace.h"
#include "timeline_support.h"

struct race_scene {
	struct fake_trace t;
	struct report rep;
	struct tl_findings f;
	uint32_t w1, w2;
};

/* w1 writes at 10 us, w2 at 30 us: one race, on 0x601008. */
static void race_scene(struct race_scene *s)
{
	fake_trace_init(&s->t);
	struct fake_trace *t = &s->t;
	s->w1 = fake_thread(t, 0, "w1");
	s->w2 = fake_thread(t, 0, "w2");
	fake_event(t, 0, TRACE_OP_CREATE, 0)->peer_thread = s->w1;
	fake_event(t, 0, TRACE_OP_CREATE, 0)->peer_thread = s->w2;
	fake_event(t, s->w1, TRACE_OP_THREAD_START, 0)->peer_thread = 0;
	fake_event(t, s->w2, TRACE_OP_THREAD_START, 0)->peer_thread = 0;
	uint32_t s1 = fake_stack(t, 0x402000, 2), s2 = fake_stack(t, 0x403000, 2);
	fake_trace_at(t, 1010000);
	fake_access(t, s->w1, 0x601008, 4, TRACE_ACCESS_WRITE, s1);
	fake_trace_at(t, 1030000);
	fake_access(t, s->w2, 0x601008, 4, TRACE_ACCESS_WRITE, s2);
	fake_trace_at(t, 1040000);
	fake_event(t, s->w1, TRACE_OP_THREAD_END, 0);
	fake_event(t, s->w2, TRACE_OP_THREAD_END, 0);
	report_init(&s->rep);
	struct analysis_options opt = { .race_parts = 1 };
	struct analysis *an = analysis_new(&t->cat, ANALYZER_RACES, &opt);
	for (size_t i = 0; i < t->nev; i++)
		analysis_feed(an, &t->ev[i]);
	analysis_finish(an, &s->rep);
	analysis_free(an);
	report_resolve(&s->rep, &t->cat, NULL);
	report_finalize(&s->rep);
	assert_int_equal(s->rep.nraces, 1);
	assert_int_equal(tl_findings_from_report(&s->f, &s->rep), 0);
	assert_int_equal(s->f.n, 2);
}

static void race_release(struct race_scene *s)
{
	tl_findings_release(&s->f);
	report_release(&s->rep);
	fake_trace_release(&s->t);
}

static int run(const char *fmt, const char *arg)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, fmt, arg);
	int status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef int (*export_fn)(struct event_source *, FILE *, const struct export_options *, struct ct_error *);

static char *race_export(struct race_scene *s, export_fn fn, char *path, size_t *len)
{
	struct tl_names names = sample_names(&s->t);
	struct export_options opt = { .names = &names, .findings = s->f.v, .nfindings = s->f.n };
	struct event_source src;
	event_source_from_array(&src, &s->t.cat, s->t.ev, s->t.nev);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *out = fdopen(fd, "w");
	struct ct_error err = { 0 };
	assert_int_equal(fn(&src, out, &opt, &err), 0);
	fclose(out);
	event_source_release(&src);
	return sample_read_file(path, len);
}

static void test_findings_timed_with_flow(void **state)
{
	(void)state;
	struct race_scene s;
	race_scene(&s);
	const struct tl_finding *later = &s.f.v[0], *earlier = &s.f.v[1];
	assert_int_equal(later->thread, s.w2);
	assert_int_equal(later->ts_ns, 1030000);
	assert_int_equal(earlier->thread, s.w1);
	assert_int_equal(earlier->ts_ns, 1010000);
	assert_true(earlier->flow_out != 0);
	assert_int_equal(later->flow_in, earlier->flow_out);
	assert_string_equal(later->kind, "data-race");
	assert_non_null(strstr(later->message, "data race: write of size 4 at 0x601008 by thread T2 'w2'"));
	race_release(&s);
}

/* Exports the scene with FN to a temporary file and runs CHECK on it. */
static void race_export_check(export_fn fn, void (*check)(const char *path, const char *text, size_t len))
{
	struct race_scene s;
	race_scene(&s);
	char path[] = "/tmp/ctrace-test-race-export-XXXXXX";
	size_t len;
	char *text = race_export(&s, fn, path, &len);
	assert_non_null(text);
	check(path, text, len);
	free(text);
	unlink(path);
	race_release(&s);
}

static void chrome_check(const char *path, const char *text, size_t len)
{
	(void)text;
	(void)len;
	char check[1024];
	snprintf(check, sizeof check, "python3 %s/check_chrome.py %%s > /dev/null", VIEWER_TEST_SOURCE_DIR);
	assert_int_equal(run(check, path), 0);
	assert_int_equal(run("jq -e '([.traceEvents[] | select(.cat == \"finding\") | [.tid, .ts, .args.kind]] "
			     "== [[1001, 10.0, \"data-race\"], [1002, 30.0, \"data-race\"]]) and "
			     "([.traceEvents[] | select(.cat == \"flow\" and .name == \"race\") | [.ph, .tid, .ts]] "
			     "== [[\"s\", 1001, 10.0], [\"f\", 1002, 30.0]]) and "
			     "(.traceEvents[] | select(.cat == \"finding\") | .args.message | contains(\"0x601008\"))' "
			     "%s > /dev/null", path), 0);
}

static void test_chrome(void **state)
{
	(void)state;
	race_export_check(export_chrome, chrome_check);
}

static void perfetto_check(const char *path, const char *text, size_t len)
{
	(void)path;
	assert_non_null(memmem(text, len, "finding: data-race", 18));
	assert_non_null(memmem(text, len, "data race: write of size 4 at 0x601008", 38));
}

static void test_perfetto(void **state)
{
	(void)state;
	race_export_check(export_perfetto, perfetto_check);
}

/* A renderer of the scene's events, with its options. */
typedef int (*render_fn)(struct event_source *src, const void *opt, FILE *out, struct ct_error *err);

static int tui(struct event_source *src, const void *opt, FILE *out, struct ct_error *err)
{
	return render_tui(src, opt, out, err);
}

static int html(struct event_source *src, const void *opt, FILE *out, struct ct_error *err)
{
	return render_html(src, opt, out, err);
}

/* What RENDER makes of the scene (owned). Not inlined: gcc 12 then takes
 * the returned buffer for a dangling pointer to a local. */
static __attribute__((noinline)) char *race_render(struct race_scene *s, render_fn render,
						  const void *opt)
{
	struct event_source src;
	event_source_from_array(&src, &s->t.cat, s->t.ev, s->t.nev);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ct_error err = { 0 };
	assert_int_equal(render(&src, opt, f, &err), 0);
	fclose(f);
	event_source_release(&src);
	return buf;
}

static void test_tui(void **state)
{
	(void)state;
	struct race_scene s;
	race_scene(&s);
	struct tl_names names = sample_names(&s.t);
	struct tui_options opt = { .width = 80, .names = &names, .findings = s.f.v, .nfindings = s.f.n };
	char *buf = race_render(&s, tui, &opt);
	/* a marker on each worker's row, the race in the list */
	size_t rows = 0;
	for (const char *p = buf; (p = strstr(p, "\n")); p++)
		if ((!strncmp(p + 1, "w1", 2) || !strncmp(p + 1, "w2", 2)) && strchr(p + 1, '!') &&
		    strchr(p + 1, '!') < strchr(p + 1, '\n'))
			rows++;
	assert_int_equal(rows, 2);
	assert_non_null(strstr(buf, "data-race: data race: write of size 4 at 0x601008"));
	free(buf);
	race_release(&s);
}

static void test_html(void **state)
{
	(void)state;
	struct race_scene s;
	race_scene(&s);
	struct render_html_options opt = { .report = &s.rep };
	char *buf = race_render(&s, html, &opt);
	assert_non_null(strstr(buf, "\"finding\":\"races:0\""));
	const char *first = strstr(buf, "\"finding\":\"races:0\"");
	assert_non_null(strstr(first + 1, "\"finding\":\"races:0\""));   /* both threads */
	assert_non_null(strstr(buf, "\"kind\":\"data-race\""));
	free(buf);
	race_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings_timed_with_flow),
		cmocka_unit_test(test_chrome),
		cmocka_unit_test(test_perfetto),
		cmocka_unit_test(test_tui),
		cmocka_unit_test(test_html),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
