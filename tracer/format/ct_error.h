/* SPDX-License-Identifier: MIT */
/* ct_error.h - the error a library call fills for its caller: a reason and,
 * for input problems, the file and byte offset. Libraries never print. */
#ifndef CTRACE_CT_ERROR_H
#define CTRACE_CT_ERROR_H

#include <stdint.h>

struct ct_error {
	char msg[256];     /* one line, no trailing newline */
	char file[512];    /* file concerned, or "" */
	uint64_t offset;   /* byte offset in file, valid if has_offset */
	int has_offset;
};

/* Fills err (if non-NULL) and returns -1, so `return ct_error_set(...)` fits. */
int ct_error_set(struct ct_error *err, const char *file, int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "FILE: offset N: MSG" or "FILE: MSG" or "MSG" into buf. */
const char *ct_error_format(const struct ct_error *err, char *buf, unsigned size);

#endif
