/* SPDX-License-Identifier: MIT */
/* report_sort.c - report_finalize(): folding identical findings and the
 * deterministic order every format shows; names of kinds and calls. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int deadlock_rank(const struct report_deadlock *d)
{
	switch (d->kind) {
	case REPORT_DEADLOCK_HANG: return 0;
	case REPORT_DEADLOCK_STALL: return 1;
	case REPORT_DEADLOCK_LOCK_ORDER: return d->concurrent ? 2 : d->one_thread ? 4 : 3;
	}
	return 5;
}

/* Same cycle: same kind and the same (holding, acquiring) sequence. */
static int deadlock_cmp_cycle(const struct report_deadlock *a, const struct report_deadlock *b)
{
	int c = CMP(deadlock_rank(a), deadlock_rank(b));
	if (c)
		return c;
	if ((c = CMP(a->ncycle, b->ncycle)))
		return c;
	for (size_t i = 0; i < a->ncycle; i++) {
		if ((c = CMP(a->cycle[i].holding, b->cycle[i].holding)))
			return c;
		if ((c = CMP(a->cycle[i].acquiring, b->cycle[i].acquiring)))
			return c;
	}
	return 0;
}

static int deadlock_cmp(const void *pa, const void *pb)
{
	const struct report_deadlock *a = pa, *b = pb;
	int c = deadlock_cmp_cycle(a, b);
	for (size_t i = 0; !c && i < a->ncycle; i++) {
		if ((c = CMP(a->cycle[i].thread, b->cycle[i].thread)))
			return c;
		if ((c = CMP(a->cycle[i].acquiring_stack, b->cycle[i].acquiring_stack)))
			return c;
		c = CMP(a->cycle[i].holding_stack, b->cycle[i].holding_stack);
	}
	return c;
}

static int misuse_cmp_key(const struct report_misuse *a, const struct report_misuse *b)
{
	int c = CMP(a->kind, b->kind);
	if (!c)
		c = CMP(a->lock, b->lock);
	if (!c)
		c = CMP(a->stack, b->stack);
	return c;
}

static int misuse_cmp(const void *pa, const void *pb)
{
	const struct report_misuse *a = pa, *b = pb;
	int c = misuse_cmp_key(a, b);
	if (!c)
		c = CMP(a->thread, b->thread);
	if (!c)
		c = CMP(a->other_lock, b->other_lock);
	if (!c)
		c = CMP(a->other_stack, b->other_stack);
	if (!c)
		c = CMP(a->cond, b->cond);
	if (!c)
		c = strcmp(a->message ? a->message : "", b->message ? b->message : "");
	return c;
}

static int lockstat_cmp(const void *pa, const void *pb)
{
	const struct report_lockstat *a = pa, *b = pb;
	int c = CMP(b->wait_ns, a->wait_ns);
	if (!c)
		c = CMP(b->contended, a->contended);
	if (!c)
		c = CMP(b->acquisitions, a->acquisitions);
	return c ? c : CMP(a->lock, b->lock);
}

static int site_cmp(const void *pa, const void *pb)
{
	const struct report_site *a = pa, *b = pb;
	int c = CMP(b->wait_ns, a->wait_ns);
	if (!c)
		c = CMP(b->contended, a->contended);
	return c ? c : CMP(a->stack, b->stack);
}

static int blame_cmp(const void *pa, const void *pb)
{
	const struct report_blame *a = pa, *b = pb;
	int c = CMP(b->wait_ns, a->wait_ns);
	return c ? c : CMP(a->stack, b->stack);
}

static int thread_cmp(const void *pa, const void *pb)
{
	const struct report_thread *a = pa, *b = pb;
	return CMP(a->id, b->id);
}

static void report_fold_misuses(struct report *r)
{
	size_t out = 0;
	for (size_t i = 0; i < r->nmisuses; i++) {
		if (out && !misuse_cmp_key(&r->misuses[out - 1], &r->misuses[i])) {
			r->misuses[out - 1].count += r->misuses[i].count;
			free(r->misuses[i].message);
			continue;
		}
		r->misuses[out++] = r->misuses[i];
	}
	r->nmisuses = out;
}

static void report_fold_deadlocks(struct report *r)
{
	size_t out = 0;
	for (size_t i = 0; i < r->ndeadlocks; i++) {
		if (out && !deadlock_cmp_cycle(&r->deadlocks[out - 1], &r->deadlocks[i])) {
			free(r->deadlocks[i].note);
			free(r->deadlocks[i].cycle);
			continue;
		}
		r->deadlocks[out++] = r->deadlocks[i];
	}
	r->ndeadlocks = out;
}

