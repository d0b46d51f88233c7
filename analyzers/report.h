/* SPDX-License-Identifier: MIT */
/* report.h - the findings model: the JSON report of contract.md as plain
 * arrays (field names are the JSON names). Analyzers add findings naming
 * locks, threads and stacks by catalog id; report_resolve() then fills the
 * lock, stack and thread tables the printers read (symbolized), and
 * report_finalize() dedupes and sorts, so every format shows the same thing.
 * Printers (print.h) only format a finalized report.
 *
 * Ownership: a report owns every array and string in it; report_release()
 * frees them all. Ids: lock = catalog object id (0 = none), stack = catalog
 * stack id (0 = none), thread = trace-wide thread id (TRACE_NONE = none). */
#ifndef CTRACE_REPORT_H
#define CTRACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

#define REPORT_VERSION 1

/* ---- findings ---- */

enum report_deadlock_kind {
	REPORT_DEADLOCK_HANG,        /* "deadlock": threads really blocked on each other */
	REPORT_DEADLOCK_STALL,       /* "stall": every live thread blocked, no lock cycle */
	REPORT_DEADLOCK_LOCK_ORDER,  /* "lock-order-inversion": a potential deadlock */
};

/* One step of a cycle: THREAD holds HOLDING and acquires (or waits for)
 * ACQUIRING. In a hang, ACQUIRING is held by OWNER; in a stall, ACQUIRING is
 * the object the thread waits on (cond, sem, barrier, mq, thread) and
 * HOLDING may be 0. */
struct report_edge {
	uint32_t thread;
	uint32_t holding;            /* lock id, 0 = none */
	uint32_t acquiring;          /* lock id */
	uint32_t holding_stack;      /* where HOLDING was acquired */
	uint32_t acquiring_stack;    /* where ACQUIRING is acquired / waited for */
	bool holding_read;           /* HOLDING is held for reading (rwlock) */
	bool acquiring_read;         /* ACQUIRING is requested for reading */
	uint32_t owner;              /* hang: the thread holding ACQUIRING, or TRACE_NONE */
	uint32_t waiting_for;        /* hang or stall in a join: the joined thread, or TRACE_NONE */
	uint8_t op;                  /* hang/stall: the blocking call (enum trace_op), 0 */
	uint64_t wait_ns;            /* hang/stall: blocked for this long at the end */
};

struct report_deadlock {
	enum report_deadlock_kind kind;
	bool concurrent;             /* lock-order: the edges may run at once (else
	                                they are ordered by thread create/join) */
	bool one_thread;             /* lock-order: every occurrence was by one
	                                thread (not concurrent either) */
	char *note;                  /* (owned) or NULL */
	struct report_edge *cycle;   /* (owned) */
	size_t ncycle;
};

/* A race: two accesses to overlapping bytes, at least one a write, not
 * both atomic, by different threads, unordered by happens-before. Kinds:
 * "data-race" (memory accesses of `ctrace cc` code, free() included) and
 * "sync-object-race" (an init or destroy of a lock, cond, sem or barrier
 * against a use of it: from the sync events alone). */
enum report_race_kind {
	REPORT_RACE_DATA,
	REPORT_RACE_OBJECT,
};

/* What the raced-on bytes are. */
enum report_location {
	REPORT_LOCATION_UNKNOWN,     /* none of the below could be told */
	REPORT_LOCATION_GLOBAL,      /* a global or static: symbol (+ offset) */
	REPORT_LOCATION_HEAP,        /* a heap block seen allocated: block, block_size,
	                                block_stack (block_freed: and freed) */
	REPORT_LOCATION_STACK,       /* within a thread's stack (stack_thread) */
	REPORT_LOCATION_OBJECT,      /* a sync object (sync-object races): object */
	REPORT_LOCATION_TLS,         /* a thread-local variable (symbol) of stack_thread */
};

struct report_access {
	uint32_t thread;
	bool write;
	bool atomic;
	uint32_t stack;
	uint32_t *locks_held;        /* (owned) lock ids held at the access */
	size_t nlocks_held;
	uint64_t address;            /* this access's first byte */
	uint32_t size;               /* its bytes */
	uint64_t ts_ns;              /* when (an access: its batch's time) */
	uint8_t flags;               /* enum trace_access_flags: free, range, vptr...,
	                                and REPORT_ACCESS_ALLOC */
	uint8_t op;                  /* sync-object races: the call (enum trace_op) */
};

