/* SPDX-License-Identifier: MIT */
/* mutex_uncontended.c - ITERS lock/unlock pairs in all, each thread on its
 * own mutex (one cache line each): the cheapest path of the shim. With two
 * threads it is also the 20-million-events-per-second check. */
#include <pthread.h>

#include "workload.h"

struct worker {
	pthread_mutex_t lock;
	long pairs;
	uint64_t sum;
} __attribute__((aligned(64)));

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (long i = 0; i < w->pairs; i++) {
		pthread_mutex_lock(&w->lock);
		w->sum += (uint64_t)i;
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct workload_args a;
	static struct worker w[64];
	workload_parse(argc, argv, &a, 10000000, 1, 1, 64);
	for (int i = 0; i < a.threads; i++) {
		pthread_mutex_init(&w[i].lock, NULL);
		w[i].pairs = workload_share(a.iters, a.threads, i);
	}
	if (a.threads == 1)
		worker_main(&w[0]);  /* one thread: no thread at all, as a plain program */
	else
		workload_run(a.threads, worker_main, w, sizeof w[0]);
	uint64_t sum = 0;
	for (int i = 0; i < a.threads; i++)
		sum += w[i].sum;
	workload_checksum(sum);
	return 0;
}
