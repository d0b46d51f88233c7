/* SPDX-License-Identifier: MIT */
/* run_summary.c - the end-of-run summary: what was recorded, what was
 * found, and where the trace is (one pass over the trace). */
#include "run_summary.h"

#include "report_build.h"

void run_summary_print(const char *dir, FILE *out)
{
	report_summary(dir, out);
	fprintf(out, "ctrace: trace in %s\n", dir);
}
