/* SPDX-License-Identifier: MIT */
/* trace_accesses.c - encoding and decoding ACCESSES batches (see
 * trace_format.h, "Accesses"). An access of 1, 2, 4 or 8 bytes with no
 * flag but WRITE takes one header byte; its address and stack are deltas
 * from the previous access of the batch, so neighbouring accesses from one
 * place cost about four bytes. */
#include "trace_accesses.h"

#define COUNT_BYTES  2u   /* the count: a fixed two-byte varint, patched */

bool trace_access_batch_open(struct trace_stream *s, struct trace_access_batch *b, uint64_t tick)
{
	uint8_t *start = trace_stream_begin_record(s, tick);
	if (!start) {
		b->count_at = NULL;
		return false;
	}
	b->count_at = start;
	b->tick = tick;
	b->p = start + COUNT_BYTES;
	b->limit = s->pos + TRACE_RECORD_MAX - TRACE_ACCESS_MAX;
	b->n = 0;
	b->st = (struct trace_access_state){ 0, 0 };
	return true;
}

void trace_access_batch_close(struct trace_stream *s, struct trace_access_batch *b)
{
	if (!b->count_at)
		return;
	if (b->n) {
		b->count_at[0] = (uint8_t)(0x80 | (b->n & 0x7f));
		b->count_at[1] = (uint8_t)(b->n >> 7);
		trace_stream_publish(s, TRACE_OP_ACCESSES, b->p, b->tick);
	}
	b->count_at = NULL;
}

size_t trace_stream_write_accesses(struct trace_stream *s, uint64_t tick,
				   const struct trace_access *a, size_t n)
{
	struct trace_access_batch b;
	size_t done = 0;
	while (done < n) {
		if (!trace_access_batch_open(s, &b, tick))
			return done;
		while (done < n && trace_access_batch_add(&b, &a[done]))
			done++;
		trace_access_batch_close(s, &b);
	}
	return done;
}

/* A varint, with the one-byte case (most deltas) inline. */
static inline __attribute__((always_inline)) int get_var(const uint8_t **p, const uint8_t *end,
							 uint64_t *v)
{
	if (*p < end && !(**p & 0x80)) {
		*v = *(*p)++;
		return 0;
	}
	return trace_get_var(p, end, v);
}

bool trace_access_decode(const uint8_t **pp, const uint8_t *end, struct trace_access_state *st,
			 struct trace_access *out)
{
	const uint8_t *p = *pp;
	uint64_t flags, size, addr, stack;
	if (p >= end)
		return false;
	uint8_t h = *p++;
	unsigned cls = h >> 1;
	if (cls == TRACE_ACCESSES_EXT) {
		if (get_var(&p, end, &flags) || get_var(&p, end, &size) ||
		    flags >= TRACE_ACCESS_FLAGS_END || (flags & TRACE_ACCESS_WRITE) != (h & 1u))
			return false;
	} else {
		if (cls > 4)  /* 16 bytes at most; 5 and 6 are unused */
			return false;
		flags = h & TRACE_ACCESS_WRITE;
		size = 1u << cls;
	}
	if (get_var(&p, end, &addr) || get_var(&p, end, &stack))
		return false;
	int64_t s = (int64_t)st->stack + trace_unzigzag(stack);
	if (s < 0 || s > UINT32_MAX)
		return false;
	st->addr += (uint64_t)trace_unzigzag(addr);
	st->stack = (uint32_t)s;
	*out = (struct trace_access){ st->addr, size, (uint32_t)flags, st->stack };
	*pp = p;
	return true;
}

/* Past a varint, as long as get_var would read (ten bytes at most). */
static inline __attribute__((always_inline)) bool skip_var(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *q = *p, *lim = end - q > 10 ? q + 10 : end;
	while (q < lim)
		if (!(*q++ & 0x80)) {
			*p = q;
			return true;
		}
	return false;
}

/* What trace_access_decode checks, without the values no check needs
 * (readers that have no use for accesses pass over them here). */
bool trace_accesses_check(const uint8_t **pp, const uint8_t *end, uint32_t *count,
			  const uint8_t **end_out)
{
	const uint8_t *p = *pp;
	uint64_t n, flags, stack;
	if (trace_get_var(&p, end, &n) || n == 0 || n > TRACE_ACCESSES_COUNT_MAX)
		return false;
	const uint8_t *first = p;
	int64_t s = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (p >= end)
			return false;
		uint8_t h = *p++;
		unsigned cls = h >> 1;
		if (cls == TRACE_ACCESSES_EXT) {
			if (get_var(&p, end, &flags) || flags >= TRACE_ACCESS_FLAGS_END ||
			    (flags & TRACE_ACCESS_WRITE) != (h & 1u) || !skip_var(&p, end))
				return false;
		} else if (cls > 4) {
			return false;
		}
		if (!skip_var(&p, end) || get_var(&p, end, &stack))
			return false;
		s += trace_unzigzag(stack);
		if (s < 0 || s > UINT32_MAX)
			return false;
	}
	*pp = first;
	*count = (uint32_t)n;
	*end_out = p;
	return true;
}
