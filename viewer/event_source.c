/* SPDX-License-Identifier: MIT */
/* event_source.c - events from a trace reader or from an in-memory array,
 * behind one interface. Nothing here interprets the events. */
#include "event_source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int event_source_open(struct event_source *src, const char *dir, struct ct_error *err)
{
	memset(src, 0, sizeof *src);
	src->reader = trace_reader_open(dir, 0, err);
	if (!src->reader)
		return -ENOENT;
	src->dir = strdup(dir);
	if (!src->dir) {
		trace_reader_free(src->reader);
		src->reader = NULL;
		ct_error_set(err, dir, -1, "out of memory");
		return -ENOMEM;
	}
	src->owns_reader = true;
	return 0;
}

void event_source_from_reader(struct event_source *src, struct trace_reader *r)
{
	memset(src, 0, sizeof *src);
	src->reader = r;
}

void event_source_from_array(struct event_source *src, const struct trace_catalog *cat,
			     const struct trace_event *ev, size_t n)
{
	memset(src, 0, sizeof *src);
	src->cat = cat;
	src->events = ev;
	src->nevents = n;
	src->total = n;
}

int event_source_next(struct event_source *src, struct trace_event *ev)
{
	if (!src->reader) {
		if (src->pos >= src->nevents)
			return 0;
		*ev = src->events[src->pos++];
		return 1;
	}
	if (trace_reader_next(src->reader, ev) != TRACE_READER_EVENT)
		return 0;
	src->pos++;
	return 1;
}

const struct trace_catalog *event_source_catalog(const struct event_source *src)
{
	if (src->full)
		return trace_reader_catalog(src->full);
	if (src->reader)
		return trace_reader_catalog(src->reader);
	return src->cat;
}

/* The reader being rewound is read to its end first: its catalog is then
 * complete and stays as the source's catalog (ids are assigned in merged
 * order, so the second pass, which reads no more than the first even if
 * the program is still writing, yields the same ids). */
int event_source_rewind(struct event_source *src, struct ct_error *err)
{
	if (!src->reader) {
		src->pos = 0;
		return 0;
	}
	if (!src->owns_reader) {
		ct_error_set(err, "", -1, "cannot rewind a borrowed reader");
		return -ENOTSUP;
	}
	if (!src->full) {
		src->total = src->pos + trace_reader_drain(src->reader);
		src->full = src->reader;
	} else {
		trace_reader_free(src->reader);
	}
	src->reader = trace_reader_reopen(src->full, err);
	if (!src->reader)
		return -EIO;
	src->pos = 0;
	return 0;
}

bool event_source_can_rewind(const struct event_source *src)
{
	return !src->reader || src->owns_reader;
}

uint64_t event_source_end_ns(const struct event_source *src)
{
	const struct trace_catalog *cat = event_source_catalog(src);
	if (cat->running && cat->read_ns > cat->end_ns)
		return cat->read_ns;  /* still running: calls in progress until read */
	if (cat->run.present && cat->run.end_ns > cat->end_ns)
		return cat->run.end_ns;
	return cat->end_ns;
}

uint64_t event_source_position(const struct event_source *src)
{
	return src->pos;
}

uint64_t event_source_total(const struct event_source *src)
{
	return src->total;
}

/* The reader whose problems count: a full earlier pass saw them all. */
static const struct trace_reader *damage_reader(const struct event_source *src)
{
	return src->full && trace_reader_error(src->full) ? src->full : src->reader;
}

const struct ct_error *event_source_error(const struct event_source *src)
{
	const struct trace_reader *r = damage_reader(src);
	return r ? trace_reader_error(r) : NULL;
}

unsigned event_source_damage(const struct event_source *src, struct ct_error *first)
{
	const struct ct_error *e = event_source_error(src);
	if (!e)
		return 0;
	*first = *e;
	return trace_reader_error_count(damage_reader(src));
}

void event_source_release(struct event_source *src)
{
	if (src->owns_reader && src->reader)
		trace_reader_free(src->reader);
	if (src->full)
		trace_reader_free(src->full);
	free(src->dir);
	memset(src, 0, sizeof *src);
}
