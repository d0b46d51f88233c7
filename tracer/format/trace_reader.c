/* SPDX-License-Identifier: MIT */
/* trace_reader.c - (being written) */
#include "trace_reader.h"

#include <stdlib.h>

struct trace_reader {
	struct trace_catalog cat;
};

struct trace_reader *trace_reader_open(const char *dir, unsigned flags, struct ct_error *err)
{
	(void)flags;
	ct_error_set(err, dir, -1, "reader not implemented yet");
	return NULL;
}

int trace_reader_next(struct trace_reader *r, struct trace_event *ev) { (void)r; (void)ev; return 0; }
void trace_reader_poll(struct trace_reader *r) { (void)r; }
const struct trace_catalog *trace_reader_catalog(const struct trace_reader *r) { return &r->cat; }
const struct ct_error *trace_reader_error(const struct trace_reader *r) { (void)r; return NULL; }
unsigned trace_reader_error_count(const struct trace_reader *r) { (void)r; return 0; }
uint64_t trace_reader_order_gaps(const struct trace_reader *r) { (void)r; return 0; }
uint64_t trace_reader_drain(struct trace_reader *r) { (void)r; return 0; }
void trace_reader_free(struct trace_reader *r) { free(r); }
