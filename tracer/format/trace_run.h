/* SPDX-License-Identifier: MIT */
/* trace_run.h - DIR/run.info, written by `ctrace run` (the reader fills
 * struct trace_run from it). Text, one "key value" per line, appended as
 * facts become known; unknown keys are ignored:
 *
 *   ctrace-run 1
 *   pid <n>
 *   start_mono_ns <n>
 *   start_realtime_ns <n>
 *   arg <argument, C-escaped: \\ \n \t \xHH>     (one line per argv element)
 *   tsc_hz <float>            TSC ticks (rdtsc >> TRACE_TSC_SHIFT) per second over the run
 *   end_mono_ns <n>
 *   exit_status <n>           128+N if it died of signal N
 *   exit_signal <n>           0 if it exited
 *   ended_by_ctrace <0|1>     the hang watchdog ended it
 *   user_us <n>               CPU time the program used (with the children
 *   sys_us <n>                it waited for), user and system, and its
 *   max_rss_kb <n>            peak resident set (wait4; absent if unknown)
 */
#ifndef CTRACE_TRACE_RUN_H
#define CTRACE_TRACE_RUN_H

#define TRACE_RUN_FILE  "run.info"
#define TRACE_RUN_MAGIC "ctrace-run 1"

#endif
