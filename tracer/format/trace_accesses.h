/* SPDX-License-Identifier: MIT */
/* trace_accesses.h - TRACE_OP_ACCESSES, a batch of one thread's memory
 * accesses (trace_format.h, "Accesses"): the writer's encoder (used by the
 * shim) and the reader's decoder of one access at a time. */
#ifndef CTRACE_TRACE_ACCESSES_H
#define CTRACE_TRACE_ACCESSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_writer.h"

struct trace_access {
	uint64_t addr;
	uint64_t size;
	uint32_t flags;             /* enum trace_access_flags */
	uint32_t stack;             /* process stack id, 0 = none */
};

/* The decoding state of one batch: the deltas run from here. */
struct trace_access_state {
	uint64_t addr;
	uint32_t stack;
};

/* Writes A[0..N) as ACCESSES records at TICK (as many records as their
 * size needs). Returns how many accesses were written: fewer than N when
 * the stream had no room (those are dropped, counted per record). */
size_t trace_stream_write_accesses(struct trace_stream *s, uint64_t tick,
				   const struct trace_access *a, size_t n);

/* Decodes the access at *p (before end) into *out and advances *p: true,
 * or false if it is malformed or runs past end. */
bool trace_access_decode(const uint8_t **p, const uint8_t *end, struct trace_access_state *st,
			 struct trace_access *out);

/* Parses an ACCESSES record's body after the tick delta: its count, and
 * checks every access; *p is left at its first access, *end_out at the
 * record's end. False if it is malformed. */
bool trace_accesses_check(const uint8_t **p, const uint8_t *end, uint32_t *count,
			  const uint8_t **end_out);

#endif
