/* SPDX-License-Identifier: MIT */
/* cleanup_unlock.c - a worker ends by pthread_exit holding a lock that its
 * cleanup handler releases (after a while, so main is waiting for it by
 * then); a key destructor locks and unlocks too. A correct program: no
 * finding, exit 0, and no hang report (the owner did unlock). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t started;
static pthread_key_t key;

static void release(void *m)
{
	usleep(200000);
	pthread_mutex_unlock(m);
}

static void key_gone(void *v)
{
	(void)v;
	pthread_mutex_lock(&key_lock);
	pthread_mutex_unlock(&key_lock);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_setspecific(key, &key);
	pthread_mutex_lock(&job_lock);
	pthread_cleanup_push(release, &job_lock);
	pthread_barrier_wait(&started);
	pthread_exit(NULL);
	pthread_cleanup_pop(0);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_key_create(&key, key_gone);
	pthread_barrier_init(&started, NULL, 2);
	pthread_create(&t, NULL, worker, NULL);
	pthread_barrier_wait(&started);
	pthread_mutex_lock(&job_lock);
	pthread_mutex_unlock(&job_lock);
	pthread_join(t, NULL);
	puts("done");
	return 0;
}
