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

/* An ACCESSES record written in place, one access at a time (the shim's
 * batch of the current interval): it holds the stream's position, so it
 * must be closed before any other record of the stream is written. */
struct trace_access_batch {
	uint8_t *count_at;          /* NULL: none open */
	uint8_t *p;                 /* where the next access goes */
	uint8_t *limit;             /* no access starts beyond */
	uint64_t tick;              /* its tick, the stream's last once published */
	uint32_t n;
	struct trace_access_state st;
};

#define TRACE_ACCESS_MAX  40u   /* the longest access: header, flags, size, address, stack */
#define TRACE_ACCESSES_COUNT_MAX ((1u << 14) - 1)

/* Opens a batch record at TICK: false if the stream has no room (the
 * access is then dropped, counted). */
bool trace_access_batch_open(struct trace_stream *s, struct trace_access_batch *b, uint64_t tick);

/* Publishes the batch (if open) and closes it. */
void trace_access_batch_close(struct trace_stream *s, struct trace_access_batch *b);

/* Appends A to the open batch B; false when B is full (close it and open
 * another). */
TRACE_HOT bool trace_access_batch_add(struct trace_access_batch *b, const struct trace_access *a)
{
	if (b->p > b->limit || b->n == TRACE_ACCESSES_COUNT_MAX)
		return false;
	uint8_t *p = b->p;
	uint64_t size = a->size;
	uint32_t flags = a->flags;
	if (!(flags & ~(uint32_t)TRACE_ACCESS_WRITE) && size <= 16 && (size & (size - 1)) == 0) {
		unsigned cls = (unsigned)__builtin_ctzll(size);  /* 1..16 bytes: 0..4 */
		*p++ = (uint8_t)((flags & TRACE_ACCESS_WRITE) | cls << 1);
	} else {
		*p++ = (uint8_t)((flags & TRACE_ACCESS_WRITE) | TRACE_ACCESSES_EXT << 1);
		p = trace_put_var_fast(p, flags);
		p = trace_put_var(p, size);
	}
	p = trace_put_var(p, trace_zigzag((int64_t)(a->addr - b->st.addr)));
	p = trace_put_var_fast(p, trace_zigzag((int64_t)a->stack - (int64_t)b->st.stack));
	b->st.addr = a->addr;
	b->st.stack = a->stack;
	b->p = p;
	b->n++;
	return true;
}

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
