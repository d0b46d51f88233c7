/* SPDX-License-Identifier: MIT */
/* killed.c - N lock/unlock pairs on two threads, then SIGKILL while the
 * other thread is still running: nothing recorded may be lost. */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *spinner(void *arg)
{
	pthread_mutex_lock(&gate);  /* held until the kill */
	for (;;)
		pause();
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, spinner, NULL);
	for (int i = 0; i < 7000; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	usleep(100000);
	kill(getpid(), SIGKILL);
	return 0;
}
