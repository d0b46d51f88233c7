// SPDX-License-Identifier: MIT
// cond_destroy.c after_unlock|under_lock - main waits on a condition until
// a worker sets a flag under the mutex and signals, then destroys the
// condition. after_unlock: the worker signals after its unlock, so main
// can return from its wait (or not wait at all) and destroy the condition
// while the worker is still inside pthread_cond_signal: a sync-object race
// (glibc: "no concurrent signals or broadcasts" at a destroy). under_lock:
// the worker signals holding the mutex, whose unlock orders the signal
// before main's return. A relaxed flag the worker sets after the signal,
// which orders nothing, makes main destroy after the signal's record.
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static bool done;
static atomic_int signalled;
static bool under_lock;

static void *worker(void *arg)
{
	pthread_mutex_lock(&mu);
	done = true;
	if (under_lock)
		pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	if (!under_lock)
		pthread_cond_signal(&cv);
	atomic_store_explicit(&signalled, 1, memory_order_relaxed);
	return arg;
}

int main(int argc, char **argv)
{
	under_lock = argc > 1 && !strcmp(argv[1], "under_lock");
	pthread_cond_init(&cv, NULL);
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_mutex_lock(&mu);
	while (!done)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	while (!atomic_load_explicit(&signalled, memory_order_relaxed))
		usleep(1000);
	pthread_cond_destroy(&cv);
	pthread_join(t, NULL);
	printf("{\"counter\": 1, \"expect\": 1}\n");
	return 0;
}
