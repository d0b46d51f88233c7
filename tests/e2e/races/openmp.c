// SPDX-License-Identifier: MIT
// openmp.c MODE - OpenMP programs built with `ctrace cc -fopenmp` (gcc:
// libgomp; clang: libomp, or libgomp with -fopenmp=libgomp). The norace
// modes are race-free: OpenMP orders them (a region's start after what
// its master did before it, the region's end before what follows it,
// barriers, critical, atomic, ordered, locks, single's copyprivate, tasks
// and their waits), and `ctrace report` must find no race. Pool threads
// are reused from region to region, so every mode runs more than one
// region. Mode "race": two threads of one region write `shared_word` with
// only a relaxed atomic between them (which orders nothing): one race.
// Prints {"mode", "counter", "expect"} as norace.c does.
#include <omp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NT 4
#define N 4096

static int a[N], b[N];
static int counter, expect;
static long total;
static int shared_word;
static atomic_int go;

/* Data written by the master between regions, read by every thread of
 * the next one (pool threads from the region before), and written back. */
static void parallel_for(void)
{
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++)
			a[i] = i + round;
#pragma omp parallel for num_threads(NT) schedule(static)
		for (int i = 0; i < N; i++)
			b[i] = a[i] * 2;
#pragma omp parallel for num_threads(NT) schedule(dynamic, 64)
		for (int i = 0; i < N; i++)
			a[i] = b[N - 1 - i];
		counter += a[0] == 2 * (N - 1 + round);
	}
	expect = 3;
}

static void reduction(void)
{
	for (int i = 0; i < N; i++)
		a[i] = 1;
	long sum = 0;
#pragma omp parallel for num_threads(NT) reduction(+ : sum)
	for (int i = 0; i < N; i++)
		sum += a[i];
	counter = (int)sum;
	expect = N;
}

static void critical(void)
{
#pragma omp parallel num_threads(NT)
	for (int i = 0; i < 100; i++) {
#pragma omp critical
		counter++;
#pragma omp critical(other)
		total++;
	}
	expect = NT * 100;
	counter -= (int)(total - NT * 100);
}

static void atomic_update(void)
{
#pragma omp parallel num_threads(NT)
	for (int i = 0; i < 100; i++) {
#pragma omp atomic
		counter++;
	}
	expect = NT * 100;
}

/* Each thread writes its slot, then after the barrier reads another's. */
static void barrier(void)
{
	int seen = 0;
#pragma omp parallel num_threads(NT) reduction(+ : seen)
	{
		int me = omp_get_thread_num(), n = omp_get_num_threads();
		for (int round = 0; round < 5; round++) {
			a[me] = round + 1;
#pragma omp barrier
			seen += a[(me + 1) % n] == round + 1;
#pragma omp barrier
		}
	}
	counter = seen;
	expect = 5 * NT;
}

/* One thread fills the table in a single, the others read it after
 * single's implied barrier; then a nowait loop and its implied barrier at
 * the region's end. */
static void single(void)
{
	int ok = 0;
#pragma omp parallel num_threads(NT) reduction(+ : ok)
	{
#pragma omp single
		for (int i = 0; i < N; i++)
			a[i] = 7;
		ok += a[N / 2] == 7;
#pragma omp for nowait
		for (int i = 0; i < N; i++)
			b[i] = i;
	}
	counter = ok + (b[N - 1] == N - 1);
	expect = NT + 1;
}

static void copyprivate(void)
{
	int ok = 0;
#pragma omp parallel num_threads(NT) reduction(+ : ok)
	{
		int *block;
#pragma omp single copyprivate(block)
		{
			block = malloc(sizeof(int) * 16);
			for (int i = 0; i < 16; i++)
				block[i] = i;
		}
		ok += block[15] == 15;
#pragma omp barrier
#pragma omp single
		free(block);
	}
	counter = ok;
	expect = NT;
}

static void master_barrier(void)
{
	int ok = 0;
#pragma omp parallel num_threads(NT) reduction(+ : ok)
	{
#pragma omp master
		shared_word = 42;
#pragma omp barrier
		ok += shared_word == 42;
	}
	counter = ok;
	expect = NT;
}

static void ordered(void)
{
	int last = -1, ok = 1;
#pragma omp parallel for num_threads(NT) ordered schedule(dynamic, 1)
	for (int i = 0; i < 200; i++) {
#pragma omp ordered
		{
			ok &= last == i - 1;
			last = i;
		}
	}
	counter = ok;
	expect = 1;
}

