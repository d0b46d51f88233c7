/* SPDX-License-Identifier: MIT */
/* run_info.h - writing DIR/run.info (format in tracer/format/trace_run.h). */
#ifndef CTRACE_RUN_INFO_H
#define CTRACE_RUN_INFO_H

#include "launch.h"

/* The start facts: pid, clocks, argv. Returns 0 or -1 (errno). */
int run_info_write_start(const char *dir, const struct launch *l);

/* The end facts: exit status, the measured TSC rate, whether ctrace ended it. */
int run_info_write_end(const char *dir, const struct launch *l, bool ended_by_ctrace);

#endif
