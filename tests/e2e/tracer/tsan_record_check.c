/* SPDX-License-Identifier: MIT */
/* tsan_record_check.c - checks the trace of tsan_record.c: its main
 * thread's memory events in order (each with its stack), the merged order
 * of the atomic operations on one location, the counts. Usage:
 * tsan_record_check DIR X Y Z COUNTER SRC DST (addresses in decimal). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>

#include "trace_reader.h"

enum { ANY = -1 };

/* One expected event of the main thread: op, address, size, flags (or
 * the ATOMIC/FENCE/ANNOTATE args), and the first pcs of its stack. */
struct want {
	int op;
	uint64_t addr;           /* ACCESS, ALLOC: args[0] (0 = any) */
	int64_t size;            /* args[1], ANY */
	int64_t flags;           /* args[2], ANY */
	uint64_t pcs[4];         /* stack, 0-terminated; first of all pc[0] */
	int depth;               /* ANY or the stack's depth */
};

static uint64_t x, y, z, counter, src, dst;
static int failed;

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "tsan_record_check: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failed = 1;
}

static bool watched(const struct trace_event *ev)
{
	if (ev->op == TRACE_OP_ATOMIC || ev->op == TRACE_OP_FENCE || ev->op == TRACE_OP_ANNOTATE)
		return true;
	if (ev->op != TRACE_OP_ACCESS)
		return false;
	uint64_t a = ev->args[0];
	return a == x || a == y || a == z || a == counter || a == src || a == dst;
}

