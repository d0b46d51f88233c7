/* SPDX-License-Identifier: MIT */
/* bench_analyzers.c - throughput of the analyzers (deadlocks, misuse and
 * contention together, and each alone) on a large generated event stream:
 * threads taking nested locks in a consistent order (some contended, with
 * BEGIN records), condition variable waits and semaphores. Prints events/s
 * of CPU time (one core; the machine may be shared).
 *
 * With ANALYZER "races", the stream is a memory-heavy program instead
 * (ACCESS events: private data and lock-protected shared data, as `ctrace
 * cc` code records them) and the figure is accesses per second per core
 * (CPU time of every part's thread), with PARTS parts (default 1).
 *
 * "races-sync" runs the race analysis over the lock stream (no access).
 *
 * "races-heap" times the race analysis's heap blocks (races_heap.c) alone:
 * MILLIONS of blocks allocated, half freed and reused, then lookups of
 * the block holding an address (what each race pair found costs; as many
 * as blocks, or PARTS), in ns per alloc/free and per lookup.
 *
 * usage: bench_analyzers [MILLIONS_OF_EVENTS or BLOCKS (default 40)] [THREADS (16)] [LOCKS (4096)] [ANALYZER] [PARTS] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "races.h"
#include "report.h"

/* Generated once, replayed with shifted times. Small enough to stay in
 * cache, as events do when the reader hands them over one at a time: the
 * figure is the analyzers' cost, not memory bandwidth. */
#define BLOCK_EVENTS (1u << 15)

struct gen {
	struct trace_catalog cat;
	struct trace_event *ev;
	size_t n;
	uint64_t now;
	uint64_t rng;
	uint32_t nthreads, nlocks, cond, sem;
};

static uint32_t gen_rand(struct gen *g, uint32_t n)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)(g->rng % n);
}

static struct trace_event *gen_event(struct gen *g, uint32_t thread, unsigned op, uint32_t obj,
				     enum trace_phase phase)
{
	struct trace_event *e = &g->ev[g->n++];
	const struct trace_op_desc *d = trace_op_desc(op);
	memset(e, 0, sizeof(*e));
	e->ts_ns = e->begin_ns = g->now;
	g->now += 50;
	e->thread = thread;
	e->op = (uint8_t)op;
	e->phase = (uint8_t)phase;
	e->kind = d ? d->kind : TRACE_OBJ_NONE;
	e->obj = obj;
	e->stack = 1 + (obj & 63);
	e->peer_thread = TRACE_NONE;
	return e;
}

static void gen_lock(struct gen *g, uint32_t t, uint32_t lock, int contended)
{
	if (contended) {
		uint64_t begin = g->now;
		gen_event(g, t, TRACE_OP_MUTEX_LOCK, lock, TRACE_PHASE_BEGIN);
		g->now += 400;
		struct trace_event *e = gen_event(g, t, TRACE_OP_MUTEX_LOCK, lock, TRACE_PHASE_END);
		e->begin_ns = begin;
		e->had_begin = 1;
	} else {
		gen_event(g, t, TRACE_OP_MUTEX_LOCK, lock, TRACE_PHASE_END);
	}
}

static void gen_cond_wait(struct gen *g, uint32_t t, uint32_t mutex)
{
	gen_lock(g, t, mutex, 0);
	gen_event(g, t, TRACE_OP_COND_WAIT, g->cond, TRACE_PHASE_BEGIN)->obj2 = mutex;
	gen_event(g, t, TRACE_OP_COND_RELEASE, mutex, TRACE_PHASE_END)->obj2 = g->cond;
	gen_event(g, t, TRACE_OP_COND_REACQUIRE, mutex, TRACE_PHASE_END)->obj2 = g->cond;
	struct trace_event *e = gen_event(g, t, TRACE_OP_COND_WAIT, g->cond, TRACE_PHASE_END);
	e->obj2 = mutex;
	e->had_begin = 1;
	e->begin_ns = e->ts_ns - 150;
	gen_event(g, t, TRACE_OP_MUTEX_UNLOCK, mutex, TRACE_PHASE_END);
}

/* One block of events; every lock taken in it is released in it, so the
 * block can be replayed. */
