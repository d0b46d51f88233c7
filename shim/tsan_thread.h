/* SPDX-License-Identifier: MIT */
/* tsan_thread.h - a thread's memory-access recording state (programs built
 * with `ctrace cc`): its shadow call stack, the stack ids it interned, and
 * the accesses kept in its current synchronization-free interval. Made on
 * the thread's first hook call, in its own mapping (threads of programs
 * without instrumented code never have one). */
#ifndef CTRACE_SHIM_TSAN_THREAD_H
#define CTRACE_SHIM_TSAN_THREAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "omp_runtime.h"
#include "stack.h"
#include "shim.h"
#include "trace_accesses.h"
#include "tsan_hot.h"

#define TSAN_STACK_CACHE_BITS  10u /* (shadow stack, pc) -> stack id */
#define TSAN_STACK_CACHE       (1u << TSAN_STACK_CACHE_BITS)
#define TSAN_STACK_RECENT_BITS 5u  /* the same, the last by pc (an unrolled loop has many) */
#define TSAN_STACK_RECENT      (1u << TSAN_STACK_RECENT_BITS)
#define TSAN_ACQUIRED_BITS     6u  /* locations an acquire load read */
#define TSAN_ACQUIRED          (1u << TSAN_ACQUIRED_BITS)
#define TSAN_HELD              16u /* annotated mutexes held for writing, at most */

struct tsan_stack_slot {
	uint64_t key;                /* hash of the shadow stack and pc, 0 = empty */
	uint32_t id;
};

/* The hot part first: the program's own entry points (tsan_hooks.c)
 * read it through the TLS pointer. */
struct tsan_thread {
	struct tsan_hot hot;         /* shadow stack, interval table, ignore, seen */
	struct shim_thread *owner;
	/* the interval */
	uint32_t n;                  /* keys in the table */
	uint32_t sparse;             /* intervals in a row that filled under 1/8 of it */
	uint64_t kept;               /* since it was added to the header */
	struct trace_access_batch batch;  /* the open ACCESSES record */
	/* the last stack ids, by pc: a loop's few access sites hit here, in
	 * lines the thread touches anyway, not in the larger cache below */
	struct tsan_stack_slot recent[TSAN_STACK_RECENT];
	struct tsan_stack_slot stacks[TSAN_STACK_CACHE];
	_Atomic uint32_t answered;   /* the last request to publish (tsan_exit.c)
	                                the thread answered */
	/* its last atomic record, if a load (tsan_sync.c): the same load
	 * again, with nothing written since and no store on the location
	 * between, is counted, not written */
	struct tsan_last_load {
		uint64_t key, seq;
		uint64_t where;          /* the shadow stack's hash with the pc */
		uint8_t *end;            /* the stream's position after it; NULL: none */
		uint32_t op, size;
		int mo;
	} last_load;
	uint64_t loads_merged;       /* since they were added to the header */
	uint64_t stored_before;      /* the location's store count when begin took
	                                its stripe (tsan_sync.c) */
	/* inside a lock of TSan's annotated mutexes (tsan_mutex.c): its
	 * atomics, fences and happens-before annotations order nothing (beside
	 * what the atomics' own path reads) */
	uint32_t ignore_sync;
	/* by location: the store count of its private order group when the
	 * thread's last recorded acquire load of it read it (tsan_sync.c) */
	struct tsan_acquired {
		uint64_t key, stored;    /* key 0: none */
	} acquired[TSAN_ACQUIRED];
	/* the annotated mutexes the thread holds for writing, with their
	 * depth: a relock of a reentrant one is not recorded */
	struct tsan_held {
		uint64_t addr;           /* 0: a free entry */
		uint32_t depth;
	} held[TSAN_HELD];
	/* last, as the table: pages of the mapping touched only as needed */
	uint16_t used[TSAN_KEYS_MAX];        /* the slots taken, to empty them */
	uint64_t moving[TSAN_KEYS_MAX / 2];  /* the keys, while the table doubles */
};

/* Set by the first __tsan_init: the process has instrumented code, so the
 * heap and string interceptors record too. */
extern _Atomic bool tsan_on;

/* An ignored stretch of TS's accesses begins or ends (they nest; an end
 * without a begin is none). */
static inline void tsan_ignore_step(struct tsan_thread *ts, bool begin)
{
	if (begin)
		ts->hot.ignore++;
	else if (ts->hot.ignore > 0)
		ts->hot.ignore--;
}

/* glibc's own memory work in a thread call (pthread_create and the joins
 * and detaches reuse the stacks of ended threads and free their
 * thread-local blocks, ordered by glibc's lock): not the program's
 * accesses, as libtsan ignores it too. T's accesses, frees and its
 * allocations' writes are unrecorded from begin to end. */
