/* SPDX-License-Identifier: MIT */
/* cc_loops.c - loop-heavy, memory-heavy work for bench_cc.sh: what a
 * `ctrace cc` build costs when it runs without ctrace (every access is a
 * call into the stub). Kernels: matrix product, sieve, histogram, list
 * walk (memory-bound), insertion sort of a small array (in L1: the calls
 * dominate), threads adding into their own slots. `cc_loops [KERNEL]`
 * runs one kernel, or all; prints a checksum. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sizes for about 0.2-0.5 s a kernel natively (-O2, one 2020s core). */
enum { N = 400, SIEVE = 1 << 23, BYTES = 1 << 25, NODES = 1 << 20, THREADS = 2 };

static double a[N][N], b[N][N], c[N][N];
static unsigned char composite[SIEVE];
struct node { struct node *next; long value; };

static uint64_t matrix(void)
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			a[i][j] = i + j, b[i][j] = i - j;
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < N; i++)
			for (int k = 0; k < N; k++)
				for (int j = 0; j < N; j++)
					c[i][j] += a[i][k] * b[k][j];
	return (uint64_t)c[N / 2][N / 3];
}

static uint64_t sieve(void)
{
	uint64_t primes = 0;
	for (int round = 0; round < 8; round++) {
		memset(composite, 0, sizeof composite);
		for (long i = 2; i < SIEVE; i++) {
			if (composite[i])
				continue;
			primes++;
			for (long j = i * i; j < SIEVE; j += i)
				composite[j] = 1;
		}
	}
	return primes;
}

static uint64_t histogram(void)
{
	unsigned char *buf = malloc(BYTES);
	uint64_t count[256] = { 0 }, x = 88172645463325252ull, sum = 0;
	for (long i = 0; i < BYTES; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	for (int round = 0; round < 3; round++)
		for (long i = 0; i < BYTES; i++)
			count[buf[i]]++;
	for (int i = 0; i < 256; i++)
		sum += count[i] * (uint64_t)i;
	free(buf);
	return sum;
}

static uint64_t list(void)
{
	struct node *nodes = malloc(NODES * sizeof *nodes), *p;
	uint64_t sum = 0;
	for (long i = 0; i < NODES; i++)
		nodes[i] = (struct node){ &nodes[(i * 7919 + 1) % NODES], i };
	p = nodes;
	for (long i = 0; i < 2L * NODES; i++, p = p->next)
		sum += (uint64_t)p->value;
	free(nodes);
	return sum;
}

static uint64_t sort(void)
{
	static int v[2000];
	uint64_t sum = 0;
	for (int round = 0; round < 150; round++) {
		for (int i = 0; i < 2000; i++)
			v[i] = (i * 7919 + round) % 2003;
		for (int i = 1; i < 2000; i++) {
			int x = v[i], j = i;
			for (; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		sum += (uint64_t)v[round];
	}
	return sum;
}

static uint64_t slots[THREADS * 8];
static void *adder(void *arg)
{
	long t = (long)arg;
	for (long i = 0; i < 200000000; i++)
		slots[t * 8] = slots[t * 8] * 3 + ((uint64_t)i & 3);
	return NULL;
}

static uint64_t threads(void)
{
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, adder, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	return slots[0] + slots[8];
}

static const struct {
	const char *name;
	uint64_t (*run)(void);
} kernels[] = {
	{ "matrix", matrix }, { "sieve", sieve }, { "histogram", histogram },
	{ "list", list }, { "sort", sort }, { "threads", threads },
};

int main(int argc, char **argv)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
		if (argc < 2 || !strcmp(argv[1], kernels[i].name))
			sum += kernels[i].run();
	printf("checksum %llu\n", (unsigned long long)sum);
	return 0;
}
