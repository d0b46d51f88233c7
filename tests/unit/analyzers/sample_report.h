/* SPDX-License-Identifier: MIT */
/* sample_report.h - one small, fixed trace (an ABBA inversion with real
 * waits, an unlock by a non-owner, a failed call, a condition wait without
 * its mutex and a signal without it, a note) run through every
 * analyzer and resolved with a fake symbol source, for the printer golden
 * files, the suppressions and report tests. Times and ids are fixed, so the
 * output is byte-for-byte stable. */
#ifndef CTRACE_SAMPLE_REPORT_H
#define CTRACE_SAMPLE_REPORT_H

#include <string.h>

#include "an_test.h"
#include "report_resolve.h"

struct sample_sym {
	uint64_t pc0;
	const char *function, *file;
	uint32_t line;
};

static const struct sample_sym sample_syms[] = {
	{ 0x401000, "main", "/src/app/main.c", 40 },
	{ 0x401100, "main", "/src/app/main.c", 41 },
	{ 0x402000, "worker_a", "/src/app/worker.c", 12 },
	{ 0x402100, "worker_a", "/src/app/worker.c", 13 },
	{ 0x403000, "worker_b", "/src/app/worker.c", 22 },
	{ 0x403100, "worker_b", "/src/app/worker.c", 23 },
	{ 0x404000, "take_m3", "/src/app/pool.c", 30 },
	{ 0x405000, "drop_m3", "/src/app/pool.c", 35 },
	{ 0x406000, "init_locks", "/src/app/pool.c", 5 },
	{ 0x407000, "wait_ready", "/src/app/ready.c", 50 },
	{ 0x408000, "post_ready", "/src/app/ready.c", 60 },
};

struct sample_ctx {
	const struct trace_catalog *cat;
	struct sym_frame frames[8];
	const struct sample_sym *syms;   /* NULL: sample_syms */
	size_t nsyms;
	uint64_t outer_main_below;       /* unknown pcs below it: __libc_start_main */
};

static size_t sample_stack(void *ctx, uint32_t stack, const struct sym_frame **frames)
{
	struct sample_ctx *c = ctx;
	const struct trace_stack *s = trace_catalog_stack(c->cat, stack);
	if (!s)
		return 0;
	const struct sample_sym *syms = c->syms ? c->syms : sample_syms;
	size_t nsyms = c->syms ? c->nsyms : sizeof(sample_syms) / sizeof(sample_syms[0]);
	uint64_t main_below = c->syms ? c->outer_main_below : 0x402000;
	size_t n = 0;
	for (uint32_t i = 0; i < s->depth && n < 8; i++) {
		struct sym_frame *f = &c->frames[n++];
		memset(f, 0, sizeof(*f));
		f->pc = s->pc[i];
		f->module = "/usr/bin/prog";
		for (size_t k = 0; k < nsyms; k++) {
			if (syms[k].pc0 == s->pc[i]) {
				f->function = syms[k].function;
				f->file = syms[k].file;
				f->line = syms[k].line;
			}
		}
		if (!f->function) {   /* the outer frame of each stack */
			f->function = s->pc[i] < main_below ? "__libc_start_main" : "start_thread";
			f->module = "/lib/x86_64-linux-gnu/libc.so.6";
		}
	}
	*frames = c->frames;
	return n;
}

static const char *sample_data_symbol(void *ctx, uint32_t process, uint64_t addr)
{
	(void)ctx;
	(void)process;
	switch (addr) {
	case 0x601000: return "lock_a";
	case 0x601040: return "lock_b";
	case 0x601080: return "ready_cv";
	case 0x6010c0: return "state_lock";
	}
	return NULL;
}

static size_t sample_notes(void *ctx, const char *const **notes)
{
	static const char *const n[] = { "module /lib/x86_64-linux-gnu/libc.so.6 has no debug info" };
	(void)ctx;
	*notes = n;
	return 1;
}

/* The END of a lock call whose BEGIN was at begin. */
static void sample_acquired(struct fake_trace *t, uint32_t th, uint32_t lock, uint32_t stack,
			    uint64_t begin)
{
	struct trace_event *e = fake_lock(t, th, lock, stack);
	e->had_begin = 1;
	e->begin_ns = begin;
}

/* T1 waits on ready_cv without holding state_lock (EPERM: errorcheck), then
 * main signals ready_cv without it. */
