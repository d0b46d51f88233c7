/* SPDX-License-Identifier: MIT */
/* cmd_report.c - `ctrace report`: options, the report pipeline
 * (analyzers/report_build.h), the printer, the exit status of the contract:
 * 0 nothing found, 1 findings, 2 usage error or unreadable trace. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "print.h"
#include "read_progress.h"
#include "report_build.h"
#include "suppress.h"

static const char report_usage[] =
	"usage: ctrace report [--format=text|json|sarif] [--only=deadlocks,races,contention,misuse]\n"
	"                     [--suppressions=FILE] [--color=auto|always|never]\n"
	"                     [--stall-timeout=SECONDS] [--no-symbols] [--contention=all|N]\n"
	"                     [--max-memory=SIZE] DIR\n";

enum report_format { REPORT_FORMAT_TEXT, REPORT_FORMAT_JSON, REPORT_FORMAT_SARIF };

struct report_args {
	enum report_format format;
	unsigned only;
	const char *suppressions;
	const char *color;
	const char *dir;
	double stall_timeout_s;
	int no_symbols;
	size_t contention_top;     /* 0 = the format's default */
	uint64_t max_memory;       /* the race analysis's, bytes; 0 = its default */
};

static int report_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "ctrace: report: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", report_usage);
	return 2;
}

static int report_parse_format(const char *v, enum report_format *f)
{
	if (!strcmp(v, "text"))
		*f = REPORT_FORMAT_TEXT;
	else if (!strcmp(v, "json"))
		*f = REPORT_FORMAT_JSON;
	else if (!strcmp(v, "sarif"))
		*f = REPORT_FORMAT_SARIF;
	else
		return -1;
	return 0;
}

/* --contention=all (every lockstat) or N (the N with the most waiting). */
static int report_parse_contention(const char *v, size_t *top)
{
	char *end;
	if (!strcmp(v, "all")) {
		*top = PRINT_CONTENTION_ALL;
		return 0;
	}
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (*v < '1' || *v > '9' || *end || errno || n > SIZE_MAX - 1)
		return report_usage_error("bad --contention value '%s' (all, or how many lockstats)", v);
	*top = (size_t)n;
	return 0;
}

/* --max-memory=SIZE: bytes, or with a K, M, G or T suffix (powers of 1024). */
static int report_parse_memory(const char *v, uint64_t *bytes)
{
	char *end;
	errno = 0;
	double n = strtod(v, &end);
	const char *units = "KMGT", *u = *end ? strchr(units, *end & ~0x20) : NULL;
	double scale = u ? (double)(1ull << (10 * (u - units + 1))) : 1;
	if (errno || end == v || n <= 0 || (*end && (!u || end[1])) || n * scale >= 0x1p63)
		return report_usage_error("bad --max-memory value '%s' (bytes, or with K, M, G or T)", v);
	*bytes = (uint64_t)(n * scale);
	return 0;
}

static int report_parse_option(void *ctx, int c)
{
	struct report_args *a = ctx;
	struct ct_error err = { 0 };
	char *end;
	switch (c) {
	case 'f':
		if (report_parse_format(optarg, &a->format) < 0)
			return report_usage_error("unknown format '%s'", optarg);
		break;
	case 'O':
		if (analyzer_parse_only(optarg, &a->only, &err) < 0)
			return report_usage_error("%s", err.msg);
		break;
	case 'S':
		a->suppressions = optarg;
		break;
	case 'c':
		a->color = optarg;
		if (cmd_check_color("report", a->color))
			return fprintf(stderr, "%s", report_usage), 2;
		break;
	case 't':
		a->stall_timeout_s = strtod(optarg, &end);
		if (*end || a->stall_timeout_s <= 0)
			return report_usage_error("bad --stall-timeout value '%s'", optarg);
		break;
	case 'n':
		a->no_symbols = 1;
		break;
	case 'C':
		return report_parse_contention(optarg, &a->contention_top);
	case 'M':
		return report_parse_memory(optarg, &a->max_memory);
	}
	return 0;
}

static int report_parse_args(struct report_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "only", required_argument, NULL, 'O' },
		{ "suppressions", required_argument, NULL, 'S' },
		{ "color", required_argument, NULL, 'c' },
		{ "stall-timeout", required_argument, NULL, 't' },
		{ "no-symbols", no_argument, NULL, 'n' },
		{ "contention", required_argument, NULL, 'C' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cmd_options("report", argc, argv, "", longopts, report_usage, report_parse_option, a);
	return rc ? rc : cmd_trace_dir("report", argc, argv, report_usage, &a->dir);
}

static int report_print(const struct report_args *a, const struct report *r)
{
	struct print_options popt = { .contention_top = a->contention_top };
	popt.color = a->color && !strcmp(a->color, "always");
	if (!a->color || !strcmp(a->color, "auto"))
		popt.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	switch (a->format) {
	case REPORT_FORMAT_TEXT:
		return print_text(stdout, r, &popt);
	case REPORT_FORMAT_JSON:
		return print_json(stdout, r, &popt);
	case REPORT_FORMAT_SARIF:
		return print_sarif(stdout, r, &popt);
	}
	return -EINVAL;
}

static int report_run(const struct report_args *a, struct suppressions *supp)
{
	struct report_build_options opt = { .only = a->only, .suppressions = supp,
					    .no_symbols = a->no_symbols };
	struct ct_error err = { 0 };
	struct report r;
	char buf[1024];
	struct read_progress progress;
	opt.analysis.stall_timeout_ns = (uint64_t)(a->stall_timeout_s * 1e9);
	opt.analysis.race_memory = a->max_memory;
	read_progress_init(&progress);
	opt.progress = read_progress_update;
	opt.progress_ctx = &progress;
	report_init(&r);
	int rc = report_build(a->dir, &opt, &r, &err);
	read_progress_finish(&progress);
	if (rc < 0) {
		report_release(&r);
		return cmd_fail("report", "%s", ct_error_format(&err, buf, sizeof(buf)));
	}
	int status = report_findings(&r) ? 1 : 0;
	if (report_print(a, &r) < 0)
		status = 2;
	unsigned problems = r.trace.problems;
	if (r.trace.running_note)
		fprintf(stderr, "ctrace: report: note: %s\n", r.trace.running_note);
	report_release(&r);
	if (rc == REPORT_BUILD_PARTIAL)
		return cmd_damaged("report", &err, problems);
	return status;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { .format = REPORT_FORMAT_TEXT };
	struct suppressions supp = SUPPRESSIONS_INIT;
	struct ct_error err = { 0 };
	char buf[1024];
	int rc = report_parse_args(&a, argc, argv);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (a.suppressions && suppressions_load(&supp, a.suppressions, &err) < 0)
		return cmd_fail("report", "%s", ct_error_format(&err, buf, sizeof(buf)));
	rc = report_run(&a, &supp);
	suppressions_release(&supp);
	return rc;
}
