/* SPDX-License-Identifier: MIT */
/* dlopen_lib.c - a library loaded at run time that locks a mutex. */
#include <pthread.h>

static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;

int lib_work(int n)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		pthread_mutex_lock(&lib_lock);
		k++;
		pthread_mutex_unlock(&lib_lock);
	}
	return k;
}
