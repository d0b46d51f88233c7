/* SPDX-License-Identifier: MIT */
/* cmd_info.c - `ctrace info [--format=text|json] DIR`: what a trace holds. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "info_print.h"
#include "trace_reader.h"

static const char info_usage[] = "usage: ctrace info [--format=text|json] DIR";

int cmd_info(int argc, char **argv)
{
	const char *format = "text", *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return puts(info_usage), 0;
		else if (argv[i][0] == '-' || dir)
			return cmd_fail("info", "%s", info_usage);
		else
			dir = argv[i];
	}
	if (!dir || (strcmp(format, "text") && strcmp(format, "json")))
		return cmd_fail("info", "%s", info_usage);
	struct ct_error err = { 0 };
	char line[1024];
	struct trace_reader *r = trace_reader_open(dir, 0, &err);
	if (!r)
		return cmd_fail("info", "%s", ct_error_format(&err, line, sizeof line));
	trace_reader_drain(r);
	if (!strcmp(format, "json"))
		info_print_json(r, stdout);
	else
		info_print_text(r, stdout);
	int status = 0;
	if (trace_reader_error(r)) {
		status = cmd_fail("info", "%s", ct_error_format(trace_reader_error(r), line, sizeof line));
		if (trace_reader_error_count(r) > 1)
			fprintf(stderr, "ctrace: info: (%u problems in all)\n", trace_reader_error_count(r));
	}
	trace_reader_free(r);
	return status;
}
