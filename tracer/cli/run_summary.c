/* SPDX-License-Identifier: MIT */
/* run_summary.c - the end-of-run summary: what was recorded, what was
 * found, and where the trace is (one pass over the trace). */
#include "run_summary.h"

#include "read_progress.h"
#include "report_build.h"

void run_summary_print(const char *dir, FILE *out)
{
	struct read_progress progress;
	read_progress_init(&progress);
	struct report_build_options opt = { .progress = read_progress_update,
					    .progress_ctx = &progress };
	report_summary(dir, &opt, out);
	read_progress_finish(&progress);
	fprintf(out, "ctrace: trace in %s\n", dir);
}
