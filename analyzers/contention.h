/* SPDX-License-Identifier: MIT */
/* contention.h - private to contention*.c: the state of the contention
 * analysis. contention.c follows the events (waits, holds, blame);
 * contention_class.c owns the statistics, waiting sites and lock classes,
 * and turns them into lockstats.
 *
 * Memory is bounded by live locks, classes and sites, not by every lock a
 * program ever made: a lock's state lives in a slot (found through an
 * id_index) from its first event until it is destroyed (or the trace
 * ends), then its statistics are folded into its class. A class is the locks of one kind initialized at one stack
 * (the init call's, or the first use's for statically initialized locks;
 * without stacks, at one address), as Linux's lockdep groups them. A class
 * keeps its first members' numbers apart (each is reported as itself) until
 * it has CONTENTION_CLASS_MIN members; from then on it has one statistics
 * record for all of them, and its new members count straight into it. */
#ifndef CTRACE_CONTENTION_H
#define CTRACE_CONTENTION_H

#include <stdbool.h>
#include <stdint.h>

#include "id_index.h"
#include "report.h"
#include "trace_event.h"
#include "u64map.h"

#define CT_NONE UINT32_MAX

/* A class with this many members is reported as one lockstat. */
#define CONTENTION_CLASS_MIN 16

struct ct_blame {
	uint32_t stack;
	uint64_t ns;
};

/* What adds up: the numbers of one lock, or of a class of them. */
struct ct_stat {
	uint64_t acquisitions, contended, timeouts, wait_ns, max_wait_ns;
	uint64_t hold_ns, max_hold_ns, owner_changes;
	uint64_t *hist;             /* (owned) wait then hold buckets, or NULL */
	uint32_t sites;             /* first waiting site (ct_site.next), CT_NONE */
	uint32_t next_free;         /* in the free list of stats */
};

/* Waits at one stack, for one ct_stat. */
struct ct_site {
	uint32_t stat, stack;
	uint32_t next;              /* the stat's next site, or the free list's */
	uint64_t contended, wait_ns, max_wait_ns;
	struct ct_blame *blame;     uint32_t nblame, cap_blame;
};

struct ct_holder {
	uint32_t thread, stack;
	uint64_t since_ns;
};

/* A live lock. The fields every acquire/release touches come first. */
struct ct_lock {
	struct ct_holder writer;    /* thread CT_NONE = not write-held */
	uint32_t depth;
	uint32_t last_owner;
	uint32_t nreaders;
	uint32_t stat;              /* its own, or its class's once grouped */
	uint32_t id;                /* object id; CT_NONE = free slot */
	uint32_t cls;               /* its class */
	uint32_t next_free;         /* in the free list of slots */
	bool own_stat;
	bool blame_at_release;      /* ct_blames_release */
	struct ct_holder *readers;  uint32_t cap_readers;
	uint32_t *waiters;          uint32_t nwaiters, cap_waiters; /* threads waiting now */
};

/* A member reported as itself (its class is not grouped, yet). */
struct ct_kept {
	uint32_t id, stat;
};

struct ct_class {
	uint32_t process, init_stack;
	uint8_t kind;
	uint32_t first;             /* lowest member id: the class's lock */
	uint64_t members;
	uint32_t stat;              /* all members together; CT_NONE = not grouped */
	struct ct_kept *kept;       uint32_t nkept, cap_kept;
};

struct ct_thread {
	uint64_t begin_ns;          /* of the pending wait */
	bool begin_held;            /* another thread held its lock at its begin (for
	                               a read request: for writing) */
	bool writer_blamed;         /* a writer's section ended while it waited */
	uint32_t cond_stack;        /* of the cond wait in progress */
	struct ct_blame *blame;     uint32_t nblame, cap_blame; /* the pending wait's charges */
};

struct contention {
	const struct trace_catalog *cat;
	const struct lock_view *view;  /* verdicts on semaphores, or NULL */
	struct ct_lock *locks;      uint32_t nlocks, cap_locks, free_lock;
	struct id_index slot_of;    /* object id -> slot + 1 */
	struct ct_stat *stats;      uint32_t nstats, cap_stats, free_stat;
	struct ct_site *sites;      uint32_t nsites, cap_sites, free_site;
	struct u64map site_map;     /* (stat, stack) -> site */
	struct ct_class *classes;   uint32_t nclasses, cap_classes;
	struct u64map class_map;    /* (process, kind, init stack) -> class */
	struct ct_thread *threads;  uint32_t nthreads;
};

/* Grows ARR (N used of *CAP elements of ELEM bytes) to hold one more. */
void *contention_push(void *arr, uint32_t *cap, uint32_t n, size_t elem);
/* Adds NS to STACK's entry of a blame array (inline: every release). */
static inline void contention_add_blame(struct ct_blame **arr, uint32_t *n, uint32_t *cap,
					uint32_t stack, uint64_t ns)
{
	for (uint32_t i = 0; i < *n; i++) {
		if ((*arr)[i].stack == stack) {
			(*arr)[i].ns += ns;
			return;
		}
	}
	*arr = contention_push(*arr, cap, *n, sizeof(**arr));
	(*arr)[(*n)++] = (struct ct_blame){ stack, ns };
}

/* The live slot of object ID, made (and put in its class) at its first
 * event. The pointer is valid until the next call that may add a slot. */
struct ct_lock *contention_lock(struct contention *ct, uint32_t id);
/* Object ID is gone (destroyed): its numbers join its class, its slot is
 * freed. Nothing if it has no slot. */
void contention_fold(struct contention *ct, uint32_t id);
/* The site of STAT at STACK, made when new. Valid until the next site is made. */
struct ct_site *contention_site(struct contention *ct, uint32_t stat, uint32_t stack);
/* The histogram buckets of STAT (wait then hold), made when needed. */
uint64_t *contention_hist(struct contention *ct, uint32_t stat);

/* Folds every live lock and adds the lockstats (one per lock, or per
 * grouped class) to out. */
void contention_report(struct contention *ct, struct report *out);
/* Frees everything contention_class.c allocated. */
void contention_release(struct contention *ct);

/* The GIL's holder is charged by where it gave the GIL up (the Python
 * function it was running), not by where it took it (the eval loop, or a
 * new thread's start, for most holds). */
static inline bool ct_blames_release(const struct contention *ct, uint32_t id)
{
	const struct trace_object *o = trace_catalog_object(ct->cat, id);
	return o && o->role == TRACE_ROLE_GIL_MUTEX;
}

#endif
