// SPDX-License-Identifier: MIT
// freed_lock.c race|joined - a mutex and a condition variable in a heap
// block, made and given back without init or destroy calls (as C++'s
// std::mutex is), their block freed by main. race: a worker locks,
// unlocks and signals them, then sets a relaxed flag main spins on, which
// orders nothing: the free races with the worker's uses (it may still be
// inside pthread_cond_signal). joined: main joins the worker first.
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int value;
};

static struct shared *s;
static atomic_int done;

static void *worker(void *arg)
{
	pthread_mutex_lock(&s->mu);
	s->value = 42;
	pthread_mutex_unlock(&s->mu);
	pthread_cond_signal(&s->cv);
	atomic_store_explicit(&done, 1, memory_order_relaxed);
	return arg;
}

int main(int argc, char **argv)
{
	bool joined = argc > 1 && !strcmp(argv[1], "joined");
	s = malloc(sizeof *s);
	*s = (struct shared){ PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	if (joined)
		pthread_join(t, NULL);
	else
		while (!atomic_load_explicit(&done, memory_order_relaxed))
			usleep(1000);
	free(s);
	if (!joined)
		pthread_join(t, NULL);
	printf("{\"counter\": 42, \"expect\": 42}\n");
	return 0;
}
