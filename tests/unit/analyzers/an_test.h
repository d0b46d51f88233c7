/* SPDX-License-Identifier: MIT */
/* an_test.h - helpers for the analyzer unit tests: run one analyzer (or
 * all) over a fake_trace, build blocking calls (BEGIN + END), print. */
#ifndef CTRACE_AN_TEST_H
#define CTRACE_AN_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analyzer.h"
#include "fake_trace.h"
#include "print.h"
#include "report.h"

static inline void an_run(const struct analyzer *a, struct fake_trace *t, struct report *r)
{
	struct analysis_options opt = { 0 };
	void *s = a->begin(&t->cat, &opt);
	for (size_t i = 0; i < t->nev; i++)
		a->feed(s, &t->ev[i]);
	a->finish(s, r);
	a->free(s);
}

/* A lock call that waited: BEGIN at begin_ns, END (acquired) at end_ns. */
static inline struct trace_event *an_lock_wait(struct fake_trace *t, uint32_t thread, unsigned op,
					       uint32_t lock, uint32_t stack, uint64_t begin_ns,
					       uint64_t end_ns)
{
	fake_trace_at(t, begin_ns);
	fake_begin(t, thread, op, lock)->stack = stack;
	fake_trace_at(t, end_ns);
	struct trace_event *e = fake_event(t, thread, op, lock);
	e->stack = stack;
	e->begin_ns = begin_ns;
	e->had_begin = 1;
	return e;
}

/* An END of OP with a stack and a result. */
static inline struct trace_event *an_call(struct fake_trace *t, uint32_t thread, unsigned op,
					  uint32_t obj, uint32_t stack, int32_t result)
{
	struct trace_event *e = fake_event(t, thread, op, obj);
	e->stack = stack;
	e->result = result;
	return e;
}

/* Thread lifecycle: parent creates child (CREATE END), child starts. */
static inline uint32_t an_spawn(struct fake_trace *t, uint32_t parent, const char *name)
{
	uint32_t child = fake_thread(t, parent, name);
	struct trace_event *e = fake_event(t, parent, TRACE_OP_CREATE, 0);
	e->peer_thread = child;
	e = fake_event(t, child, TRACE_OP_THREAD_START, 0);
	e->peer_thread = parent;
	return child;
}

static inline void an_end_thread(struct fake_trace *t, uint32_t thread)
{
	fake_event(t, thread, TRACE_OP_THREAD_END, 0);
}

static inline void an_join(struct fake_trace *t, uint32_t joiner, uint32_t joined)
{
	struct trace_event *e = fake_event(t, joiner, TRACE_OP_JOIN, 0);
	e->peer_thread = joined;
}

/* N short-lived mutexes used by THREAD one after the other, all at ADDR (a
 * mutex on the stack of a loop): each initialized at INIT (its init stack:
 * one class), locked at LOCK, unlocked and destroyed. Returns the first id
 * (the others follow it). */
static inline uint32_t an_short_lived(struct fake_trace *t, uint32_t thread, unsigned n,
				      uint64_t addr, uint32_t init, uint32_t lock)
{
	uint32_t first = 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t m = fake_object(t, TRACE_OBJ_MUTEX, addr);
		fake_object_desc(t, m)->init_stack = init;
		fake_object_desc(t, m)->initialized = true;
		first = first ? first : m;
		an_call(t, thread, TRACE_OP_MUTEX_INIT, m, init, 0);
		fake_lock(t, thread, m, lock);
		fake_unlock(t, thread, m, 0);
		an_call(t, thread, TRACE_OP_MUTEX_DESTROY, m, init, 0);
	}
	return first;
}

/* What printer FN (print_text, print_json...) writes for R (malloc'd). */
typedef int (*an_printer)(FILE *, const struct report *, const struct print_options *);
static inline char *an_render(an_printer fn, const struct report *r, const struct print_options *opt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(fn(f, r, opt), 0);
	fclose(f);
	return text;
}

#endif
