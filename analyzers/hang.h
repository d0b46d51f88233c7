/* SPDX-License-Identifier: MIT */
/* hang.h - real hangs from the current (or final) state of a trace: which
 * thread is blocked in which call right now, and who owns each lock.
 *
 *  - deadlock: a wait-for cycle through mutex, rwlock and spinlock owners
 *    (including a thread waiting for a non-recursive lock it holds itself,
 *    and a thread waiting for a lock whose owner thread has ended);
 *  - stall: every live thread of a process blocked (on locks, condition
 *    variables, semaphores, barriers, joins, queues, once) for at least the
 *    stall timeout, with no lock cycle.
 * Both are reported as struct report_deadlock (kinds "deadlock" and
 * "stall"). The detector is incremental, for the live watchdog of `ctrace
 * run`: feed it events as they are read, check it now and then. */
#ifndef CTRACE_HANG_H
#define CTRACE_HANG_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "trace_event.h"

/* A live wait must be this old before it counts as part of a cycle, so a
 * lock being handed over while the trace catches up is not a deadlock. */
#define HANG_SETTLE_NS 100000000ull

struct hang_detector;

/* CAT is borrowed (it may keep growing) and must outlive the detector. */
struct hang_detector *hang_detector_new(const struct trace_catalog *cat);
/* Events in merged order. */
void hang_detector_feed(struct hang_detector *h, const struct trace_event *ev);
/* Looks at the state now (now_ns: CLOCK_MONOTONIC of the traced program).
 * Adds to out every wait-for cycle whose waits began at least HANG_SETTLE_NS
 * ago and, when stall_timeout_ns > 0, every process whose live threads have
 * all been blocked for at least stall_timeout_ns. Returns 1 if it added
 * something, else 0. Findings carry ids; report_resolve() names them. */
int hang_detector_check(struct hang_detector *h, uint64_t now_ns, uint64_t stall_timeout_ns,
			struct report *out);
/* The same over a finished trace: no settle time (the state is final). */
int hang_detector_check_final(struct hang_detector *h, uint64_t end_ns, uint64_t stall_timeout_ns,
			      struct report *out);
void hang_detector_free(struct hang_detector *h);
/* For tests: the locks it keeps a state for now (memory follows the locks
 * alive, not every lock a program made). */
size_t hang_detector_lock_slots(const struct hang_detector *h);

#endif
