/* SPDX-License-Identifier: MIT */
/* python_report.h - the report of the Python sample (python_sample.h),
 * made by hand so it does not depend on what the analyzers find: the
 * lock-order inversion of lock_a and lock_b, and a wait for the GIL;
 * resolved with the real symbolizer over the sample's maps file. */
#ifndef CTRACE_PYTHON_REPORT_H
#define CTRACE_PYTHON_REPORT_H

#include "python_sample.h"
#include "report_resolve.h"
#include "symbolize.h"

static inline void python_report(struct python_sample *s, struct report *r)
{
	struct report_deadlock *d = report_add_deadlock(r, REPORT_DEADLOCK_LOCK_ORDER);
	d->concurrent = true;
	struct report_edge *e = report_deadlock_add_edge(d);
	*e = (struct report_edge){ .thread = s->t1, .holding = s->lock_a, .acquiring = s->lock_b,
		.holding_stack = s->a1, .acquiring_stack = s->b1, .owner = TRACE_NONE,
		.waiting_for = TRACE_NONE };
	e = report_deadlock_add_edge(d);
	*e = (struct report_edge){ .thread = s->t2, .holding = s->lock_b, .acquiring = s->lock_a,
		.holding_stack = s->b2, .acquiring_stack = s->a2, .owner = TRACE_NONE,
		.waiting_for = TRACE_NONE };
	struct report_lockstat *ls = report_add_lockstat(r, s->gil);
	ls->acquisitions = 10;
	ls->contended = 2;
	ls->wait_ns = 5000000;
	ls->max_wait_ns = 4000000;
	struct report_site *site = report_lockstat_add_site(ls, s->gil_wait);
	site->contended = 2;
	site->wait_ns = 5000000;
	site->max_wait_ns = 4000000;
	struct symbolizer *sym = symbolizer_new(&s->t.cat);
	struct report_symbols rs;
	report_symbols_from_symbolizer(&rs, sym);
	report_resolve(r, &s->t.cat, &rs);
	report_finalize(r);
	symbolizer_free(sym);
}

#endif
