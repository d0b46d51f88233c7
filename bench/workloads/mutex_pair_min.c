/* SPDX-License-Identifier: MIT */
/* mutex_pair_min.c - the steady cost of one uncontended lock/unlock pair,
 * robust to a noisy machine: BATCHES batches of ITERS pairs, each timed,
 * and the fastest batch reported ("min_ns_per_pair X"). A neighbour that
 * steals the core slows some batches, never the fastest. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "workload.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned long counter;

static unsigned long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static __attribute__((noinline)) void batch(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
}

int main(int argc, char **argv)
{
	struct workload_args a;
	workload_parse(argc, argv, &a, 200000, 100, 1, 100000);  /* "threads" = batches */
	double best = 1e30;
	for (int b = 0; b < a.threads; b++) {
		unsigned long long t0 = now_ns();
		batch(a.iters);
		double ns = (double)(now_ns() - t0) / (double)(a.iters ? a.iters : 1);
		best = ns < best ? ns : best;
	}
	printf("min_ns_per_pair %.2f\n", best);
	return 0;
}
