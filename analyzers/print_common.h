/* SPDX-License-Identifier: MIT */
/* print_common.h - private to the printers: how locks, threads, durations
 * and frames are named in text (shared by print_text.c, print_summary.c and
 * the SARIF messages), so every format words them the same way. */
#ifndef CTRACE_PRINT_COMMON_H
#define CTRACE_PRINT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* "mutex 'g_lock' (0x601040)", "mq '/jobs'", "mutex M7 (0x7f12...)". */
const char *print_lock_label(const struct report *r, uint32_t id, char *buf, size_t size);
/* A lockstat's lock: print_lock_label's, or for a class "mutex class of
 * 4000 instances initialized at pool.c:12 in pool_add". */
/* A lock's numbers (acquisitions, holds), not a wait's: a mutex, rwlock or
 * spinlock, or a semaphore used as a lock (a Python Lock). */
bool print_lockstat_is_lock(const struct report *r, const struct report_lockstat *s);
const char *print_lockstat_label(const struct report *r, const struct report_lockstat *s, char *buf,
				 size_t size);
/* "T1 'worker'" / "T0 (main thread)" / "T?" */
const char *print_thread_label(const struct report *r, uint32_t id, char *buf, size_t size);
/* "850 ns", "12.3 us", "4.1 ms", "2.05 s" */
const char *print_duration(uint64_t ns, char *buf, size_t size);
/* The innermost frame of a stack that has a file, or NULL; Python's own
 * library (threading.py) only when no frame of the program has one. */
const struct report_frame *print_top_frame_with_file(const struct report *r, uint32_t stack);
/* The innermost frame with a function name, or NULL (same rule). */
const struct report_frame *print_top_frame_with_function(const struct report *r, uint32_t stack);
/* "file:line in func" / "func" / "0x1234" for the top of a stack. */
const char *print_stack_where(const struct report *r, uint32_t stack, char *buf, size_t size);
/* The headline of a finding and its kind name. */
const char *print_deadlock_headline(const struct report_deadlock *d);
/* Where a race is: "global 'counter' of 4 bytes at 0x601000", "heap block
 * of size 40 at 0x1000 (offset 12)", "the stack of thread T1 'w'",
 * "mutex 'm' (0x601100)", "0x7f12... (not a global or a heap block)". */
const char *print_race_location(const struct report *r, const struct report_race *x, char *buf,
				size_t size);
/* One access of a race: "write of size 4 at 0x601000 by thread T1 'w'"
 * (atomic, free() and the call of a sync-object race said); CAP: "Write". */
const char *print_race_access(const struct report *r, const struct report_access *a, bool cap,
			      char *buf, size_t size);
/* A's access described as print_race_access does, then the locks it held
 * (", holding mutex 'mu_a' (0x...)"): one line for SARIF's messages. */
const char *print_race_access_locks(const struct report *r, const struct report_access *a, char *buf,
				    size_t size);
/* Path without directories. */
const char *print_basename(const char *path);

#endif
