/* SPDX-License-Identifier: MIT */
/* strbuf.h - growable NUL-terminated strings (after git's strbuf).
 * Invariants: buf is never NULL and always NUL-terminated; alloc is private.
 * Out of memory aborts: host tools only, never the shim. */
#ifndef CTRACE_STRBUF_H
#define CTRACE_STRBUF_H

#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

#define STRBUF_INIT { 0, 0, (char *)"" }

void strbuf_add(struct strbuf *sb, const char *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
/* Returns the string (owned by the caller) and resets sb. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

#endif
