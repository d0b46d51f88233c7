// SPDX-License-Identifier: MIT
// sync_reuse.c MODE - objects made by an init call, destroyed and freed,
// and new ones at the same address (the allocator's cache gives the
// block back) made without a call, as C programs do: a zeroed block (an
// all-zero mutex, cond and rwlock are valid on glibc; malloc and a
// zeroing loop the compiler cannot turn into calloc, which skips glibc's
// per-thread cache) or a static initializer assigned. Each new object is used correctly: no
// finding. MODE "destroyed": a heap mutex locked after its destroy (not
// freed): a real use after destroy. Prints JSON: whether the block was
// reused.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_rwlock_t rw;
	int ready;
};

static void *signaller(void *arg)
{
	struct shared *s = arg;
	pthread_mutex_lock(&s->mu);
	s->ready = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_rwlock_rdlock(&s->rw);
	pthread_rwlock_unlock(&s->rw);
	return NULL;
}

/* A handoff through s's cond, and a read lock of its rwlock. */
static void use(struct shared *s)
{
	pthread_t t;
	pthread_create(&t, NULL, signaller, s);
	pthread_mutex_lock(&s->mu);
	while (!s->ready)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	pthread_join(t, NULL);
	pthread_rwlock_wrlock(&s->rw);
	pthread_rwlock_unlock(&s->rw);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "zeroed";
	struct shared *old = malloc(sizeof *old);
	pthread_mutex_init(&old->mu, NULL);
	pthread_cond_init(&old->cv, NULL);
	pthread_rwlock_init(&old->rw, NULL);
	old->ready = 0;
	use(old);
	pthread_mutex_destroy(&old->mu);
	pthread_cond_destroy(&old->cv);
	pthread_rwlock_destroy(&old->rw);
	if (!strcmp(mode, "destroyed")) {
		int err = pthread_mutex_lock(&old->mu);   /* EINVAL */
		printf("{\"mode\": \"%s\", \"error\": %d}\n", mode, err);
		return 0;
	}
	void *was = old;
	free(old);
	struct shared *s;
	s = malloc(sizeof *s);
	if (!strcmp(mode, "zeroed")) {
		for (volatile char *c = (volatile char *)s; c < (volatile char *)(s + 1); c++)
			*c = 0;
	} else {   /* "initializer" */
		*s = (struct shared){ PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
				      PTHREAD_RWLOCK_INITIALIZER, 0 };
	}
	use(s);
	printf("{\"mode\": \"%s\", \"same\": %d}\n", mode, (void *)s == was);
	free(s);
	return 0;
}
