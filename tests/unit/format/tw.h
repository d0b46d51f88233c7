/* SPDX-License-Identifier: MIT */
/* tw.h - test helpers for the reader tests: write real traces through the
 * real writer (trace_writer.h) into a temporary directory, patch bytes of
 * the files, and read a trace back into an array of events. */
#ifndef CTRACE_TEST_TW_H
#define CTRACE_TEST_TW_H

#include "trace_reader.h"
#include "trace_writer.h"

#define TW_MAX_STREAMS 16

/* One process image being written. */
struct tw {
	struct trace_writer w;
	struct trace_stream *s[TW_MAX_STREAMS]; /* by thread index */
};

/* A fresh empty directory under $TMPDIR (or /tmp); returns its path (static
 * buffer of the caller: at least 256 bytes). */
void tw_mkdir(char *dir);
/* Removes the directory and everything in it. */
void tw_rmdir(const char *dir);

/* cmocka fixtures: a fresh tw_dir before each test, removed after. */
extern char tw_dir[256];
int tw_setup(void **state);
int tw_teardown(void **state);

/* Opens the writer of process PID in DIR (exe "/bin/prog", argv "prog a b"). */
void tw_open(struct tw *t, const char *dir, uint32_t pid, enum trace_clock clock);
/* The stream of thread index IDX (0 = main), created on first use. */
struct trace_stream *tw_stream(struct tw *t, uint32_t idx);
/* Closes the streams and the writer. */
void tw_close(struct tw *t);

/* Writes one record: op (may carry TRACE_OP_BEGIN), tick, key, seq. */
void tw_rec(struct tw *t, uint32_t idx, unsigned op, uint64_t tick, uint64_t key, uint64_t seq);
/* Writes a record with STACK on thread 0 (a SIGNAL: a call with a stack). */
void tw_stack_rec(struct tw *t, uint64_t tick, uint32_t stack);
/* Writes a full record. */
void tw_write(struct tw *t, uint32_t idx, const struct trace_rec *rec);

/* Writes the trace of process PID in DIR: thread 0 with N SIGNAL records,
 * args[0] = 0..N-1, ticks 100, 110, ... (the first 128 take 5 bytes, the
 * next 6); its last chunk left unsealed if UNSEALED (the thread stopped
 * inside it, as at a kill). */
void tw_signals(const char *dir, uint32_t pid, unsigned n, bool unsealed);

/* Path of the events file of PID (gen 0) in DIR, into buf. */
const char *tw_file(char *buf, size_t size, const char *dir, uint32_t pid);
/* Overwrites N bytes at OFF of FILE. */
void tw_patch(const char *file, uint64_t off, const void *bytes, size_t n);
/* Truncates FILE to SIZE. */
void tw_truncate(const char *file, uint64_t size);
/* Writes FILE with the given content. */
void tw_put_file(const char *file, const void *bytes, size_t n);

/* Reading back: every event (str copied into strs[i]). */
struct tw_events {
	struct trace_event *ev;
	char (*strs)[TRACE_STR_MAX + 1];
	size_t n, cap;
};

/* Opens DIR (not live), reads every event into out; returns the reader
 * (caller frees) or fails the test if it cannot be opened. */
struct trace_reader *tw_read(const char *dir, struct tw_events *out);
void tw_events_release(struct tw_events *e);
/* Appends ev to e. */
void tw_events_add(struct tw_events *e, const struct trace_event *ev);

#endif
