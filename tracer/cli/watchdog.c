/* SPDX-License-Identifier: MIT */
/* watchdog.c - live hang detection for `ctrace run`. */
#include "watchdog.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hang.h"
#include "print.h"
#include "report_resolve.h"
#include "symbolize.h"
#include "trace_reader.h"
#include "trace_writer.h"

struct watchdog {
	const char *dir;
	uint64_t stall_ns;
	struct trace_reader *reader;    /* opened once the program has written */
	struct hang_detector *hang;
	bool reported;
};

struct watchdog *watchdog_new(const char *dir, double stall_timeout_s)
{
	struct watchdog *wd = calloc(1, sizeof *wd);
	if (!wd)
		return NULL;
	wd->dir = dir;
	wd->stall_ns = (uint64_t)(stall_timeout_s * 1e9);
	return wd;
}

static bool attach(struct watchdog *wd)
{
	if (wd->reader)
		return true;
	wd->reader = trace_reader_open(wd->dir, TRACE_READER_LIVE, NULL);
	if (!wd->reader)
		return false;
	wd->hang = hang_detector_new(trace_reader_catalog(wd->reader));
	return wd->hang != NULL;
}

/* The hang report, the moment it is seen (the program is still there):
 * symbolized text on OUT, and the JSON in DIR/hang.json. */
static void watchdog_print(struct watchdog *wd, struct report *rep, FILE *out)
{
	struct symbolizer *sym = symbolizer_new(trace_reader_catalog(wd->reader));
	struct report_symbols names;
	report_symbols_from_symbolizer(&names, sym);
	report_resolve(rep, trace_reader_catalog(wd->reader), &names);
	report_finalize(rep);
	struct print_options opt = { .color = isatty(fileno(out)) };
	print_text(out, rep, &opt);
	fflush(out);
	char path[4096];
	snprintf(path, sizeof path, "%s/hang.json", wd->dir);
	FILE *f = fopen(path, "w");
	if (f) {
		print_json(f, rep, &(struct print_options){ .json_indent = 2 });
		fclose(f);
	}
	symbolizer_free(sym);
}

bool watchdog_check(struct watchdog *wd, FILE *out)
{
	if (!wd || wd->reported || !attach(wd))
		return false;
	trace_reader_poll(wd->reader);
	struct trace_event ev;
	while (trace_reader_next(wd->reader, &ev) == TRACE_READER_EVENT)
		hang_detector_feed(wd->hang, &ev);
	struct report rep;
	report_init(&rep);
	bool hung = hang_detector_check(wd->hang, trace_mono_ns(), wd->stall_ns, &rep) > 0;
	if (hung) {
		wd->reported = true;
		watchdog_print(wd, &rep, out);
	}
	report_release(&rep);
	return hung;
}

void watchdog_free(struct watchdog *wd)
{
	if (!wd)
		return;
	hang_detector_free(wd->hang);
	trace_reader_free(wd->reader);
	free(wd);
}
