/* SPDX-License-Identifier: MIT */
/* fibers.c - coroutines on swapcontext that tell the runtime of their
 * switches through TSan's fiber interface (<sanitizer/tsan_interface.h>),
 * as Boost.Context and fiber schedulers do under TSan. Two threads hand
 * each other the fibers through a relaxed atomic, which orders nothing.
 *   migrate: one fiber writes on thread 1, goes on on thread 2 and reads
 *            what it wrote: no race (the fiber's own order, as TSan's).
 *   race:    a fiber on each thread writes the same variable: a race, each
 *            side's stack the fiber's own (fiber_write, fiber_main), not
 *            the thread's that switched to it (run_fiber).
 *   reuse:   the same, but the first fiber is made and destroyed by a
 *            thread that ends before the second thread makes its own, which
 *            then gets the same handle (the allocator's): still a race (a
 *            fiber is not ordered after an ended one).
 * Prints {"mode", "counter", "expect"}. */
#include <pthread.h>
#include <sanitizer/tsan_interface.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define FIBER_STACK (256 * 1024)

struct fiber {
	ucontext_t uc;
	void *tsan;
	char stack[FIBER_STACK];
};

static struct fiber fibers[2];
static __thread ucontext_t home;     /* the thread's own context */
static __thread void *home_tsan;
static int counter, expect;
static atomic_int stage;              /* relaxed only: orders nothing */

static void wait_stage(int want)
{
	while (atomic_load_explicit(&stage, memory_order_relaxed) != want)
		sched_yield();
}

/* Back to the thread that switched to fiber F. */
static void yield_home(struct fiber *f)
{
	__tsan_switch_to_fiber(home_tsan, 0);
	swapcontext(&f->uc, &home);
}

static __attribute__((noinline)) void fiber_write(int v)
{
	counter = v;
}

static void fiber_main(int index, int migrate)
{
	struct fiber *f = &fibers[index];
	fiber_write(counter + 1);
	if (migrate) {
		yield_home(f);          /* on thread 1; it goes on on thread 2 */
		fiber_write(counter + 1);
	}
	yield_home(f);
}

static void fiber_make(int index, int migrate)
{
	struct fiber *f = &fibers[index];
	f->tsan = __tsan_create_fiber(0);
	getcontext(&f->uc);
	f->uc.uc_stack.ss_sp = f->stack;
	f->uc.uc_stack.ss_size = sizeof f->stack;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, (void (*)(void))fiber_main, 2, index, migrate);
}

static __attribute__((noinline)) void run_fiber(int index)
{
	home_tsan = __tsan_get_current_fiber();
	__tsan_switch_to_fiber(fibers[index].tsan, 0);
	swapcontext(&home, &fibers[index].uc);
}

static void *thread_main(void *arg)
{
	int migrate = arg != NULL;
	if (migrate) {
		wait_stage(1);
		run_fiber(0);       /* fiber 0 goes on here */
	} else {
		wait_stage(1);
		run_fiber(1);       /* a fiber of this thread's own */
	}
	atomic_store_explicit(&stage, 2, memory_order_relaxed);
	return NULL;
}

/* reuse: the first thread makes, runs and destroys fiber 0 and ends; the
 * second waits for it (a relaxed flag, then a pause for its end: neither
 * orders anything), then makes fiber 1. */
static void *reuse_first(void *arg)
{
	fiber_make(0, 0);
	run_fiber(0);
	__tsan_destroy_fiber(fibers[0].tsan);
	atomic_store_explicit(&stage, 1, memory_order_relaxed);
	return arg;
}

static void *reuse_second(void *arg)
{
	wait_stage(1);
	usleep(20000);
	fiber_make(1, 0);
	run_fiber(1);
	return arg;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int migrate = !strcmp(mode, "migrate"), reuse = !strcmp(mode, "reuse");
	if (!migrate && !reuse && strcmp(mode, "race")) {
		fprintf(stderr, "usage: fibers migrate|race|reuse\n");
		return 2;
	}
	if (reuse) {
		pthread_t a, b;
		pthread_create(&a, NULL, reuse_first, NULL);
		pthread_create(&b, NULL, reuse_second, NULL);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		printf("{\"mode\": \"%s\", \"counter\": %d, \"expect\": 2, \"same_handle\": %s}\n",
		       mode, counter, fibers[0].tsan == fibers[1].tsan ? "true" : "false");
		return 0;
	}
	fiber_make(0, migrate);
	if (!migrate)
		fiber_make(1, 0);
	pthread_t t;
	pthread_create(&t, NULL, thread_main, migrate ? &t : NULL);
	run_fiber(0);               /* fiber 0 writes, and yields back here */
	atomic_store_explicit(&stage, 1, memory_order_relaxed);
	wait_stage(2);
	pthread_join(t, NULL);
	expect = 2;
	printf("{\"mode\": \"%s\", \"counter\": %d, \"expect\": %d}\n", mode, counter, expect);
	for (int i = 0; i < 2; i++)
		if (fibers[i].tsan)
			__tsan_destroy_fiber(fibers[i].tsan);
	return 0;
}
