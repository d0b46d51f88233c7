/* SPDX-License-Identifier: MIT */
/* atfork.c - the pthread_atfork pattern: prepare locks, parent and child
 * unlock. The child's unlock releases a lock it inherited from the thread
 * that forked: not misuse. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void prepare(void)
{
	pthread_mutex_lock(&m);
}

static void release(void)
{
	pthread_mutex_unlock(&m);
}

static void *worker(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return arg;
}

int main(void)
{
	pthread_atfork(prepare, release, release);
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	pthread_join(t, NULL);
	printf("{\"child\": %d}\n", WEXITSTATUS(status));
	return 0;
}
