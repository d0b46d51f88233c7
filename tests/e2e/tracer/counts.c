/* SPDX-License-Identifier: MIT */
/* counts.c - exact event counts: N lock/unlock pairs on each of two threads
 * and N trylocks in main must come out as exactly these numbers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long n, counter;

static void *work(void *arg)
{
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
	}
	return arg;
}

int main(int argc, char **argv)
{
	n = argc > 1 ? atol(argv[1]) : 1000;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	long ok = 0;
	for (long i = 0; i < n; i++)
		if (pthread_mutex_trylock(&m) == 0) {
			ok++;
			pthread_mutex_unlock(&m);
		}
	printf("{\"counter\": %ld, \"trylocks\": %ld}\n", counter, ok);
	return counter == 2 * n ? 0 : 1;
}
