/* SPDX-License-Identifier: MIT */
/* annotate.c - every ctrace.h annotation, in a program built with or
 * without `ctrace cc`: a flag handed over by hand-made synchronization. */
#include <ctrace.h>
#include <pthread.h>
#include <stdio.h>

static int data, ready, stats;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *producer(void *arg)
{
	(void)arg;
	CTRACE_NAME_THREAD("producer");
	data = 42;
	CTRACE_HAPPENS_BEFORE(&ready);
	__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(void)
{
	pthread_t t;
	CTRACE_NAME_LOCK(&lock, "stats lock");
	CTRACE_BENIGN_RACE(&stats, sizeof stats);
	pthread_create(&t, NULL, producer, NULL);
	while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		;
	CTRACE_HAPPENS_AFTER(&ready);
	CTRACE_IGNORE_BEGIN();
	stats++;
	CTRACE_IGNORE_END();
	pthread_join(t, NULL);
	printf("data %d\n", data);
	return data != 42;
}
