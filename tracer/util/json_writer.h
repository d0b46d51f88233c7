/* SPDX-License-Identifier: MIT */
/* json_writer.h - a small streaming JSON writer: objects, arrays, scalars,
 * automatic commas, optional indentation, proper string escaping (always
 * valid UTF-8 out). It only writes; it never parses and never allocates.
 *
 * Usage:
 *	struct json_writer w;
 *	json_writer_init(&w, stdout);
 *	json_writer_begin_object(&w);
 *	json_writer_key(&w, "events");
 *	json_writer_uint(&w, 42);
 *	json_writer_end_object(&w);
 *	if (json_writer_finish(&w) < 0) ...   // nesting error or write error
 *
 * Rules: inside an object, each value is preceded by json_writer_key() (or
 * use the json_writer_key_* shortcuts). Misuse (a value without a key in an
 * object, a key in an array, unbalanced end, nesting deeper than
 * JSON_WRITER_MAX_DEPTH) is not printed around: it sets an error flag that
 * json_writer_finish() reports, and output stays as written. */
#ifndef CTRACE_JSON_WRITER_H
#define CTRACE_JSON_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_WRITER_MAX_DEPTH 64

enum json_writer_flags {
	/* Also escape '<', '>', '&', U+2028 and U+2029, so the output can be
	 * embedded in an HTML <script> element or a JavaScript literal. */
	JSON_WRITER_HTML_SAFE = 1 << 0,
};

struct json_writer {
	FILE *out;                                  /* (borrowed) */
	int indent;                                 /* spaces per level, 0 = compact */
	unsigned flags;                             /* enum json_writer_flags */
	int depth;                                  /* open containers */
	int error;                                  /* nesting misuse seen */
	int after_key;                              /* a key waits for its value */
	unsigned char is_object[JSON_WRITER_MAX_DEPTH]; /* per level: object or array */
	unsigned char has_items[JSON_WRITER_MAX_DEPTH]; /* per level: a value was written */
};

/* Life cycle. init writes nothing; out stays owned by the caller. */
void json_writer_init(struct json_writer *w, FILE *out);
/* Pretty-print with n spaces per level (0, the default, is compact). */
void json_writer_set_indent(struct json_writer *w, int n);
void json_writer_set_flags(struct json_writer *w, unsigned flags);
/* Ends the document with a newline (when it is complete) and flushes.
 * Returns 0, or -EINVAL on nesting misuse / an unclosed container, or -EIO
 * when the FILE reported a write error. */
int json_writer_finish(struct json_writer *w);

/* Containers. */
void json_writer_begin_object(struct json_writer *w);
void json_writer_end_object(struct json_writer *w);
void json_writer_begin_array(struct json_writer *w);
void json_writer_end_array(struct json_writer *w);

/* A member name inside an object; the next call writes its value. */
void json_writer_key(struct json_writer *w, const char *key);

/* Values. A NULL string writes null. Strings are escaped; invalid UTF-8
 * bytes become U+FFFD, so the document is always valid. */
void json_writer_string(struct json_writer *w, const char *s);
void json_writer_string_n(struct json_writer *w, const char *s, size_t n);
void json_writer_int(struct json_writer *w, int64_t v);
void json_writer_uint(struct json_writer *w, uint64_t v);
/* Non-finite values (NaN, inf) are written as null. */
void json_writer_double(struct json_writer *w, double v);
void json_writer_bool(struct json_writer *w, int v);
void json_writer_null(struct json_writer *w);
/* v as a "0x..." lowercase hex string (addresses, pcs). */
void json_writer_hex(struct json_writer *w, uint64_t v);
/* Pre-formatted JSON text written verbatim as one value (caller vouches
 * that it is valid JSON). */
void json_writer_raw(struct json_writer *w, const char *json);

/* Shortcuts: key then value. */
void json_writer_key_string(struct json_writer *w, const char *key, const char *s);
void json_writer_key_int(struct json_writer *w, const char *key, int64_t v);
void json_writer_key_uint(struct json_writer *w, const char *key, uint64_t v);
void json_writer_key_bool(struct json_writer *w, const char *key, int v);
void json_writer_key_null(struct json_writer *w, const char *key);
void json_writer_key_hex(struct json_writer *w, const char *key, uint64_t v);

/* Writes s as a quoted, escaped JSON string to out (no writer state). */
void json_write_escaped(FILE *out, const char *s, size_t n, unsigned flags);

#endif
