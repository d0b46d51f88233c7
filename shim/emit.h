/* SPDX-License-Identifier: MIT */
/* emit.h - what an interceptor calls to turn a call into records.
 *
 *   struct shim_call c;
 *   if (!shim_enter(&c, SHIM_SITE()))
 *           return shim_real.f(args);         // re-entry, not started, ...
 *   shim_begin(&c, OP, obj);                  // only if it may block
 *   shim_pre(&c, OP, obj);                    // only for a release: record now
 *   int r = shim_real.f(args);
 *   shim_end(&c, OP, obj, r);
 *   return r;
 *
 * errno is preserved by every function here. */
#ifndef CTRACE_SHIM_EMIT_H
#define CTRACE_SHIM_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "shim.h"
#include "stack.h"

/* Interceptors are the shim's only exported functions. */
#define SHIM_EXPORT __attribute__((visibility("default")))

struct shim_call {
	struct shim_thread *t;
	uint32_t stack;          /* captured at enter */
	bool pre;                /* shim_pre reserved the record */
	struct trace_reservation res;
};

/* The caller's return address and stack pointer, for the stack cache.
 * Interceptors are built with frame pointers: the return address sits at
 * fp+8, so the caller's stack pointer after the call is fp+16. */
#define SHIM_SITE() (uintptr_t)__builtin_return_address(0), \
	(uintptr_t)__builtin_frame_address(0) + 16

/* The slow half of shim_enter: starting the shim, a new thread, a stack
 * not in the cache, re-entry. */
bool shim_enter_slow(struct shim_call *c, uintptr_t pc0, uintptr_t sp);

/* False: forward to the real function and record nothing (the shim is off,
 * not started, or this thread is already inside it). True: c is ready and
 * the call's stack has been captured. */
static inline bool shim_enter(struct shim_call *c, uintptr_t pc0, uintptr_t sp)
{
	struct shim_thread *t = shim_tls;
	if (__builtin_expect(t && t != SHIM_THREAD_GONE && !t->in_shim, 1) &&
	    atomic_load_explicit(&shim.state, memory_order_relaxed) == SHIM_ACTIVE) {
		uint32_t id = shim_stack_cached(t, pc0, sp);
		if (__builtin_expect(id != UINT32_MAX, 1)) {
			c->t = t;
			c->pre = false;
			c->stack = id;
			return true;
		}
	}
	return shim_enter_slow(c, pc0, sp);
}

/* For an operation that takes effect inside the real call that follows
 * (unlock, post, signal, destroy): takes the timestamp and order stamp now
 * and reserves the record at this place in the stream; the shim_end that
 * follows only fills in the result and publishes it. */
void shim_pre(struct shim_call *c, unsigned op, const volatile void *obj);

/* Writes one record: OP (| TRACE_OP_BEGIN for a request) on KEY (and KEY2),
 * with RESULT and the op's args and string as trace_ops.c defines them. */
void shim_emit(struct shim_call *c, unsigned op, uint64_t key, uint64_t key2, int64_t result,
	       uint64_t a0, uint64_t a1, uint64_t a2, const char *str);

/* Ops whose records fit trace_stream_write_simple, by op byte. */
extern bool shim_simple_op[256];

/* The general path for a record whose tick and seq are already taken. */
void shim_write_general(struct shim_thread *t, unsigned op, uint64_t key, uint32_t stack,
			uint64_t tick, uint64_t seq, int64_t result);

/* shim_emit for ops with one object, no args and no string (most calls):
 * the fast path, inline in every interceptor. Also commits a record that
 * shim_pre reserved. */
static inline void shim_emit_simple(struct shim_call *c, unsigned op, uint64_t key, int64_t result)
{
	struct shim_thread *t = c->t;
	t->in_shim++;
	if (c->pre) {
		trace_stream_commit(&t->stream, &c->res, result);
		c->pre = false;
	} else if (__builtin_expect(shim_simple_op[op & 0xff], 1)) {
		uint64_t tick = trace_writer_tick(&shim.writer);
		uint64_t seq = trace_writer_stamp(&shim.writer, key);
		if (!trace_stream_write_simple(&t->stream, (uint8_t)op, tick, c->stack, key, seq, result))
			shim_write_general(t, op, key, c->stack, tick, seq, result);
	} else {
		t->in_shim--;
		shim_emit(c, op, key, 0, result, 0, 0, 0, 0);
		return;
	}
	t->in_shim--;
}

static inline void shim_begin(struct shim_call *c, unsigned op, const volatile void *obj)
{
	shim_emit_simple(c, op | TRACE_OP_BEGIN, (uintptr_t)obj, 0);
}

static inline void shim_end(struct shim_call *c, unsigned op, const volatile void *obj, int result)
{
	shim_emit_simple(c, op, (uintptr_t)obj, result);
}

/* errno-style functions: -1 means failure with errno. */
int shim_errno_result(int ret);

/* C11 thrd_* codes as errno values (trace_event.h). */
int shim_thrd_result(int ret);

#endif