static void sample_cond(struct fake_trace *t, uint32_t t1)
{
	uint32_t cv = fake_object(t, TRACE_OBJ_COND, 0x601080);
	uint32_t state = fake_object(t, TRACE_OBJ_MUTEX, 0x6010c0);
	uint32_t s_wait = fake_stack(t, 0x407000, 2), s_post = fake_stack(t, 0x408000, 2);
	struct trace_event *e = fake_begin(t, t1, TRACE_OP_COND_WAIT, cv);
	e->obj2 = state;
	e->stack = s_wait;
	e = an_call(t, t1, TRACE_OP_COND_WAIT, cv, s_wait, EPERM);
	e->obj2 = state;
	e->had_begin = 1;
	an_call(t, 0, TRACE_OP_COND_SIGNAL, cv, s_post, 0);
}

/* Builds the sample trace into t (fake_trace_init'ed by the caller). */
static void sample_trace(struct fake_trace *t)
{
	const uint64_t base = 5000000, us = 1000;
	uint32_t a = fake_object(t, TRACE_OBJ_MUTEX, 0x601000);
	uint32_t b = fake_object(t, TRACE_OBJ_MUTEX, 0x601040);
	uint32_t m3 = fake_object(t, TRACE_OBJ_MUTEX, 0x7f0000100000ull);
	uint32_t s_create1 = fake_stack(t, 0x401000, 2), s_create2 = fake_stack(t, 0x401100, 2);
	uint32_t s_a1 = fake_stack(t, 0x402000, 2), s_b1 = fake_stack(t, 0x402100, 2);
	uint32_t s_b2 = fake_stack(t, 0x403000, 2), s_a2 = fake_stack(t, 0x403100, 2);
	uint32_t s_take = fake_stack(t, 0x404000, 2), s_drop = fake_stack(t, 0x405000, 2);
	uint32_t s_init = fake_stack(t, 0x406000, 2);
	fake_object_desc(t, m3)->init_stack = s_init;
	fake_object_desc(t, m3)->initialized = true;
	free(t->cat.threads[0].name);
	t->cat.threads[0].name = strdup("main");
	fake_trace_at(t, base);
	an_call(t, 0, TRACE_OP_MUTEX_INIT, m3, s_init, 0);
	uint32_t t1 = an_spawn(t, 0, "worker-1"), t2 = an_spawn(t, 0, "worker-2");
	t->cat.threads[t1].create_stack = s_create1;
	t->cat.threads[t2].create_stack = s_create2;
	fake_trace_at(t, base + 10 * us);
	fake_lock(t, t1, a, s_a1);
	fake_lock(t, t1, b, s_b1);
	fake_trace_at(t, base + 12 * us);
	fake_begin(t, t2, TRACE_OP_MUTEX_LOCK, b)->stack = s_b2;
	fake_trace_at(t, base + 20 * us);
	fake_unlock(t, t1, b, s_b1);
	fake_trace_at(t, base + 20 * us);
	sample_acquired(t, t2, b, s_b2, base + 12 * us);
	fake_begin(t, t2, TRACE_OP_MUTEX_LOCK, a)->stack = s_a2;
	fake_trace_at(t, base + 40 * us);
	fake_unlock(t, t1, a, s_a1);
	fake_trace_at(t, base + 40 * us);
	sample_acquired(t, t2, a, s_a2, base + 21 * us);
	fake_trace_at(t, base + 50 * us);
	fake_unlock(t, t2, a, s_a2);
	fake_unlock(t, t2, b, s_b2);
	fake_trace_at(t, base + 60 * us);
	fake_lock(t, t1, m3, s_take);
	fake_trace_at(t, base + 70 * us);
	fake_unlock(t, t2, m3, s_drop);
	an_call(t, t2, TRACE_OP_MUTEX_LOCK, m3, s_drop, EINVAL);
	sample_cond(t, t1);
	an_end_thread(t, t1);
	an_end_thread(t, t2);
	an_join(t, 0, t1);
	an_join(t, 0, t2);
}

/* Analyzes, resolves with the fake symbols, finalizes. */
static void sample_report(struct fake_trace *t, struct report *r, bool finalize)
{
	struct analysis *an = analysis_new(&t->cat, ANALYZER_ALL, NULL);
	for (size_t i = 0; i < t->nev; i++)
		analysis_feed(an, &t->ev[i]);
	analysis_finish(an, r);
	analysis_free(an);
	struct sample_ctx ctx = { .cat = &t->cat };
	struct report_symbols sym = { .ctx = &ctx, .stack = sample_stack, .data_symbol = sample_data_symbol,
				      .notes = sample_notes };
	report_resolve(r, &t->cat, &sym);
	if (finalize)
		report_finalize(r);
}

#endif
