/* SPDX-License-Identifier: MIT */
/* static_init.c - objects never initialized by a call (static initializers)
 * are first seen at their first use. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rm = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

static void *waker(void *arg)
{
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, waker, NULL);
	pthread_mutex_lock(&m);
	while (!ready)
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	pthread_mutex_lock(&rm);
	pthread_mutex_lock(&rm);
	pthread_mutex_unlock(&rm);
	pthread_mutex_unlock(&rm);
	pthread_rwlock_rdlock(&rw);
	pthread_rwlock_unlock(&rw);
	puts("{}");
	return 0;
}
