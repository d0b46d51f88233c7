/* SPDX-License-Identifier: MIT */
/* one_thread_inversion.c - one thread takes stats then table in one
 * function and table then stats in another: it cannot deadlock alone, but
 * the lock order is inconsistent and deadlocks the day the two paths run
 * on two threads. Reported (as TSan, Helgrind and lockdep do), after the
 * cycles that can happen, with the reason. */
#include <pthread.h>

static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static long hits, size;

static void count_hit(void)
{
	pthread_mutex_lock(&stats);
	pthread_mutex_lock(&table);
	hits += size;
	pthread_mutex_unlock(&table);
	pthread_mutex_unlock(&stats);
}

static void grow_table(void)
{
	pthread_mutex_lock(&table);
	pthread_mutex_lock(&stats);
	size++;
	pthread_mutex_unlock(&stats);
	pthread_mutex_unlock(&table);
}

static void *worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		count_hit();
		grow_table();
	}
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	return hits == 3 ? 0 : 1;
}
