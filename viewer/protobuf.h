/* SPDX-License-Identifier: MIT */
/* protobuf.h - a hand-written protobuf wire encoder (no library), enough for
 * Perfetto traces (formats.md A.1): varints, fixed64, doubles, strings and
 * nested messages. A nested message's length is reserved as a redundant
 * 4-byte varint (0x80|b0 0x80|b1 0x80|b2 b3) and patched once its body is
 * written, so a message is encoded in one forward pass.
 *
 * Usage: pb_begin(b, field) ... fields ... pb_end(b); the bytes are in
 * b->data[0, b->len). Out of memory aborts (host tool, as strbuf). A body
 * longer than 2^28-1 bytes or unbalanced begin/end sets b->error. */
#ifndef CTRACE_PROTOBUF_H
#define CTRACE_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PB_MAX_DEPTH 16
#define PB_MAX_NESTED_LEN ((1u << 28) - 1)

enum pb_wire_type {
	PB_WT_VARINT = 0,
	PB_WT_FIXED64 = 1,
	PB_WT_LEN = 2,
	PB_WT_FIXED32 = 5,
};

struct pb_buf {
	uint8_t *data;                 /* (owned) */
	size_t len, cap;
	size_t open[PB_MAX_DEPTH];     /* offsets of reserved length fields */
	int depth;
	int error;                     /* misuse or oversize seen */
};

void pb_init(struct pb_buf *b);
void pb_release(struct pb_buf *b);
/* Empties the buffer (keeps its memory); clears depth, not error. */
void pb_reset(struct pb_buf *b);

/* Appends the raw varint V; returns bytes written (1..10). */
size_t pb_put_varint(struct pb_buf *b, uint64_t v);
void pb_key(struct pb_buf *b, uint32_t field, enum pb_wire_type wt);

/* Fields. Negative int64 values are sign-extended to 10 bytes (int32/int64
 * semantics; no zigzag). */
void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_int(struct pb_buf *b, uint32_t field, int64_t v);
void pb_bool(struct pb_buf *b, uint32_t field, bool v);
void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_double(struct pb_buf *b, uint32_t field, double v);
void pb_bytes(struct pb_buf *b, uint32_t field, const void *p, size_t n);
void pb_string(struct pb_buf *b, uint32_t field, const char *s);

/* Nested message FIELD: begin reserves its length, end patches it. An empty
 * message is still written (key + length 0). */
void pb_begin(struct pb_buf *b, uint32_t field);
void pb_end(struct pb_buf *b);

#endif
