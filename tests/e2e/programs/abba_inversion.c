/* SPDX-License-Identifier: MIT */
/* abba_inversion.c - two threads take lock_a/lock_b in opposite orders, one
 * after the other (sequenced by a semaphore, so it never hangs): a
 * concurrent lock-order inversion with both stacks. */
#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_done;

static void *take_a_then_b(void *arg)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	sem_post(&first_done);
	return arg;
}

static void *take_b_then_a(void *arg)
{
	sem_wait(&first_done);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;
	sem_init(&first_done, 0, 0);
	pthread_create(&t1, NULL, take_a_then_b, NULL);
	pthread_create(&t2, NULL, take_b_then_a, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}
