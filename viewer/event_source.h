/* SPDX-License-Identifier: MIT */
/* event_source.h - one stream of trace events plus its catalog, whether it
 * comes from a trace directory (through struct trace_reader) or from an
 * in-memory array (unit tests, fake_trace). Every viewer and exporter reads
 * through this, so the same code runs on real and synthetic traces.
 *
 * Life cycle: event_source_open() / event_source_from_reader() /
 * event_source_from_array(), then event_source_next() until it returns 0,
 * then event_source_release(). event_source_rewind() starts over (a reader is
 * reopened), for renderers that need two passes; memory never grows with the
 * number of events. */
#ifndef CTRACE_EVENT_SOURCE_H
#define CTRACE_EVENT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct_error.h"
#include "trace_event.h"
#include "trace_reader.h"

/* All fields are private: use the functions below. Embed it by value. */
struct event_source {
	struct trace_reader *reader;      /* reader mode (owned if owns_reader) */
	struct trace_reader *full;        /* (owned) a fully read earlier pass:
	                                     serves the complete catalog */
	bool owns_reader;
	char *dir;                        /* (owned) for rewinding an opened reader */
	const struct trace_catalog *cat;  /* array mode (borrowed) */
	const struct trace_event *events; /* array mode (borrowed) */
	size_t nevents;
	uint64_t pos;                     /* events yielded since the (re)start */
	uint64_t total;                   /* events in the whole stream, 0 = unknown */
};

/* Opens the trace directory DIR; the source owns its reader. Returns 0, or a
 * negative errno and fills err (DIR missing or not a ctrace trace). */
int event_source_open(struct event_source *src, const char *dir, struct ct_error *err);

/* Reads from R (borrowed: the caller frees it after event_source_release).
 * Such a source cannot be rewound. */
void event_source_from_reader(struct event_source *src, struct trace_reader *r);

/* Reads the N events of EV (in merged order) with catalog CAT; both borrowed
 * and left untouched. total is known (N). */
void event_source_from_array(struct event_source *src, const struct trace_catalog *cat,
			     const struct trace_event *ev, size_t n);

/* The next event into *ev: returns 1 if filled, 0 at the end. ev->str stays
 * valid until the next call. A damaged trace ends early; see
 * event_source_error(). */
int event_source_next(struct event_source *src, struct trace_event *ev);

/* The catalog (borrowed). From a reader it fills in as events are read:
 * threads and processes are complete from the start, objects, stacks and
 * thread names grow (see trace_reader.h). After a full pass, or after
 * event_source_rewind(), it is complete. */
const struct trace_catalog *event_source_catalog(const struct event_source *src);

/* Starts the stream over from its first event. For an opened directory the
 * reader is reopened after a full read of the old one, so the catalog stays
 * complete and total becomes known. Returns 0, or a negative errno with err
 * filled (-ENOTSUP for a borrowed reader). */
int event_source_rewind(struct event_source *src, struct ct_error *err);

/* Whether event_source_rewind() can work (arrays and opened directories). */
bool event_source_can_rewind(const struct event_source *src);

/* When the run ended: the end `ctrace run` recorded in DIR/run.info (the
 * program exited, crashed or was ended by the hang watchdog, possibly long
 * after its last event), else the trace's own end. A thread still running or
 * blocked at the end of the trace is shown so until then; the hang analyzer
 * measures its wait_ns up to the same time. */
uint64_t event_source_end_ns(const struct event_source *src);

/* Events yielded since the start or the last rewind. */
uint64_t event_source_position(const struct event_source *src);

/* Events in the whole stream if known (arrays; a directory after a rewind),
 * else 0. With event_source_position() this drives a progress bar. */
uint64_t event_source_total(const struct event_source *src);

/* The first problem the reader met (file, offset, reason), or NULL. */
const struct ct_error *event_source_error(const struct event_source *src);

/* How many problems the reader met (0: the trace is sound); the first is
 * copied into *first (it outlives the source). */
unsigned event_source_damage(const struct event_source *src, struct ct_error *first);

/* Frees what the source owns (an opened reader); the struct may be reused. */
void event_source_release(struct event_source *src);

#endif
