/* SPDX-License-Identifier: MIT */
/* lock_view_priv.h - private to lock_view*.c: the view's state, and what
 * its files share. lock_view.c feeds events to lock_view_sem.c (semaphores
 * used as locks, shared semaphores), lock_view_gil.c (CPython's GIL) and
 * lock_view_join.c (Python's Thread.join). */
#ifndef CTRACE_LOCK_VIEW_PRIV_H
#define CTRACE_LOCK_VIEW_PRIV_H

#include "lock_view.h"
#include "u64map.h"

#define LV_NONE UINT32_MAX
#define LV_LIFE_HELD (1u << 31)
#define LV_TSTATE_EARLY 8       /* a _tstate_lock is among a thread's first locks */

/* A canonical semaphore's state (enum lv_sem_state), with array lookups
 * only: the view sees every acquisition and release of a Python program. */
struct lv_sem {
	uint8_t state;
	bool life;              /* a Python thread's _tstate_lock (lock_view_join.c) */
	uint32_t holder;        /* the thread holding it + 1, 0 = none */
	uint32_t maker;         /* the thread that made it + 1, 0 = unknown */
};

/* Per canonical semaphore (struct lv_sem.state). */
enum lv_sem_state {
	LV_UNSEEN = 0,
	LV_LOCK,                /* used as a lock so far */
	LV_NOT_LOCK,            /* used otherwise: what was seen as a lock is void */
	LV_OTHER,               /* never a lock (counting, or made before the trace) */
	LV_PARKING,             /* CPython 3.13's parking lot's: a thread parks on it
	                           (PyMutex, PyEvent, Thread.join), never a lock */
};

/* Per thread: where it is in CPython's take_gil / drop_gil. take_gil locks
 * gil.mutex, may wait on gil.cond, and unlocks gil.mutex holding the GIL;
 * drop_gil locks gil.mutex, signals gil.cond and unlocks it. */
struct lv_thread {
	bool in_gil_mutex;      /* between its lock and unlock of gil.mutex */
	bool dropping;          /* ... and that section signalled gil.cond */
	bool waited;            /* ... and waited on gil.cond: a GIL request was emitted */
	bool holds_gil;
	uint32_t gil;           /* the gil.mutex object of the section */
	uint32_t stack;         /* the stack of its gil.mutex lock */
	uint64_t request_ns;    /* when it asked for gil.mutex */
	uint64_t mutex_wait_ns; /* how long it waited for gil.mutex */
	uint32_t waiting;       /* canonical id + 1 of the semaphore its pending
	                           wait was shown as a lock request for */
	uint32_t interrupted;   /* ... of the semaphore it holds whose wait a
	                           signal interrupted last (EINTR), 0 = none */
	uint32_t first_made;    /* canonical id + 1 of the first semaphore it made */
	uint32_t just_made;     /* canonical id + 1 of the semaphore its last event made */
	uint64_t just_made_at;  /* ... and its address */
	uint8_t took;           /* locks it has taken, up to LV_TSTATE_EARLY */
};

struct lock_view {
	const struct trace_catalog *cat;
	uint32_t *canon;        uint32_t ncanon;    /* per object id: canonical id + 1 */
	struct lv_sem *sems;    uint32_t nsems;     /* per canonical id */
	struct u64map shared;   /* (process, address) -> canonical id of a shared semaphore */
	struct u64map names;    /* hash of a named semaphore's name -> canonical id */
	struct u64map life;     /* a Python thread's _tstate_lock -> that thread, with
	                           LV_LIFE_HELD until it releases it */
	struct u64map tstate_stacks; /* stack id -> whether it takes a _tstate_lock */
	struct lv_thread *threads; uint32_t nthreads;
	bool keep_joins;        /* lock_view_keep_joins */
};

bool lv_is_python(const struct lock_view *lv, uint32_t process);
/* The state of canonical semaphore C (made at first use). */
struct lv_sem *lv_sem_of(struct lock_view *lv, uint32_t c);
struct lv_thread *lv_thread(struct lock_view *lv, uint32_t id);
/* EV as OP on lock OBJ (the GIL if GIL). */
void lv_emit_as(const struct lock_view *lv, const struct trace_event *ev, unsigned op,
		uint32_t obj, lock_view_emit_fn emit, void *ctx, bool gil);
/* THREAD no longer holds lock OBJ, at EV's time. */
void lv_emit_release(struct lock_view *lv, const struct trace_event *ev, uint32_t thread,
		     uint32_t obj, lock_view_emit_fn emit, void *ctx, bool gil);

/* lock_view_sem.c: an event on a semaphore. */
void lv_sem(struct lock_view *lv, const struct trace_event *ev, lock_view_emit_fn emit, void *ctx);
/* An annotation (TRACE_OP_ANNOTATE): the shim marks the semaphores of
 * CPython's parking lot with one right after their sem_init. */
void lv_sem_annotation(struct lock_view *lv, const struct trace_event *ev);

/* lock_view_gil.c: an event on one of the GIL's objects (ROLE). */
void lv_gil_event(struct lock_view *lv, const struct trace_event *ev, uint8_t role,
		  lock_view_emit_fn emit, void *ctx);

/* lock_view_join.c: a semaphore made, taken and released, for Python's
 * _tstate_lock. */
void lv_note_made(struct lock_view *lv, const struct trace_event *ev, uint32_t c);
bool lv_is_life_lock(const struct lock_view *lv, uint32_t c);
void lv_note_acquire(struct lock_view *lv, const struct trace_event *ev, uint32_t c,
		     lock_view_emit_fn emit, void *ctx);
void lv_note_release(struct lock_view *lv, const struct trace_event *ev, uint32_t c);

#endif
