/* SPDX-License-Identifier: MIT */
/* test_python.c - Python in the exports, on the Python sample
 * (tests/unit/python_sample.h) with waits added: the Chrome and Perfetto
 * exports name the waits' locks (where demo.py made them, the GIL by its
 * name) and show their stacks' Python frames without the interpreter's.
 * The page's view of it is in test_render_html.c. */
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
#include "python_sample.h"
#include "timeline_support.h"

typedef int (*export_fn)(struct event_source *, FILE *, const struct export_options *,
			 struct ct_error *);

static char *export_sample(export_fn fn, size_t *len)
{
	struct python_sample s;
	python_sample_init(&s);
	python_sample_waits(&s);
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

/* EXPORT's output of the sample; stack texts' lines are joined by NEWLINE
 * as the format writes it (JSON: an escaped "\\n"). */
static void check_export(export_fn export, const char *newline)
{
	size_t len;
	char *buf = export_sample(export, &len);
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
	free(buf);
}

static void test_chrome(void **state)
{
	(void)state;
	check_export(export_chrome, "\\n");
}

static void test_perfetto(void **state)
{
	(void)state;
	check_export(export_perfetto, "\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrome),
		cmocka_unit_test(test_perfetto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
