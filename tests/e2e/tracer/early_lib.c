/* SPDX-License-Identifier: MIT */
/* early_lib.c - a library whose constructor locks and starts a thread
 * before any other constructor (priority 101): calls that may come before
 * the shim's own constructor must work. */
#include <pthread.h>

static pthread_mutex_t early = PTHREAD_MUTEX_INITIALIZER;
int early_count;

static void *early_thread(void *arg)
{
	pthread_mutex_lock(&early);
	early_count++;
	pthread_mutex_unlock(&early);
	return arg;
}

__attribute__((constructor(101))) static void early_init(void)
{
	pthread_t t;
	pthread_mutex_lock(&early);
	early_count++;
	pthread_mutex_unlock(&early);
	pthread_create(&t, NULL, early_thread, NULL);
	pthread_join(t, NULL);
}
