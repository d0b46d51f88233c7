/* SPDX-License-Identifier: MIT */
/* reused_handle.c - main names each worker right after creating it; the
 * second worker gets the first one's pthread_t back (glibc reuses the
 * joined thread's stack and descriptor). Each name belongs to the thread
 * that had the handle when it was set. Prints whether the handle was
 * reused, so the check knows the case was really exercised. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t named;

static void *work(void *arg)
{
	pthread_barrier_wait(&named);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	return arg;
}

static pthread_t start(const char *name)
{
	pthread_t t;
	pthread_create(&t, NULL, work, NULL);
	pthread_setname_np(t, name);
	pthread_barrier_wait(&named);
	pthread_join(t, NULL);
	return t;
}

int main(void)
{
	pthread_barrier_init(&named, NULL, 2);
	pthread_t a = start("depositor");
	pthread_t b = start("auditor");
	printf("{\"reused\": %s}\n", pthread_equal(a, b) ? "true" : "false");
	return 0;
}
