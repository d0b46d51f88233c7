/* SPDX-License-Identifier: MIT */
/* stall_cond.c - a lost wake-up: the worker waits for a condition nobody
 * will signal, main joins it. Every thread is blocked (cond wait, join)
 * with no lock cycle: a stall, reported after --stall-timeout. */
#include <pthread.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;
static int ready;

static void *consumer(void *arg)
{
	pthread_mutex_lock(&queue_lock);
	while (!ready)
		pthread_cond_wait(&queue_ready, &queue_lock);
	pthread_mutex_unlock(&queue_lock);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, consumer, NULL);
	pthread_join(t, NULL);
	return 0;
}
