/* SPDX-License-Identifier: MIT */
/* trace_reader.h - streaming reader of a trace directory.
 *
 * Opens every process file of a trace directory, merges the per-thread
 * streams into one order (per object: the exact order of operations, from the
 * seq stamps; per thread: program order; otherwise time) and yields one
 * struct trace_event at a time. Memory is bounded by threads, objects and
 * stacks, never by events. Every record is validated; corrupted or truncated
 * input cuts that thread's stream at the bad record (the valid prefix is
 * still yielded) and is reported through trace_reader_error(). */
#ifndef CTRACE_TRACE_READER_H
#define CTRACE_TRACE_READER_H

#include "trace_event.h"
#include "ct_error.h"

struct trace_reader;

enum trace_reader_flags {
	TRACE_READER_LIVE = 1,     /* files may still grow: trace_reader_next returns
	                              TRACE_READER_AGAIN at the current end instead of
	                              ending; call trace_reader_poll() and retry */
	TRACE_READER_SNAPSHOT = 2, /* the program is still running: read what is
	                              written now, as a prefix of the run that later
	                              records cannot contradict: each thread up to its
	                              last published record, no order gap skipped (the
	                              missing record is an operation in progress: what
	                              follows it is left out). Set by trace_reader_open
	                              by itself when a process of the trace is still
	                              running (catalog.running). */
	TRACE_READER_NO_ACCESSES = 4, /* memory accesses (ACCESS events) are checked
	                              and counted in the catalog, not yielded: for
	                              readers that have no use for them */
};

/* Opens the trace directory DIR. Returns NULL and fills err (if non-NULL)
 * when DIR is not a readable ctrace trace (missing, empty, foreign). */
struct trace_reader *trace_reader_open(const char *dir, unsigned flags, struct ct_error *err);

/* Opens R's directory again for a second pass that yields exactly what R
 * yielded (R read to its end): the same processes, threads, stacks and
 * events, even if the program went on writing since. */
struct trace_reader *trace_reader_reopen(const struct trace_reader *r, struct ct_error *err);

enum trace_reader_status {
	TRACE_READER_EVENT = 1,  /* *ev is filled */
	TRACE_READER_DONE  = 0,  /* no more events */
	TRACE_READER_AGAIN = -1, /* LIVE: nothing new yet */
};

/* Yields the next event in merged order. ev->str stays valid until the next
 * call. Problems met on the way do not stop the stream (see below). */
int trace_reader_next(struct trace_reader *r, struct trace_event *ev);

/* After an ACCESS event: the accesses that follow it in its batch (the
 * same thread, process and time as that event), up to MAX into OUT, their
 * stacks catalog ids; 0 when the next event is anything else. The same
 * events trace_reader_next would yield one at a time, for readers of
 * millions of accesses. */
struct trace_access;
size_t trace_reader_next_accesses(struct trace_reader *r, struct trace_access *out, size_t max);

/* LIVE: looks for data written since the last call (new chunks, new files). */
void trace_reader_poll(struct trace_reader *r);

/* The pids of the trace's process images that are still running (alive,
 * not exited or exec'd, and mapping their events file: never a reused
 * pid), up to MAX of them into PIDS; returns how many. */
size_t trace_reader_running_pids(const struct trace_reader *r, int *pids, size_t max);

/* The catalog of processes, threads, objects and stacks known so far: threads
 * and processes are all known at open; objects and stacks (and thread names,
 * ends, counters) fill in as events are read. (borrowed) */
const struct trace_catalog *trace_reader_catalog(const struct trace_reader *r);

/* The first problem met (file, offset, reason), or NULL; and how many. A
 * trace with problems still yields everything that was valid. */
const struct ct_error *trace_reader_error(const struct trace_reader *r);
unsigned trace_reader_error_count(const struct trace_reader *r);

/* Order gaps: seq stamps taken but never written (a thread killed between
 * the operation and its record) that the merge had to skip. Not an error. */
uint64_t trace_reader_order_gaps(const struct trace_reader *r);

/* SNAPSHOT: events not yielded because they come after an operation still
 * in progress (an order stamp taken, its record not written yet). */
uint64_t trace_reader_withheld(const struct trace_reader *r);
/* Live: events wait behind an operation whose record is not read yet (an
 * order stamp taken, the record still to come): what was yielded is not
 * all the program did up to now. */
bool trace_reader_parked(const struct trace_reader *r);

/* Reads the whole trace once, filling the catalog (for commands that only
 * need counts). Returns the number of events. */
uint64_t trace_reader_drain(struct trace_reader *r);

void trace_reader_free(struct trace_reader *r);

#endif
