/* SPDX-License-Identifier: MIT */
/* lock_view.h - the events as the lock analyses (lock order, hangs,
 * contention) should see them: what a program uses as a lock is a lock.
 *
 *  - A semaphore used as a lock is a mutex: a binary semaphore (made with
 *    value 1) whose every successful wait is followed by a post from the
 *    same thread. CPython's threading.Lock is one, and RLock, Condition,
 *    Queue, Thread.join... are built on it. A semaphore stops being a lock
 *    for good the moment it is used otherwise: posted by a thread that does
 *    not hold it, posted while free (a count above 1), or waited on by its
 *    own holder (a signal: Python's Condition waiters). What the lock
 *    analyses learned of it until then is forgotten (lock_view_verdict).
 *    In a CPython process a successful sem_trywait is a blocking acquire
 *    (Python's acquire() tries first, and blocks only if that fails) and a
 *    failed one is no event.
 *  - Named semaphores, and process-shared ones inherited across fork, are
 *    one lock in every process that uses them (multiprocessing.Lock).
 *  - CPython's GIL (objects the trace gives a GIL role) is one mutex held
 *    from the end of take_gil to the start of drop_gil; the GIL's own mutex
 *    and condition variables are hidden.
 *  - In a CPython process, taking a thread's _tstate_lock after that
 *    thread released it (Thread.join) is a join of that thread.
 *
 * Translated events keep their thread, time, stack and object, with kind
 * TRACE_OBJ_MUTEX and a mutex op; the catalog still says what the object
 * is, so reports name it a semaphore. Other events pass unchanged. */
#ifndef CTRACE_LOCK_VIEW_H
#define CTRACE_LOCK_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "trace_event.h"

struct lock_view;

/* Whose lock an event of the view is on. The language runtime's own locks
 * are not the program's: lock order leaves out CPython's GIL (a Python lock
 * blocks only after dropping it) and the _tstate_lock a Python thread holds
 * for its whole life (Thread.join waits for it: a join, not contention).
 * Hangs take them all. */
enum lock_view_source {
	LOCK_VIEW_PROGRAM = 0,   /* the program's locks, and every other event */
	LOCK_VIEW_GIL = 1,
	LOCK_VIEW_JOIN = 2,
};

/* Receives each event of the view. */
typedef void (*lock_view_emit_fn)(void *ctx, const struct trace_event *ev,
				  enum lock_view_source source);

/* CAT is borrowed and must outlive the view. */
struct lock_view *lock_view_new(const struct trace_catalog *cat);
/* Events in merged order; EMIT is called 0, 1 or 2 times. */
void lock_view_feed(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit,
		    void *ctx);
void lock_view_free(struct lock_view *lv);
/* For views: events on a Python thread's _tstate_lock pass as they are
 * (Thread.join is drawn as the wait on a semaphore it is), with no join
 * made up and no hold drawn for the thread's whole life. */
void lock_view_keep_joins(struct lock_view *lv);

enum lock_view_verdict {
	LOCK_VIEW_AS_IS = 0,   /* not a semaphore the view decided on */
	LOCK_VIEW_LOCK,        /* a semaphore used as a lock so far */
	LOCK_VIEW_NOT_LOCK,    /* a semaphore that stopped being a lock: what
	                          the analyses saw of it as a lock is void */
	LOCK_VIEW_PYTHON_WAIT, /* the same in a CPython process: the runtime's
	                          means of waiting (a Condition's or an Event's
	                          waiter lock), no object of the program */
};

/* The verdict on object OBJ (an id the view emitted or passed on). */
enum lock_view_verdict lock_view_verdict(const struct lock_view *lv, uint32_t obj);

#endif
