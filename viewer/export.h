/* SPDX-License-Identifier: MIT */
/* export.h - `ctrace export --format=perfetto|chrome`: the timeline model
 * (timeline.h) written as a Perfetto protobuf trace (formats.md A) or a
 * Chrome JSON trace (formats.md B). Both stream: the source is read twice
 * (hot-lock scan, then the timeline) and nothing grows with the number of
 * events. CTF is export_ctf.h.
 *
 * Perfetto layout: one process track per process, one thread track per
 * thread (a "running" slice for its life, holds and waits nested in it),
 * child tracks ("<thread> lane N") for holds that overlap without nesting;
 * flows (flow_ids / terminating_flow_ids, fixed64) from each release that
 * unblocked a waiter to that waiter's hold, and from each message send to its
 * receive; counter tracks "waiters <lock>" for the hottest locks and
 * "depth <queue>" for message queues; findings as instants with debug
 * annotations (kind, message, symbolized stack). Timestamps are the trace's
 * CLOCK_MONOTONIC ns; event and annotation names are interned on the one
 * packet sequence. Track uuids are small and sequential (unique in the file,
 * not across files).
 *
 * Chrome JSON: {"traceEvents": [...], "otherData": {...}}; ts in µs since
 * the trace's start with ns precision; B/E for nested spans on a thread,
 * async b/e (cat "lock", id = span id) for holds on child lanes; flows s/f
 * (cat "flow", f with bp "e"); C counters; i instants; M names. */
#ifndef CTRACE_EXPORT_H
#define CTRACE_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ct_error.h"
#include "event_source.h"
#include "timeline.h"

struct export_options {
	const struct tl_names *names;      /* symbols (borrowed), NULL = pcs */
	const struct tl_finding *findings; /* shown as instants (borrowed) */
	size_t nfindings;
	unsigned hot_locks;                /* waiter counters, 0 = default */
	/* Optional: extra observer of the scan pass (findings computed there
	 * are taken from scan_done; see timeline_options). */
	void (*scan_event)(void *ctx, const struct trace_event *ev);
	void (*scan_done)(void *ctx, const struct tl_finding **f, size_t *n);
	void *scan_ctx;
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

/* Write the Perfetto / Chrome JSON trace of SRC to OUT. Return 0, or a
 * negative errno with err filled (-EIO when OUT reports a write error). A
 * damaged trace is exported up to the damage (see event_source_error()). */
int export_perfetto(struct event_source *src, FILE *out, const struct export_options *opt,
		    struct ct_error *err);
int export_chrome(struct event_source *src, FILE *out, const struct export_options *opt,
		  struct ct_error *err);

/* Shared by the exporters: timeline options from export options. */
void export_timeline_options(const struct export_options *opt, struct timeline_options *to);

#endif
