/* SPDX-License-Identifier: MIT */
/* run_summary.c - the end-of-run summary: what was recorded and where. */
#include "run_summary.h"

#include "info_print.h"
#include "report_build.h"
#include "trace_reader.h"

void run_summary_print(const char *dir, FILE *out)
{
	struct ct_error err = { 0 };
	char line[1024];
	struct trace_reader *r = trace_reader_open(dir, 0, &err);
	if (!r) {
		fprintf(out, "ctrace: no trace in %s: %s\n", dir, ct_error_format(&err, line, sizeof line));
		return;
	}
	trace_reader_drain(r);
	fprintf(out, "ctrace: ");
	info_print_oneline(r, out);
	fprintf(out, "\nctrace: trace in %s\n", dir);
	if (trace_reader_error(r))
		fprintf(out, "ctrace: trace damaged: %s\n",
			ct_error_format(trace_reader_error(r), line, sizeof line));
	trace_reader_free(r);
	report_summary(dir, out);
}
