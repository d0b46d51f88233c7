/* SPDX-License-Identifier: MIT */
/* watch_threads.h - which threads of a running program call for the hang
 * watchdog to read the trace now: a thread that has not run since the last
 * look may be blocked for good, and the detector must see what it wrote
 * before it stopped, then judge it once more after the settle time (two
 * looks it caught up at; looks are farther apart than HANG_SETTLE_NS). A
 * thread the detector has judged stopped, such as a main thread waiting in
 * join all along, does not call for reading at every look. */
#ifndef CTRACE_WATCH_THREADS_H
#define CTRACE_WATCH_THREADS_H

#include <stdbool.h>
#include <stdint.h>

struct watch_thread {
	int tid;
	long long run;          /* how long it has run, at this look (ns, or ticks) */
	long long seen;         /* run at the last look the detector caught up with;
	                           -1 for none */
	uint32_t seen_looks;    /* looks it caught up at since the thread last ran */
};

/* NOW[0..n) holds this look's threads (tid, run): what was known of each
 * at the look before (PREV[0..nprev), by tid) is carried over. True if one
 * of them has not run since then and the detector has not yet judged it. */
bool watch_threads_look(const struct watch_thread *prev, uint32_t nprev,
			struct watch_thread *now, uint32_t n);

/* The detector has caught up with what the threads T[0..n) had written at
 * their look. */
void watch_threads_caught_up(struct watch_thread *t, uint32_t n);

/* Whether thread TID did not run between the last two looks the detector
 * caught up at (or was not looked at: too many threads). A thread that ran
 * is not blocked, whatever the trace says. */
bool watch_threads_still(const struct watch_thread *t, uint32_t n, int tid);

#endif