/* report_access.flags: the allocation of a heap block, taken as a write of
 * it (races.h, RC_FORGET_BUT_MINE). */
#define REPORT_ACCESS_ALLOC TRACE_ACCESS_FLAGS_END

struct report_race {
	enum report_race_kind kind;
	uint32_t process;
	uint64_t address;            /* first byte both accesses touch */
	uint32_t size;               /* bytes both touch from there */
	char *symbol;                /* (owned) the variable's expression (a global, or a
	                                local on a stack), or NULL */
	char *function;              /* (owned) stack: the local's function, or NULL */
	enum report_location location;
	uint64_t offset;             /* address - start of the variable / block */
	uint64_t block, block_size;  /* heap: the block */
	uint32_t block_stack;        /* heap: its allocation stack, 0 */
	uint32_t block_thread;       /* heap: the allocating thread, TRACE_NONE */
	bool block_freed;            /* heap: the block was freed (by an access of
	                                the race, or before the later one) */
	uint32_t free_stack;         /* heap, freed: the free's stack, 0 */
	uint32_t free_thread;        /* heap, freed: the freeing thread, TRACE_NONE */
	uint64_t block_free_ts_ns;   /* heap, freed: when */
	uint32_t stack_thread;       /* stack: whose stack; tls: whose variable; TRACE_NONE */
	uint64_t stack_lo, stack_hi; /* stack: its bounds, 0 = not recorded */
	uint32_t object;             /* sync-object race: the object (lock id), 0 */
	struct report_access accesses[2];  /* [0] the later access, [1] the earlier */
};

/* log2 histograms: bucket 0 counts 0 ns, bucket i >= 1 counts values in
 * [2^(i-1), 2^i) ns; the last bucket also counts everything larger. */
#define REPORT_HIST_BUCKETS 41

struct report_blame {
	uint32_t stack;              /* a holder's acquisition stack */
	uint64_t wait_ns;            /* waiting it caused at this site */
};

struct report_site {
	uint32_t stack;              /* where the waits happened */
	uint64_t contended;
	uint64_t wait_ns, max_wait_ns;
	uint32_t blamed_holder_stack;   /* blamed[0].stack, 0 = none */
	struct report_blame *blamed;    /* (owned) largest wait_ns first */
	size_t nblamed;
};

/* One lock, or (instances > 0) a class of locks: every lock of one kind
 * initialized at one stack (analyzers/contention.h), LOCK being its first. */
struct report_lockstat {
	uint32_t lock;
	uint64_t instances;          /* a class: how many locks; 0 = one lock */
	uint64_t acquisitions;       /* completed acquisitions / waits */
	uint64_t contended;          /* waits (incl. timed waits that gave up) */
	uint64_t timeouts;           /* timed waits that gave up (not acquisitions) */
	uint64_t wait_ns, max_wait_ns;
	uint64_t hold_ns, max_hold_ns;
	uint64_t owner_changes;      /* acquisitions by another thread than the last */
	bool blame_at_release;       /* holders blamed by where they released it (the
	                                GIL), not where they acquired it */
	bool used_as_lock;           /* a semaphore the lock view found used as a lock */
	uint64_t wait_hist[REPORT_HIST_BUCKETS];  /* contended waits */
	uint64_t hold_hist[REPORT_HIST_BUCKETS];  /* holds */
	struct report_site *sites;   /* (owned) waiting sites, largest wait_ns first */
	size_t nsites;
};

enum report_misuse_kind {
	REPORT_MISUSE_UNLOCK_NOT_LOCKED,
	REPORT_MISUSE_UNLOCK_NOT_OWNER,
	REPORT_MISUSE_RELOCK_NON_RECURSIVE,
	REPORT_MISUSE_DESTROY_LOCKED,
	REPORT_MISUSE_DESTROY_WITH_WAITERS,
	REPORT_MISUSE_USE_AFTER_DESTROY,
	REPORT_MISUSE_COND_WAIT_NOT_HELD,
	REPORT_MISUSE_COND_MIXED_MUTEX,
	REPORT_MISUSE_EXIT_HOLDING_LOCK,
	REPORT_MISUSE_JOIN_INVALID,
	REPORT_MISUSE_SEM_OVERFLOW,
	REPORT_MISUSE_BARRIER_MISUSE,
	REPORT_MISUSE_BAD_ARGUMENT,
	REPORT_MISUSE_REINIT_IN_USE,
	REPORT_MISUSE_COND_SIGNAL_NOT_HELD,
	REPORT_MISUSE_THREAD_LEAK,
	REPORT_MISUSE_TRYLOCK_SELF_HELD,
};
#define REPORT_MISUSE_KIND_COUNT (REPORT_MISUSE_TRYLOCK_SELF_HELD + 1)

