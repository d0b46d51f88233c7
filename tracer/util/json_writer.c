/* SPDX-License-Identifier: MIT */
/* json_writer.c - streaming JSON output (see json_writer.h): commas,
 * indentation, escaping and UTF-8 repair. No parsing, no allocation. */
#include "json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

void json_writer_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

void json_writer_set_indent(struct json_writer *w, int n)
{
	w->indent = n < 0 ? 0 : n;
}

void json_writer_set_flags(struct json_writer *w, unsigned flags)
{
	w->flags = flags;
}

int json_writer_finish(struct json_writer *w)
{
	if (w->depth != 0 || w->after_key)
		w->error = 1;
	else
		fputc('\n', w->out);
	if (fflush(w->out) != 0 || ferror(w->out))
		return -EIO;
	return w->error ? -EINVAL : 0;
}

static void json_writer_newline(struct json_writer *w)
{
	if (!w->indent)
		return;
	fputc('\n', w->out);
	for (int i = 0; i < w->depth * w->indent; i++)
		fputc(' ', w->out);
}

/* Separator and indentation before a value (or before a key). */
static void json_writer_prefix(struct json_writer *w, int is_key)
{
	if (w->after_key) {
		if (is_key)
			w->error = 1;
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	int level = w->depth - 1;
	if (w->is_object[level] && !is_key)
		w->error = 1;
	if (!w->is_object[level] && is_key)
		w->error = 1;
	if (w->has_items[level])
		fputc(',', w->out);
	w->has_items[level] = 1;
	json_writer_newline(w);
}

static void json_writer_open(struct json_writer *w, int is_object)
{
	json_writer_prefix(w, 0);
	fputc(is_object ? '{' : '[', w->out);
	if (w->depth >= JSON_WRITER_MAX_DEPTH) {
		w->error = 1;
		return;
	}
	w->is_object[w->depth] = (unsigned char)is_object;
	w->has_items[w->depth] = 0;
	w->depth++;
}

static void json_writer_close(struct json_writer *w, int is_object)
{
	if (w->depth == 0 || w->is_object[w->depth - 1] != is_object || w->after_key) {
		w->error = 1;
		fputc(is_object ? '}' : ']', w->out);
		return;
	}
	int had_items = w->has_items[w->depth - 1];
	w->depth--;
	if (had_items)
		json_writer_newline(w);
	fputc(is_object ? '}' : ']', w->out);
}

void json_writer_begin_object(struct json_writer *w)
{
	json_writer_open(w, 1);
}

void json_writer_end_object(struct json_writer *w)
{
	json_writer_close(w, 1);
}

void json_writer_begin_array(struct json_writer *w)
{
	json_writer_open(w, 0);
}

void json_writer_end_array(struct json_writer *w)
{
	json_writer_close(w, 0);
}

void json_writer_key(struct json_writer *w, const char *key)
{
	json_writer_prefix(w, 1);
	json_write_escaped(w->out, key ? key : "", key ? strlen(key) : 0, w->flags);
	fputs(w->indent ? ": " : ":", w->out);
	w->after_key = 1;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 if invalid;
 * *cp receives the code point. Rejects overlongs, surrogates, > U+10FFFF. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, c &= 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min_cp[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int json_needs_escape(uint32_t c, unsigned flags)
{
	if (c < 0x20 || c == '"' || c == '\\')
		return 1;
	if (!(flags & JSON_WRITER_HTML_SAFE))
		return 0;
	return c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029;
}

static void json_put_escape(FILE *out, uint32_t c)
{
	switch (c) {
	case '"': fputs("\\\"", out); return;
	case '\\': fputs("\\\\", out); return;
	case '\n': fputs("\\n", out); return;
	case '\r': fputs("\\r", out); return;
	case '\t': fputs("\\t", out); return;
	case '\b': fputs("\\b", out); return;
	case '\f': fputs("\\f", out); return;
	}
	fprintf(out, "\\u%04x", (unsigned)c);
}

void json_write_escaped(FILE *out, const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', out);
	while (i < n) {
		uint32_t c;
		size_t len = utf8_decode(p + i, n - i, &c);
		if (len == 0) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD for one bad byte */
			i++;
		} else if (json_needs_escape(c, flags)) {
			json_put_escape(out, c);
			i += len;
		} else {
			fwrite(p + i, 1, len, out);
			i += len;
		}
	}
	fputc('"', out);
}

void json_writer_string_n(struct json_writer *w, const char *s, size_t n)
{
	json_writer_prefix(w, 0);
	json_write_escaped(w->out, s, n, w->flags);
}

void json_writer_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_writer_null(w);
		return;
	}
	json_writer_string_n(w, s, strlen(s));
}

void json_writer_int(struct json_writer *w, int64_t v)
{
	json_writer_prefix(w, 0);
	fprintf(w->out, "%" PRId64, v);
}

void json_writer_uint(struct json_writer *w, uint64_t v)
{
	json_writer_prefix(w, 0);
	fprintf(w->out, "%" PRIu64, v);
}

void json_writer_double(struct json_writer *w, double v)
{
	if (!isfinite(v)) {
		json_writer_null(w);
		return;
	}
	json_writer_prefix(w, 0);
	fprintf(w->out, "%.17g", v);
}

void json_writer_bool(struct json_writer *w, int v)
{
	json_writer_prefix(w, 0);
	fputs(v ? "true" : "false", w->out);
}

void json_writer_null(struct json_writer *w)
{
	json_writer_prefix(w, 0);
	fputs("null", w->out);
}

void json_writer_hex(struct json_writer *w, uint64_t v)
{
	json_writer_prefix(w, 0);
	fprintf(w->out, "\"0x%" PRIx64 "\"", v);
}

void json_writer_raw(struct json_writer *w, const char *json)
{
	json_writer_prefix(w, 0);
	fputs(json, w->out);
}

void json_writer_key_string(struct json_writer *w, const char *key, const char *s)
{
	json_writer_key(w, key);
	json_writer_string(w, s);
}

void json_writer_key_int(struct json_writer *w, const char *key, int64_t v)
{
	json_writer_key(w, key);
	json_writer_int(w, v);
}

void json_writer_key_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_writer_key(w, key);
	json_writer_uint(w, v);
}

void json_writer_key_bool(struct json_writer *w, const char *key, int v)
{
	json_writer_key(w, key);
	json_writer_bool(w, v);
}

void json_writer_key_null(struct json_writer *w, const char *key)
{
	json_writer_key(w, key);
	json_writer_null(w);
}

void json_writer_key_hex(struct json_writer *w, const char *key, uint64_t v)
{
	json_writer_key(w, key);
	json_writer_hex(w, v);
}
