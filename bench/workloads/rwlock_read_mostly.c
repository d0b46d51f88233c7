/* SPDX-License-Identifier: MIT */
/* rwlock_read_mostly.c - THREADS threads (4 by default) on one rwlock, ITERS
 * acquisitions in all: one in 20 is a write lock, the rest read a small
 * table. */
#include <pthread.h>

#include "workload.h"

#define TABLE 64

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t table[TABLE];

struct worker {
	long iters;
	uint64_t sum;
} __attribute__((aligned(64)));

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (long i = 0; i < w->iters; i++) {
		if (i % 20 == 19) {
			pthread_rwlock_wrlock(&lock);
			table[i % TABLE] += (uint64_t)i;
		} else {
			pthread_rwlock_rdlock(&lock);
			w->sum += table[i % TABLE];
		}
		pthread_rwlock_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct workload_args a;
	static struct worker w[64];
	workload_parse(argc, argv, &a, 4000000, 4, 1, 64);
	for (int i = 0; i < a.threads; i++)
		w[i].iters = workload_share(a.iters, a.threads, i);
	workload_run(a.threads, worker_main, w, sizeof w[0]);
	uint64_t sum = 0;
	for (int i = 0; i < TABLE; i++)
		sum += table[i];
	workload_checksum(sum);  /* the readers' sums depend on the interleaving */
	return 0;
}