static void report_sort_lockstat(struct report_lockstat *s)
{
	for (size_t j = 0; j < s->nsites; j++) {
		struct report_site *site = &s->sites[j];
		if (site->nblamed)
			qsort(site->blamed, site->nblamed, sizeof(*site->blamed), blame_cmp);
		site->blamed_holder_stack = site->nblamed ? site->blamed[0].stack : 0;
	}
	if (s->nsites)
		qsort(s->sites, s->nsites, sizeof(*s->sites), site_cmp);
}

void report_finalize(struct report *r)
{
	if (r->ndeadlocks) {
		qsort(r->deadlocks, r->ndeadlocks, sizeof(*r->deadlocks), deadlock_cmp);
		report_fold_deadlocks(r);
	}
	if (r->nmisuses) {
		qsort(r->misuses, r->nmisuses, sizeof(*r->misuses), misuse_cmp);
		report_fold_misuses(r);
	}
	for (size_t i = 0; i < r->nlockstats; i++)
		report_sort_lockstat(&r->lockstats[i]);
	if (r->nlockstats)
		qsort(r->lockstats, r->nlockstats, sizeof(*r->lockstats), lockstat_cmp);
	if (r->nthreads)
		qsort(r->threads, r->nthreads, sizeof(*r->threads), thread_cmp);
}

const char *report_deadlock_kind_name(enum report_deadlock_kind kind)
{
	switch (kind) {
	case REPORT_DEADLOCK_HANG: return "deadlock";
	case REPORT_DEADLOCK_STALL: return "stall";
	case REPORT_DEADLOCK_LOCK_ORDER: return "lock-order-inversion";
	}
	return "unknown";
}

const char *report_deadlock_kind_title(enum report_deadlock_kind kind)
{
	switch (kind) {
	case REPORT_DEADLOCK_HANG: return "deadlock (threads blocked on each other)";
	case REPORT_DEADLOCK_STALL: return "stall (every thread blocked)";
	case REPORT_DEADLOCK_LOCK_ORDER: return "lock-order inversion (potential deadlock)";
	}
	return "unknown";
}

const char *report_race_kind_name(enum report_race_kind kind)
{
	return kind == REPORT_RACE_OBJECT ? "sync-object-race" : "data-race";
}

const char *report_race_kind_title(enum report_race_kind kind)
{
	return kind == REPORT_RACE_OBJECT ? "race on a sync object" : "data race";
}

const char *report_location_name(enum report_location loc)
{
	switch (loc) {
	case REPORT_LOCATION_GLOBAL: return "global";
	case REPORT_LOCATION_HEAP: return "heap";
	case REPORT_LOCATION_STACK: return "stack";
	case REPORT_LOCATION_OBJECT: return "object";
	case REPORT_LOCATION_TLS: return "tls";
	case REPORT_LOCATION_UNKNOWN: break;
	}
	return "unknown";
}

const char *report_misuse_kind_name(enum report_misuse_kind kind)
{
	switch (kind) {
	case REPORT_MISUSE_UNLOCK_NOT_LOCKED: return "unlock-not-locked";
	case REPORT_MISUSE_UNLOCK_NOT_OWNER: return "unlock-not-owner";
	case REPORT_MISUSE_RELOCK_NON_RECURSIVE: return "relock-non-recursive";
	case REPORT_MISUSE_DESTROY_LOCKED: return "destroy-locked";
	case REPORT_MISUSE_DESTROY_WITH_WAITERS: return "destroy-with-waiters";
	case REPORT_MISUSE_USE_AFTER_DESTROY: return "use-after-destroy";
	case REPORT_MISUSE_COND_WAIT_NOT_HELD: return "cond-wait-not-held";
	case REPORT_MISUSE_COND_MIXED_MUTEX: return "cond-mixed-mutex";
	case REPORT_MISUSE_EXIT_HOLDING_LOCK: return "exit-holding-lock";
	case REPORT_MISUSE_JOIN_INVALID: return "join-invalid";
	case REPORT_MISUSE_SEM_OVERFLOW: return "sem-overflow";
	case REPORT_MISUSE_BARRIER_MISUSE: return "barrier-misuse";
	case REPORT_MISUSE_BAD_ARGUMENT: return "bad-argument";
	case REPORT_MISUSE_REINIT_IN_USE: return "reinit-in-use";
	case REPORT_MISUSE_COND_SIGNAL_NOT_HELD: return "cond-signal-not-held";
	case REPORT_MISUSE_THREAD_LEAK: return "thread-leak";
	case REPORT_MISUSE_TRYLOCK_SELF_HELD: return "trylock-self-held";
	}
	return "unknown";
}

