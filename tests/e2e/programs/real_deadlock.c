/* SPDX-License-Identifier: MIT */
/* real_deadlock.c - two threads really deadlock (each holds one lock and
 * waits for the other's). `ctrace run` must detect it while it hangs,
 * report it and end the program. */
#include <pthread.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

static void *holds_a_wants_b(void *arg)
{
	pthread_mutex_lock(&lock_a);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_b);
	return arg;
}

static void *holds_b_wants_a(void *arg)
{
	pthread_mutex_lock(&lock_b);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_a);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;
	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_create(&t1, NULL, holds_a_wants_b, NULL);
	pthread_create(&t2, NULL, holds_b_wants_a, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}
