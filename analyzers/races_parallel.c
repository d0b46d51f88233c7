/* SPDX-License-Identifier: MIT */
/* races_parallel.c - the race analysis on every core: each part runs on
 * a thread of its own and sees every event (it replays all the
 * synchronization, and checks only its words). The reader fills one batch
 * while the parts work on the other; plain accesses, most of it, go in it
 * as rc_plain (a third of an event's bytes to copy and to read). */
#include "races_parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RC_BATCH 8192
#define RC_ALL 0xff

struct rc_worker {
	struct rc_pool *pool;
	uint32_t index;
	pthread_t tid;
};

struct rc_pool {
	uint32_t n;
	struct rc_part *parts;
	struct rc_worker *workers;
	uint8_t *owner[2];         /* per event: the part owning a one-word
	                              access, RC_ALL for every part */
	bool *is_plain[2];         /* per event: a plain access, in plain[] */
	struct rc_plain *plain[2]; /* the plain accesses, in order */
	struct trace_event *batch[2];  /* the other events, in order */
	struct rc_extra *extra[2]; /* what the catalog says of each */
	size_t nbatch[2], nother[2];
	int fill;                  /* the batch being filled */
	int work;                  /* the batch handed out */
	uint64_t gen;              /* batches handed out */
	uint32_t done;             /* parts done with batch gen */
	bool busy, stop;
	pthread_mutex_t mu;
	pthread_cond_t go, finished;
};

static void *rc_worker_main(void *arg)
{
	struct rc_worker *w = arg;
	struct rc_pool *pool = w->pool;
	uint64_t seen = 0;
	for (;;) {
		pthread_mutex_lock(&pool->mu);
		while (pool->gen == seen && !pool->stop)
			pthread_cond_wait(&pool->go, &pool->mu);
		if (pool->gen == seen) {
			pthread_mutex_unlock(&pool->mu);
			return NULL;
		}
		seen = pool->gen;
		int b = pool->work;
		const struct trace_event *ev = pool->batch[b];
		const struct rc_extra *extra = pool->extra[b];
		const struct rc_plain *plain = pool->plain[b];
		const uint8_t *owner = pool->owner[b];
		const bool *is_plain = pool->is_plain[b];
		size_t n = pool->nbatch[b];
		pthread_mutex_unlock(&pool->mu);
		struct rc_part *p = &pool->parts[w->index];
		for (size_t i = 0; i < n; i++) {
			if (!is_plain[i]) {
				rc_part_feed(p, ev++, extra++);
			} else if (owner[i] == RC_ALL || owner[i] == w->index) {
				rc_part_feed_plain(p, plain++);
			} else {
				p->nevent++;   /* another part's access */
				plain++;
			}
		}
		pthread_mutex_lock(&pool->mu);
		if (++pool->done == pool->n)
			pthread_cond_signal(&pool->finished);
		pthread_mutex_unlock(&pool->mu);
	}
}

struct rc_pool *rc_pool_new(struct rc_part *parts, uint32_t n)
{
	struct rc_pool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		abort();
	pool->n = n;
	pool->parts = parts;
	pool->workers = calloc(n, sizeof(*pool->workers));
	for (int b = 0; b < 2; b++) {
		pool->batch[b] = malloc(RC_BATCH * sizeof(struct trace_event));
		pool->extra[b] = malloc(RC_BATCH * sizeof(struct rc_extra));
		pool->plain[b] = malloc(RC_BATCH * sizeof(struct rc_plain));
		pool->owner[b] = malloc(RC_BATCH);
		pool->is_plain[b] = malloc(RC_BATCH * sizeof(bool));
		if (!pool->batch[b] || !pool->owner[b] || !pool->extra[b] || !pool->plain[b] ||
		    !pool->is_plain[b])
			abort();
	}
	if (!pool->parts || !pool->workers || !n || n >= RC_ALL)
		abort();
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->go, NULL);
	pthread_cond_init(&pool->finished, NULL);
	for (uint32_t i = 0; i < n; i++) {
		pool->workers[i] = (struct rc_worker){ pool, i, 0 };
		if (pthread_create(&pool->workers[i].tid, NULL, rc_worker_main, &pool->workers[i]))
			abort();
	}
	return pool;
}

