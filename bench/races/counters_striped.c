/* SPDX-License-Identifier: MIT */
/* counters_striped.c - a memory-heavy workload with locks, for the cost of
 * recording memory accesses (issue 10): THREADS threads each run ROUNDS
 * rounds of private work (PASSES passes over a 128-entry scratch array) and
 * a locked update of a random block of 32 counters in a large shared array
 * (COUNTERS entries, 64 striped mutexes). Built three ways by
 * bench/races/run.sh: native, -fsanitize=thread with clang's runtime, and
 * -fsanitize=thread against ctrace's recording (bench_tsan_abi.c).
 * Usage: counters_striped [THREADS] [ROUNDS] [COUNTERS] [PASSES] */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCK   32
#define STRIPES 64
#define SCRATCH 128

static uint64_t *counters;
static size_t ncounters;
static long rounds;
static int passes;
static pthread_mutex_t locks[STRIPES];

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

__attribute__((noinline)) static void private_work(uint64_t *scratch, long r)
{
	for (int pass = 0; pass < passes; pass++)
		for (int k = 0; k < SCRATCH; k++)
			scratch[k] = scratch[k] * 3 + (uint64_t)r + (uint64_t)pass;
}

__attribute__((noinline)) static void shared_update(const uint64_t *scratch, size_t base)
{
	pthread_mutex_t *m = &locks[base / BLOCK % STRIPES];
	pthread_mutex_lock(m);
	for (int k = 0; k < BLOCK; k++)
		counters[base + k] += scratch[k] & 0xff;
	pthread_mutex_unlock(m);
}

static void *worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9E3779B97F4A7C15ull + 1;
	uint64_t *scratch = calloc(SCRATCH, sizeof *scratch);
	if (!scratch)
		return NULL;
	for (long r = 0; r < rounds; r++) {
		private_work(scratch, r);
		shared_update(scratch, next_random(&seed) % (ncounters / BLOCK) * BLOCK);
	}
	free(scratch);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	rounds = argc > 2 ? atol(argv[2]) : 20000;
	ncounters = argc > 3 ? (size_t)atol(argv[3]) : (size_t)1 << 22;
	passes = argc > 4 ? atoi(argv[4]) : 4;
	if (threads < 1 || threads > 256 || rounds < 1 || ncounters < BLOCK || passes < 1)
		return 2;
	counters = calloc(ncounters, sizeof *counters);
	if (!counters)
		return 1;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&locks[i], NULL);
	pthread_t t[256];
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	uint64_t sum = 0;
	for (size_t i = 0; i < ncounters; i++)
		sum += counters[i];
	printf("sum %llu\n", (unsigned long long)sum);
	free(counters);
	return 0;
}
