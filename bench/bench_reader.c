/* SPDX-License-Identifier: MIT */
/* bench_reader.c - how fast the reader merges a trace: writes a generated
 * trace (THREADS threads locking and unlocking 8 mutexes, interleaved in
 * short runs, through the real writer), then times reading it back.
 * Usage: bench_reader [EVENTS [THREADS [keep]]]   (defaults 20000000 4)
 *        bench_reader DIR                          (reads an existing trace) */
#include "trace_reader.h"
#include "trace_writer.h"

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time: the machine may be shared, wall time then lies. */
static double cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int generate(const char *dir, uint64_t events, unsigned threads)
{
	static struct trace_writer w;
	static struct trace_stream streams[MAX_THREADS];
	struct trace_writer_config cfg = { .dir = dir, .pid = 4242, .ppid = 1, .stack_depth = 16,
					   .clock = TRACE_CLOCK_MONOTONIC };
	if (trace_writer_open(&w, &cfg) < 0)
		return -1;
	uint32_t stacks[4];
	for (unsigned i = 0; i < 4; i++) {
		uint64_t pcs[6] = { 0x401000 + i * 16, 0x402000, 0x403000, 0x404000, 0x405000,
				    0x406000 };
		stacks[i] = trace_writer_intern_stack(&w, pcs, 6);
	}
	for (unsigned i = 0; i < threads; i++)
		trace_stream_init(&streams[i], &w, i ? trace_writer_new_thread(&w) : 0);
	srand(1);
	uint64_t tick = 1000000;
	for (uint64_t n = 0; n < events;) {
		unsigned th = (unsigned)rand() % threads, run = 1 + (unsigned)rand() % 8;
		for (unsigned i = 0; i < run && n < events; i++, n += 2) {
			uint64_t key = 0x7f0000001000ull + ((unsigned)rand() % 8) * 64;
			struct trace_rec rec = { .op = TRACE_OP_MUTEX_LOCK, .tick = tick += 37,
						 .stack = stacks[i % 4], .key = key,
						 .seq = trace_writer_stamp(&w, key) };
			trace_stream_write(&streams[th], &rec);
			rec.op = TRACE_OP_MUTEX_UNLOCK;
			rec.tick = tick += 120;
			rec.seq = trace_writer_stamp(&w, key);
			trace_stream_write(&streams[th], &rec);
		}
	}
	for (unsigned i = 0; i < threads; i++)
		trace_stream_close(&streams[i]);
	trace_writer_abandon(&w);
	return 0;
}

static int bench_read(const char *dir, double wall0)
{
	struct ct_error err;
	double t1 = now_s(), c1 = cpu_s();
	struct trace_reader *r = trace_reader_open(dir, 0, &err);
	if (!r) {
		fprintf(stderr, "bench_reader: %s\n", err.msg);
		return -1;
	}
	struct trace_event ev;
	uint64_t n = 0, sum = 0;
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT) {
		n++;
		sum += ev.obj;
	}
	double t2 = now_s(), c2 = cpu_s();
	const struct trace_catalog *cat = trace_reader_catalog(r);
	printf("bench_reader: %llu events, %u threads, %.1f MB on disk (%.2f bytes/event)\n",
	       (unsigned long long)n, cat->nthreads, (double)cat->bytes / 1e6,
	       (double)cat->record_bytes / (double)(n ? n : 1));
	if (wall0 > 0)
		printf("  write %.2f s\n", t1 - wall0);
	printf("  read %.3f s wall, %.3f s cpu: %.1f million events/s per cpu second\n",
	       t2 - t1, c2 - c1, (double)n / (c2 - c1) / 1e6);
	printf("  (wall: %.1f million events/s; checksum %llu, errors %u)\n",
	       (double)n / (t2 - t1) / 1e6, (unsigned long long)sum, trace_reader_error_count(r));
	trace_reader_free(r);
	return (int)(n > INT32_MAX ? INT32_MAX : n);
}

int main(int argc, char **argv)
{
	if (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9'))
		return bench_read(argv[1], 0) < 0;
	uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000;
	unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 4;
	bool keep = argc > 3 && !strcmp(argv[3], "keep");
	char dir[] = "/tmp/ctrace-bench-reader-XXXXXX";
	if (!threads || threads > MAX_THREADS || !mkdtemp(dir)) {
		fprintf(stderr, "usage: bench_reader [EVENTS [THREADS<=%d [keep]]] | DIR\n",
			MAX_THREADS);
		return 2;
	}
	double t0 = now_s();
	if (generate(dir, events, threads) < 0) {
		fprintf(stderr, "bench_reader: cannot write the trace in %s\n", dir);
		return 1;
	}
	int n = bench_read(dir, t0);
	if (keep)
		printf("  trace kept in %s\n", dir);
	else
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return (uint64_t)n == events ? 0 : 1;
}
