/* SPDX-License-Identifier: MIT */
/* test_python.c - Python in the viewer's outputs, on the Python sample
 * (tests/unit/python_sample.h) with waits added: the Chrome and Perfetto
 * exports name the waits' locks (where demo.py made them, the GIL by its
 * name) and show their stacks' Python frames without the interpreter's;
 * the page's stacks hold Python frames (pc null, "python") and its locks
 * those names, from the command's symbolizer or from the report alone. */
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
#include "export.h"
#include "python_report.h"
#include "render_html.h"
#include "timeline_support.h"

/* T1 waits for lock_a (sem) in worker(), then for the GIL. */
static void add_waits(struct python_sample *s)
{
	struct fake_trace *t = &s->t;
	fake_begin(t, s->t1, TRACE_OP_SEM_WAIT, s->lock_a)->stack = s->a1;
	struct trace_event *e = fake_event(t, s->t1, TRACE_OP_SEM_WAIT, s->lock_a);
	e->had_begin = 1;
	e->stack = s->a1;
	fake_begin(t, s->t1, TRACE_OP_MUTEX_LOCK, s->gil)->stack = s->gil_wait;
	e = fake_lock(t, s->t1, s->gil, s->gil_wait);
	e->had_begin = 1;
	fake_unlock(t, s->t1, s->gil, s->gil_wait);
}

typedef int (*export_fn)(struct event_source *, FILE *, const struct export_options *,
			 struct ct_error *);

static char *export_sample(export_fn fn, size_t *len)
{
	struct python_sample s;
	python_sample_init(&s);
	add_waits(&s);
	struct tl_symbols *sym = tl_symbols_new(&s.t.cat);
	struct export_options opt = { .names = tl_symbols_names(sym) };
	struct event_source src;
	event_source_from_array(&src, &s.t.cat, s.t.ev, s.t.nev);
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	struct ct_error err = { 0 };
	assert_int_equal(fn(&src, f, &opt, &err), 0);
	fclose(f);
	event_source_release(&src);
	tl_symbols_free(sym);
	python_sample_release(&s);
	return buf;
}

static bool has(const char *buf, size_t len, const char *s)
{
	return memmem(buf, len, s, strlen(s)) != NULL;
}

static void check_export(const char *buf, size_t len, const char *newline)
{
	char stack[256];
	assert_true(has(buf, len, "wait sem demo.py:2"));
	assert_true(has(buf, len, "wait mutex GIL"));
	snprintf(stack, sizeof stack, "worker " PYS_DEMO ":12%sThread.run " PYS_LIB "/threading.py:975",
		 newline);
	assert_true(has(buf, len, stack));
	snprintf(stack, sizeof stack, "worker " PYS_DEMO ":14%sThread.run", newline);
	assert_true(has(buf, len, stack));
	assert_false(has(buf, len, "(python3.11)"));
	assert_false(has(buf, len, "(libc.so.6)"));
}

static void test_chrome(void **state)
{
	size_t len;
	(void)state;
	char *buf = export_sample(export_chrome, &len);
	check_export(buf, len, "\\n");
	free(buf);
}

static void test_perfetto(void **state)
{
	size_t len;
	(void)state;
	char *buf = export_sample(export_perfetto, &len);
	check_export(buf, len, "\n");
	free(buf);
}

/* ---- the page ---- */

static size_t view_stack(void *ctx, uint32_t stack, struct render_html_frame *out, size_t max)
{
	const struct sym_frame *f;
	size_t n = symbolizer_stack(ctx, stack, &f);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = (struct render_html_frame){ f[i].pc, f[i].function, f[i].file, f[i].line,
			f[i].module, f[i].python };
	return n < max ? n : max;
}

static const char *view_object_symbol(void *ctx, const struct trace_object *o)
{
	return symbolizer_object_label(ctx, o);
}

/* The page's embedded data, saved into PATH (a mkstemp template) for jq. */
static void render_data(struct python_sample *s, const struct render_html_options *opt, char *path)
{
	struct event_source src;
	struct ct_error err = { 0 };
	char *page = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&page, &len);
	assert_non_null(f);
	event_source_from_array(&src, &s->t.cat, s->t.ev, s->t.nev);
	assert_int_equal(render_html(&src, opt, f, &err), 0);
	event_source_release(&src);
	fclose(f);
	const char *open = "<script type=\"application/json\" id=\"ctrace-data\">";
	const char *p = strstr(page, open);
	assert_non_null(p);
	p += strlen(open);
	const char *end = strstr(p, "</script>");
	assert_non_null(end);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, (size_t)(end - p)), end - p);
	close(fd);
	free(page);
}

static int jq(const char *path, const char *expr)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "jq -e '%s' '%s' >/dev/null", expr, path);
	int st = system(cmd);
	if (st)
		print_message("jq false: %s\n", expr);
	return st;
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

static void test_page(void **state)
{
	(void)state;
	if (system("jq --version >/dev/null 2>&1") != 0)
		skip();
	struct python_sample s;
	struct report r;
	python_sample_init(&s);
	add_waits(&s);
	report_init(&r);
	python_report(&s, &r);
	char path[] = "/tmp/ctrace-pyview-XXXXXX";
	/* from the report alone */
	struct render_html_options opt = { .report = &r };
	render_data(&s, &opt, path);
	check_page(path, "name");
	unlink(path);
	/* from the command's symbolizer, as ctrace view does */
	struct symbolizer *sym = symbolizer_new(&s.t.cat);
	struct render_html_symbols symbols = { sym, view_stack, view_object_symbol };
	opt.symbols = &symbols;
	strcpy(path, "/tmp/ctrace-pyview-XXXXXX");
	render_data(&s, &opt, path);
	check_page(path, "symbol");
	unlink(path);
	symbolizer_free(sym);
	report_release(&r);
	python_sample_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrome),
		cmocka_unit_test(test_perfetto),
		cmocka_unit_test(test_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
