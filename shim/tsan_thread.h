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
#define TSAN_KEPT         1024u  /* accesses buffered before an early flush */
#define TSAN_SLOTS        (2u * TSAN_KEPT)
#define TSAN_SIZE_KEYED   (1u << 29) /* larger ranges are never merged */

struct tsan_frame {
	uintptr_t pc;                /* the function's return address */
	uintptr_t sp;                /* where its entry hook ran: deeper is lower */
	uint64_t hash;               /* of this frame and every outer one */
};

struct tsan_stack_slot {
	uint64_t key;                /* hash of the shadow stack and pc, 0 = empty */
	uint32_t id;
};

/* A slot of the interval's table: valid while gen is the interval's. The
 * key is whole in it, so a repeated access costs one load. */
struct tsan_slot {
	uint64_t addr;
	uint32_t gen;
	uint32_t size_flags;         /* size << 2 | free << 1 | write */
};

struct tsan_thread {
	/* the interval */
	uint32_t gen;                /* slots of other generations are empty */
	uint32_t n;                  /* kept so far */
	uint64_t seen;               /* accesses seen since the last flush */
	bool has_free;               /* a free() is kept: an ALLOC must not pass it */
	int ignore;                  /* __tsan_ignore_thread_begin depth */
	/* the shadow call stack */
	uint32_t depth;
	uint32_t overflow;           /* entries beyond TSAN_DEPTH_MAX not yet exited */
	struct tsan_frame frames[TSAN_DEPTH_MAX];
	struct tsan_stack_slot stacks[TSAN_STACK_CACHE];
	struct tsan_slot slot[TSAN_SLOTS];
	struct trace_access kept[TSAN_KEPT];
};

/* Set by the first __tsan_init: the process has instrumented code, so the
 * heap and string interceptors record too. */
extern _Atomic bool tsan_on;

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

/* Writes the interval's kept accesses now, at TICK, and starts a new one. */
void tsan_flush(struct shim_thread *t, uint64_t tick);

/* Writes one record of the thread (ATOMIC, FENCE, ALLOC, ANNOTATE). ENDS:
 * it ends the interval (the kept accesses go first); else it may precede
 * them. Preserves errno. */
void tsan_write(struct shim_thread *t, const struct trace_rec *rec, bool ends);

#endif
