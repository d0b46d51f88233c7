/* SPDX-License-Identifier: MIT */
/* no_locks.c - a subject of the hang_cli test with no lock at all: a
 * thread posts a semaphore that main waits for, then main joins it. */
#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>

static sem_t ready;

static void *poster(void *arg)
{
	usleep(1000);
	sem_post(&ready);
	return arg;
}

int main(void)
{
	pthread_t t;
	sem_init(&ready, 0, 0);
	pthread_create(&t, NULL, poster, NULL);
	sem_wait(&ready);
	pthread_join(t, NULL);
	sem_destroy(&ready);
	return 0;
}