static inline void tsan_library_stretch(struct shim_thread *t, bool begin)
{
	if (t && t->tsan)
		tsan_ignore_step(t->tsan, begin);
}

/* The calling thread's recording state, once it has one and until its
 * end: one load for the hooks (no walk from the shim's state). */
static inline struct tsan_thread *tsan_current(void)
{
	return (struct tsan_thread *)__ctrace_tsan_thread_v2;
}

/* The calling thread is ending (its THREAD_END is written): it records
 * nothing more. */
void tsan_thread_gone(void);
/* The thread ends: its own fiber (tsan_fiber.c), if the program asked
 * for it, goes. */
void tsan_fiber_thread_gone(void);

/* The calling thread's shim state when it may record an access now: the
 * shim is active, the thread has a recording state (made here if needed)
 * and is not inside the shim. NULL otherwise. */
struct shim_thread *tsan_thread_slow(void);

TRACE_HOT struct shim_thread *tsan_thread_of_caller(void)
{
	struct shim_thread *t = shim_tls;
	if (__builtin_expect(t && t != SHIM_THREAD_GONE && t->tsan && !t->in_shim, 1))
		return t;
	return tsan_thread_slow();
}

/* For interceptors (malloc, memcpy...): the calling thread if it may
 * record now and the call at PC is the program's, not the shim's own. The
 * thread is never adopted here: a thread the shim is still starting
 * copies its arguments before its state exists. */
struct shim_thread *tsan_thread_for_interceptor(uintptr_t pc);

/* Forgets the interval, the shadow stack and the stack ids (a new thread on
 * a recycled state, a forked child: ids of another image). */
void tsan_thread_reset(struct shim_thread *t);

/* The stack id of an access at PC: the shadow stack + PC. */
uint32_t tsan_stack_id(struct tsan_thread *ts, uintptr_t pc);

/* The stack of a call at PC (its return address) from the thread's
 * instrumented code: its shadow call stack, as its accesses have, without
 * unwinding. UINT32_MAX if PC is not in instrumented code (then unwind). */
uint32_t tsan_call_stack(struct shim_thread *t, uintptr_t pc);

/* Records an access of T at PC (tsan_record_access once T is known). */
void tsan_access(struct shim_thread *t, uintptr_t pc, uint64_t addr, uint64_t size,
		 unsigned flags);

/* The bytes [P, P + N) that a library call at PC reads or writes for the
 * program (memcpy's, a buffer given to read or send): a range access,
 * FLAGS TRACE_ACCESS_WRITE or not, when the process has instrumented
 * code and the call is the program's (not the OpenMP runtime's own, nor
 * the allocator's). */
static inline void tsan_call_range(uintptr_t pc, const void *p, size_t n, unsigned flags)
{
	struct shim_thread *t;
	if (n && atomic_load_explicit(&tsan_on, memory_order_relaxed) && !shim_omp_runtime_has(pc) &&
	    !shim_stack_is_allocator(pc) && (t = tsan_thread_for_interceptor(pc)))
		tsan_access(t, pc, (uintptr_t)p, n, flags | TRACE_ACCESS_RANGE);
}

/* Records an access whose stack is known (interceptors that unwound). */
void tsan_access_with_stack(struct shim_thread *t, uint64_t addr, uint64_t size, unsigned flags,
			    uint32_t stack);

/* Ends the interval: its last batch record is published, its table
 * emptied, its counts added to the header. */
void tsan_flush(struct shim_thread *t, uint64_t tick);

/* Publishes the open batch of TS's thread, the calling one; the interval
 * goes on (its table still merges). */
void tsan_publish(struct tsan_thread *ts);

/* The calling thread may block for long in a call that records nothing
 * (a sleep, a read, a poll): the accesses of its open batch are published
 * first, or a process ending meanwhile would lose them (the race of a
 * write before a sleep with a read by the thread that exits). */
static inline void tsan_before_block(void)
{
	struct tsan_thread *ts = tsan_current();
	if (__builtin_expect(ts && ts->batch.count_at, 0))
		tsan_publish(ts);
}

/* The process ends (exit, _exit, exec, a fatal signal): the calling
 * thread's open batch is published, and every other thread is asked to
 * publish its own (tsan_exit.c). Waits a bounded time for the answers. */
void tsan_publish_all(void);

/* A forked child: the stripes of atomic locations held by threads that
 * are not in it are free again. */
void tsan_sync_after_fork(void);

/* Writes one record of the thread (ATOMIC, FENCE, ALLOC, ANNOTATE), with
 * the stack of PC if PC is not 0. ENDS: it ends the interval (the kept
 * accesses go first); else it may precede them. Preserves errno. */
void tsan_write(struct shim_thread *t, struct trace_rec *rec, uintptr_t pc, bool ends);

#endif
