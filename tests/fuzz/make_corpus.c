/* SPDX-License-Identifier: MIT */
/* make_corpus.c - the seed corpus of fuzz_reader: real traces written by the
 * real writer (every op, several threads and chunks, stacks, strings,
 * memory accesses in batches of every shape, atomics on shared locations),
 * each turned into inputs of fuzz_reader's modes.
 * Usage: make_corpus OUTDIR   (creates OUTDIR/seeds and OUTDIR/work). */
#include "trace_accesses.h"
#include "trace_writer.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* fuzz_reader's mode bits (the first byte of an input). */
enum { HEADER = 1, LIVE = 2, RUNINFO = 4, TSC = 8, NO_ACCESSES = 16, BATCHES = 32 };

static const char run_info[] = "ctrace-run 1\npid 1\narg ./p\\x41\ntsc_hz 3e9\nexit_status 0\n";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void die(const char *what)
{
	fprintf(stderr, "make_corpus: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void rec(struct trace_stream *s, struct trace_writer *w, unsigned op, uint64_t tick,
		uint64_t key, uint64_t key2, const char *str, uint32_t stack)
{
	struct trace_rec r = { .op = (uint8_t)op, .tick = tick, .key = key, .key2 = key2,
			       .str = str, .stack = stack, .result = (int)(tick % 3) - 1,
			       .args = { tick % 5, tick % 300, 7 } };
	if (trace_op_descs[op & TRACE_OP_MASK].flags & TRACE_F_OBJ)
		r.seq = trace_writer_stamp(w, key);
	trace_stream_write(s, &r);
}

/* Every op once (BEGIN too), from one thread. */
static void trace_ops(struct trace_writer *w, struct trace_stream *s)
{
	uint64_t pcs[4] = { 0x401000, 0x402000, 0x403000, 0x404000 };
	uint32_t st = trace_writer_intern_stack(w, pcs, 4);
	uint64_t tick = 1000;
	for (unsigned op = 2; op < TRACE_OP_COUNT; op++) {
		const struct trace_op_desc *d = &trace_op_descs[op];
		if (!d->name || op == TRACE_OP_ACCESSES)
			continue;  /* its own encoding: trace_memory */
		if (d->flags & TRACE_F_BLOCKING)
			rec(s, w, op | TRACE_OP_BEGIN, tick++, 0x1000 + op * 8, 0x9000, "n", st);
		rec(s, w, op, tick += 3, 0x1000 + op * 8, 0x9000, "name", st);
	}
}

/* Three threads on a few locks, enough for a second chunk each. */
static void trace_threads(struct trace_writer *w, struct trace_stream *s)
{
	uint64_t pcs[2] = { 0x500000, 0x500100 };
	for (unsigned i = 0; i < 5000; i++) {
		unsigned th = i % 3, op = i % 4 < 2 ? TRACE_OP_MUTEX_LOCK : TRACE_OP_MUTEX_UNLOCK;
		pcs[0] = 0x500000 + (i % 7) * 16;
		uint32_t st = trace_writer_intern_stack(w, pcs, 2);
		rec(&s[th], w, op, 10000 + i * 17 - (i % 5), 0x2000 + (i % 3) * 64, 0, NULL, st);
		if (i % 100 == 0)
			rec(&s[th], w, TRACE_OP_COND_RELEASE, 10001 + i * 17, 0x2000, 0x3000,
			    NULL, 0);
	}
}

/* What a `ctrace cc` program writes: three threads' batches of accesses
 * (every size class and flag, far addresses, stacks) between locks, atomic
 * operations on two shared locations, heap blocks, fences, annotations. */
static void trace_memory(struct trace_writer *w, struct trace_stream *s)
{
	uint64_t pcs[3] = { 0x600000, 0x600100, 0x600200 };
	static const uint64_t sizes[] = { 1, 2, 4, 8, 16, 3, 4096, 1u << 20 };
	struct trace_access a[40];
	for (unsigned i = 0; i < 600; i++) {
		unsigned th = i % 3;
		uint64_t tick = 20000 + i * 11;
		pcs[0] = 0x600000 + (i % 5) * 8;
		uint32_t st = trace_writer_intern_stack(w, pcs, 3);
		unsigned n = 1 + i % 40;
		for (unsigned k = 0; k < n; k++) {
			a[k].addr = (k % 9 == 4 ? 0x7ffd00000000ull : 0x601000) + (i * 40 + k) * 8;
			a[k].size = sizes[(i + k) % 8];
			a[k].flags = (k & 1) | (k % 7 == 3 ? 1u << (1 + (i + k) % 4) : 0);
			a[k].stack = k % 6 ? st : 0;
		}
		trace_stream_write_accesses(&s[th], tick, a, n);
		unsigned op = i % 2 ? TRACE_OP_MUTEX_UNLOCK : TRACE_OP_MUTEX_LOCK;
		rec(&s[th], w, op, tick + 1, 0x2000 + th * 64, 0, NULL, st);
		struct trace_rec r = { .op = TRACE_OP_ATOMIC, .tick = tick + 2, .stack = st,
				       .key = 0x601000 + (i % 2) * 8,
				       .args = { 1 + i % 4, i % 6, 8 } };
		r.seq = trace_writer_stamp(w, r.key);
		trace_stream_write(&s[th], &r);
		if (i % 50 == 0) {
			struct trace_rec m[3] = {
				{ .op = TRACE_OP_ALLOC, .tick = tick + 3, .stack = st,
				  .args = { 0x900000 + i * 64, 48 } },
				{ .op = TRACE_OP_FENCE, .tick = tick + 4, .stack = st, .args = { 5 } },
				{ .op = TRACE_OP_ANNOTATE, .tick = tick + 5, .stack = st,
				  .args = { 1 + i % 5, 0x601000, 8 }, .str = "lock" },
			};
			for (unsigned k = 0; k < 3; k++)
				trace_stream_write(&s[th], &m[k]);
		}
	}
}

static void write_seed(const char *out, const char *name, unsigned mode, const uint8_t *data,
		       size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/seeds/%s-%u", out, name, mode);
	FILE *f = fopen(path, "w");
	uint8_t m = (uint8_t)mode;
	if (!f || fwrite(&m, 1, 1, f) != 1 || (n && fwrite(data, 1, n, f) != n))
		die(path);
	if ((mode & RUNINFO) && fwrite(run_info, 1, sizeof run_info - 1, f) != sizeof run_info - 1)
		die(path);
	fclose(f);
}

/* The events file of DIR, trailing zeros cut (sparse chunk tails). */
static uint8_t *load(const char *dir, uint32_t pid, size_t *n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/proc-%u-0.ctr", dir, pid);
	FILE *f = fopen(path, "r");
	if (!f)
		die(path);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	uint8_t *buf = malloc((size_t)size);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
		die(path);
	fclose(f);
	*n = (size_t)size;
	while (*n > TRACE_ALIGN && !buf[*n - 1])
		(*n)--;
	return buf;
}

static void make(const char *out, const char *tmp, const char *name, uint32_t pid,
		 void (*fill)(struct trace_writer *, struct trace_stream *))
{
	static struct trace_writer w;
	static struct trace_stream s[3];
	struct trace_writer_config cfg = { .dir = tmp, .pid = pid, .stack_depth = 8,
					   .clock = TRACE_CLOCK_MONOTONIC };
	if (trace_writer_open(&w, &cfg) < 0)
		die("trace_writer_open");
	for (unsigned i = 0; i < 3; i++)
		trace_stream_init(&s[i], &w, i ? trace_writer_new_thread(&w) : 0);
	fill(&w, s);
	for (unsigned i = 0; i < 3; i++)
		trace_stream_close(&s[i]);
	trace_writer_abandon(&w);
	size_t n;
	uint8_t *buf = load(tmp, pid, &n);
	write_seed(out, name, 0, buf, n);
	write_seed(out, name, HEADER, buf + TRACE_ALIGN, n - TRACE_ALIGN);
	write_seed(out, name, HEADER | LIVE, buf + TRACE_ALIGN, n - TRACE_ALIGN);
	write_seed(out, name, HEADER | TSC | RUNINFO, buf + TRACE_ALIGN, n - TRACE_ALIGN);
	write_seed(out, name, HEADER | NO_ACCESSES, buf + TRACE_ALIGN, n - TRACE_ALIGN);
	write_seed(out, name, HEADER | BATCHES, buf + TRACE_ALIGN, n - TRACE_ALIGN);
	free(buf);
}

int main(int argc, char **argv)
{
	char path[4096], tmp[] = "/tmp/ctrace-corpus-XXXXXX";
	if (argc != 2) {
		fprintf(stderr, "usage: make_corpus OUTDIR\n");
		return 2;
	}
	const char *sub[] = { "", "/seeds", "/work" };
	for (unsigned i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s%s", argv[1], sub[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die(path);
	}
	if (!mkdtemp(tmp))
		die("mkdtemp");
	make(argv[1], tmp, "ops", 1, trace_ops);
	make(argv[1], tmp, "threads", 2, trace_threads);
	make(argv[1], tmp, "memory", 3, trace_memory);
	nftw(tmp, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}
