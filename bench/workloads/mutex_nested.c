/* SPDX-License-Identifier: MIT */
/* mutex_nested.c - THREADS threads each take A then B (released B then A),
 * ITERS nested acquisitions in all: two lock/unlock pairs per iteration, the
 * lock-order analyzer's bread and butter. */
#include <pthread.h>

#include "workload.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static uint64_t sum_a, sum_b;

struct worker {
	long iters;
} __attribute__((aligned(64)));

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (long i = 0; i < w->iters; i++) {
		pthread_mutex_lock(&lock_a);
		sum_a += (uint64_t)i;
		pthread_mutex_lock(&lock_b);
		sum_b += (uint64_t)i * 3;
		pthread_mutex_unlock(&lock_b);
		pthread_mutex_unlock(&lock_a);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct workload_args a;
	static struct worker w[64];
	workload_parse(argc, argv, &a, 2000000, 2, 1, 64);
	for (int i = 0; i < a.threads; i++)
		w[i].iters = workload_share(a.iters, a.threads, i);
	workload_run(a.threads, worker_main, w, sizeof w[0]);
	workload_checksum(sum_a ^ sum_b);
	return 0;
}
