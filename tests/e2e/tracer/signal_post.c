/* SPDX-License-Identifier: MIT */
/* signal_post.c - a timer signal handler posts a semaphore while the
 * threads it interrupts are inside intercepted calls: no deadlock, no
 * crash, and every post is either recorded or counted as dropped. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static sem_t sem;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int posts;  /* atomic: handlers may run on two threads at once */

static void on_alarm(int signo)
{
	(void)signo;
	sem_post(&sem);
	__atomic_fetch_add(&posts, 1, __ATOMIC_RELAXED);
}

static void *worker(void *arg)
{
	for (int i = 0; i < 200000; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return arg;
}

int main(void)
{
	sem_init(&sem, 0, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	setitimer(ITIMER_REAL, &it, NULL);
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	worker(NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	int waited = 0;
	while (sem_trywait(&sem) == 0)
		waited++;
	int n = __atomic_load_n(&posts, __ATOMIC_RELAXED);
	printf("{\"posts\": %d, \"waited\": %d}\n", n, waited);
	return n == waited ? 0 : 1;
}
