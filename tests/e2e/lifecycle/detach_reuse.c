/* SPDX-License-Identifier: MIT */
/* detach_reuse.c - creates short threads and detaches each right after
 * pthread_create, as CPython does; glibc hands a new thread the handle of
 * an ended one, and the detach must go to the new thread (not be taken
 * for a second detach of the old one). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *noop(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, noop, NULL) || pthread_detach(t))
			return 1;
		usleep(200);
	}
	puts("ok");
	return 0;
}
