/* SPDX-License-Identifier: MIT */
/* sem_pingpong.c - two threads hand a token back and forth through two
 * semaphores, ITERS round trips: every wait really blocks. */
#include <semaphore.h>
#include <stdio.h>

#include "workload.h"

static sem_t ping, pong;
static long rounds;
static uint64_t token;

static void *server_main(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		sem_wait(&ping);
		token = token * 31 + 7;
		sem_post(&pong);
	}
	return NULL;
}

static void *client_main(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		token += (uint64_t)i;
		sem_post(&ping);
		sem_wait(&pong);
	}
	return NULL;
}

static void *role_main(void *arg)
{
	return *(int *)arg ? client_main(NULL) : server_main(NULL);
}

int main(int argc, char **argv)
{
	struct workload_args a;
	static int role[2] = { 0, 1 };
	workload_parse(argc, argv, &a, 500000, 2, 2, 2);
	rounds = a.iters;
	if (sem_init(&ping, 0, 0) || sem_init(&pong, 0, 0)) {
		perror("sem_init");
		return 1;
	}
	workload_run(2, role_main, role, sizeof role[0]);
	sem_destroy(&ping);
	sem_destroy(&pong);
	workload_checksum(token);
	return 0;
}
