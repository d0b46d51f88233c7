/* SPDX-License-Identifier: MIT */
/* test_export_chrome.c - the Chrome JSON export (viewer/export_chrome.c) of
 * the sample trace: it parses (python3's json, and jq), its events are
 * well formed for chrome://tracing and Perfetto (check_chrome.py: nesting,
 * async pairs, flows), timestamps are µs with ns precision relative to the
 * start, and the text equals the golden file; a real deadlock's findings
 * are at the time the waits began, its waits last until the run ended. */
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

#include "event_source.h"
#include "export.h"
#include "sample_trace.h"

/* Exports T with FINDINGS (and the sample's fake symbols), releases T;
 * returns the file's path and its text (both owned). */
static char *export_trace(struct fake_trace *t, const struct tl_finding *findings, size_t n,
			  char **text, size_t *len)
{
	struct tl_names names = sample_names(t);
	struct export_options opt = { .names = &names, .findings = findings, .nfindings = n };
	struct event_source src;
	event_source_from_array(&src, &t->cat, t->ev, t->nev);
	char path[] = "/tmp/ctrace-test-chrome-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *out = fdopen(fd, "w");
	struct ct_error err = { 0 };
	assert_int_equal(export_chrome(&src, out, &opt, &err), 0);
	fclose(out);
	event_source_release(&src);
	fake_trace_release(t);
	*text = sample_read_file(path, len);
	assert_non_null(*text);
	return strdup(path);
}

static char *export_sample(char **text, size_t *len)
{
	struct fake_trace t;
	struct sample_ids id;
	sample_trace(&t, &id);
	struct tl_finding f = sample_finding(&id);
	return export_trace(&t, &f, 1, text, len);
}

static int run(const char *fmt, const char *arg)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, fmt, arg);
	int status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_json_parses_and_is_well_formed(void **state)
{
	(void)state;
	char *text;
	size_t len;
	char *path = export_sample(&text, &len);
	assert_int_equal(run("python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s", path), 0);
	assert_int_equal(run("jq -e '.traceEvents | length > 10' %s > /dev/null", path), 0);
	char check[1024];
	snprintf(check, sizeof check, "python3 %s/check_chrome.py %%s", VIEWER_TEST_SOURCE_DIR);
	assert_int_equal(run(check, path), 0);
	/* the first lock is at the start (0 µs), the wait of worker-1 begins
	 * 1 µs later; flows and async lanes are there */
	assert_non_null(strstr(text, "\"name\":\"hold mutex g_lock\",\"cat\":\"lock\",\"ts\":0.000"));
	assert_non_null(strstr(text, "\"name\":\"wait mutex g_lock\",\"cat\":\"wait\",\"ts\":1.000"));
	assert_non_null(strstr(text, "\"ph\":\"b\""));
	assert_non_null(strstr(text, "\"ph\":\"s\""));
	assert_non_null(strstr(text, "\"bp\":\"e\""));
	assert_non_null(strstr(text, "\"ph\":\"C\""));
	assert_null(strstr(text, "displayTimeUnit"));
	assert_int_equal(sample_golden("sample.chrome.json", text, len), 0);
	free(text);
	unlink(path);
	free(path);
}

/* A real deadlock ended by the watchdog: each finding is at the time its
 * thread began to wait (3 and 4 µs, not 0), and the waits and threads end
 * with the run (20 µs), not at the last event (4 µs). */
static void test_hang_times(void **state)
{
	(void)state;
	struct fake_trace t;
	struct hang_ids id;
	struct tl_finding f[2];
	hang_trace(&t, &id, f);
	char *text;
	size_t len;
	char *path = export_trace(&t, f, 2, &text, &len);
	char check[1024];
	snprintf(check, sizeof check, "python3 %s/check_chrome.py %%s", VIEWER_TEST_SOURCE_DIR);
	assert_int_equal(run(check, path), 0);
	assert_int_equal(run("jq -e '[.traceEvents[] | select(.cat == \"finding\") | "
			     "[.tid, .ts, .args.kind]] == [[1001, 3.0, \"deadlock\"], [1002, 4.0, \"deadlock\"]]' "
			     "%s > /dev/null", path), 0);
	assert_int_equal(run("jq -e '[.traceEvents[] | select(.ph == \"E\" and .args.open_at_end) | .ts] "
			     "| length == 8 and all(. == 20.0)' %s > /dev/null", path), 0);
	assert_non_null(strstr(text, "\"name\":\"finding: deadlock\",\"cat\":\"finding\",\"ts\":3.000"));
	free(text);
	unlink(path);
	free(path);
}

/* The checker is real: it rejects an unbalanced file. */
static void test_checker_rejects_broken_nesting(void **state)
{
	(void)state;
	char path[] = "/tmp/ctrace-test-chrome-bad-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *bad = "{\"traceEvents\":[{\"ph\":\"B\",\"name\":\"x\",\"ts\":1,\"pid\":1,\"tid\":1}]}";
	assert_int_equal(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
	close(fd);
	char check[1024];
	snprintf(check, sizeof check, "python3 %s/check_chrome.py %%s > /dev/null", VIEWER_TEST_SOURCE_DIR);
	assert_int_equal(run(check, path), 1);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_parses_and_is_well_formed),
		cmocka_unit_test(test_hang_times),
		cmocka_unit_test(test_checker_rejects_broken_nesting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
