/* SPDX-License-Identifier: MIT */
/* abc_cycle.c - three threads, three locks, a cycle of length three
 * (a->b, b->c, c->a), run one after the other: reported whole, once. */
#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;
static sem_t turn[3];

struct step {
	int me;
	pthread_mutex_t *first, *second;
};

static void *nested(void *arg)
{
	struct step *s = arg;
	for (int round = 0; round < 3; round++) {
		sem_wait(&turn[s->me]);
		pthread_mutex_lock(s->first);
		pthread_mutex_lock(s->second);
		pthread_mutex_unlock(s->second);
		pthread_mutex_unlock(s->first);
		sem_post(&turn[(s->me + 1) % 3]);
	}
	return NULL;
}

int main(void)
{
	struct step steps[3] = { { 0, &lock_a, &lock_b }, { 1, &lock_b, &lock_c }, { 2, &lock_c, &lock_a } };
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		sem_init(&turn[i], 0, i == 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, nested, &steps[i]);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return 0;
}
