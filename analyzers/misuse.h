/* SPDX-License-Identifier: MIT */
/* misuse.h - private to misuse*.c: the API-misuse state machines. Per lock:
 * owner (or readers), recursion depth, destroyed, the mutex a condition
 * variable is used with, waiters and the wakes they may have had; per
 * thread: held locks, the pending blocking call, joined/detached, its last
 * gap; per created thread: joined, detached, proven joinable. Findings are
 * folded while the trace is read (same kind, lock and stack -> one finding
 * with a count), so memory stays bounded by locks, threads and stacks.
 *
 * A lock's state lives in an entry of an id_table from its first event
 * until a destroy ends it while nobody holds or waits on it; then a
 * bit says it was destroyed, for use-after-destroy, and a later use starts
 * from a fresh state. So memory follows the locks alive at once, not every
 * lock a program made (a bit or two per object id aside).
 *
 * Gaps (trace_event.h): what a thread or an object lost is unknown, and no
 * rule may turn it into a finding. A lock whose holders may be incomplete
 * is "unknown" until a successful exclusive acquisition shows who holds it;
 * a thread that lost events may hold any lock not known since its gap. */
#ifndef CTRACE_MISUSE_H
#define CTRACE_MISUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "id_table.h"
#include "op_class.h"
#include "u64map.h"

#define MU_NONE UINT32_MAX

struct mu_lock {
	bool used;                 /* the entry is in use (else all zero) */
	uint32_t owner;            /* writer / mutex owner thread, MU_NONE */
	uint32_t depth;            /* recursive acquisitions by owner */
	uint32_t owner_stack;
	uint32_t *readers;         /* (owned) rwlock: one entry per read hold */
	uint32_t nreaders, cap;
	uint32_t waiters;          /* cond/sem/barrier: threads inside a wait */
	uint32_t unwoken;          /* of them, those whose wait began after the
	                              last wake: no wake can have reached them */
	uint32_t wakes;            /* cond signals and broadcasts, sem posts,
	                              barrier releases (a wake epoch) */
	uint32_t cond_mutex;       /* cond: the first mutex it was used with */
	uint32_t cond_mutex_thread;
	bool cond_mixed;           /* cond: used with a second mutex too */
	bool unknown;              /* after a gap: holders may be missing */
	uint64_t known_gaps;       /* mu->gaps at the last exclusive acquisition */
	/* Initialized while a thread held it: a misuse once that holder
	 * unlocks it; until then the memory may have been freed and reused
	 * (frees are not in the trace), a new object at the same address. */
	struct mu_reinit {
		bool pending;
		uint32_t holder, holder_stack, thread, stack;
	} reinit;
};

/* Which of 64 objects (ids 64 w ... 64 w + 63) were destroyed: ever (until
 * an init), and since the last gap: recent's bits are of gap epoch epoch,
 * stale once mu->gaps has moved on (a lost operation may have been an
 * init). Three bits per object id. */
struct mu_destroyed {
	uint64_t ever, recent, epoch;
};

struct mu_held {
	uint32_t lock, stack;
};

struct mu_thread {
	struct mu_held *held;
	uint32_t nheld, cap;
	uint8_t pending_op;        /* a BEGIN without its END, 0 = none */
	uint32_t pending_obj;
	uint32_t pending_stack;
	bool pending_waiter;       /* counted in the object's waiters */
	uint32_t pending_wakes;    /* the object's wakes when the wait began */
	bool relock_reported;      /* the pending call was already reported */
	bool joined, detached;
	uint32_t last_released;    /* the lock it released last (0 = none) */
	bool created_joinable;     /* its thread_attr record says so */
	bool ended;                /* its THREAD_END was seen */
	bool last;                 /* it ended when no other thread of its process
	                              was left, or after its main thread left by
	                              pthread_exit: glibc makes the last end the
	                              process, and nobody was to join them */
	uint64_t gap;              /* mu->gaps after its last DROPPED, 0 = none */
	/* fork: the keys of the locks this thread held when it forked (its
	 * latest fork); in a forked child's main thread, those it inherited
	 * and has not unlocked yet. An inherited unlock is no misuse. */
	uint64_t *fork_keys;
	uint32_t nfork_keys;
};

