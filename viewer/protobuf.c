/* SPDX-License-Identifier: MIT */
/* protobuf.c - the protobuf wire encoder of protobuf.h. Knows no schema. */
#include "protobuf.h"

#include <stdlib.h>
#include <string.h>

void pb_init(struct pb_buf *b)
{
	memset(b, 0, sizeof *b);
}

void pb_release(struct pb_buf *b)
{
	free(b->data);
	pb_init(b);
}

void pb_reset(struct pb_buf *b)
{
	b->len = 0;
	b->depth = 0;
}

static uint8_t *reserve(struct pb_buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->data, cap);
		if (!p)
			abort(); /* host tool: out of memory is fatal, as in strbuf */
		b->data = p;
		b->cap = cap;
	}
	uint8_t *p = b->data + b->len;
	b->len += n;
	return p;
}

size_t pb_put_varint(struct pb_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	while (v >= 0x80) {
		tmp[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (uint8_t)v;
	memcpy(reserve(b, n), tmp, n);
	return n;
}

void pb_key(struct pb_buf *b, uint32_t field, enum pb_wire_type wt)
{
	pb_put_varint(b, ((uint64_t)field << 3) | (uint64_t)wt);
}

void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v)
{
	pb_key(b, field, PB_WT_VARINT);
	pb_put_varint(b, v);
}

void pb_int(struct pb_buf *b, uint32_t field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);
}

void pb_bool(struct pb_buf *b, uint32_t field, bool v)
{
	pb_uint(b, field, v ? 1 : 0);
}

void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v)
{
	pb_key(b, field, PB_WT_FIXED64);
	uint8_t *p = reserve(b, 8);
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void pb_double(struct pb_buf *b, uint32_t field, double v)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	pb_fixed64(b, field, bits);
}

void pb_bytes(struct pb_buf *b, uint32_t field, const void *p, size_t n)
{
	pb_key(b, field, PB_WT_LEN);
	pb_put_varint(b, n);
	if (n)
		memcpy(reserve(b, n), p, n);
}

void pb_string(struct pb_buf *b, uint32_t field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

void pb_begin(struct pb_buf *b, uint32_t field)
{
	pb_key(b, field, PB_WT_LEN);
	if (b->depth == PB_MAX_DEPTH) {
		b->error = 1;
		return;
	}
	b->open[b->depth++] = b->len;
	reserve(b, 4);
}

void pb_end(struct pb_buf *b)
{
	if (b->depth == 0) {
		b->error = 1;
		return;
	}
	size_t at = b->open[--b->depth];
	size_t n = b->len - at - 4;
	if (n > PB_MAX_NESTED_LEN) {
		b->error = 1;
		n = 0;
	}
	uint8_t *p = b->data + at;
	p[0] = (uint8_t)(0x80 | (n & 0x7f));
	p[1] = (uint8_t)(0x80 | ((n >> 7) & 0x7f));
	p[2] = (uint8_t)(0x80 | ((n >> 14) & 0x7f));
	p[3] = (uint8_t)((n >> 21) & 0x7f);
}
