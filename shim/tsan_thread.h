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

#include "shim.h"
#include "trace_accesses.h"

#define TSAN_DEPTH_MAX    256u   /* shadow frames; deeper calls are not kept */
#define TSAN_STACK_CACHE  256u   /* (shadow stack, pc) -> stack id */
#define TSAN_STACK_RECENT 8u     /* the same, the last by pc */
#define TSAN_KEYS         1024u  /* keys of an interval before its table restarts */
#define TSAN_SLOTS        (2u * TSAN_KEYS)

struct tsan_frame {
	uintptr_t pc;                /* the function's return address */
	uintptr_t sp;                /* where its entry hook ran: deeper is lower */
	uint64_t hash;               /* of this frame and every outer one */
};

struct tsan_stack_slot {
	uint64_t key;                /* hash of the shadow stack and pc, 0 = empty */
	uint32_t id;
};

/* The interval's table holds keys: address | (size << 2 | free << 1 |
 * write) << 48, 0 = empty. Accesses whose key does not fit (16 KiB or
 * more, addresses above 2^48) are never merged. */
#define TSAN_KEY_SIZE_MAX (1u << 14)

struct tsan_thread {
	struct shim_thread *owner;
	/* the interval */
	uint32_t n;                  /* keys in the table */
	bool has_free;               /* a free() is kept: an ALLOC must not pass it */
	int ignore;                  /* __tsan_ignore_thread_begin depth */
	uint64_t seen, kept;         /* since they were added to the header */
	struct trace_access_batch batch;  /* the open ACCESSES record */
	/* the last stack ids, by pc: a loop's few access sites hit here, in
	 * lines the thread touches anyway, not in the larger cache below */
	struct tsan_stack_slot recent[TSAN_STACK_RECENT];
	/* the shadow call stack */
	uint32_t depth;
	uint32_t overflow;           /* entries beyond TSAN_DEPTH_MAX not yet exited */
	struct tsan_frame frames[TSAN_DEPTH_MAX];
	struct tsan_stack_slot stacks[TSAN_STACK_CACHE];
	uint16_t used[TSAN_KEYS];    /* the slots taken, to empty them */
	uint64_t slot[TSAN_SLOTS];
};

/* Set by the first __tsan_init: the process has instrumented code, so the
 * heap and string interceptors record too. */
extern _Atomic bool tsan_on;

/* The calling thread's recording state, once it has one and until its
 * end: one load for the hooks (no walk from the shim's state). */
extern __thread struct tsan_thread *tsan_tls __attribute__((tls_model("initial-exec")));

/* The calling thread is ending (its THREAD_END is written): it records
 * nothing more. */
void tsan_thread_gone(void);

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

/* Records an access of T at PC (tsan_record_access once T is known). */
void tsan_access(struct shim_thread *t, uintptr_t pc, uint64_t addr, uint64_t size,
		 unsigned flags);

/* Records an access whose stack is known (interceptors that unwound). */
void tsan_access_with_stack(struct shim_thread *t, uint64_t addr, uint64_t size, unsigned flags,
			    uint32_t stack);

/* Ends the interval: its last batch record is published, its table
 * emptied, its counts added to the header. */
void tsan_flush(struct shim_thread *t, uint64_t tick);

/* A forked child: the stripes of atomic locations held by threads that
 * are not in it are free again. */
void tsan_sync_after_fork(void);

/* Writes one record of the thread (ATOMIC, FENCE, ALLOC, ANNOTATE), with
 * the stack of PC if PC is not 0. ENDS: it ends the interval (the kept
 * accesses go first); else it may precede them. Preserves errno. */
void tsan_write(struct shim_thread *t, struct trace_rec *rec, uintptr_t pc, bool ends);

#endif
