/* SPDX-License-Identifier: MIT */
/* workload.h - what the benchmark workloads share: the command line
 * (ITERS THREADS), starting and joining threads, the checksum line. */
#ifndef CTRACE_BENCH_WORKLOAD_H
#define CTRACE_BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

struct workload_args {
	long iters;     /* total operations across all threads (see each workload) */
	int threads;    /* worker threads */
};

/* Parses "PROG [ITERS [THREADS]]"; exits with status 2 on a bad value. */
void workload_parse(int argc, char **argv, struct workload_args *a, long def_iters,
		    int def_threads, int min_threads, int max_threads);

/* Runs fn(arg + i * size) on n threads, i = 0..n-1, and joins them all.
 * Exits with status 1 if a thread cannot be created. */
void workload_run(int n, void *(*fn)(void *), void *arg, size_t size);

/* The workload's only output: "checksum N". */
void workload_checksum(uint64_t sum);

/* The share of iters that thread i of n does (remainder to the first ones). */
long workload_share(long iters, int n, int i);

#endif
