/* SPDX-License-Identifier: MIT */
/* race_sample.h - one small, fixed trace with one race of each location:
 * a global written under one mutex and read under another, a heap block
 * written by one worker and freed by the other, a mutex initialized while
 * another thread locks it; resolved with fake symbols, for the printer
 * golden files (tests/golden/report/races.*) and the suppression tests. */
#ifndef CTRACE_RACE_SAMPLE_H
#define CTRACE_RACE_SAMPLE_H

#include <string.h>

#include "race_test.h"
#include "sample_report.h"

static const struct sample_sym race_syms[] = {
	{ 0x401000, "main", "/src/app/main.c", 20 },
	{ 0x402000, "bump", "/src/app/counter.c", 11 },
	{ 0x403000, "peek", "/src/app/counter.c", 17 },
	{ 0x404000, "fill", "/src/app/buf.c", 30 },
	{ 0x405000, "drop", "/src/app/buf.c", 41 },
	{ 0x406000, "make_buf", "/src/app/buf.c", 8 },
	{ 0x407000, "setup", "/src/app/main.c", 12 },
	{ 0x408000, "use_lock", "/src/app/main.c", 15 },
};

static const char *race_data_symbol(void *ctx, uint32_t process, uint64_t addr)
{
	(void)ctx;
	(void)process;
	if (addr >= 0x601000 && addr < 0x601010)
		return addr == 0x601008 ? "stats.hits" : "stats";
	switch (addr) {
	case 0x601100: return "lock_a";
	case 0x601140: return "lock_b";
	case 0x601180: return "late_lock";
	}
	return NULL;
}

static void race_trace(struct fake_trace *t)
{
	const uint64_t base = 5000000, us = 1000;
	fake_trace_at(t, base);
	uint32_t w1 = an_spawn(t, 0, "bumper"), w2 = an_spawn(t, 0, "peeker");
	uint32_t s_main = fake_stack(t, 0x401000, 1);
	t->cat.threads[w1].create_stack = s_main;
	t->cat.threads[w2].create_stack = s_main;
	uint32_t s_bump = fake_stack(t, 0x402000, 2), s_peek = fake_stack(t, 0x403000, 2);
	uint32_t s_fill = fake_stack(t, 0x404000, 2), s_drop = fake_stack(t, 0x405000, 2);
	uint32_t s_alloc = fake_stack(t, 0x406000, 2);
	uint32_t s_setup = fake_stack(t, 0x407000, 2), s_use = fake_stack(t, 0x408000, 2);
	uint32_t a = fake_object(t, TRACE_OBJ_MUTEX, 0x601100);
	uint32_t b = fake_object(t, TRACE_OBJ_MUTEX, 0x601140);
	uint32_t late = fake_object(t, TRACE_OBJ_MUTEX, 0x601180);
	fake_trace_at(t, base + 10 * us);
	fake_alloc(t, 0, 0x10000040, 40, s_alloc);
	fake_lock(t, w1, a, s_bump);
	fake_access(t, w1, 0x601008, 4, TRACE_ACCESS_WRITE, s_bump);
	fake_unlock(t, w1, a, s_bump);
	fake_lock(t, w2, b, s_peek);
	fake_access(t, w2, 0x601008, 4, 0, s_peek);
	fake_unlock(t, w2, b, s_peek);
	fake_trace_at(t, base + 20 * us);
	fake_access(t, w1, 0x10000040 + 12, 4, TRACE_ACCESS_WRITE, s_fill);
	fake_access(t, w2, 0x10000040, 40, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, s_drop);
	fake_trace_at(t, base + 30 * us);
	an_call(t, w1, TRACE_OP_MUTEX_INIT, late, s_setup, 0);
	an_call(t, w2, TRACE_OP_MUTEX_LOCK, late, s_use, 0);
	an_call(t, w2, TRACE_OP_MUTEX_UNLOCK, late, s_use, 0);
	fake_trace_at(t, base + 40 * us);
	an_end_thread(t, w1);
	an_end_thread(t, w2);
	an_join(t, 0, w1);
	an_join(t, 0, w2);
}

/* Analyzes, resolves with the fake symbols, finalizes if asked. */
static void race_report(struct fake_trace *t, struct report *r, bool finalize)
{
	struct analysis_options opt = { .race_parts = 1 };
	struct analysis *an = analysis_new(&t->cat, ANALYZER_RACES, &opt);
	for (size_t i = 0; i < t->nev; i++)
		analysis_feed(an, &t->ev[i]);
	analysis_finish(an, r);
	analysis_free(an);
	struct sample_ctx ctx = { .cat = &t->cat, .syms = race_syms,
				  .nsyms = sizeof(race_syms) / sizeof(race_syms[0]) };
	struct report_symbols sym = { .ctx = &ctx, .stack = sample_stack, .data_symbol = race_data_symbol };
	report_resolve(r, &t->cat, &sym);
	if (finalize)
		report_finalize(r);
}

#endif