struct mu_finding {
	struct report_misuse m;    /* message owned */
	uint32_t next;             /* same hash chain */
};

/* A thread created by a traced create call, for thread-leak. */
struct mu_spawn {
	uint32_t process;
	uint64_t handle;           /* its pthread_t */
	uint32_t creator, stack;   /* who created it, where */
	uint32_t child;            /* its thread id, MU_NONE if it never ran */
	bool joinable;             /* proven joinable (a join timed out / was busy) */
	bool done;                 /* joined or detached */
	bool joining;              /* a join of it is in progress */
	uint32_t next;             /* same hash chain */
};

struct mu_process {
	bool exited;               /* exit() or _exit() was seen */
	bool gap;                  /* one of its threads lost events */
	uint32_t live;             /* threads started and not ended */
	bool main_left;            /* its main thread ended (pthread_exit) */
};

struct misuse {
	const struct trace_catalog *cat;
	struct id_table locks;      /* lock id -> struct mu_lock */
	struct mu_destroyed *destroyed; uint32_t ndestroyed; /* per 64 object ids */
	struct mu_thread *threads;  uint32_t nthreads;
	struct mu_finding *found;   uint32_t nfound, cap_found;
	struct u64map index;        /* hash(kind, lock, stack) -> first finding */
	uint64_t gaps;              /* DROPPED events so far: the gap epoch */
	struct mu_spawn *spawns;    uint32_t nspawns, cap_spawns;
	struct u64map spawn_index;  /* hash(process, handle) -> first spawn */
	struct mu_process *procs;   uint32_t nprocs;
};

/* The state of lock / thread ID, created (fresh) on first use. A lock's
 * state does not move: the pointer stays valid until mu_lock_forget(). */
struct mu_lock *mu_lock_slow(struct misuse *mu, uint32_t id);
struct mu_thread *mu_thread_slow(struct misuse *mu, uint32_t id);

static inline struct mu_lock *mu_lock(struct misuse *mu, uint32_t id)
{
	struct mu_lock *l = id_table_find(&mu->locks, id, sizeof(struct mu_lock));
	return l && l->used ? l : mu_lock_slow(mu, id);
}

/* The state of a lock never seen (or forgotten). */
extern const struct mu_lock mu_lock_fresh;

/* The state of lock ID to read: mu_lock_fresh if it has none (none is
 * made). Valid until the next mu_lock_forget(). */
static inline const struct mu_lock *mu_lock_peek(const struct misuse *mu, uint32_t id)
{
	const struct mu_lock *l = id_table_find(&mu->locks, id, sizeof(struct mu_lock));
	return l && l->used ? l : &mu_lock_fresh;
}

static inline struct mu_thread *mu_thread(struct misuse *mu, uint32_t id)
{
	return id < mu->nthreads ? &mu->threads[id] : mu_thread_slow(mu, id);
}

/* Records a finding unless an identical one (kind, lock, stack) exists, in
 * which case its count grows. The message names objects by the
 * placeholders of report.h ("{lock}", "{cond}", "{other_lock}"). Returns
 * the finding (to set other_*, cond), valid until the next call. */