const char *report_misuse_kind_title(enum report_misuse_kind kind)
{
	switch (kind) {
	case REPORT_MISUSE_UNLOCK_NOT_LOCKED: return "unlock of a lock that is not locked";
	case REPORT_MISUSE_UNLOCK_NOT_OWNER: return "unlock of a lock held by another thread";
	case REPORT_MISUSE_RELOCK_NON_RECURSIVE: return "relock of a non-recursive lock by its owner";
	case REPORT_MISUSE_DESTROY_LOCKED: return "destroy of a locked lock";
	case REPORT_MISUSE_DESTROY_WITH_WAITERS: return "destroy of an object threads wait on";
	case REPORT_MISUSE_USE_AFTER_DESTROY: return "use of a destroyed object";
	case REPORT_MISUSE_COND_WAIT_NOT_HELD: return "condition wait without holding its mutex";
	case REPORT_MISUSE_COND_MIXED_MUTEX: return "condition variable used with two mutexes";
	case REPORT_MISUSE_EXIT_HOLDING_LOCK: return "thread exit while holding a lock";
	case REPORT_MISUSE_JOIN_INVALID: return "invalid join";
	case REPORT_MISUSE_SEM_OVERFLOW: return "semaphore overflow";
	case REPORT_MISUSE_BARRIER_MISUSE: return "barrier misuse";
	case REPORT_MISUSE_BAD_ARGUMENT: return "call failed with an error";
	case REPORT_MISUSE_REINIT_IN_USE: return "re-initialization of an object in use";
	case REPORT_MISUSE_COND_SIGNAL_NOT_HELD: return "condition signal without the waiters' mutex";
	case REPORT_MISUSE_THREAD_LEAK: return "thread neither joined nor detached";
	case REPORT_MISUSE_TRYLOCK_SELF_HELD: return "trylock of a lock the thread holds";
	}
	return "unknown";
}

enum report_severity report_misuse_kind_severity(enum report_misuse_kind kind)
{
	switch (kind) {
	case REPORT_MISUSE_COND_SIGNAL_NOT_HELD:
		return REPORT_SEVERITY_NOTE;
	case REPORT_MISUSE_UNLOCK_NOT_LOCKED: case REPORT_MISUSE_UNLOCK_NOT_OWNER:
	case REPORT_MISUSE_RELOCK_NON_RECURSIVE: case REPORT_MISUSE_DESTROY_LOCKED:
	case REPORT_MISUSE_DESTROY_WITH_WAITERS: case REPORT_MISUSE_USE_AFTER_DESTROY:
	case REPORT_MISUSE_COND_WAIT_NOT_HELD: case REPORT_MISUSE_COND_MIXED_MUTEX:
	case REPORT_MISUSE_EXIT_HOLDING_LOCK: case REPORT_MISUSE_JOIN_INVALID:
	case REPORT_MISUSE_SEM_OVERFLOW: case REPORT_MISUSE_BARRIER_MISUSE:
	case REPORT_MISUSE_BAD_ARGUMENT: case REPORT_MISUSE_REINIT_IN_USE:
	case REPORT_MISUSE_THREAD_LEAK: case REPORT_MISUSE_TRYLOCK_SELF_HELD:
		break;
	}
	return REPORT_SEVERITY_WARNING;
}

const char *report_severity_name(enum report_severity severity)
{
	switch (severity) {
	case REPORT_SEVERITY_WARNING: return "warning";
	case REPORT_SEVERITY_NOTE: return "note";
	}
	return "warning";
}

const char *report_op_function(unsigned op, char *buf, size_t size)
{
	static const char *const plain[] = { "thrd_", "mtx_", "cnd_", "call_once", "sem_",
					     "mq_", "fork", "exec", "_exit",
					     "abort", "dlopen", "posix_spawn", "signal", "free" };
	const struct trace_op_desc *d = trace_op_desc(op);
	const char *name = d ? d->name : "unknown";

	if (op == TRACE_OP_PROC_EXIT) {
		snprintf(buf, size, "exit");
		return buf;
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (!strncmp(name, plain[i], strlen(plain[i]))) {
			snprintf(buf, size, "%s", name);
			return buf;
		}
	}
	snprintf(buf, size, "pthread_%s", name);
	return buf;
}