static void sections(void)
{
	int x = 0, y = 0;
#pragma omp parallel sections num_threads(NT)
	{
#pragma omp section
		x = 1;
#pragma omp section
		y = 2;
	}
	counter = x + y;
	expect = 3;
}

static omp_lock_t lock;
static omp_nest_lock_t nest;

static void locks(void)
{
	omp_init_lock(&lock);
	omp_init_nest_lock(&nest);
#pragma omp parallel num_threads(NT)
	for (int i = 0; i < 100; i++) {
		omp_set_lock(&lock);
		counter++;
		omp_unset_lock(&lock);
		omp_set_nest_lock(&nest);
		omp_set_nest_lock(&nest);
		total++;
		omp_unset_nest_lock(&nest);
		omp_unset_nest_lock(&nest);
		while (!omp_test_lock(&lock))
			;
		counter++;
		omp_unset_lock(&lock);
	}
	omp_destroy_lock(&lock);
	omp_destroy_nest_lock(&nest);
	counter -= (int)(total - NT * 100);
	expect = 2 * NT * 100;
}

/* Tasks made by one thread, run by any: each reads what its maker wrote
 * before making it and writes its own slot, read after taskwait. */
static void tasks(void)
{
	int ok = 0;
#pragma omp parallel num_threads(NT)
#pragma omp single
	{
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 64; i++) {
				a[i] = i + round;
#pragma omp task firstprivate(i)
				b[i] = a[i] + 1;
			}
#pragma omp taskwait
			for (int i = 0; i < 64; i++)
				ok += b[i] == i + round + 1;
		}
#pragma omp taskgroup
		{
			for (int i = 0; i < 64; i++) {
#pragma omp task firstprivate(i)
				a[i] = -i;
			}
		}
		for (int i = 0; i < 64; i++)
			ok += a[i] == -i;
	}
	counter = ok;
	expect = 4 * 64;
}

/* A chain of tasks ordered by their dependences only. */
static void task_depend(void)
{
	int x = 0;
#pragma omp parallel num_threads(NT)
#pragma omp single
	{
		for (int i = 0; i < 50; i++) {
#pragma omp task depend(inout : x) shared(x)
			x++;
		}
#pragma omp task depend(in : x) shared(x)
		counter = x;
	}
	expect = 50;
}

/* Two threads of one region write shared_word; T_b waits for T_a's
 * relaxed flag first, which orders nothing: one race, every run. */
static void race(void)
{
#pragma omp parallel num_threads(2)
	{
		if (omp_get_num_threads() == 2) {
			if (omp_get_thread_num() == 1) {
				shared_word = 1;
				atomic_store_explicit(&go, 1, memory_order_relaxed);
			} else {
				while (!atomic_load_explicit(&go, memory_order_relaxed))
					;
				shared_word = 2;
			}
		}
	}
	counter = shared_word;
	expect = 2;
}

/* teams: a league of two teams on the host (no device), a reduction over
 * both. libomp gives each team's thread blocks it clears and frees itself,
 * ordered by its own futexes: none of that is the program's. */
static void teams(void)
{
	int sum = 0;
	for (int i = 0; i < N; i++)
		a[i] = 1;
#pragma omp target teams distribute parallel for num_teams(2) thread_limit(2) reduction(+ : sum) \
	map(to : a) map(tofrom : sum)
	for (int i = 0; i < N; i++)
		sum += a[i];
	counter = sum;
	expect = N;
}

static const struct {
	const char *name;
	void (*run)(void);
} modes[] = {
	{ "parallel_for", parallel_for }, { "reduction", reduction },
	{ "critical", critical },         { "atomic", atomic_update },
	{ "barrier", barrier },           { "single", single },
	{ "copyprivate", copyprivate },   { "master", master_barrier },
	{ "ordered", ordered },           { "sections", sections },
	{ "locks", locks },               { "tasks", tasks },
	{ "task_depend", task_depend },   { "race", race },
	{ "teams", teams },
};

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	omp_set_dynamic(0);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		if (!strcmp(m, modes[i].name)) {
			/* a region first, so that the mode's regions run on pool threads */
#pragma omp parallel num_threads(NT)
			(void)0;
			modes[i].run();
			printf("{\"mode\": \"%s\", \"counter\": %d, \"expect\": %d}\n", m, counter, expect);
			return counter == expect ? 0 : 1;
		}
	}
	fprintf(stderr, "usage: openmp MODE\n");
	return 2;
}