static bool matches(const struct trace_catalog *cat, const struct trace_event *ev,
		    const struct want *w)
{
	if (ev->op != w->op)
		return false;
	if (w->addr && ev->args[0] != w->addr)
		return false;
	if (w->size != ANY && (int64_t)ev->args[1] != w->size)
		return false;
	if (w->flags != ANY && (int64_t)ev->args[2] != w->flags)
		return false;
	const struct trace_stack *st = trace_catalog_stack(cat, ev->stack);
	if (w->pcs[0]) {
		if (!st)
			return false;
		for (int i = 0; i < 4 && w->pcs[i]; i++)
			if ((uint32_t)i >= st->depth || st->pc[i] != w->pcs[i])
				return false;
	}
	if (w->depth != ANY && (!st || (int)st->depth != w->depth))
		return false;
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: tsan_record_check DIR X Y Z COUNTER SRC DST\n");
		return 2;
	}
	x = strtoull(argv[2], NULL, 10), y = strtoull(argv[3], NULL, 10);
	z = strtoull(argv[4], NULL, 10), counter = strtoull(argv[5], NULL, 10);
	src = strtoull(argv[6], NULL, 10), dst = strtoull(argv[7], NULL, 10);
	const int A = TRACE_OP_ACCESS, L = TRACE_OP_MUTEX_LOCK, U = TRACE_OP_MUTEX_UNLOCK;
	const int64_t R = 0, Wr = 1, RG = 4, F = 8;
	const struct want want[] = {
		/* 1: one read and one write per (address, size) per interval */
		{ A, x, 4, Wr, { 0x101, 0xA0 }, 2 }, { A, x, 4, R, { 0x102, 0xA0 }, 2 },
		{ A, x, 1, R, { 0x104, 0xA0 }, 2 }, { L, 0, ANY, ANY, { 0 }, ANY },
		{ A, x, 4, Wr, { 0x106, 0xA0 }, 2 }, { U, 0, ANY, ANY, { 0 }, ANY },
		/* 2: nested stacks; after a longjmp, the stack as it is */
		{ A, y, 4, Wr, { 0x201, 0xC2, 0xC1 }, 3 }, { A, y, 4, R, { 0x202, 0xD1 }, 2 },
		/* 3: beyond the bound (300 calls): the outer frames, then back to none */
		{ A, z, 8, Wr, { 0x301, 0xE0, 0xE0 }, ANY },
		/* 4: relaxed atomics do not end the interval; releases and fences do */
		{ A, z, 8, Wr, { 0x401 }, 1 },
		{ TRACE_OP_ATOMIC, 3, 0, 8, { 0x402 }, 1 },
		{ TRACE_OP_ATOMIC, 2, 3, 8, { 0x404 }, 1 },
		{ A, z, 8, Wr, { 0x405 }, 1 },
		{ TRACE_OP_FENCE, 5, ANY, ANY, { 0x406 }, 1 },
		{ TRACE_OP_ANNOTATE, 3, ANY, 8, { 0x407 }, 1 },
		/* 5: heap blocks, string functions, ignored accesses */
		{ A, x, 2, Wr, { 0x501 }, 1 },
		{ TRACE_OP_ALLOC, 0, 24, ANY, { 0 }, ANY },
		{ A, 0, 24, Wr | RG, { 0 }, ANY },
		{ A, 0, ANY, Wr | RG | F, { 0 }, ANY },
		{ A, src, 99, Wr | RG, { 0 }, ANY },
		{ A, src, 100, RG, { 0 }, ANY }, { A, dst, 100, Wr | RG, { 0 }, ANY },
		{ A, y, 1, Wr, { 0x503 }, 1 },
		/* 7: the handler's install releases on its channel; 1000 reads
		 * merged; the handler's run acquires there (no stack), then its
		 * access */
		{ TRACE_OP_ANNOTATE, 1, (int64_t)(0xf900000000000000ull | SIGUSR1), 0, { 0 }, ANY },
		{ A, z, 8, R, { 0x702 }, 1 },
		{ TRACE_OP_ANNOTATE, 2, (int64_t)(0xf900000000000000ull | SIGUSR1), 0, { 0 }, ANY },
		{ A, y, 4, Wr, { 0x701 }, 1 },
		/* 8: before a fork (the child's own is in its process) */
		{ A, x, 8, Wr, { 0x801 }, 1 },
	};
	const size_t nwant = sizeof want / sizeof want[0];

	struct ct_error err;
	struct trace_reader *r = trace_reader_open(argv[1], 0, &err);
	if (!r) {
		fprintf(stderr, "tsan_record_check: %s\n", err.msg);
		return 2;
	}
	const struct trace_catalog *cat = trace_reader_catalog(r);
	struct trace_event ev;
	size_t next = 0;
	uint64_t accesses = 0, atomics = 0, last_seq = 0, alloc_addr = 0;
	uint32_t counter_obj = 0;
	unsigned child_accesses = 0;
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT) {
		accesses += ev.op == TRACE_OP_ACCESS;
		/* a heap block's slack: glibc's, under 32 bytes past a small block */
		if (ev.op == TRACE_OP_ALLOC && ev.args[1] < 4096 && trace_alloc_slack(ev.args[2]) >= 32)
			fail("a block of %llu bytes with %llu bytes of slack", (unsigned long long)ev.args[1],
			     (unsigned long long)trace_alloc_slack(ev.args[2]));
		/* step 5's block: this module called __tsan_init, so its malloc
		 * call is instrumented code's */
		if (ev.op == TRACE_OP_ALLOC && ev.args[1] == 24 && !(ev.args[2] & TRACE_ALLOC_INSTRUMENTED))
			fail("the program's block of 24 bytes is not marked instrumented");
		if (ev.op == TRACE_OP_ATOMIC) {
			const struct trace_object *o = trace_catalog_object(cat, ev.obj);
			if (!o || o->key != counter || ev.kind != TRACE_OBJ_ATOMIC)
				fail("an atomic event not on the counter");
			if (counter_obj && ev.obj != counter_obj)
				fail("the counter's atomic events are on two objects");
			counter_obj = ev.obj;
			if (ev.seq <= last_seq)
				fail("atomic seq %llu after %llu", (unsigned long long)ev.seq,
				     (unsigned long long)last_seq);
			last_seq = ev.seq;
			atomics++;
		}
		if (ev.process != 0) {
			if (ev.op == TRACE_OP_ACCESS && ev.args[0] == x && ev.args[1] == 8)
				child_accesses++;
			continue;
		}
		if (ev.thread != 0) {
			if (ev.op == TRACE_OP_ATOMIC) {
				struct want w = { TRACE_OP_ATOMIC, 3, 4, 8, { 0x601, 0xF0 }, 2 };
				if (!matches(cat, &ev, &w))
					fail("thread %u: atomic with args %llu %llu", ev.thread,
					     (unsigned long long)ev.args[0], (unsigned long long)ev.args[1]);
			}
			continue;
		}
		struct want w;
		if (next < nwant) {
			w = want[next];
			if (w.op == TRACE_OP_ATOMIC || w.op == TRACE_OP_FENCE || w.op == TRACE_OP_ANNOTATE) {
				w.addr = 0;  /* their args[0] is checked here */
				if (ev.op == w.op && ev.args[0] != want[next].addr)
					w.op = -2;
			}
			if (w.op == A && !w.addr && w.size == 24)
				w.addr = alloc_addr;
			if (w.op == A && !w.addr && w.flags == (Wr | RG | F))
				w.addr = alloc_addr;
		}
		if (next < nwant && w.op == TRACE_OP_ALLOC && matches(cat, &ev, &w)) {
			alloc_addr = ev.args[0];
			next++;
		} else if (next < nwant && matches(cat, &ev, &w)) {
			if (w.op == A && w.flags == (Wr | RG | F) && ev.args[1] < 24)
				fail("the free covers %llu bytes", (unsigned long long)ev.args[1]);
			next++;
		} else if (watched(&ev) || (next < nwant && ev.op == want[next].op && ev.op != A &&
					    ev.op != TRACE_OP_ALLOC && ev.op != L && ev.op != U)) {
			const struct trace_stack *st = trace_catalog_stack(cat, ev.stack);
			fail("main thread: unexpected %s addr 0x%llx size %llu flags %llu pc 0x%llx "
			     "depth %u (expected #%zu)", trace_op_descs[ev.op].name,
			     (unsigned long long)ev.args[0], (unsigned long long)ev.args[1],
			     (unsigned long long)ev.args[2], st ? (unsigned long long)st->pc[0] : 0ull,
			     st ? st->depth : 0, next);
		}
	}
	if (next != nwant)
		fail("main thread: expected event #%zu (op %d, pc 0x%llx) never came", next,
		     want[next].op, (unsigned long long)want[next].pcs[0]);
	if (child_accesses != 1)
		fail("the forked child has %u accesses of x, expected 1", child_accesses);
	if (atomics != 4002)
		fail("%llu atomic events, expected 4002", (unsigned long long)atomics);
	if (cat->accesses_kept != accesses)
		fail("header says %llu kept, the trace holds %llu accesses",
		     (unsigned long long)cat->accesses_kept, (unsigned long long)accesses);
	if (cat->accesses_seen < 1020 || cat->accesses_seen < cat->accesses_kept)
		fail("%llu accesses seen", (unsigned long long)cat->accesses_seen);
	if (cat->dropped)
		fail("%llu events dropped", (unsigned long long)cat->dropped);
	if (trace_reader_error(r))
		fail("reader: %s", trace_reader_error(r)->msg);
	trace_reader_free(r);
	return failed;
}
