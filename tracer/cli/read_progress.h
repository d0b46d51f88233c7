/* SPDX-License-Identifier: MIT */
/* read_progress.h - "ctrace: reading trace  42%" on stderr while a long
 * trace is analyzed (`ctrace report`, the end-of-run summary of `ctrace
 * run`), drawn in place on a terminal only and erased when done. */
#ifndef CTRACE_READ_PROGRESS_H
#define CTRACE_READ_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct read_progress {
	bool enabled;          /* stderr is a terminal */
	bool shown;            /* a line to erase */
};

void read_progress_init(struct read_progress *p);
/* A report_build_options progress callback; CTX is the struct read_progress.
 * The last call (DONE >= TOTAL: the trace is read) erases the line. */
void read_progress_update(void *ctx, uint64_t done, uint64_t total);
/* Erases the line, if one was drawn. */
void read_progress_finish(struct read_progress *p);

#endif
