/* SPDX-License-Identifier: MIT */
/* binsem_lock.c - binary semaphores (sem_init(&s, 0, 1)) used as mutexes, as
 * CPython's threading.Lock uses them, in C.
 *
 * "ok": a binary semaphore guards a counter (4 threads), a counting
 * semaphore (3) is a pool of 3 resources that 6 threads share, each taken
 * under the binary semaphore's protection only while it picks a slot:
 * no finding.
 *
 * "abba": two threads take sem_a and sem_b in opposite orders, the second
 * only once the first is done (a third semaphore, 0, orders them), so no
 * hang: a lock-order inversion of two "sem" locks (as abba_inversion.c with
 * mutexes), once the analyzers treat binary semaphores as locks. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

static sem_t sem_a, sem_b;   /* binary: the mutexes of "abba" */
static sem_t counter_lock;   /* binary: the mutex of "ok" */
static sem_t pool;           /* counting: 3 resources */
static sem_t first_done;     /* 0: orders the two threads of "abba" */
static long counter;
static int slot_used[3];
static int max_in_use, in_use;

static void *take_a_then_b(void *arg)
{
	sem_wait(&sem_a);
	sem_wait(&sem_b);
	counter++;
	sem_post(&sem_b);
	sem_post(&sem_a);
	sem_post(&first_done);
	return arg;
}

static void *take_b_then_a(void *arg)
{
	sem_wait(&first_done);
	sem_wait(&sem_b);
	sem_wait(&sem_a);
	counter++;
	sem_post(&sem_a);
	sem_post(&sem_b);
	return arg;
}

static void *count(void *arg)
{
	for (int i = 0; i < 10000; i++) {
		sem_wait(&counter_lock);
		counter++;
		sem_post(&counter_lock);
	}
	return arg;
}

/* A resource from the pool: a free slot is picked under counter_lock. */
static void *use_pool(void *arg)
{
	for (int i = 0; i < 200; i++) {
		int slot = -1;
		sem_wait(&pool);
		sem_wait(&counter_lock);
		for (int s = 0; s < 3 && slot < 0; s++)
			if (!slot_used[s])
				slot = s;
		slot_used[slot] = 1;
		if (++in_use > max_in_use)
			max_in_use = in_use;
		sem_post(&counter_lock);
		sem_wait(&counter_lock);
		slot_used[slot] = 0;
		in_use--;
		sem_post(&counter_lock);
		sem_post(&pool);
	}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t[6];
	if (argc != 2 || (strcmp(argv[1], "ok") && strcmp(argv[1], "abba"))) {
		fprintf(stderr, "usage: binsem_lock ok|abba\n");
		return 2;
	}
	if (!strcmp(argv[1], "abba")) {
		sem_init(&sem_a, 0, 1);
		sem_init(&sem_b, 0, 1);
		sem_init(&first_done, 0, 0);
		pthread_create(&t[0], NULL, take_a_then_b, NULL);
		pthread_create(&t[1], NULL, take_b_then_a, NULL);
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		printf("{\"counter\": %ld}\n", counter);
		return 0;
	}
	sem_init(&counter_lock, 0, 1);
	sem_init(&pool, 0, 3);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, count, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, use_pool, NULL);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	sem_destroy(&pool);
	sem_destroy(&counter_lock);
	printf("{\"counter\": %ld, \"max_in_use_ok\": %s}\n", counter,
	       max_in_use >= 1 && max_in_use <= 3 ? "true" : "false");
	return 0;
}