static void gen_block(struct gen *g)
{
	while (g->n + 16 < BLOCK_EVENTS) {
		uint32_t t = gen_rand(g, g->nthreads);
		uint32_t r = gen_rand(g, 100);
		/* most single acquisitions hit a few hot locks, as in real programs */
		uint32_t hot = g->nlocks < 64 ? g->nlocks - 1 : 63;
		uint32_t l1 = 1 + gen_rand(g, gen_rand(g, 10) < 8 ? hot : g->nlocks - 1), l2;
		if (r < 60) {
			/* nested sections come from a bounded set of code paths:
			 * 512 (outer, inner) pairs, in a consistent order */
			uint32_t site = gen_rand(g, 512);
			l1 = 1 + site * 7 % (g->nlocks / 2);
			l2 = g->nlocks / 2 + site * 13 % (g->nlocks / 2 - 1);
		} else {
			l2 = l1;
		}
		if (r < 8) {
			gen_cond_wait(g, t, 1);
		} else if (r < 12) {
			gen_event(g, t, TRACE_OP_SEM_POST, g->sem, TRACE_PHASE_END);
			gen_event(g, t, TRACE_OP_SEM_WAIT, g->sem, TRACE_PHASE_END);
		} else {
			gen_lock(g, t, l1, r < 20);
			if (l2 != l1 && r < 60) {
				gen_lock(g, t, l2, r < 25);
				gen_event(g, t, TRACE_OP_MUTEX_UNLOCK, l2, TRACE_PHASE_END);
			}
			gen_event(g, t, TRACE_OP_MUTEX_UNLOCK, l1, TRACE_PHASE_END);
		}
	}
}

static void gen_access(struct gen *g, uint32_t t, uint64_t addr, uint32_t size, bool write)
{
	struct trace_event *e = gen_event(g, t, TRACE_OP_ACCESS, 0, TRACE_PHASE_END);
	e->args[0] = addr;
	e->args[1] = size;
	e->args[2] = write ? TRACE_ACCESS_WRITE : 0;
	e->stack = 1 + (uint32_t)(addr >> 4 & 63);
}

/* A memory-heavy program: bursts on each thread's own 256 KiB, and short
 * critical sections on 64 KiB of shared data, 1 KiB per lock. No race:
 * the figure is the cost of checking. Returns the accesses made. */
static uint64_t gen_access_block(struct gen *g)
{
	uint64_t accesses = 0;
	while (g->n + 40 < BLOCK_EVENTS) {
		uint32_t t = gen_rand(g, g->nthreads);
		if (gen_rand(g, 100) < 70) {
			uint64_t base = 0x10000000ull + (uint64_t)t * 0x100000 + gen_rand(g, 1u << 18);
			for (uint32_t i = 0; i < 16; i++, accesses++)
				gen_access(g, t, (base + 8 * i) & ~7ull, 8, i & 1);
			continue;
		}
		uint32_t l = 1 + gen_rand(g, 64);
		gen_event(g, t, TRACE_OP_MUTEX_LOCK, l, TRACE_PHASE_END);
		for (uint32_t i = 0; i < 8; i++, accesses++)
			gen_access(g, t, 0x20000000ull + l * 1024ull + (gen_rand(g, 1024) & ~3u), 4, i & 1);
		gen_event(g, t, TRACE_OP_MUTEX_UNLOCK, l, TRACE_PHASE_END);
	}
	return accesses;
}

