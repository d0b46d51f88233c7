/* SPDX-License-Identifier: MIT */
/* view_lockloop.c - a load for bench/bench_view.sh: THREADS threads take
 * a shared lock ITERS times each (with a little work inside and outside),
 * about 2 * THREADS * ITERS events plus the waits. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t side = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned long sink;
static long iters;

static void *loop(void *arg)
{
	long me = (long)arg;
	for (long i = 0; i < iters; i++) {
		pthread_mutex_t *m = (i + me) % 16 ? &shared : &side;
		pthread_mutex_lock(m);
		for (int k = 0; k < 50; k++)
			sink += (unsigned long)k * (unsigned long)i;
		pthread_mutex_unlock(m);
		for (int k = 0; k < 100; k++)
			sink ^= (unsigned long)k;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long nthreads = argc > 1 ? atol(argv[1]) : 8;
	iters = argc > 2 ? atol(argv[2]) : 62500;
	if (nthreads < 1 || nthreads > 256 || iters < 1) {
		fprintf(stderr, "usage: view_lockloop [THREADS [ITERS]]\n");
		return 2;
	}
	pthread_t *t = calloc((size_t)nthreads, sizeof(*t));
	if (!t)
		return 1;
	for (long i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, loop, (void *)i);
	for (long i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}
