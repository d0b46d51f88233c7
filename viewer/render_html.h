/* SPDX-License-Identifier: MIT */
/* render_html.h - `ctrace view`: one self-contained HTML page (template,
 * CSS and JS from viewer/html, embedded at build time) with the trace's
 * timeline, findings, contention and symbolized stacks as JSON in a
 * <script type="application/json" id="ctrace-data"> element.
 *
 * The spans come from the timeline model (timeline.h): per thread, a state
 * row (running, or waiting on a lock, cond, sem, barrier, join, queue) and
 * its lock holds. The page is the only place they all live: the renderer
 * keeps the closed spans (about 32 bytes each, never the events) until it
 * writes them. Findings come from a finalized report (analyzers/report.h).
 *
 * The embedded data ("ctrace_view": 1), all times in ns from start_ns:
 *   program {argv, pid, exit_status}, start_ns, duration_ns, events, dropped,
 *   states [name...]       state codes used by the span tables
 *   threads [{id, tid, pid, name, parent, create_stack}]
 *   locks [{id, kind, address, symbol, name, init_stack}] (+ thread: the thread
 *         a thread object stands for)
 *   lanes [{thread, spans: T, holds: T}]   T = columns of equal length:
 *         t (start minus the previous start), d (duration), s (state),
 *         o (object id), h (holder / joined thread, -1 none), k (stack id);
 *         spans do not overlap; holds are sorted by start, longest first
 *   marks [{thread, ts, kind, label, finding}]   finding = "deadlocks:0"...,
 *         kind = color class: "deadlock", "stall", "lock-order-inversion",
 *         "race", "misuse"; label = the finding's kind
 *   findings {deadlocks, races, misuse, contention}  as in the JSON report,
 *         with locks, threads and stacks given by id
 *   findings_note (optional), stacks {id: [[pc, function, file, line, module]]}
 *         (a Python frame: pc null, and a sixth element "python")
 */
#ifndef CTRACE_RENDER_HTML_H
#define CTRACE_RENDER_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ct_error.h"
#include "event_source.h"
#include "report.h"

#define RENDER_HTML_VERSION 1

/* One symbolized frame; strings may be NULL (borrowed). */
struct render_html_frame {
	uint64_t pc;
	const char *function;
	const char *file;
	uint32_t line;          /* 0 = unknown */
	const char *module;
	bool python;            /* a Python frame (function, .py file, line; no pc) */
};

/* Symbol lookups, provided by the command that owns a symbolizer. */
struct render_html_symbols {
	void *ctx;
	/* Fills up to MAX frames of catalog stack STACK, innermost first, and
	 * returns how many; strings stay valid until the page is written. */
	size_t (*stack)(void *ctx, uint32_t stack, struct render_html_frame *out, size_t max);
	/* The global variable holding object O ("g_lock"), or NULL. */
	const char *(*object_symbol)(void *ctx, const struct trace_object *o);
};

struct render_html_options {
	const struct report *report;          /* finalized findings, or NULL (borrowed) */
	const char *findings_note;            /* shown above the findings, or NULL */
	const struct render_html_symbols *symbols; /* NULL: the report's stacks,
	                                         else raw pcs */
	const char *title;                    /* NULL: the program's command line */
	/* Called every few thousand events (optional), as timeline_options. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

/* Writes the page for the events of SRC (read once, from where it stands)
 * to OUT. Threads still running or blocked at the end are shown until the
 * run ended (DIR/run.info), else until the last event. Returns 0, or a
 * negative errno with err filled (-EIO when OUT reports a write error,
 * -ENOMEM). */
int render_html(struct event_source *src, const struct render_html_options *opt,
		FILE *out, struct ct_error *err);

#endif
