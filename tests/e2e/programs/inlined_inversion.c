// SPDX-License-Identifier: MIT
// inlined_inversion.c - a lock-order inversion whose locking is inlined
// into each thread's function: the stacks show the inlined frame, then the
// function it was inlined into, with their lines (whatever the debug
// info's form: split DWARF keeps the functions in a .dwo file).
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static inline __attribute__((always_inline)) void lock_both(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
}

static inline __attribute__((always_inline)) void unlock_both(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

static void *a_then_b(void *arg)
{
	lock_both(&lock_a, &lock_b);
	unlock_both(&lock_a, &lock_b);
	return arg;
}

static void *b_then_a(void *arg)
{
	lock_both(&lock_b, &lock_a);
	unlock_both(&lock_b, &lock_a);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, a_then_b, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, b_then_a, NULL);
	pthread_join(t, NULL);
	puts("done");
	return 0;
}
