/* SPDX-License-Identifier: MIT */
/* count.c - the static archive of the test project. */
#include <pthread.h>

#include "count.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

void count_add(long n)
{
	pthread_mutex_lock(&lock);
	total += n;
	pthread_mutex_unlock(&lock);
}

long count_total(void)
{
	return total;
}
