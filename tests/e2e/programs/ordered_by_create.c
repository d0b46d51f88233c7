/* SPDX-License-Identifier: MIT */
/* ordered_by_create.c - main takes lock_a then lock_b, and only then
 * creates the thread that takes them in the other order: the order is
 * inconsistent, but create orders the two, so it cannot deadlock in this
 * run. Reported, ranked as not concurrent. */
#include <pthread.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *b_then_a(void *arg)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	pthread_create(&t, NULL, b_then_a, NULL);
	pthread_join(t, NULL);
	return 0;
}
