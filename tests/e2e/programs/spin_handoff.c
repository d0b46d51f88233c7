/* SPDX-License-Identifier: MIT */
/* spin_handoff.c - nginx's thread-pool shutdown: each worker takes its
 * last task under the pool's mutex, unlocks it, then sets a plain
 * volatile flag and exits; the owner spins on the flag, and once every
 * worker said so, destroys the mutex and the condition variable. Built
 * without ctrace cc, the flag is invisible to the trace: the destroy is
 * ordered after the unlocks by what the trace does not see, so no race on
 * the sync objects may be reported. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#define WORKERS 4

static pthread_mutex_t pool_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static int tasks;                 /* exit tasks posted, under pool_mtx */
static volatile int worker_done;  /* the exit task's flag */

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pool_mtx);
	while (tasks == 0)
		pthread_cond_wait(&pool_cond, &pool_mtx);
	tasks--;
	pthread_mutex_unlock(&pool_mtx);
	worker_done = 1;              /* the exit task */
	pthread_exit(NULL);
}

int main(void)
{
	pthread_t t[WORKERS];
	pthread_attr_t detached;
	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], &detached, worker, NULL);
	for (int i = 0; i < WORKERS; i++) {
		worker_done = 0;
		pthread_mutex_lock(&pool_mtx);
		tasks++;
		pthread_cond_signal(&pool_cond);
		pthread_mutex_unlock(&pool_mtx);
		while (!worker_done)
			sched_yield();
	}
	pthread_cond_destroy(&pool_cond);
	pthread_mutex_destroy(&pool_mtx);
	puts("pool destroyed");
	return 0;
}
