/* SPDX-License-Identifier: MIT */
/* export_ctf.h - `ctrace export --format=ctf`: a CTF 1.8 trace directory
 * that babeltrace2 and Trace Compass open, written by libbabeltrace2's
 * sink.ctf.fs from our source component (ctf_source.h). The events are
 * streamed: memory does not grow with the trace. docs/ctf.md describes the
 * result; viewer/tracecompass/ctrace-locks.xml analyzes it. */
#ifndef CTRACE_EXPORT_CTF_H
#define CTRACE_EXPORT_CTF_H

#include <stdint.h>

#include "ct_error.h"

struct event_source;

/* Called from time to time while exporting: events converted so far, and
 * the total if known (else 0). */
struct export_ctf_progress {
	void (*fn)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

/* Exports the trace directory TRACE_DIR to the CTF trace directory OUT_DIR
 * (created, with its parents; if it exists it must be an empty directory). Returns 0, or a
 * negative errno with err filled (unreadable trace, OUT_DIR not writable,
 * babeltrace2's ctf plugin missing). A damaged trace is exported up to the
 * damage: 0 is returned and err (if non-NULL; zero it first) names the first
 * problem, so err->msg[0] != 0 tells the caller to warn. */
int export_ctf(const char *trace_dir, const char *out_dir, struct ct_error *err);

/* The same from an event source (borrowed; read once from where it is).
 * PROGRESS may be NULL. */
int export_ctf_source(struct event_source *src, const char *out_dir,
		      const struct export_ctf_progress *progress, struct ct_error *err);

#endif