struct report_misuse *mu_report(struct misuse *mu, enum report_misuse_kind kind, uint32_t thread,
				uint32_t lock, uint32_t stack, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Whether mutex LOCK is of TRACE_MUTEX_RECURSIVE type. */
bool mu_is_recursive(const struct misuse *mu, uint32_t lock);

/* Lock ID's state goes back to fresh: its entry is no longer in use. */
void mu_lock_forget(struct misuse *mu, uint32_t id);

/* ---- held locks (misuse.c) ---- */
void mu_unhold(struct misuse *mu, uint32_t thread, uint32_t lock);
/* LOCK is held by no one (its holders' lists forgotten too). */
void mu_lock_clear(struct misuse *mu, uint32_t lock);

/* ---- fork (misuse_fork.c) ---- */
/* A fork's BEGIN: what the forking thread holds now. */
void mu_fork_snapshot(struct misuse *mu, const struct trace_event *ev);
/* A THREAD_START: a forked child's main thread inherits that. */
void mu_fork_child_start(struct misuse *mu, const struct trace_event *ev);
/* An unlock of a lock this thread inherited across fork (consumed once). */
bool mu_inherited_unlock(struct misuse *mu, const struct trace_event *ev);

/* ---- gaps (misuse_gap.c) ---- */
/* A DROPPED event: THREAD's held locks become unknown, its pending call is
 * forgotten, and it may hold any lock not known since. */
void mu_thread_gap(struct misuse *mu, const struct trace_event *ev);
/* An event with obj_gap: its object's state becomes unknown. */
void mu_object_gap(struct misuse *mu, const struct trace_event *ev);
/* THREAD may hold LOCK without our knowing: LOCK is unknown, or THREAD
 * lost events since LOCK's holders were last known. */
bool mu_may_hold(struct misuse *mu, uint32_t thread, uint32_t lock);
/* A successful exclusive acquisition of LOCK (state L) by THREAD: its
 * holders are known again (unless THREAD itself may still hold it
 * recursively). */
void mu_lock_known(struct misuse *mu, struct mu_lock *l, uint32_t lock, uint32_t thread);

/* ---- waits, condition variables, life cycle (misuse_cond.c) ---- */
/* A wait begins (BEGIN of a cond, sem or barrier wait): THREAD is a waiter. */
void mu_wait_begin(struct misuse *mu, const struct trace_event *ev);
/* THREAD's pending wait is over (its END, or a gap). */
void mu_wait_end(struct misuse *mu, uint32_t thread);
/* A signal, broadcast, post or barrier release: OBJ's waiters may be awake. */
void mu_wake(struct misuse *mu, uint32_t obj);
void mu_cond_signal(struct misuse *mu, const struct trace_event *ev);
void mu_destroy(struct misuse *mu, const struct trace_event *ev);
void mu_freed(struct misuse *mu, const struct trace_event *ev);
void mu_destroy_waited_on(struct misuse *mu, const struct trace_event *ev);
/* ID was destroyed (ON), or initialized, or may have been (a gap). */
void mu_set_destroyed(struct misuse *mu, uint32_t id, bool on);
/* Whether ID was destroyed (since the last gap when RECENT) and not
 * initialized since. */
bool mu_was_destroyed(const struct misuse *mu, uint32_t id, bool recent);
/* A successful init: reinit-in-use if the object is waited on; if held,
 * once its holder unlocks it (mu_reinit_unlocked). */
void mu_init(struct misuse *mu, const struct trace_event *ev);
/* ev, a release by a thread that does not hold ev's object: the holder of
 * a re-initialized object unlocking it (the re-init is a misuse). */
void mu_reinit_unlocked(struct misuse *mu, const struct trace_event *ev);
/* use-after-destroy of ev's object; true if reported. */
bool mu_use_after_destroy(struct misuse *mu, const struct trace_event *ev);

/* ---- thread calls and call results (misuse_calls.c) ---- */
void mu_thread_call(struct misuse *mu, const struct trace_event *ev);
/* The result is an error no other rule explains: bad-argument. */
void mu_check_result(struct misuse *mu, const struct trace_event *ev);

/* ---- thread-leak (misuse_leak.c) ---- */
/* The state of process ID, created (zeroed) on first use. */
struct mu_process *mu_process(struct misuse *mu, uint32_t id);
/* Creates, joins, detaches and process exits. */
void mu_leak_feed(struct misuse *mu, const struct trace_event *ev);
/* Reports the proven-joinable threads never joined nor detached of every
 * process that exited normally without a gap. */
void mu_leak_finish(struct misuse *mu);
void mu_leak_free(struct misuse *mu);

#endif
