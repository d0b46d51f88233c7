/* SPDX-License-Identifier: MIT */
/* bench_export.c - times the Perfetto and Chrome JSON exports of a
 * synthetic 1-million-event trace (8 threads contending on 16 mutexes, cond
 * waits, messages), and the timeline model alone. Not a test: it prints
 * seconds, events per second, output size and peak memory.
 *
 *   bench_export [EVENTS] [OUTDIR]     (default 1000000, /tmp) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "event_source.h"
#include "export.h"
#include "fake_trace.h"
#include "timeline.h"

#define BENCH_THREADS 8
#define BENCH_LOCKS 16

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time too: the wall clock says little on a loaded machine. */
static double cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* One round of thread T: maybe a contended lock of L (a BEGIN first), a
 * nested second lock, the unlocks; every 16th round a message. */
static void round_of(struct fake_trace *t, uint32_t th, const uint32_t *locks, uint32_t q,
		     uint32_t stack, uint32_t *seed)
{
	uint32_t a = locks[xorshift(seed) % BENCH_LOCKS], b = locks[xorshift(seed) % BENCH_LOCKS];
	if (xorshift(seed) % 4 == 0) {
		uint64_t begin = t->now;
		fake_begin(t, th, TRACE_OP_MUTEX_LOCK, a)->stack = stack;
		struct trace_event *e = fake_lock(t, th, a, stack);
		e->had_begin = 1;
		e->begin_ns = begin;
	} else {
		fake_lock(t, th, a, stack);
	}
	if (b != a)
		fake_lock(t, th, b, stack);
	if (b != a && xorshift(seed) % 2)
		fake_unlock(t, th, a, 0);  /* out of order now and then */
	if (b != a)
		fake_unlock(t, th, b, 0);
	if (b == a || !(*seed % 2))
		fake_unlock(t, th, a, 0);
	if (xorshift(seed) % 16 == 0) {
		struct trace_event *e = fake_event(t, th, th % 2 ? TRACE_OP_MQ_SEND : TRACE_OP_MQ_RECEIVE, q);
		e->args[1] = 64;
		e->args[2] = th % 3;
	}
}

static void build(struct fake_trace *t, size_t nevents)
{
	fake_trace_init(t);
	uint32_t locks[BENCH_LOCKS];
	for (int i = 0; i < BENCH_THREADS - 1; i++)
		fake_thread(t, 0, "worker");
	for (int i = 0; i < BENCH_LOCKS; i++)
		locks[i] = fake_object(t, TRACE_OBJ_MUTEX, 0x10000 + 0x40 * (uint64_t)i);
	uint32_t q = fake_object(t, TRACE_OBJ_MQ, 0x8000000000000001ull);
	uint32_t stack = fake_stack(t, 0x401000, 8);
	uint32_t seed = 2463534242u;
	while (t->nev < nevents)
		round_of(t, (uint32_t)(xorshift(&seed) % BENCH_THREADS), locks, q, stack, &seed);
}

static int null_emit(void *ctx, const struct tl_record *r)
{
	(*(uint64_t *)ctx)++;
	(void)r;
	return 0;
}

static void report(const char *what, double s, double cpu, size_t nev, const char *path)
{
	struct stat st;
	long long bytes = path && stat(path, &st) == 0 ? (long long)st.st_size : -1;
	printf("%-10s %8.3f s (cpu %.3f s)  %10.0f events/s", what, s, cpu, (double)nev / cpu);
	if (bytes >= 0)
		printf("  %8.1f MB", (double)bytes / 1e6);
	printf("\n");
}

static int run_export(const char *what, struct fake_trace *t, const char *path,
		      int (*fn)(struct event_source *, FILE *, const struct export_options *,
				struct ct_error *))
{
	struct event_source src;
	struct ct_error err = { 0 };
	event_source_from_array(&src, &t->cat, t->ev, t->nev);
	FILE *out = fopen(path, "wb");
	if (!out) {
		perror(path);
		return 1;
	}
	double t0 = now_s(), c0 = cpu_s();
	int rc = fn(&src, out, NULL, &err);
	rc |= fclose(out);
	double s = now_s() - t0, cpu = cpu_s() - c0;
	event_source_release(&src);
	if (rc) {
		fprintf(stderr, "%s failed: %s\n", what, err.msg);
		return 1;
	}
	report(what, s, cpu, t->nev, path);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char pf[1024], js[1024];
	snprintf(pf, sizeof pf, "%s/bench_export.pftrace", dir);
	snprintf(js, sizeof js, "%s/bench_export.json", dir);
	struct fake_trace t;
	double t0 = now_s();
	build(&t, n);
	printf("trace      %zu events, %d threads, %d locks (built in %.3f s)\n", t.nev,
	       BENCH_THREADS, BENCH_LOCKS, now_s() - t0);

	struct event_source src;
	uint64_t records = 0;
	struct tl_sink sink = { &records, null_emit };
	event_source_from_array(&src, &t.cat, t.ev, t.nev);
	t0 = now_s();
	double c0 = cpu_s();
	int rc = timeline_run(&src, NULL, &sink, NULL);
	report("timeline", now_s() - t0, cpu_s() - c0, t.nev, NULL);
	event_source_release(&src);
	rc |= run_export("perfetto", &t, pf, export_perfetto);
	rc |= run_export("chrome", &t, js, export_chrome);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS   %.1f MB (the in-memory trace itself: %.1f MB)\n", ru.ru_maxrss / 1024.0,
	       (double)t.nev * sizeof *t.ev / 1e6);
	fake_trace_release(&t);
	return rc ? 1 : 0;
}
