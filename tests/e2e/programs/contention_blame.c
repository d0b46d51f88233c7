/* SPDX-License-Identifier: MIT */
/* contention_blame.c - a slow critical section (slow_flush, 30 ms under
 * stats_lock) makes the worker wait at record_sample, ten times (a
 * handshake makes the worker ask while the flusher holds the lock). The
 * report must rank stats_lock first and blame slow_flush's section. */
#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t quiet_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t held, asking, sampled;
static long samples;

static void slow_flush(void)
{
	pthread_mutex_lock(&stats_lock);
	sem_post(&held);
	sem_wait(&asking);
	usleep(30000);
	pthread_mutex_unlock(&stats_lock);
}

static void record_sample(void)
{
	pthread_mutex_lock(&stats_lock);
	samples++;
	pthread_mutex_unlock(&stats_lock);
}

static void *flusher(void *arg)
{
	for (int i = 0; i < 10; i++) {
		slow_flush();
		sem_wait(&sampled);   /* mutexes are not fair: let the worker in */
	}
	return arg;
}

static void *worker(void *arg)
{
	for (int i = 0; i < 10; i++) {
		sem_wait(&held);
		sem_post(&asking);
		record_sample();
		sem_post(&sampled);
	}
	return arg;
}

int main(void)
{
	pthread_t f, w;
	sem_init(&held, 0, 0);
	sem_init(&asking, 0, 0);
	sem_init(&sampled, 0, 0);
	pthread_mutex_lock(&quiet_lock);
	pthread_mutex_unlock(&quiet_lock);
	pthread_create(&f, NULL, flusher, NULL);
	pthread_create(&w, NULL, worker, NULL);
	pthread_join(w, NULL);
	pthread_join(f, NULL);
	return 0;
}
