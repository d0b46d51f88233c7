/* SPDX-License-Identifier: MIT */
/* no_false_alarms.c - every pattern that looks like an inversion but can
 * never deadlock, where TSan or Helgrind would warn: a gate lock held around
 * both orders, the reverse order taken by trylock, read-only rwlock cycles,
 * and a lock destroyed and re-initialized at the same address. Nothing may
 * be reported. (One thread taking both orders is an inconsistent order,
 * reported: one_thread_inversion.c.) */
#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m2 = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t r1 = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t r2 = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t reused;
static sem_t go;

static void pair(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

static void read_pair(pthread_rwlock_t *x, pthread_rwlock_t *y)
{
	pthread_rwlock_rdlock(x);
	pthread_rwlock_rdlock(y);
	pthread_rwlock_unlock(y);
	pthread_rwlock_unlock(x);
}

static void *first(void *arg)
{
	pthread_mutex_lock(&gate);
	pair(&m1, &m2);
	pthread_mutex_unlock(&gate);
	read_pair(&r1, &r2);
	pthread_mutex_init(&reused, NULL);
	pair(&m1, &reused);
	pthread_mutex_destroy(&reused);
	sem_post(&go);
	return arg;
}

static void *second(void *arg)
{
	sem_wait(&go);
	pthread_mutex_lock(&gate);
	pair(&m2, &m1);
	pthread_mutex_unlock(&gate);
	read_pair(&r2, &r1);
	pthread_mutex_lock(&m2);
	if (pthread_mutex_trylock(&m1) == 0)
		pthread_mutex_unlock(&m1);
	pthread_mutex_unlock(&m2);
	pthread_mutex_init(&reused, NULL);
	pair(&reused, &m1);
	pthread_mutex_destroy(&reused);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;
	sem_init(&go, 0, 0);
	pthread_create(&t1, NULL, first, NULL);
	pthread_create(&t2, NULL, second, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}
