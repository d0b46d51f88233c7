/* SPDX-License-Identifier: MIT */
/* report_json.h - the findings of a report as JSON objects (the deadlock,
 * race and misuse objects of contract.md), written by one walker for every
 * place that serializes them: the JSON report (print_json.c) and the page
 * of `ctrace view` (viewer/render_html_json.c). How a lock or a stack is
 * written is the caller's: whole objects in the report, ids into tables on
 * the page. The report must be resolved (report_resolve). */
#ifndef CTRACE_REPORT_JSON_H
#define CTRACE_REPORT_JSON_H

#include <stdint.h>

#include "json_writer.h"
#include "report.h"

struct report_json_refs {
	void *ctx;
	/* Writes the value for lock ID (0: null). */
	void (*lock)(void *ctx, struct json_writer *w, uint32_t id);
	/* Writes the value for stack ID (0: none). */
	void (*stack)(void *ctx, struct json_writer *w, uint32_t id);
};

/* KEY: thread id ID, or null for TRACE_NONE. */
void report_json_thread(struct json_writer *w, const char *key, uint32_t id);

/* Each writes one JSON object (a value: the caller wrote the key, or is in
 * an array). */
void report_json_deadlock(struct json_writer *w, const struct report_deadlock *d,
			  const struct report_json_refs *refs);
void report_json_race(struct json_writer *w, const struct report_race *x,
		      const struct report_json_refs *refs);
void report_json_misuse(struct json_writer *w, const struct report_misuse *m,
			const struct report_json_refs *refs);

#endif
