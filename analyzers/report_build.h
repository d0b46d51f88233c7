/* SPDX-License-Identifier: MIT */
/* report_build.h - the whole `ctrace report` pipeline as a library call:
 * read a trace directory once, feed every selected analyzer in one streaming
 * pass, symbolize, apply suppressions, fold and sort. Also the end-of-run
 * summary `ctrace run` prints. */
#ifndef CTRACE_REPORT_BUILD_H
#define CTRACE_REPORT_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "ct_error.h"
#include "report.h"
#include "suppress.h"

struct report_build_options {
	unsigned only;                     /* enum analyzer_category mask, 0 = all */
	struct suppressions *suppressions; /* (borrowed) NULL = none; hits are counted */
	struct analysis_options analysis;
	bool no_symbols;                   /* skip symbolization (raw pcs) */
	/* Called every so often while reading: bytes of records decoded so
	 * far, of about total (0 = unknown). NULL = no progress. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

enum report_build_status {
	REPORT_BUILD_OK = 0,
	REPORT_BUILD_PARTIAL = 1,  /* read with problems: out is the report of what
	                              was valid, err names the first problem */
};

/* Builds the report of trace directory DIR into out (report_init'ed by the
 * caller). Returns REPORT_BUILD_OK, REPORT_BUILD_PARTIAL, or a negative
 * errno when DIR is not a readable trace (err filled, out left empty). */
int report_build(const char *dir, const struct report_build_options *opt, struct report *out,
		 struct ct_error *err);

/* Prints the few-line summary of DIR's findings to out (for `ctrace run`),
 * with OPT's progress callback if not NULL. Returns 1 if there are findings
 * (deadlock, race, misuse), 0 if none, 2 if DIR could not be read (a line
 * on out says why). */
int report_summary(const char *dir, const struct report_build_options *opt, FILE *out);

#endif
