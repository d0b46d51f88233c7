/* SPDX-License-Identifier: MIT */
/* report_build.c - reader -> analyzers -> resolve (symbolizer) ->
 * suppressions -> finalize, in one streaming pass (see report_build.h). */
#include "report_build.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

#include "print.h"
#include "report_resolve.h"
#include "symbolize.h"
#include "trace_reader.h"

#define REPORT_PROGRESS_EVERY 65536

static uint64_t report_trace_size(const struct trace_catalog *cat)
{
	uint64_t total = 0;
	struct stat st;
	for (uint32_t i = 0; i < cat->nprocesses; i++)
		if (cat->processes[i].file && stat(cat->processes[i].file, &st) == 0)
			total += (uint64_t)st.st_size;
	return total;
}

static void report_read_all(struct trace_reader *rd, struct analysis *an,
			    const struct report_build_options *opt)
{
	const struct trace_catalog *cat = trace_reader_catalog(rd);
	uint64_t total = opt->progress ? report_trace_size(cat) : 0;
	uint64_t n = 0, next_progress = REPORT_PROGRESS_EVERY;
	struct trace_event ev;
	struct trace_access more[256];
	while (trace_reader_next(rd, &ev) == TRACE_READER_EVENT) {
		analysis_feed(an, &ev);
		n++;
		/* the rest of an access batch at once: most of a `ctrace cc` trace */
		for (size_t k; ev.op == TRACE_OP_ACCESS && (k = trace_reader_next_accesses(rd, more, 256)); n += k)
			analysis_feed_accesses(an, &ev, more, k);
		if (opt->progress && n >= next_progress) {
			opt->progress(opt->progress_ctx, cat->record_bytes, total);
			next_progress = n + REPORT_PROGRESS_EVERY;
		}
	}
	if (opt->progress)
		opt->progress(opt->progress_ctx, total, total);
}

static void report_symbolize(struct report *out, const struct trace_catalog *cat, bool no_symbols)
{
	if (no_symbols) {
		report_resolve(out, cat, NULL);
		return;
	}
	struct symbolizer *sym = symbolizer_new(cat);
	struct report_symbols rs;
	report_symbols_from_symbolizer(&rs, sym);
	report_resolve(out, cat, &rs);
	symbolizer_free(sym);
}

/* No process of the trace had two threads, and none runs on: nothing can
 * race, and the memory accesses are only counted, not read. */
static bool one_thread_each(const struct trace_catalog *cat)
{
	if (cat->running)
		return false;
	for (uint32_t i = 0; i < cat->nprocesses; i++)
		if (cat->processes[i].nthreads > 1)
			return false;
	return true;
}

int report_build(const char *dir, const struct report_build_options *opt, struct report *out,
		 struct ct_error *err)
{
	static const struct report_build_options defaults = { 0 };
	if (!opt)
		opt = &defaults;
	unsigned only = opt->only ? opt->only : ANALYZER_ALL;
	struct trace_reader *rd = trace_reader_open(dir, only & ANALYZER_RACES ? 0 : TRACE_READER_NO_ACCESSES,
						    err);
	if (rd && (only & ANALYZER_RACES) && one_thread_each(trace_reader_catalog(rd))) {
		trace_reader_free(rd);
		rd = trace_reader_open(dir, TRACE_READER_NO_ACCESSES, err);
	}
	if (!rd)
		return -ENOENT;
	const struct trace_catalog *cat = trace_reader_catalog(rd);
	struct analysis *an = analysis_new(cat, only, &opt->analysis);
	report_read_all(rd, an, opt);
	analysis_finish(an, out);
	analysis_free(an);
	report_symbolize(out, cat, opt->no_symbols);
	int status = REPORT_BUILD_OK;
	const struct ct_error *problem = trace_reader_error(rd);
	out->trace.problems = trace_reader_error_count(rd);
	if (problem) {
		char buf[1024];
		report_add_note(out, "the trace is damaged (%u problem%s; the report covers what was valid): %s",
				trace_reader_error_count(rd), trace_reader_error_count(rd) == 1 ? "" : "s",
				ct_error_format(problem, buf, sizeof(buf)));
		if (err)
			*err = *problem;
		status = REPORT_BUILD_PARTIAL;
	}
	uint64_t unrecorded = trace_reader_order_gaps(rd);
	if (unrecorded) {
		char why[160];
		if (cat->dropped)   /* lost with them (a full disk) */
			snprintf(why, sizeof why, "lost with the %" PRIu64 " dropped events, or inside "
				 "the call when the process ended", cat->dropped);
		else
			snprintf(why, sizeof why, "%s inside the call when the process ended or was "
				 "killed (a thread still running at exit)",
				 unrecorded == 1 ? "its thread was" : "their threads were");
		report_add_note(out, "%" PRIu64 " operation%s no record: %s; the order around %s inferred",
				unrecorded, unrecorded == 1 ? " has" : "s have", why,
				unrecorded == 1 ? "it was" : "them was");
	}
	if (trace_reader_withheld(rd))
		report_add_note(out, "%" PRIu64 " thread%s read up to an operation in progress "
				"(its record not written yet)", trace_reader_withheld(rd),
				trace_reader_withheld(rd) == 1 ? " was" : "s were");
	if (opt->suppressions)
		suppressions_apply(opt->suppressions, out);
	report_finalize(out);
	trace_reader_free(rd);
	return status;
}

int report_summary(const char *dir, const struct report_build_options *opt, FILE *out)
{
	struct report r;
	struct ct_error err = { 0 };
	char buf[1024];
	report_init(&r);
	int rc = report_build(dir, opt, &r, &err);
	if (rc < 0) {
		fprintf(out, "ctrace: cannot analyze the trace: %s\n", ct_error_format(&err, buf, sizeof(buf)));
		report_release(&r);
		return 2;
	}
	print_summary(out, &r, NULL);
	if (rc == REPORT_BUILD_PARTIAL)
		fprintf(out, "ctrace: the trace is damaged: %s\n", ct_error_format(&err, buf, sizeof(buf)));
	if (report_findings(&r) || report_note_findings(&r) || r.nlockstats)
		fprintf(out, "ctrace: details: ctrace report %s\n", dir);
	int status = report_findings(&r) ? 1 : 0;
	report_release(&r);
	return status;
}
