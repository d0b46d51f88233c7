/* SPDX-License-Identifier: MIT */
/* race_test.h - helpers for the race analysis tests: two worker threads
 * created by main, a scenario built with or without one synchronization,
 * and the races analyzer run on it with a chosen number of parts. */
#ifndef CTRACE_RACE_TEST_H
#define CTRACE_RACE_TEST_H

#include "an_test.h"

#define RT_X 0x601000ull    /* a global the workers race on */

struct rt {
	struct fake_trace t;
	uint32_t t1, t2;
	uint32_t s1, s2, s3;   /* three code sites */
};

static inline void rt_init(struct rt *x)
{
	fake_trace_init(&x->t);
	x->t1 = an_spawn(&x->t, 0, "w1");
	x->t2 = an_spawn(&x->t, 0, "w2");
	x->s1 = fake_stack(&x->t, 0x402000, 2);
	x->s2 = fake_stack(&x->t, 0x403000, 2);
	x->s3 = fake_stack(&x->t, 0x404000, 2);
}

/* Runs the races analyzer with PARTS parts into r (report_init'ed). */
static inline void rt_run(struct fake_trace *t, struct report *r, uint32_t parts)
{
	struct analysis_options opt = { .race_parts = parts };
	const struct analyzer *a = &analyzer_races;
	void *s = a->begin(&t->cat, &opt);
	for (size_t i = 0; i < t->nev; i++)
		a->feed(s, &t->ev[i]);
	a->finish(s, r);
	a->free(s);
}

/* x's races into r, with one part. */
static inline void rt_report(struct rt *x, struct report *r)
{
	report_init(r);
	rt_run(&x->t, r, 1);
}

/* Releases r and x's trace. */
static inline void rt_release(struct rt *x, struct report *r)
{
	report_release(r);
	fake_trace_release(&x->t);
}

/* The number of races in x's trace; releases x. */
static inline size_t rt_count(struct rt *x)
{
	struct report r;
	report_init(&r);
	rt_run(&x->t, &r, 1);
	size_t n = r.nraces;
	report_release(&r);
	fake_trace_release(&x->t);
	return n;
}

static inline struct trace_event *rt_write(struct rt *x, uint32_t th, uint64_t addr, uint64_t size,
					   uint32_t stack)
{
	return fake_access(&x->t, th, addr, size, TRACE_ACCESS_WRITE, stack);
}

static inline struct trace_event *rt_read(struct rt *x, uint32_t th, uint64_t addr, uint64_t size,
					  uint32_t stack)
{
	return fake_access(&x->t, th, addr, size, 0, stack);
}

/* th holds mutex m and records nothing inside. */
static inline void rt_lock_unlock(struct fake_trace *t, uint32_t th, uint32_t m, uint32_t stack)
{
	fake_lock(t, th, m, stack);
	fake_unlock(t, th, m, stack);
}

/* A critical section of th on lock object obj: lock_op, 4 bytes of X
 * written (or read), unlock_op. */
static inline void rt_section(struct rt *x, uint32_t th, unsigned lock_op, unsigned unlock_op, uint32_t obj,
			      bool write, uint32_t stack)
{
	fake_event(&x->t, th, lock_op, obj);
	fake_access(&x->t, th, RT_X, 4, write ? TRACE_ACCESS_WRITE : 0, stack);
	fake_event(&x->t, th, unlock_op, obj);
}

#endif
