/* SPDX-License-Identifier: MIT */
/* many_mutexes.c - short-lived mutexes by the million (the scale issue):
 * THREADS threads share ITERS iterations; each initializes a mutex (on the
 * heap on even iterations, on the stack on odd ones), locks, unlocks and
 * destroys it. Meanwhile a few long-lived locks are really contended: the
 * global hot_lock (held across a short sleep every 4096 iterations) and the
 * 8 bucket locks initialized in one loop. Prints {"iterations": N} last.
 * Usage: many_mutexes [ITERS [THREADS]] (default 200000 2). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NBUCKETS 8

static pthread_mutex_t hot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t buckets[NBUCKETS];
static long per_thread;
static volatile unsigned long sink;

static void short_pause(void)
{
	struct timespec ts = { 0, 100000 };
	nanosleep(&ts, NULL);
}

static void heap_mutex(unsigned long i)
{
	pthread_mutex_t *m = malloc(sizeof(*m));
	if (!m)
		abort();
	pthread_mutex_init(m, NULL);
	pthread_mutex_lock(m);
	sink += i;
	pthread_mutex_unlock(m);
	pthread_mutex_destroy(m);
	free(m);
}

static void stack_mutex(unsigned long i)
{
	pthread_mutex_t m;
	pthread_mutex_init(&m, NULL);
	pthread_mutex_lock(&m);
	sink ^= i;
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
}

static void contended(unsigned long i)
{
	pthread_mutex_t *b = &buckets[(i / 4096) % NBUCKETS];
	pthread_mutex_lock(&hot_lock);
	pthread_mutex_lock(b);
	short_pause();
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(&hot_lock);
}

static void *worker(void *arg)
{
	for (long i = 0; i < per_thread; i++) {
		if (i % 2)
			stack_mutex((unsigned long)i);
		else
			heap_mutex((unsigned long)i);
		if (i % 4096 == 0)
			contended((unsigned long)i);
	}
	return arg;
}

static void init_buckets(void)
{
	for (int i = 0; i < NBUCKETS; i++)
		pthread_mutex_init(&buckets[i], NULL);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	long nthreads = argc > 2 ? atol(argv[2]) : 2;
	if (iters < 1 || nthreads < 1 || nthreads > 64) {
		fprintf(stderr, "usage: many_mutexes [ITERS [THREADS]]\n");
		return 2;
	}
	pthread_t t[64];
	per_thread = iters / nthreads;
	init_buckets();
	for (long i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (long i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	printf("{\"iterations\": %ld}\n", per_thread * nthreads);
	return 0;
}
