/* SPDX-License-Identifier: MIT */
/* stack_sites.c - one thread unlocks an errorcheck mutex it does not hold
 * from 12 call sites of the same caller, 20 calls deep: 12 findings, each
 * with its real stack, cut at the default 16 frames. A thread's first
 * stacks are unwound with unw_step, later ones with unw_backtrace's cached
 * fast path (shim/stack.c): both must give the same frames. */
#include <pthread.h>

static pthread_mutex_t m;

static __attribute__((noinline)) void unlock_it(void)
{
	pthread_mutex_unlock(&m);
	__asm__ volatile("");
}

static __attribute__((noinline)) void caller(void)
{
	for (int i = 0; i < 3; i++) {  /* a call site seen again: its cached stack */
		unlock_it(); unlock_it(); unlock_it(); unlock_it();
		unlock_it(); unlock_it(); unlock_it(); unlock_it();
		unlock_it(); unlock_it(); unlock_it(); unlock_it();
	}
	__asm__ volatile("");
}

static __attribute__((noinline)) void deep(int n)
{
	if (n)
		deep(n - 1);
	else
		caller();
	__asm__ volatile("");
}

static void *thread_main(void *arg)
{
	deep(20);
	return arg;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &a);
	pthread_t t;
	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL);
	return 0;
}
