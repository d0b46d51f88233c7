/* SPDX-License-Identifier: MIT */
/* cmd_info.c - `ctrace info [--format=text|json] DIR`: what a trace holds. */
#include "cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "info_print.h"
#include "trace_reader.h"

static const char info_usage[] = "usage: ctrace info [--format=text|json] DIR";

static int info_option(void *ctx, int c)
{
	(void)c;  /* --format only */
	*(const char **)ctx = optarg;
	return 0;
}

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "text", *dir;
	int rc = cmd_options("info", argc, argv, "", longopts, info_usage, info_option, &format);
	if (rc || (rc = cmd_trace_dir("info", argc, argv, info_usage, &dir)))
		return rc == 1 ? 0 : rc;
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cmd_fail("info", "%s", info_usage);
	struct ct_error err = { 0 };
	char line[1024];
	struct trace_reader *r = trace_reader_open(dir, TRACE_READER_NO_ACCESSES, &err);
	if (!r)
		return cmd_fail("info", "%s", ct_error_format(&err, line, sizeof line));
	trace_reader_drain(r);
	if (!strcmp(format, "json"))
		info_print_json(r, stdout);
	else
		info_print_text(r, stdout);
	int status = 0;
	cmd_note_running("info", trace_reader_catalog(r));
	if (trace_reader_error(r))
		status = cmd_damaged("info", trace_reader_error(r), trace_reader_error_count(r));
	trace_reader_free(r);
	return status;
}
