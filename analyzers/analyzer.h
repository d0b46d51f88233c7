/* SPDX-License-Identifier: MIT */
/* analyzer.h - the analyzer interface and the table behind --only.
 *
 * An analyzer is a streaming pass over the merged events of one trace:
 * begin(catalog) -> state, feed(state, event) for every event in order,
 * finish(state, report) to add its findings, free(state). All its state lives
 * in that state object (no file-scope mutable state), so analyses can run
 * twice in one process, or live beside a running program.
 *
 * The catalog is borrowed: it keeps filling while events are read (objects,
 * stacks), so analyzers look entries up by id each time and never keep
 * pointers into its arrays. */
#ifndef CTRACE_ANALYZER_H
#define CTRACE_ANALYZER_H

#include <stdint.h>

#include "ct_error.h"
#include "report.h"
#include "trace_accesses.h"
#include "trace_event.h"

/* What --only selects (one category may hold several analyzers). */
enum analyzer_category {
	ANALYZER_DEADLOCKS  = 1 << 0,  /* "deadlocks": lock order, hangs, stalls */
	ANALYZER_RACES      = 1 << 1,  /* "races" */
	ANALYZER_CONTENTION = 1 << 2,  /* "contention" */
	ANALYZER_MISUSE     = 1 << 3,  /* "misuse" */
	ANALYZER_ALL        = 0xf,
};

struct lock_view;

struct analysis_options {
	/* Offline stall threshold: a process whose live threads were all
	 * blocked this long at the end of the trace is reported as stalled
	 * (0 = the default, 1 s; a run ended by the watchdog always counts). */
	uint64_t stall_timeout_ns;
	/* The lock view that feeds analyzers of ANALYZER_LOCKS_*, for
	 * its verdicts at finish (lock_view_verdict); NULL when they are fed
	 * by hand. Set by analysis_new. */
	const struct lock_view *locks;
	/* Parts the race analysis splits addresses into, one thread each
	 * (0 = CTRACE_RACE_PARTS from the environment, else one per core). */
	uint32_t race_parts;
	/* Bytes the race analysis's shadow memory may take (0 =
	 * CTRACE_RACE_MEMORY from the environment, else half the machine's
	 * memory): past it, memory not tracked yet is not checked. */
	uint64_t race_memory;
};

/* Which events an analyzer's feed gets: 0, the trace's own; else the lock
 * view's (lock_view.h), on the locks of these sources (1 << enum
 * lock_view_source). */
enum analyzer_events {
	ANALYZER_EVENTS_RAW = 0,
	ANALYZER_LOCKS_PROGRAM = 1 << 0,
	ANALYZER_LOCKS_GIL = 1 << 1,
	ANALYZER_LOCKS_JOIN = 1 << 2,
};

struct analyzer {
	const char *name;                 /* "lock-order", "hang", "misuse", ... */
	enum analyzer_category category;
	void *(*begin)(const struct trace_catalog *cat, const struct analysis_options *opt);
	void (*feed)(void *state, const struct trace_event *ev);   /* NULL: no events needed */
	/* Adds findings to out (ids only; report_resolve names them). */
	void (*finish)(void *state, struct report *out);
	void (*free)(void *state);
	unsigned events;                  /* enum analyzer_events */
	bool accesses;                    /* fed memory accesses (TRACE_OP_ACCESS) too:
	                                     the others never see them */
	/* With accesses: the N accesses that follow the ACCESS event FIRST in
	 * its batch (trace_reader_next_accesses), fed at once. */
	void (*feed_accesses)(void *state, const struct trace_event *first, const struct trace_access *more,
			      size_t n);
};

extern const struct analyzer analyzer_lock_order;
extern const struct analyzer analyzer_hang;
extern const struct analyzer analyzer_misuse;
extern const struct analyzer analyzer_contention;
extern const struct analyzer analyzer_races;

/* The table, in the order findings are produced. */
size_t analyzers_table(const struct analyzer *const **table);
/* The analyzer called NAME, or NULL. */
const struct analyzer *analyzer_find(const char *name);

/* Parses "deadlocks,races,contention,misuse" (any subset, any order) into
 * a mask of enum analyzer_category. Returns 0, or -EINVAL and fills err. */
int analyzer_parse_only(const char *list, unsigned *mask, struct ct_error *err);
/* "deadlocks", "races", "contention", "misuse". */
const char *analyzer_category_name(enum analyzer_category category);

/* ---- running the selected analyzers together, in one pass ---- */
struct analysis;

/* The analyzers of the categories in MASK over CAT (borrowed). opt may be NULL. */
struct analysis *analysis_new(const struct trace_catalog *cat, unsigned mask,
			      const struct analysis_options *opt);
void analysis_feed(struct analysis *a, const struct trace_event *ev);
/* The N accesses that follow the ACCESS event FIRST, just fed, in its
 * batch (trace_reader_next_accesses). */
void analysis_feed_accesses(struct analysis *a, const struct trace_event *first,
			    const struct trace_access *more, size_t n);
/* Every analyzer adds its findings to out. Call once. */
void analysis_finish(struct analysis *a, struct report *out);
void analysis_free(struct analysis *a);

#endif
