/* SPDX-License-Identifier: MIT */
/* trace_accesses.c - encoding and decoding ACCESSES batches (see
 * trace_format.h, "Accesses"). An access of 1, 2, 4 or 8 bytes with no
 * flag but WRITE takes one header byte; its address and stack are deltas
 * from the previous access of the batch, so neighbouring accesses from one
 * place cost about four bytes. */
#include "trace_accesses.h"

#define COUNT_BYTES  2u   /* the count: a fixed two-byte varint, patched */
#define ACCESS_MAX   40u  /* the longest access: header, flags, size, address, stack */
#define BATCH_MAX    ((1u << 14) - 1)

static unsigned size_class(uint64_t size)
{
	switch (size) {
	case 1: return 0;
	case 2: return 1;
	case 4: return 2;
	case 8: return 3;
	default: return 4;
	}
}

static uint8_t *encode(uint8_t *p, struct trace_access_state *st, const struct trace_access *a)
{
	unsigned cls = size_class(a->size);
	if (cls < 4 && !(a->flags & ~(uint32_t)TRACE_ACCESS_WRITE)) {
		*p++ = (uint8_t)((a->flags & TRACE_ACCESS_WRITE) | cls << 1);
	} else {
		*p++ = (uint8_t)((a->flags & TRACE_ACCESS_WRITE) | TRACE_ACCESSES_EXT);
		p = trace_put_var(p, a->flags);
		p = trace_put_var(p, a->size);
	}
	p = trace_put_var(p, trace_zigzag((int64_t)(a->addr - st->addr)));
	p = trace_put_var(p, trace_zigzag((int64_t)a->stack - (int64_t)st->stack));
	st->addr = a->addr;
	st->stack = a->stack;
	return p;
}

size_t trace_stream_write_accesses(struct trace_stream *s, uint64_t tick,
				   const struct trace_access *a, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint8_t *start = trace_stream_begin_record(s, tick);
		if (!start)
			return done;
		uint8_t *count_at = start, *p = start + COUNT_BYTES;
		const uint8_t *limit = s->pos + TRACE_RECORD_MAX - ACCESS_MAX;
		struct trace_access_state st = { 0, 0 };
		uint32_t k = 0;
		while (done < n && p <= limit && k < BATCH_MAX) {
			p = encode(p, &st, &a[done++]);
			k++;
		}
		count_at[0] = (uint8_t)(0x80 | (k & 0x7f));
		count_at[1] = (uint8_t)(k >> 7);
		trace_stream_publish(s, TRACE_OP_ACCESSES, p);
	}
	return done;
}

bool trace_access_decode(const uint8_t **pp, const uint8_t *end, struct trace_access_state *st,
			 struct trace_access *out)
{
	const uint8_t *p = *pp;
	uint64_t flags, size, addr, stack;
	if (p >= end)
		return false;
	uint8_t h = *p++;
	if (h & TRACE_ACCESSES_EXT) {
		if (h & ~(TRACE_ACCESSES_EXT | TRACE_ACCESS_WRITE) ||
		    trace_get_var(&p, end, &flags) || trace_get_var(&p, end, &size) ||
		    flags >= TRACE_ACCESS_FLAGS_END || (flags & TRACE_ACCESS_WRITE) != (h & 1u))
			return false;
	} else {
		if (h >> 3)
			return false;
		flags = h & TRACE_ACCESS_WRITE;
		size = 1u << (h >> 1);
	}
	if (trace_get_var(&p, end, &addr) || trace_get_var(&p, end, &stack))
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

bool trace_accesses_check(const uint8_t **pp, const uint8_t *end, uint32_t *count,
			  const uint8_t **end_out)
{
	const uint8_t *p = *pp;
	uint64_t n;
	if (trace_get_var(&p, end, &n) || n == 0 || n > BATCH_MAX)
		return false;
	const uint8_t *first = p;
	struct trace_access_state st = { 0, 0 };
	struct trace_access a;
	for (uint64_t i = 0; i < n; i++)
		if (!trace_access_decode(&p, end, &st, &a))
			return false;
	*pp = first;
	*count = (uint32_t)n;
	*end_out = p;
	return true;
}
