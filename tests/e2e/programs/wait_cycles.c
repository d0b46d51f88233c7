/* SPDX-License-Identifier: MIT */
/* wait_cycles.c - waits that form a cycle, or seem to:
 *   join-under-lock  main holds a mutex and joins the thread that waits for
 *                    it: a real deadlock through a join (the watchdog ends it)
 *   timed-backoff    two threads take two mutexes in opposite orders, one
 *                    with pthread_mutex_timedlock, which gives up, backs off
 *                    and retries: a correct program (no deadlock, no
 *                    lock-order inversion: the timed wait cannot last)
 *   handoff          a thread ends holding a normal mutex, main waits for
 *                    it, and another thread unlocks it later (misuse that
 *                    glibc allows): not a hang, the program ends normally */
#include <unistd.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static sem_t a_taken, b_taken, greedy_done;

static void *worker_needs_state(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&state_lock);
	pthread_mutex_unlock(&state_lock);
	return NULL;
}

static void join_under_lock(void)
{
	pthread_t t;
	pthread_mutex_lock(&state_lock);
	pthread_create(&t, NULL, worker_needs_state, NULL);
	pthread_join(t, NULL);
	pthread_mutex_unlock(&state_lock);
}

/* Takes a then b with a timed wait for b, backing off until it gets both. */
static void *polite(void *arg)
{
	(void)arg;
	for (int attempt = 0;; attempt++) {
		pthread_mutex_lock(&a);
		if (attempt == 0) {
			sem_post(&a_taken);
			sem_wait(&b_taken);   /* the other thread holds b now */
		}
		struct timespec deadline;
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 1;
		int rc = pthread_mutex_timedlock(&b, &deadline);
		if (rc == 0) {
			pthread_mutex_unlock(&b);
			pthread_mutex_unlock(&a);
			printf("polite: both after %d back-offs\n", attempt);
			return NULL;
		}
		pthread_mutex_unlock(&a);   /* ETIMEDOUT: let the other one finish */
		sem_wait(&greedy_done);
	}
}

static void *greedy(void *arg)
{
	(void)arg;
	sem_wait(&a_taken);
	pthread_mutex_lock(&b);
	sem_post(&b_taken);
	pthread_mutex_lock(&a);      /* waits until polite backs off */
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	sem_post(&greedy_done);
	return NULL;
}

static void timed_backoff(void)
{
	pthread_t t1, t2;
	sem_init(&a_taken, 0, 0);
	sem_init(&b_taken, 0, 0);
	sem_init(&greedy_done, 0, 0);
	pthread_create(&t1, NULL, polite, NULL);
	pthread_create(&t2, NULL, greedy, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
}

static void *lock_and_leave(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&state_lock);
	return NULL;
}

static void *unlock_later(void *arg)
{
	(void)arg;
	usleep(500000);
	pthread_mutex_unlock(&state_lock);
	return NULL;
}

static void handoff(void)
{
	pthread_t t;
	pthread_create(&t, NULL, lock_and_leave, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, unlock_later, NULL);
	pthread_mutex_lock(&state_lock);
	pthread_mutex_unlock(&state_lock);
	pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "join-under-lock"))
		join_under_lock();
	else if (!strcmp(mode, "timed-backoff"))
		timed_backoff();
	else if (!strcmp(mode, "handoff"))
		handoff();
	else {
		fprintf(stderr, "usage: %s join-under-lock|timed-backoff|handoff\n", argv[0]);
		return 2;
	}
	puts("done");
	return 0;
}