/* How serious a misuse kind is. A warning is a finding (exit status 1); a
 * note is reported, in every format, but does not count as a finding: what
 * it shows is allowed by POSIX, yet often a bug (cond-signal-not-held). */
enum report_severity {
	REPORT_SEVERITY_WARNING,
	REPORT_SEVERITY_NOTE,
};

/* A misuse message names the finding's objects by placeholders, since
 * analyzers write it before symbols are known: "{lock}", "{cond}" and
 * "{other_lock}" stand for the objects of those fields; report_resolve()
 * replaces them by the objects' names ("mutex 'state_lock'", "cond
 * 0x7f12..."). Analyzers put no other text of the program in messages. */

struct report_misuse {
	enum report_misuse_kind kind;
	uint32_t thread;
	uint32_t lock;               /* 0 = none; cond-* kinds: the mutex */
	uint32_t stack;
	char *message;               /* (owned) one line */
	uint64_t count;              /* identical findings folded in (>= 1) */
	uint32_t other_thread;       /* e.g. the owner, TRACE_NONE */
	uint32_t other_lock;         /* e.g. cond-mixed-mutex's first mutex, 0 */
	uint32_t cond;               /* cond-* kinds: the condition variable, 0 */
	uint32_t other_stack;        /* e.g. the owner's acquisition stack, 0 */
	uint8_t op;                  /* the call (enum trace_op), 0 */
	int32_t error;               /* errno it returned, 0 */
};

/* ---- context: threads, locks, stacks (filled by report_resolve) ---- */

struct report_frame {
	uint64_t pc;
	char *function;              /* (owned) or NULL */
	char *file;                  /* (owned) or NULL */
	uint32_t line;               /* 0 = unknown */
	char *module;                /* (owned) or NULL */
	uint64_t module_offset;      /* pc - module base, valid if has_offset */
	bool has_offset;
	bool inlined;
	bool python;                 /* a Python frame: function = qualified name,
	                                file = .py path; no pc, no module */
	bool python_library;         /* ... of Python's own library (threading.py):
	                                findings are located past it */
};

struct report_stack {
	uint32_t id;
	uint32_t process;
	struct report_frame *frames; /* (owned) innermost first */
	size_t nframes;
};

struct report_lock {
	uint32_t id;
	uint32_t process;
	uint64_t address;
	enum trace_obj_kind kind;
	char *symbol;                /* (owned) global variable, or NULL */
	char *name;                  /* (owned) mq / named sem name, a runtime's
	                                name ("GIL"), where Python code made it
	                                ("lock_a (demo.py:2)": python_lock_name.h),
	                                or NULL */
	uint32_t init_stack;
	uint64_t attr;               /* mutex: enum trace_mutex_attr bits */
	bool initialized;            /* an init call was seen */
	uint32_t thread;             /* kind thread (joins): that thread's id, or TRACE_NONE */
};

struct report_thread {
	uint32_t id;
	uint32_t tid;
	uint32_t pid;
	char *name;                  /* (owned) or NULL */
	uint32_t parent;             /* TRACE_NONE = none */
	uint32_t create_stack;
};

struct report_program {
	char **argv;                 /* (owned) */
	uint32_t argc;
	uint32_t pid;
	bool has_exit_status;
	int32_t exit_status;
	int32_t exit_signal;         /* the signal that ended it, 0: none or unknown */
	bool ended_by_ctrace;        /* ctrace ended it (a hang) */
	uint64_t duration_ns;
};

struct report_trace {
	uint64_t events, dropped, bytes;
	uint64_t stacks_dropped;     /* stacks not stored: their events have none */
	uint32_t problems;           /* damaged places met reading it */
	char *running_note;          /* (owned) the program was still running (a
	                                snapshot): the one line that says so; NULL */
};

struct report {
	struct report_program program;
	struct report_thread *threads;       size_t nthreads;
	struct report_deadlock *deadlocks;   size_t ndeadlocks;
	struct report_race *races;           size_t nraces;
	struct report_lockstat *lockstats;   size_t nlockstats;
	struct report_misuse *misuses;       size_t nmisuses;
	struct report_lock *locks;           size_t nlocks;   /* sorted by id */
	struct report_stack *stacks;         size_t nstacks;  /* sorted by id */
	struct report_trace trace;
	uint64_t suppressed;                 /* findings removed by suppressions */
	char **notes;                        size_t nnotes;   /* (owned) */
	/* private: capacities */
	size_t cap_deadlocks, cap_races, cap_lockstats, cap_misuses, cap_notes;
};

