/* SPDX-License-Identifier: MIT */
/* print.h - the report printers: text for people (TSan-like), JSON (the
 * contract's schema), SARIF 2.1.0 for code scanning, and the few-line
 * summary `ctrace run` ends with. They only format a resolved, finalized
 * report (report_resolve + report_finalize): no analysis, no sorting, no
 * symbolization here. Each returns 0, or -EIO if writing failed. */
#ifndef CTRACE_PRINT_H
#define CTRACE_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* print_options.contention_top: every lockstat. */
#define PRINT_CONTENTION_ALL SIZE_MAX
#define PRINT_TEXT_CONTENTION_TOP 10    /* per part: locks, then other waits */
#define PRINT_JSON_CONTENTION_TOP 100

struct print_options {
	bool color;                /* text: ANSI colors (the caller decides: tty, --color) */
	size_t contention_top;     /* text, JSON: the first lockstats shown (the report
	                              sorts them by wait), the rest counted in a note;
	                              0 = the format's default (above) */
	const char *tool_version;  /* SARIF driver version, NULL = "0.1" */
	int json_indent;           /* JSON/SARIF: spaces per level, 0 = compact */
};

int print_text(FILE *out, const struct report *r, const struct print_options *opt);
int print_json(FILE *out, const struct report *r, const struct print_options *opt);
int print_sarif(FILE *out, const struct report *r, const struct print_options *opt);
/* A few lines: counts per finding kind and the most contended lock. */
int print_summary(FILE *out, const struct report *r, const struct print_options *opt);

#endif