static void gen_catalog(struct gen *g)
{
	struct trace_catalog *c = &g->cat;
	c->nprocesses = 1;
	c->processes = calloc(1, sizeof(*c->processes));
	c->processes[0].parent = c->processes[0].parent_thread = c->processes[0].prev_image = TRACE_NONE;
	c->nthreads = g->nthreads;
	c->threads = calloc(g->nthreads, sizeof(*c->threads));
	for (uint32_t i = 0; i < g->nthreads; i++) {
		c->threads[i].id = i;
		c->threads[i].parent = i ? 0 : TRACE_NONE;
	}
	g->cond = g->nlocks;
	g->sem = g->nlocks + 1;
	for (uint32_t i = 1; i <= g->sem; i++) {
		struct trace_object d = { .key = 0x100000 + 64ull * i, .kind = TRACE_OBJ_MUTEX };
		if (i == g->cond || i == g->sem)
			d.kind = i == g->cond ? TRACE_OBJ_COND : TRACE_OBJ_SEM;
		if (trace_catalog_add_object(c, trace_catalog_add_desc(c, &d)) != i)
			abort();
	}
	c->nstacks = 65;
	c->stacks = calloc(c->nstacks, sizeof(*c->stacks));
	for (uint32_t i = 1; i < c->nstacks; i++) {
		c->stacks[i].depth = 1;
		c->stacks[i].pc = calloc(1, sizeof(uint64_t));
		c->stacks[i].pc[0] = 0x400000 + 16 * i;
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Feeds `total` events (the block, replayed) to the analyzers of MASK, or
 * to ONE analyzer alone; returns the CPU seconds spent in the analyzers. */
static double bench(struct gen *g, unsigned mask, const struct analyzer *one, uint64_t total,
		    size_t *findings, uint32_t parts)
{
	struct analysis *an = one ? NULL : analysis_new(&g->cat, mask, NULL);
	struct analysis_options opt = { .race_parts = parts };
	void *state = one ? one->begin(&g->cat, &opt) : NULL;
	uint64_t done = 0, span = g->now;
	double spent = 0;
	for (unsigned round = 0; done < total; round++) {
		if (round)
			for (size_t i = 0; i < g->n; i++) {
				g->ev[i].ts_ns += span;
				g->ev[i].begin_ns += span;
			}
		size_t n = g->n < total - done ? g->n : (size_t)(total - done);
		double t0 = now_s();
		for (size_t i = 0; i < n; i++) {
			/* as report_build does: the reader fills one event at a time */
			struct trace_event ev = g->ev[i];
			if (one)
				one->feed(state, &ev);
			else
				analysis_feed(an, &ev);
		}
		spent += now_s() - t0;
		done += n;
	}
	struct report r;
	report_init(&r);
	double t0 = now_s();
	if (one)
		one->finish(state, &r);
	else
		analysis_finish(an, &r);
	report_finalize(&r);
	spent += now_s() - t0;
	*findings = report_findings(&r);
	report_release(&r);
	if (one)
		one->free(state);
	else
		analysis_free(an);
	return spent;
}

static void bench_print(const char *name, uint64_t total, double s, size_t findings)
{
	printf("%-28s %8.2f M events/s  (%.2f s, %zu findings)\n", name, total / s / 1e6, s, findings);
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The race analysis over the memory-heavy stream. */
static void bench_races(struct gen *g, uint64_t total, uint32_t parts)
{
	uint64_t per_block = gen_access_block(g);
	size_t findings = 0;
	double w0 = wall_s();
	double cpu = bench(g, 0, &analyzer_races, total, &findings, parts);
	double wall = wall_s() - w0;
	double accesses = (double)per_block * ((double)total / (double)g->n);
	printf("races, %u part%s: %.1f M accesses in %.2f s CPU, %.2f s wall: %.2f M accesses/s per core, "
	       "%.2f M accesses/s wall (%zu findings)\n", parts, parts == 1 ? "" : "s", accesses / 1e6, cpu,
	       wall, accesses / cpu / 1e6, accesses / wall / 1e6, findings);
}

/* Every other block of the heap (from FIRST) freed, and a block of at
 * most 63 bytes made at its address; returns the CPU seconds. */
static double heap_reuse(struct gen *g, struct rc_heap *h, const uint64_t *addr, uint64_t n,
			 uint64_t first)
{
	struct trace_event ev = { .process = 0 };
	double t0 = now_s();
	for (uint64_t i = first; i < n; i += 2) {
		rc_heap_free(h, &ev, addr[i]);
		ev.args[0] = addr[i];
		ev.args[1] = gen_rand(g, 64);
		rc_heap_alloc(h, &ev, 0, RC_NONE);
	}
	return now_s() - t0;
}

/* A heap of N blocks, most small, bump-allocated, then half reused;
 * lookups of random addresses in it (the first builds the index), and
 * the other half reused with the index kept up to date. */
static void bench_races_heap(struct gen *g, uint64_t n, uint64_t lookups)
{
	static const uint64_t sizes[] = { 0, 8, 16, 24, 48, 64, 100, 256, 1000, 4096, 20000, 65536 };
	struct rc_heap h = { 0 };
	uint64_t *addr = malloc(n * sizeof(*addr)), base = 0x10000000, next = base, found = 0;
	if (!addr)
		abort();
	struct trace_event ev = { .process = 0 };
	double t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t size = sizes[gen_rand(g, sizeof(sizes) / sizeof(sizes[0]))];
		addr[i] = next;
		next += (size + 31) & ~15ull;
		ev.args[0] = addr[i];
		ev.args[1] = size;
		rc_heap_alloc(&h, &ev, 0, RC_NONE);
	}
	double made = now_s() - t0, reused = heap_reuse(g, &h, addr, n, 0);
	t0 = now_s();
	found += rc_heap_find(&h, 0, base) != NULL;
	double build = now_s() - t0;
	t0 = now_s();
	for (uint64_t i = 1; i < lookups; i++) {
		uint64_t a = base + ((uint64_t)gen_rand(g, 1u << 30) << 6 | gen_rand(g, 64)) % (next - base);
		found += rc_heap_find(&h, 0, a) != NULL;
	}
	double find = now_s() - t0;
	double reused_indexed = heap_reuse(g, &h, addr, n, 1);
	printf("races heap: %llu blocks: %.1f ns per alloc; free + alloc at its address: %.1f ns, %.1f with "
	       "the index; index built in %.3f s; %.1f ns per lookup (%llu of %llu found)\n",
	       (unsigned long long)h.n, made / (double)n * 1e9, reused / (double)((n + 1) / 2) * 1e9,
	       reused_indexed / (double)(n / 2) * 1e9, build,
	       find / (double)(lookups > 1 ? lookups - 1 : 1) * 1e9, (unsigned long long)found,
	       (unsigned long long)lookups);
	rc_heap_release(&h);
	free(addr);
}

int main(int argc, char **argv)
{
	uint64_t total = (argc > 1 ? strtoull(argv[1], NULL, 10) : 40) * 1000000ull;
	struct gen g = { .now = 1000000, .rng = 0x9e3779b97f4a7c15ull };
	g.nthreads = argc > 2 ? (uint32_t)atoi(argv[2]) : 16;
	g.nlocks = argc > 3 ? (uint32_t)atoi(argv[3]) : 4096;
	if (g.nthreads < 1 || g.nlocks < 2 || total == 0) {
		fprintf(stderr, "usage: bench_analyzers [MILLIONS] [THREADS] [LOCKS]\n");
		return 2;
	}
	g.ev = malloc(BLOCK_EVENTS * sizeof(*g.ev));
	if (!g.ev)
		return 1;
	gen_catalog(&g);
	const unsigned all = ANALYZER_DEADLOCKS | ANALYZER_MISUSE | ANALYZER_CONTENTION;
	const struct analyzer *const *table;
	size_t n = analyzers_table(&table), findings = 0;
	printf("%llu events, %u threads, %u locks\n", (unsigned long long)total, g.nthreads, g.nlocks);
	const char *only = argc > 4 ? argv[4] : NULL;
	if (only && !strcmp(only, "races")) {
		bench_races(&g, total, argc > 5 ? (uint32_t)atoi(argv[5]) : 1);
		trace_catalog_release(&g.cat);
		free(g.ev);
		return 0;
	}
	if (only && !strcmp(only, "races-heap")) {
		bench_races_heap(&g, total, argc > 5 ? strtoull(argv[5], NULL, 10) : total);
		trace_catalog_release(&g.cat);
		free(g.ev);
		return 0;
	}
	gen_block(&g);
	if (only && !strcmp(only, "races-sync")) {   /* the race analysis on sync events alone */
		bench_print("races (sync events only)", total, bench(&g, 0, &analyzer_races, total, &findings, 1),
			    findings);
		trace_catalog_release(&g.cat);
		free(g.ev);
		return 0;
	}
	if (!only)
		bench_print("deadlocks+misuse+contention", total, bench(&g, all, NULL, total, &findings, 0),
			    findings);
	for (size_t i = 0; i < n; i++) {
		if (!(table[i]->category & all) || (only && strcmp(only, table[i]->name)))
			continue;
		double s = bench(&g, 0, table[i], total, &findings, 0);
		bench_print(table[i]->name, total, s, findings);
	}
	trace_catalog_release(&g.cat);
	free(g.ev);
	return 0;
}
