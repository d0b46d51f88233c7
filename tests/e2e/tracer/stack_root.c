/* SPDX-License-Identifier: MIT */
/* stack_root.c - stacks at every stage of a thread's life. The shim's
 * stack cache does not re-check the frames that start a thread (below the
 * program's start routine, or below main) while the routine runs; once it
 * has returned or been unwound, those frames are reused. Each probe()
 * unlocks an errorcheck mutex it does not hold: one misuse finding per
 * call site, with its stack. Sites: main (three times), an atexit handler,
 * a start routine itself (three times), a C11 thread, a thread's cleanup
 * handler and key destructor after pthread_exit, and the same after a
 * cancellation. */
#include <pthread.h>
#include <stdlib.h>
#include <threads.h>
#include <unistd.h>

static pthread_mutex_t m;
static pthread_key_t key;

static __attribute__((noinline)) void probe(void)
{
	pthread_mutex_unlock(&m);
	__asm__ volatile("");
}

static __attribute__((noinline)) void key_destructor(void *value)
{
	(void)value;
	probe();
	__asm__ volatile("");
}

static __attribute__((noinline)) void cleanup_handler(void *arg)
{
	(void)arg;
	probe();
	__asm__ volatile("");
}

static __attribute__((noinline)) void at_exit_handler(void)
{
	probe();
	__asm__ volatile("");
}

static void *direct_start(void *arg)
{
	for (int i = 0; i < 3; i++)
		probe();
	return arg;
}

static int c11_start(void *arg)
{
	(void)arg;
	probe();
	return 0;
}

static __attribute__((noinline)) void leave(void)
{
	pthread_exit(NULL);
}

static void *exiting_start(void *arg)
{
	pthread_setspecific(key, arg);
	pthread_cleanup_push(cleanup_handler, NULL);
	leave();
	pthread_cleanup_pop(0);
	return NULL;
}

static void *cancelled_start(void *arg)
{
	pthread_setspecific(key, arg);
	pthread_cleanup_push(cleanup_handler, NULL);
	for (;;)
		pause();  /* a cancellation point */
	pthread_cleanup_pop(0);
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &a);
	pthread_key_create(&key, key_destructor);
	atexit(at_exit_handler);
	for (int i = 0; i < 3; i++)
		probe();

	pthread_t t;
	pthread_create(&t, NULL, direct_start, NULL);
	pthread_join(t, NULL);
	thrd_t c11;
	thrd_create(&c11, c11_start, NULL);
	thrd_join(c11, NULL);
	pthread_create(&t, NULL, exiting_start, &key);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, cancelled_start, &key);
	usleep(20000);
	pthread_cancel(t);
	pthread_join(t, NULL);
	return 0;
}
