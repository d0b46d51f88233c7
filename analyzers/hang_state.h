/* SPDX-License-Identifier: MIT */
/* hang_state.h - private to hang*.c: the hang detector's state. hang.c
 * follows the events (per thread the pending blocking call, per lock its
 * owners); hang_check.c finds wait-for cycles and stalls in it. */
#ifndef CTRACE_HANG_STATE_H
#define CTRACE_HANG_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "hang.h"
#include "id_table.h"

#define HG_NONE UINT32_MAX

struct hg_thread {
	bool seen, ended;
	bool blocked;               /* a BEGIN without its END */
	bool read;                  /* the pending lock request is a read lock */
	uint8_t op, call_op;        /* the request as seen, and as called (trace_event) */
	uint32_t obj, stack;
	uint32_t in_once;           /* the once whose call it is in, 0: a thread
	                               that made records since runs its routine */
	bool once_self;             /* a call on in_once from inside its own
	                               routine: it waits for itself */
	uint32_t wakes_at_begin;    /* its object's wakes when its wait began */
	uint64_t begin_ns;
	uint32_t gaps;              /* lost events so far: what it held before is unknown */
};

/* A hold is known only if its thread lost no events since (gaps). */
struct hg_holder {
	uint32_t thread, stack;     /* stack: where it acquired the lock */
	uint32_t gaps;              /* the thread's gaps at the acquisition */
};

/* A lock's state, from its first acquisition until it is destroyed (or an
 * operation on it is lost): an entry of an id_table; a lock without one is
 * held by no one. */
struct hg_lock {
	bool used;                  /* the entry is in use */
	uint32_t owner;             /* writer / mutex owner, HG_NONE */
	uint32_t depth;             /* recursive holds by owner */
	uint32_t owner_stack;
	uint32_t owner_gaps;        /* the owner's gaps when it took the lock */
	uint32_t nreaders, cap;
	struct hg_holder *readers;  /* (owned) one entry per read acquisition */
	uint32_t wakes;             /* its unlocks; a condition's signals and
	                               broadcasts, a barrier's departures (such
	                               objects have an entry too, never held) */
};

struct hang_detector {
	const struct trace_catalog *cat;
	struct hg_thread *threads;  uint32_t nthreads;
	struct id_table locks;      /* lock id -> struct hg_lock */
	bool *exited;               uint32_t nexited;   /* per process */
	/* per process: threads created, and threads that started (their
	 * THREAD_START): more created than started, and one may be running */
	uint64_t *created, *started; uint32_t ncreated, nstarted;
};

static inline bool hg_op_is_once(unsigned op)
{
	return op == TRACE_OP_ONCE || op == TRACE_OP_CALL_ONCE;
}

/* The state of LOCK, or NULL if it has none (it is held by no one). */
static inline struct hg_lock *hg_lock_find(const struct hang_detector *h, uint32_t lock)
{
	struct hg_lock *l = id_table_find(&h->locks, lock, sizeof(struct hg_lock));
	return l && l->used ? l : NULL;
}

#endif
