/* SPDX-License-Identifier: MIT */
/* render_tui.h - `ctrace timeline`: the timeline in a terminal. One row per
 * thread, one character per time column: Unicode blocks per state (colored
 * on a terminal, plain otherwise), a lock's letter where a hold or wait of
 * it begins, '!' where a finding is; a time axis, a legend, the locks by
 * letter (symbol or address) and the findings of the window.
 *
 * A column shows the state that covers most of its time, waits counting
 * four times and holds twice, so that short contention stays visible. */
#ifndef CTRACE_RENDER_TUI_H
#define CTRACE_RENDER_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ct_error.h"
#include "event_source.h"
#include "timeline.h"

#define TUI_DEFAULT_WIDTH 100
#define TUI_MIN_COLUMNS 10

struct tui_options {
	uint64_t from_ns;          /* window start, ns after the trace start */
	uint64_t to_ns;            /* window end, ns after the start; 0 = end */
	unsigned width;            /* characters per line, 0 = TUI_DEFAULT_WIDTH */
	bool color;                /* ANSI colors */
	const struct tl_names *names;      /* symbols (borrowed), NULL = addresses */
	const struct tl_finding *findings; /* marked (borrowed) */
	size_t nfindings;
	/* scan-pass hooks and progress, as in timeline_options */
	void (*scan_event)(void *ctx, const struct trace_event *ev);
	void (*scan_done)(void *ctx, const struct tl_finding **f, size_t *n);
	void *scan_ctx;
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

/* Renders SRC's timeline to OUT. Returns 0, or a negative errno with err
 * filled (-EINVAL: empty window; -EIO: OUT failed). */
int render_tui(struct event_source *src, const struct tui_options *opt, FILE *out,
	       struct ct_error *err);

/* Parses a time like "250ms", "1.5s", "20us", "300ns" (a bare number is ns)
 * into *ns. Returns 0 or -EINVAL. */
int tui_parse_time(const char *s, uint64_t *ns);

/* Formats NS compactly ("0", "750ns", "1.5us", "20ms", "2.25s") into buf. */
const char *tui_format_time(uint64_t ns, char *buf, size_t size);

#endif
