/* SPDX-License-Identifier: MIT */
/* condvar_pc.c - producers and consumers (THREADS/2 each, 2 by default) on
 * a 16-slot ring guarded by one mutex and two condition variables; ITERS
 * items in all. */
#include <pthread.h>
#include <stdbool.h>

#include "workload.h"

#define RING 16

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full;
	pthread_cond_t not_empty;
	uint64_t slot[RING];
	long head, tail;        /* items put, items taken */
	long total;             /* items to move */
	uint64_t sum;
} q = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER,
};

struct worker {
	long items;             /* producers: how many to put */
	bool producer;
} __attribute__((aligned(64)));

static void produce(long items)
{
	for (long i = 0; i < items; i++) {
		pthread_mutex_lock(&q.lock);
		while (q.head - q.tail == RING)
			pthread_cond_wait(&q.not_full, &q.lock);
		q.slot[q.head++ % RING] = (uint64_t)i;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.lock);
	}
}

/* Consumers stop when every item is taken; the last one wakes the rest. */
static void consume(void)
{
	pthread_mutex_lock(&q.lock);
	for (;;) {
		while (q.head == q.tail && q.tail < q.total)
			pthread_cond_wait(&q.not_empty, &q.lock);
		if (q.tail == q.total)
			break;
		q.sum += q.slot[q.tail++ % RING];
		pthread_cond_signal(&q.not_full);
		pthread_mutex_unlock(&q.lock);
		pthread_mutex_lock(&q.lock);
	}
	pthread_cond_broadcast(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	if (w->producer)
		produce(w->items);
	else
		consume();
	return NULL;
}

int main(int argc, char **argv)
{
	struct workload_args a;
	static struct worker w[64];
	workload_parse(argc, argv, &a, 1000000, 2, 2, 64);
	int producers = a.threads / 2;
	q.total = a.iters;
	for (int i = 0; i < a.threads; i++) {
		w[i].producer = i < producers;
		w[i].items = w[i].producer ? workload_share(a.iters, producers, i) : 0;
	}
	workload_run(a.threads, worker_main, w, sizeof w[0]);
	workload_checksum(q.sum);
	return 0;
}
