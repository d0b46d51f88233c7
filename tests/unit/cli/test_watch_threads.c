/* SPDX-License-Identifier: MIT */
/* test_watch_threads.c - tracer/cli/watch_threads.c: when the hang watchdog
 * must read the trace now, look after look. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "watch_threads.h"

#define MAX 8

/* The watchdog's memory of the threads between looks. */
struct watch {
	struct watch_thread t[MAX];
	uint32_t n;
};

/* A look at threads TID[i] that have run RUN[i]: whether it calls for
 * reading now; CAUGHT_UP: the detector then caught up. */
static bool look(struct watch *w, uint32_t n, const int *tid, const long long *run, bool caught_up)
{
	struct watch_thread now[MAX];
	for (uint32_t i = 0; i < n; i++)
		now[i] = (struct watch_thread){ .tid = tid[i], .run = run[i] };
	bool stopped = watch_threads_look(w->t, w->n, now, n);
	for (uint32_t i = 0; i < n; i++)
		w->t[i] = now[i];
	w->n = n;
	if (caught_up)
		watch_threads_caught_up(w->t, w->n);
	return stopped;
}

/* Threads that run at every look never call for reading. */
static void test_busy_threads(void **state)
{
	(void)state;
	struct watch w = { .n = 0 };
	const int tid[2] = { 10, 11 };
	for (long long k = 1; k <= 5; k++)
		assert_false(look(&w, 2, tid, (long long[]){ 100 * k, 200 * k }, false));
}

/* A main thread in join all along: read at the look that sees it stopped
 * (the detector caught up once since its last run: now it judges a wait
 * older than a look), then no more while it stays there. */
static void test_thread_waiting_all_along(void **state)
{
	(void)state;
	struct watch w = { .n = 0 };
	const int tid[2] = { 10, 11 };
	assert_false(look(&w, 2, tid, (long long[]){ 50, 100 }, true));  /* first look */
	assert_true(look(&w, 2, tid, (long long[]){ 50, 200 }, true));   /* 10 stopped */
	for (long long k = 3; k <= 8; k++)
		assert_false(look(&w, 2, tid, (long long[]){ 50, 100 * k }, false));
}

/* A look the detector did not catch up at does not count: a thread that
 * stopped while the reading was deferred still calls for it. */
static void test_stopped_while_behind(void **state)
{
	(void)state;
	struct watch w = { .n = 0 };
	const int tid[2] = { 10, 11 };
	assert_false(look(&w, 2, tid, (long long[]){ 50, 100 }, true));
	assert_false(look(&w, 2, tid, (long long[]){ 60, 200 }, false));  /* 10 ran */
	assert_true(look(&w, 2, tid, (long long[]){ 60, 300 }, false));   /* stopped, behind */
	assert_true(look(&w, 2, tid, (long long[]){ 60, 400 }, true));    /* still unread */
	assert_true(look(&w, 2, tid, (long long[]){ 60, 500 }, true));    /* judged once */
	assert_false(look(&w, 2, tid, (long long[]){ 60, 600 }, true));
}

/* A judged thread that runs again and stops again calls for reading anew;
 * a new thread (not seen at the look before) is busy. */
static void test_runs_again_and_new_threads(void **state)
{
	(void)state;
	struct watch w = { .n = 0 };
	const int tid[3] = { 10, 11, 12 };
	assert_false(look(&w, 1, tid, (long long[]){ 50 }, true));
	assert_true(look(&w, 1, tid, (long long[]){ 50 }, true));
	assert_false(look(&w, 1, tid, (long long[]){ 50 }, true));
	assert_false(look(&w, 3, tid, (long long[]){ 70, 5, 5 }, true));  /* 10 ran; 11, 12 new */
	assert_true(look(&w, 3, tid, (long long[]){ 70, 9, 9 }, true));   /* 10 stopped again */
}

/* Still: no run between the last two looks the detector caught up at; a
 * thread that computes (a once routine's runner, "blocked" in its once
 * call to the trace) never is; one not looked at is taken as still. */
static void test_still(void **state)
{
	(void)state;
	struct watch w = { .n = 0 };
	const int tid[2] = { 10, 11 };
	look(&w, 2, tid, (long long[]){ 50, 100 }, true);
	assert_false(watch_threads_still(w.t, w.n, 10));   /* one look: not yet */
	look(&w, 2, tid, (long long[]){ 50, 200 }, true);
	assert_true(watch_threads_still(w.t, w.n, 10));
	assert_false(watch_threads_still(w.t, w.n, 11));
	look(&w, 2, tid, (long long[]){ 50, 300 }, false);  /* behind: no judgement */
	look(&w, 2, tid, (long long[]){ 50, 400 }, true);
	assert_true(watch_threads_still(w.t, w.n, 10));
	assert_false(watch_threads_still(w.t, w.n, 11));
	look(&w, 2, tid, (long long[]){ 60, 400 }, true);   /* 10 ran, 11 stopped */
	assert_false(watch_threads_still(w.t, w.n, 10));
	assert_true(watch_threads_still(w.t, w.n, 11));
	assert_true(watch_threads_still(w.t, w.n, 99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_busy_threads),
		cmocka_unit_test(test_thread_waiting_all_along),
		cmocka_unit_test(test_stopped_while_behind),
		cmocka_unit_test(test_runs_again_and_new_threads),
		cmocka_unit_test(test_still),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
