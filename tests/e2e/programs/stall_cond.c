/* SPDX-License-Identifier: MIT */
/* stall_cond.c [destroy] - a lost wake-up: the worker waits for a
 * condition nobody will signal, main joins it. Every thread is blocked
 * (cond wait, join) with no lock cycle: a stall, reported after
 * --stall-timeout. destroy: main, once the worker waits (it had the mutex
 * only after the worker's wait released it), destroys the condition
 * instead: glibc's destroy waits for the waiter, for good. */
#include <pthread.h>
#include <string.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;
static int ready;

static pthread_cond_t consumer_waits = PTHREAD_COND_INITIALIZER;
static int waiting;

static void *consumer(void *arg)
{
	pthread_mutex_lock(&queue_lock);
	waiting = 1;
	pthread_cond_signal(&consumer_waits);
	while (!ready)
		pthread_cond_wait(&queue_ready, &queue_lock);
	pthread_mutex_unlock(&queue_lock);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t;
	pthread_create(&t, NULL, consumer, NULL);
	if (argc > 1 && !strcmp(argv[1], "destroy")) {
		pthread_mutex_lock(&queue_lock);
		while (!waiting)
			pthread_cond_wait(&consumer_waits, &queue_lock);
		pthread_mutex_unlock(&queue_lock);
		pthread_cond_destroy(&queue_ready);
	}
	pthread_join(t, NULL);
	return 0;
}