/* ---- life cycle ---- */
void report_init(struct report *r);
void report_release(struct report *r);

/* ---- adding (analyzers) ---- */
/* Each returns a zeroed entry (valid until the next add of the same kind). */
struct report_deadlock *report_add_deadlock(struct report *r, enum report_deadlock_kind kind);
/* Keeps the deadlocks for which KEEP says true, in order; the others go. */
void report_keep_deadlocks(struct report *r, bool (*keep)(void *ctx, const struct report_deadlock *d),
			   void *ctx);
struct report_edge *report_deadlock_add_edge(struct report_deadlock *d);
struct report_lockstat *report_add_lockstat(struct report *r, uint32_t lock);
struct report_site *report_lockstat_add_site(struct report_lockstat *s, uint32_t stack);
void report_site_add_blame(struct report_site *site, uint32_t stack, uint64_t wait_ns);
struct report_race *report_add_race(struct report *r);
/* Frees what race X owns. */
void report_race_release(struct report_race *x);
/* Adds a misuse (message formatted, count 1, other_* none). */
struct report_misuse *report_add_misuse(struct report *r, enum report_misuse_kind kind,
					uint32_t thread, uint32_t lock, uint32_t stack,
					const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void report_add_note(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- finishing ---- */
/* Folds identical misuses (kind, lock, stack, thread-independent) and
 * identical deadlock cycles, then sorts everything deterministically:
 * deadlocks (hangs, stalls, concurrent inversions, ordered inversions),
 * misuse by kind/lock/stack, contention by wait_ns (largest first, then lock
 * id), sites and blames by wait_ns, threads by id. Idempotent. */
void report_finalize(struct report *r);

/* ---- reading (printers) ---- */
const struct report_lock *report_lock_find(const struct report *r, uint32_t id);
const struct report_stack *report_stack_find(const struct report *r, uint32_t id);
const struct report_thread *report_thread_find(const struct report *r, uint32_t id);
/* Findings in the contract's sense: deadlocks, races, misuse of severity
 * warning (not contention, not notes). They make the exit status 1. */
size_t report_findings(const struct report *r);
/* Misuse findings of severity note. */
size_t report_note_findings(const struct report *r);

/* Names: "lock-order-inversion", "deadlock", "stall"; "unlock-not-owner"...;
 * the errno name ("EINVAL") or NULL. */
const char *report_deadlock_kind_name(enum report_deadlock_kind kind);
const char *report_misuse_kind_name(enum report_misuse_kind kind);
/* "data-race", "sync-object-race"; "data race", "race on a sync object". */
const char *report_race_kind_name(enum report_race_kind kind);
const char *report_race_kind_title(enum report_race_kind kind);
/* "unknown", "global", "heap", "stack", "object". */
const char *report_location_name(enum report_location loc);
/* A one-line description for rule/headline use. */
const char *report_deadlock_kind_title(enum report_deadlock_kind kind);
const char *report_misuse_kind_title(enum report_misuse_kind kind);
enum report_severity report_misuse_kind_severity(enum report_misuse_kind kind);
/* "warning", "note" (the SARIF levels and the JSON "severity"). */
const char *report_severity_name(enum report_severity severity);
/* How a message names object ID: "mutex 'state_lock'", "mq '/jobs'",
 * "thread T3", "cond 0x7f12..." (its symbol, else its name, else its
 * address); needs the report's lock table (report_resolve). */
const char *report_lock_name(const struct report *r, uint32_t id, char *buf, size_t size);
/* "pthread_mutex_lock", "sem_post", "mtx_lock" for an op. */
const char *report_op_function(unsigned op, char *buf, size_t size);
/* What a message calls lock L's kind: "mutex", "omp lock", "rwlock"... */
const char *report_lock_noun(const struct report_lock *l);
/* The function a call of OP on lock LOCK was: report_op_function, but
 * "omp_set_lock" and the like for an OpenMP lock. */
const char *report_lock_function(const struct report *r, unsigned op, uint32_t lock, char *buf,
				 size_t size);
/* The histogram bucket of a duration. */
unsigned report_hist_bucket(uint64_t ns);

#endif