/* Waits for the batch handed out (called with mu held). */
static void rc_pool_wait(struct rc_pool *pool)
{
	while (pool->busy && pool->done < pool->n)
		pthread_cond_wait(&pool->finished, &pool->mu);
	pool->busy = false;
}

static void rc_pool_dispatch(struct rc_pool *pool)
{
	pthread_mutex_lock(&pool->mu);
	rc_pool_wait(pool);
	pool->work = pool->fill;
	pool->done = 0;
	pool->busy = true;
	pool->gen++;
	pthread_cond_broadcast(&pool->go);
	pthread_mutex_unlock(&pool->mu);
	pool->fill ^= 1;
	pool->nbatch[pool->fill] = pool->nother[pool->fill] = 0;
}

void rc_pool_feed_plain(struct rc_pool *pool, const struct rc_plain *pl)
{
	int b = pool->fill;
	size_t i = pool->nbatch[b]++, plains = i - pool->nother[b];
	pool->is_plain[b][i] = true;
	pool->plain[b][plains] = *pl;
	/* Whose it is, found once here rather than by every part. */
	pool->owner[b][i] = (pl->addr & 7) + pl->size <= 8
				    ? (uint8_t)rc_part_of(rc_word_key(pl->process, pl->addr), pool->n)
				    : RC_ALL;
	if (pool->nbatch[b] == RC_BATCH)
		rc_pool_dispatch(pool);
}

void rc_pool_feed(struct rc_pool *pool, const struct trace_event *ev, const struct rc_extra *x)
{
	if (rc_is_plain(ev)) {
		struct rc_plain pl = rc_plain_of(ev);
		rc_pool_feed_plain(pool, &pl);
		return;
	}
	int b = pool->fill;
	size_t i = pool->nbatch[b]++;
	pool->is_plain[b][i] = false;
	pool->owner[b][i] = RC_ALL;
	struct trace_event *e = &pool->batch[b][pool->nother[b]++];
	*e = *ev;
	e->str = NULL;   /* borrowed until the next event; no rule reads it */
	pool->extra[b][pool->nother[b] - 1] = *x;
	if (pool->nbatch[b] == RC_BATCH)
		rc_pool_dispatch(pool);
}

struct rc_part *rc_pool_finish(struct rc_pool *pool)
{
	if (pool->nbatch[pool->fill])
		rc_pool_dispatch(pool);
	pthread_mutex_lock(&pool->mu);
	rc_pool_wait(pool);
	pool->stop = true;
	pthread_cond_broadcast(&pool->go);
	pthread_mutex_unlock(&pool->mu);
	for (uint32_t i = 0; i < pool->n; i++)
		pthread_join(pool->workers[i].tid, NULL);
	pool->workers = (free(pool->workers), NULL);
	return pool->parts;
}

struct rc_part *rc_pool_end(struct rc_pool *pool)
{
	if (pool->workers)
		rc_pool_finish(pool);
	struct rc_part *parts = pool->parts;
	for (int b = 0; b < 2; b++) {
		free(pool->batch[b]);
		free(pool->extra[b]);
		free(pool->plain[b]);
		free(pool->owner[b]);
		free(pool->is_plain[b]);
	}
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->go);
	pthread_cond_destroy(&pool->finished);
	free(pool);
	return parts;
}

void rc_pool_free(struct rc_pool *pool)
{
	if (!pool)
		return;
	uint32_t n = pool->n;
	struct rc_part *parts = rc_pool_end(pool);
	for (uint32_t i = 0; i < n; i++)
		rc_part_release(&parts[i]);
	free(parts);
}
