// SPDX-License-Identifier: MIT
// usage.c - what the program used: a thread touches 32 MiB, then a child
// process it waits for touches 64 MiB. `ctrace info` gives the peak
// resident set of the largest (the child's, at least 64 MiB) and the CPU
// time of both (usage.jq).
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void touch(size_t mib)
{
	volatile char *p = malloc(mib << 20);   /* volatile: kept at -O1 */
	if (!p)
		exit(1);
	for (size_t i = 0; i < mib << 20; i += 4096)
		p[i] = 1;
	free((void *)p);
}

static void *worker(void *arg)
{
	touch(32);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	pid_t child = fork();
	if (child == 0) {
		touch(64);
		_exit(0);
	}
	int status;
	return waitpid(child, &status, 0) == child && WIFEXITED(status) ? 0 : 1;
}
