/* SPDX-License-Identifier: MIT */
/* ct_error.c - filling and formatting struct ct_error. */
#include "ct_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ct_error_set(struct ct_error *err, const char *file, int64_t offset, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->has_offset = offset >= 0;
	err->offset = offset >= 0 ? (uint64_t)offset : 0;
	return -1;
}

const char *ct_error_format(const struct ct_error *err, char *buf, unsigned size)
{
	if (err->file[0] && err->has_offset)
		snprintf(buf, size, "%s: offset %llu: %s", err->file,
			 (unsigned long long)err->offset, err->msg);
	else if (err->file[0])
		snprintf(buf, size, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, size, "%s", err->msg);
	return buf;
}
