/* SPDX-License-Identifier: MIT */
/* progress.h - a one-line progress bar for long exports, drawn on a
 * terminal only (never into a file or a pipe), and erased when done. Its
 * update function fits the progress callbacks of timeline_options,
 * export_options, tui_options and export_ctf_progress. */
#ifndef CTRACE_PROGRESS_H
#define CTRACE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress_bar {
	FILE *out;             /* (borrowed) NULL = disabled */
	const char *label;     /* (borrowed) e.g. "export" */
	int last;              /* last percentage drawn, -1 = none */
	uint64_t last_done;    /* events at the last draw (unknown total) */
	bool shown;            /* something to erase */
};

/* Draws on OUT only if it is a terminal. */
void progress_bar_init(struct progress_bar *p, FILE *out, const char *label);
/* CTX is the struct progress_bar; TOTAL 0 = unknown (counts are shown). */
void progress_bar_update(void *ctx, uint64_t done, uint64_t total);
/* Erases the bar. */
void progress_bar_finish(struct progress_bar *p);

#endif
