/* SPDX-License-Identifier: MIT */
/* misuse.h - private to misuse.c and misuse_calls.c: the API-misuse state
 * machines. Per lock: owner (or readers), recursion depth, destroyed, the
 * mutex a condition variable is used with, waiters; per thread: held locks,
 * the pending blocking call, joined/detached. Findings are folded while the
 * trace is read (same kind, lock and stack -> one finding with a count), so
 * memory stays bounded by locks, threads and stacks. */
#ifndef CTRACE_MISUSE_H
#define CTRACE_MISUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "op_class.h"
#include "u64map.h"

#define MU_NONE UINT32_MAX

struct mu_lock {
	uint32_t owner;            /* writer / mutex owner thread, MU_NONE */
	uint32_t depth;            /* recursive acquisitions by owner */
	uint32_t owner_stack;
	uint32_t *readers;         /* (owned) rwlock: one entry per read hold */
	uint32_t nreaders, cap;
	uint32_t waiters;          /* cond/sem/barrier: threads inside a wait */
	uint32_t cond_mutex;       /* cond: the first mutex it was used with */
	uint32_t cond_mutex_thread;
	bool destroyed;
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
	bool relock_reported;      /* the pending call was already reported */
	bool joined, detached;
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

struct misuse {
	const struct trace_catalog *cat;
	struct mu_lock *locks;      uint32_t nlocks;
	struct mu_thread *threads;  uint32_t nthreads;
	struct mu_finding *found;   uint32_t nfound, cap_found;
	struct u64map index;        /* hash(kind, lock, stack) -> first finding */
};

/* The state of lock / thread ID, created (zeroed) on first use. */
struct mu_lock *mu_lock_slow(struct misuse *mu, uint32_t id);
struct mu_thread *mu_thread_slow(struct misuse *mu, uint32_t id);

static inline struct mu_lock *mu_lock(struct misuse *mu, uint32_t id)
{
	return id < mu->nlocks ? &mu->locks[id] : mu_lock_slow(mu, id);
}

static inline struct mu_thread *mu_thread(struct misuse *mu, uint32_t id)
{
	return id < mu->nthreads ? &mu->threads[id] : mu_thread_slow(mu, id);
}
/* Records a finding unless an identical one (kind, lock, stack) exists, in
 * which case its count grows. Returns the finding (to set other_*), valid
 * until the next call. */
struct report_misuse *mu_report(struct misuse *mu, enum report_misuse_kind kind, uint32_t thread,
				uint32_t lock, uint32_t stack, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* "mutex 0x1234" style description of an object for messages. */
const char *mu_describe(const struct misuse *mu, uint32_t obj, char *buf, size_t size);

/* misuse_calls.c: thread calls and call results. */
void mu_thread_call(struct misuse *mu, const struct trace_event *ev);
/* The result is an error no other rule explains: bad-argument. */
void mu_check_result(struct misuse *mu, const struct trace_event *ev);

#endif
