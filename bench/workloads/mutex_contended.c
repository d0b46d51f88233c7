/* SPDX-License-Identifier: MIT */
/* mutex_contended.c - THREADS threads share one mutex, ITERS lock/unlock
 * pairs in all; a short critical section and a little work outside it so
 * that the lock changes hands often. */
#include <pthread.h>

#include "workload.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t shared_sum;

struct worker {
	long pairs;
	uint64_t seed;
} __attribute__((aligned(64)));

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t x = w->seed;
	for (long i = 0; i < w->pairs; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;  /* work outside */
		pthread_mutex_lock(&lock);
		shared_sum += x >> 33;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct workload_args a;
	static struct worker w[64];
	workload_parse(argc, argv, &a, 4000000, 2, 1, 64);
	for (int i = 0; i < a.threads; i++) {
		w[i].pairs = workload_share(a.iters, a.threads, i);
		w[i].seed = (uint64_t)i + 1;
	}
	workload_run(a.threads, worker_main, w, sizeof w[0]);
	workload_checksum(shared_sum);
	return 0;
}
