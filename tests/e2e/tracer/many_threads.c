/* SPDX-License-Identifier: MIT */
/* many_threads.c - 10,000 threads over the run, up to 200 alive at once,
 * each locking once: every thread and every lock must be in the trace. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *work(void *arg)
{
	pthread_mutex_lock(&m);
	counter++;
	pthread_mutex_unlock(&m);
	return arg;
}

int main(int argc, char **argv)
{
	int total = argc > 1 ? atoi(argv[1]) : 10000, batch = 200;
	pthread_t t[200];
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	for (int done = 0; done < total; done += batch) {
		int k = total - done < batch ? total - done : batch;
		for (int i = 0; i < k; i++)
			if (pthread_create(&t[i], &a, work, NULL))
				return 2;
		for (int i = 0; i < k; i++)
			pthread_join(t[i], NULL);
	}
	printf("{\"counter\": %ld}\n", counter);
	return counter == total ? 0 : 1;
}
