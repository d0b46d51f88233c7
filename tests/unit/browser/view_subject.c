/* SPDX-License-Identifier: MIT */
/* view_subject.c - the program traced for the browser test of `ctrace view`:
 * named threads contending for one lock, a lock-order inversion between two
 * threads that run at the same time (kept from deadlocking by a semaphore),
 * a producer and a consumer on a condition variable, and joins; at the end a
 * broadcast without the consumer's mutex (a cond-signal-not-held note). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static sem_t left_done;
static long stats;
static int queue_len;

static void pause_us(long us)
{
	struct timespec ts = { 0, us * 1000 };
	nanosleep(&ts, NULL);
}

static void *worker(void *arg)
{
	char name[16];
	snprintf(name, sizeof name, "worker-%ld", (long)arg);
	pthread_setname_np(pthread_self(), name);
	for (int i = 0; i < 40; i++) {
		pthread_mutex_lock(&stats_lock);
		stats++;
		pause_us(300);
		pthread_mutex_unlock(&stats_lock);
		pause_us(100);
	}
	return NULL;
}

static void *left(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "left");
	pthread_mutex_lock(&lock_a);
	pause_us(1000);
	pthread_mutex_lock(&lock_b);
	pause_us(500);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	sem_post(&left_done);
	return NULL;
}

static void *right(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "right");
	sem_wait(&left_done);
	pthread_mutex_lock(&lock_b);
	pause_us(1000);
	pthread_mutex_lock(&lock_a);
	pause_us(500);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
	return NULL;
}

static void *producer(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "producer");
	for (int i = 0; i < 10; i++) {
		pause_us(2000);
		pthread_mutex_lock(&queue_lock);
		queue_len++;
		pthread_cond_signal(&queue_cond);
		pthread_mutex_unlock(&queue_lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "consumer");
	for (int i = 0; i < 10; i++) {
		pthread_mutex_lock(&queue_lock);
		while (queue_len == 0)
			pthread_cond_wait(&queue_cond, &queue_lock);
		queue_len--;
		pthread_mutex_unlock(&queue_lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[8];
	int n = 0;
	pthread_setname_np(pthread_self(), "main");
	sem_init(&left_done, 0, 0);
	for (long i = 1; i <= 3; i++)
		pthread_create(&t[n++], NULL, worker, (void *)i);
	pthread_create(&t[n++], NULL, left, NULL);
	pthread_create(&t[n++], NULL, right, NULL);
	pthread_create(&t[n++], NULL, producer, NULL);
	pthread_create(&t[n++], NULL, consumer, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_cond_broadcast(&queue_cond);
	sem_destroy(&left_done);
	printf("stats %ld\n", stats);
	return 0;
}
