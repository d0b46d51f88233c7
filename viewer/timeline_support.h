/* SPDX-License-Identifier: MIT */
/* timeline_support.h - what commands plug into the timeline renderers:
 * symbol lookups through the real symbolizer (analyzers/symbolize.h), with
 * a per-stack text cache; and the analyzers' findings (analyzers/report.h)
 * as timeline findings. Kept apart from timeline.h so that the model and
 * renderers never depend on the analyzers. */
#ifndef CTRACE_TIMELINE_SUPPORT_H
#define CTRACE_TIMELINE_SUPPORT_H

#include <stddef.h>

#include "report.h"
#include "timeline.h"

struct tl_symbols;

/* A symbolizer over CAT (borrowed; it must outlive the result). Never
 * fails: without maps or debug info, stacks are pcs and modules. */
struct tl_symbols *tl_symbols_new(const struct trace_catalog *cat);
/* Names that read from it (borrowed, valid until tl_symbols_free). Stack
 * texts are "function file:line" per frame ("0xpc module" when unknown). */
const struct tl_names *tl_symbols_names(struct tl_symbols *s);
void tl_symbols_free(struct tl_symbols *s);
/* Its symbolizer (borrowed). */
struct symbolizer *tl_symbols_symbolizer(struct tl_symbols *s);
/* The page's symbol lookups (render_html.h) reading from symbolizer S
 * (borrowed): its stacks, and its object labels (symbolizer_object_label). */
struct render_html_symbols;
void tl_symbols_for_html(struct render_html_symbols *out, struct symbolizer *s);

/* Findings for a timeline; owns every string. */
struct tl_findings {
	struct tl_finding *v;
	size_t n, cap;
	char **strings;        /* (owned) messages */
	size_t nstrings;
};

/* The finding of edge E of deadlock D (no message): its thread, placed
 * where it acquires (lock order) or, in a real hang or a stall, when its wait
 * began (before_end_ns = the edge's wait_ns: see timeline_set_end). */
/* Access K (0 the later, 1 the earlier) of race I of a report: at its
 * time, on its thread, with a flow from the earlier access to the later. */
struct tl_finding tl_finding_from_race(const struct report_race *x, size_t i, size_t k);
struct tl_finding tl_finding_from_edge(const struct report_deadlock *d,
				       const struct report_edge *e);

/* One finding per thread involved, from a finalized report R: each edge of a
 * deadlock cycle (placed where that thread acquires or waits), each misuse
 * (at its call), each access of a race. Returns 0 or -ENOMEM. */
int tl_findings_from_report(struct tl_findings *out, const struct report *r);
void tl_findings_release(struct tl_findings *f);

/* The analyzers (deadlocks, misuse, races) run in the timeline's scan pass,
 * their report becoming the timeline's findings: point the scan_event /
 * scan_done / scan_ctx hooks of timeline_options (or export_options,
 * tui_options) at tl_analysis_scan_event / tl_analysis_scan_done and A. */
struct tl_analysis;
/* CAT and SYM (may be NULL: no symbols in lock names) are borrowed. */
struct tl_analysis *tl_analysis_new(const struct trace_catalog *cat, struct tl_symbols *sym);
void tl_analysis_scan_event(void *ctx, const struct trace_event *ev);
void tl_analysis_scan_done(void *ctx, const struct tl_finding **f, size_t *n);
/* The finalized report, after the scan (borrowed). */
const struct report *tl_analysis_report(const struct tl_analysis *a);
void tl_analysis_free(struct tl_analysis *a);

#endif
