/* SPDX-License-Identifier: MIT */
/* workload.c - the command line and thread plumbing of the workloads. */
#include "workload.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [ITERS [THREADS]]\n", prog);
	exit(2);
}

void workload_parse(int argc, char **argv, struct workload_args *a, long def_iters,
		    int def_threads, int min_threads, int max_threads)
{
	char *end;
	a->iters = def_iters;
	a->threads = def_threads;
	if (argc > 3)
		usage(argv[0]);
	if (argc > 1) {
		a->iters = strtol(argv[1], &end, 10);
		if (*end || a->iters < 0)
			usage(argv[0]);
	}
	if (argc > 2) {
		a->threads = (int)strtol(argv[2], &end, 10);
		if (*end || a->threads < min_threads || a->threads > max_threads)
			usage(argv[0]);
	}
}

void workload_run(int n, void *(*fn)(void *), void *arg, size_t size)
{
	pthread_t tid[64];
	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, fn, (char *)arg + (size_t)i * size)) {
			fprintf(stderr, "pthread_create failed\n");
			exit(1);
		}
	for (int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
}

void workload_checksum(uint64_t sum)
{
	printf("checksum %" PRIu64 "\n", sum);
}

long workload_share(long iters, int n, int i)
{
	return iters / n + (i < iters % n ? 1 : 0);
}
