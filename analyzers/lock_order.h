/* SPDX-License-Identifier: MIT */
/* lock_order.h - private to lock_order.c and lock_order_cycles.c: the
 * lock-order graph built over a whole run.
 *
 * An edge L1 -> L2 exists when some thread acquired L2 in a way that can
 * block (not a trylock, not a recursive relock) while holding L1. Each edge
 * keeps a few distinct "instances": (thread, set of locks held, modes),
 * each with the stacks of its first occurrence and the thread's vector clock
 * (create/join order) at its first and latest occurrence. A cycle is
 * reported only if one instance per edge can be picked such that no lock
 * is held by two of them (a gate lock, unless both hold it for reading) and
 * every wait really blocks (not read-on-read). It is "concurrent" if the
 * picked instances can be on distinct threads pairwise unordered by
 * create/join; else "ordered" if on distinct threads; else it was made by
 * one thread (its lock order is inconsistent all the same: lockdep, TSan and
 * Helgrind report it). A request still blocked at the end of the trace (a
 * real deadlock) counts as an acquisition while holding the others. */
#ifndef CTRACE_LOCK_ORDER_H
#define CTRACE_LOCK_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "id_index.h"
#include "u64map.h"
#include "vclock.h"

#define LO_NONE UINT32_MAX
#define LO_MAX_INSTANCES 32        /* per edge; more means "any thread, no gate" */
#define LO_MAX_SNAP_ENTRIES (64u << 20) /* vector clock entries kept in snapshots */
#define LO_MAX_CYCLES 10000        /* elementary cycles examined */
#define LO_MAX_REPORTED 100        /* cycles reported */
#define LO_SEARCH_BUDGET 200000    /* instance combinations tried per cycle */
#define LO_SEARCH_TOTAL 400000000ull /* instance checks (a pick against those before
                                       it) for all cycles: a second or two */

struct lo_held {
	uint32_t lock;
	uint32_t stack;            /* where it was acquired */
	uint32_t depth;            /* recursive acquisitions */
	bool read;
};

struct lo_thread {
	bool started;
	bool has_pending;          /* a create is in flight: pending is its clock */
	bool requesting;           /* a lock request (BEGIN) without its END: */
	bool req_read;
	uint32_t req_lock, req_stack;
	struct lo_held *held;
	uint32_t nheld, cap;
	uint32_t heldset;          /* interned id of held, LO_NONE = stale */
	uint64_t held_hash;        /* order-independent hash of held (kept incrementally) */
	struct vclock vc;
	struct vclock pending;
	uint32_t snap;             /* snapshot of vc, LO_NONE = stale */
	uint32_t cond_stack;       /* stack of the cond wait in progress */
};

/* An interned set of held locks: sorted (lock << 1 | read). */
struct lo_heldset {
	uint32_t n;
	uint32_t next;             /* same hash chain */
	uint64_t *locks;           /* (owned) */
};

struct lo_inst {
	uint32_t from, to;         /* its edge */
	uint32_t thread;
	uint32_t heldset;
	uint64_t held_hash;
	uint32_t holding_stack, acquiring_stack;
	uint32_t snap_first, snap_last;   /* LO_NONE = unknown (concurrent) */
	bool hold_read, acq_read;
	uint32_t next;             /* next instance of the edge */
};

struct lo_edge {
	uint32_t from, to;
	uint32_t first;            /* first instance */
	uint32_t ninst;
	bool overflow;             /* more distinct instances than kept */
	uint32_t thread;           /* the thread of its first instance */
	bool many_threads;         /* instances from more than that one */
};

/* How far apart the instances of a cycle could be picked. */
enum lo_spread {
	LO_CONCURRENT,             /* distinct threads, unordered by create/join */
	LO_ORDERED,                /* distinct threads */
	LO_ONE_THREAD,             /* the same thread may repeat */
};

struct lock_order {
	const struct trace_catalog *cat;
	const struct lock_view *locks; /* verdicts on semaphores, or NULL */
	struct lo_thread *threads;  uint32_t nthreads;
	struct id_index last_writer; /* lock id -> the last thread + 1 that took it
	                               for writing (it holds it if its held
	                               locks say so), until it is destroyed */
	struct lo_edge *edges;      uint32_t nedges, cap_edges;
	struct lo_inst *insts;      uint32_t ninsts, cap_insts;
	struct lo_heldset *sets;    uint32_t nsets, cap_sets;
	struct vclock *snaps;       uint32_t nsnaps, cap_snaps;
	uint64_t snap_entries;
	struct u64map edge_map;     /* (from, to) -> edge index */
	struct u64map set_map;      /* content hash -> first heldset */
	struct u64map inst_map;     /* hash(edge, thread, held set, modes) -> instance */
	uint32_t scratch_cap;
	uint64_t *scratch;
};

/* lock_order_cycles.c: finds the cycles and adds the reportable ones. */
void lock_order_report_cycles(struct lock_order *lo, struct report *out);

#endif
