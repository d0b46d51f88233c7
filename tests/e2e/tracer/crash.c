/* SPDX-License-Identifier: MIT */
/* crash.c - N lock/unlock pairs in a thread, then a segfault: the trace
 * must still hold every one of them. */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *arg)
{
	for (int i = 0; i < 5000; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, NULL);
	volatile int *p = argc > 5 ? (int *)argv : NULL;
	*p = 1;
	return 0;
}
