/* SPDX-License-Identifier: MIT */
/* info_print.h - what a trace holds, as text or JSON (`ctrace info`), from
 * a catalog the reader has filled by reading every event. */
#ifndef CTRACE_INFO_PRINT_H
#define CTRACE_INFO_PRINT_H

#include <stdio.h>

#include "trace_reader.h"

void info_print_text(const struct trace_reader *r, FILE *out);
void info_print_json(const struct trace_reader *r, FILE *out);

#endif
