/* SPDX-License-Identifier: MIT */
/* cancel_wait.c - a thread cancelled inside pthread_cond_wait gets its
 * mutex back before its cleanup handler unlocks it: the trace must show the
 * reacquisition, so no misuse is reported. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void unlock_it(void *arg)
{
	pthread_mutex_unlock(arg);
}

static void *waiter(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock_it, &m);
	for (;;)
		pthread_cond_wait(&cv, &m);
	pthread_cleanup_pop(1);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	usleep(50000);
	pthread_cancel(t);
	pthread_join(t, NULL);
	pthread_mutex_lock(&m);  /* free again: the cleanup handler released it */
	pthread_mutex_unlock(&m);
	puts("{}");
	return 0;
}
