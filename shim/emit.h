/* SPDX-License-Identifier: MIT */
/* emit.h - what an interceptor calls to turn a call into records.
 *
 *   struct shim_call c;
 *   if (!shim_enter(&c, SHIM_SITE()))
 *           return shim_real.f(args);         // re-entry, not started, ...
 *   shim_begin(&c, OP, obj);                  // only if it may block
 *   shim_pre(&c, OP, obj);                    // only for a release: record now
 *   int r = shim_real.f(args);
 *   shim_end(&c, OP, obj, r);                 // or shim_acquired for a lock
 *   return r;
 *
 * Each record on an object says how it takes part in the object's order
 * (enum trace_order_how): requests are observations; locks, spinlocks and
 * write locks are acquired and released exclusively, which lets their
 * holder stamp them without a locked instruction; the rest is shared.
 *
 * errno is preserved by every function here. */
#ifndef CTRACE_SHIM_EMIT_H
#define CTRACE_SHIM_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "heap_objects.h"
#include "python.h"
#include "shim.h"
#include "stack.h"

/* Interceptors are the shim's only exported functions. */
#define SHIM_EXPORT __attribute__((visibility("default")))

struct shim_call {
	struct shim_thread *t;
	uint32_t stack;          /* captured at enter */
	bool pre;                /* shim_pre reserved the record */
	uint64_t tick;           /* read at enter for the call's first record, then 0 */
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

/* The call's stack: NATIVE, with the Python frames of the thread when
 * CPython's are recorded (python.h). */
TRACE_HOT uint32_t shim_call_stack(struct shim_call *c, uint32_t native, uintptr_t pc0)
{
	return __builtin_expect(atomic_load_explicit(&shim_py_frames, memory_order_acquire), 0)
		       ? shim_py_stack(c, native, pc0) : native;
}

/* Records the thread's deferred release (shim_defer_release) first. */
void shim_emit_deferred(struct shim_call *c);

/* A happens-before release on ADDR made by a signal handler that
 * interrupted the shim on its thread (whose record is half written): kept
 * for the thread's next call, which records it first, rather than lost
 * (a vfork child's: dropped, as everything it would record), also while
 * the shim unwinds a stack, unless PC0, the caller, is libunwind itself.
 * False if it cannot be kept (not that case, or another one is kept). */
bool shim_defer_release(uint64_t addr, uintptr_t pc0);

/* A happens-before annotation of KIND (enum trace_annotation) on ADDR, a
 * channel of the shim's own (a descriptor's, a signal's), by the
 * interceptor's caller at PC0 (its stack at SP; SHIM_SITE()): a release
 * by a signal handler that interrupted the shim is kept for the thread's
 * next call (shim_defer_release). errno is kept. */
void shim_annotate_channel(unsigned kind, uint64_t addr, uintptr_t pc0, uintptr_t sp);

/* OBJ is process-shared, as its memory says (OBJ_ROLE TRACE_ROLE_PSHARED):
 * written before a wait on it, which another process may end. */
void shim_note_pshared(struct shim_call *c, const volatile void *obj);
/* The same from a signal handler's start (signal_handlers.c), without a
 * stack: unwinding there could wait on a lock the interrupted code holds.
 * Nothing when the signal landed inside the shim. */
void shim_annotate_channel_in_handler(unsigned kind, uint64_t addr);

/* False: forward to the real function and record nothing (the shim is off,
 * not started, or this thread is already inside it). True: c is ready and
 * the call's stack has been captured. */
TRACE_HOT bool shim_enter(struct shim_call *c, uintptr_t pc0, uintptr_t sp)
{
	struct shim_thread *t = shim_tls;
	if (__builtin_expect(t && t != SHIM_THREAD_GONE && !t->in_shim, 1) &&
	    atomic_load_explicit(&shim.state, memory_order_relaxed) == SHIM_ACTIVE) {
		/* Read first: the clock's latency (~25 cycles for rdtsc) then
		 * overlaps the stack lookup and the real call. */
		c->tick = trace_writer_tick(&shim.writer);
		uint32_t id = shim_stack_cached(t, pc0, sp);
		if (__builtin_expect(id != UINT32_MAX, 1)) {
			c->t = t;
			c->pre = false;
			c->stack = shim_call_stack(c, id, pc0);
			if (__builtin_expect(t->deferred_release != 0, 0))
				shim_emit_deferred(c);
			return true;
		}
	}
	return shim_enter_slow(c, pc0, sp);
}

/* The tick of a record of the call: the one read at enter for the first
 * record (written before anything could block), the clock for the others. */
TRACE_HOT uint64_t shim_call_tick(struct shim_call *c)
{
	uint64_t tick = c->tick;
	c->tick = 0;
	return tick ? tick : trace_writer_tick(&shim.writer);
}

/* For an operation that takes effect inside the real call that follows
 * (unlock, post, signal, destroy): takes the timestamp and order stamp now
 * and reserves the record at this place in the stream; the shim_end that
 * follows only fills in the result and publishes it. */
void shim_pre_general(struct shim_call *c, unsigned op, uint64_t key, uint64_t tick,
		      uint64_t seq);

/* The order stamp of a record on object KEY; its line is noted too
 * (heap_objects.h: a free of its block then ends it). */
static inline uint64_t shim_stamp(struct shim_thread *t, uint64_t key, enum trace_order_how how)
{
	heap_objects_note(key);
	return trace_stream_stamp(&t->stream, key, how);
}

TRACE_HOT void shim_pre_how(struct shim_call *c, unsigned op, const volatile void *obj,
			    enum trace_order_how how)
{
	struct shim_thread *t = c->t;
	uint64_t key = (uintptr_t)obj;
	t->in_shim++;
	uint64_t tick = shim_call_tick(c);
	uint64_t seq = shim_stamp(t, key, how);
	if (!trace_stream_reserve_simple(&t->stream, (uint8_t)op, tick, c->stack, key, seq, &c->res))
		shim_pre_general(c, op, key, tick, seq);
	c->pre = true;
	t->in_shim--;
}

/* shim_pre of an op on no object, with its args known before the call;
 * shim_end(c, op, NULL, result) commits it. */
void shim_pre_args(struct shim_call *c, unsigned op, uint64_t a0, uint64_t a1, uint64_t a2);

TRACE_HOT void shim_pre(struct shim_call *c, unsigned op, const volatile void *obj)
{
	shim_pre_how(c, op, obj, TRACE_ORDER_SHARED);
}

/* The release of something held exclusively (unlock). */
TRACE_HOT void shim_pre_release(struct shim_call *c, unsigned op, const volatile void *obj)
{
	shim_pre_how(c, op, obj, TRACE_ORDER_RELEASE);
}

/* Writes one record: OP (| TRACE_OP_BEGIN for a request) on KEY (and KEY2),
 * with RESULT and the op's args and string as trace_ops.c defines them,
 * ordered on KEY as HOW says. */
void shim_emit_how(struct shim_call *c, enum trace_order_how how, unsigned op, uint64_t key,
		   uint64_t key2, int64_t result, uint64_t a0, uint64_t a1, uint64_t a2,
		   const char *str);

static inline void shim_emit(struct shim_call *c, unsigned op, uint64_t key, uint64_t key2,
			     int64_t result, uint64_t a0, uint64_t a1, uint64_t a2, const char *str)
{
	shim_emit_how(c, TRACE_ORDER_SHARED, op, key, key2, result, a0, a1, a2, str);
}

/* Ops whose records fit trace_stream_write_simple, by op byte. */
extern bool shim_simple_op[256];

/* The general path for a record whose tick and seq are already taken. */
void shim_write_general(struct shim_thread *t, unsigned op, uint64_t key, uint32_t stack,
			uint64_t tick, uint64_t seq, int64_t result);

/* shim_emit for ops with one object, no args and no string (most calls):
 * the fast path, inline in every interceptor. Also commits a record that
 * shim_pre reserved. */
TRACE_HOT void shim_emit_simple(struct shim_call *c, enum trace_order_how how, unsigned op,
				uint64_t key, int64_t result)
{
	struct shim_thread *t = c->t;
	t->in_shim++;
	if (c->pre) {
		trace_stream_commit(&t->stream, &c->res, result);
		c->pre = false;
	} else if (__builtin_expect(shim_simple_op[op & 0xff], 1)) {
		uint64_t tick = shim_call_tick(c);
		uint64_t seq = shim_stamp(t, key, how);
		if (!trace_stream_write_simple(&t->stream, (uint8_t)op, tick, c->stack, key, seq, result))
			shim_write_general(t, op, key, c->stack, tick, seq, result);
	} else {
		t->in_shim--;
		shim_emit_how(c, how, op, key, 0, result, 0, 0, 0, 0);
		return;
	}
	t->in_shim--;
}

/* The request of a call that has to wait: an observation, not ordered. */
TRACE_HOT void shim_begin(struct shim_call *c, unsigned op, const volatile void *obj)
{
	shim_emit_simple(c, TRACE_ORDER_NONE, op | TRACE_OP_BEGIN, (uintptr_t)obj, 0);
}

TRACE_HOT void shim_end(struct shim_call *c, unsigned op, const volatile void *obj, int result)
{
	shim_emit_simple(c, TRACE_ORDER_SHARED, op, (uintptr_t)obj, result);
}

/* The end of a lock call: HELD says whether the caller now holds the lock
 * exclusively (a failed or refused attempt is only an observation). */
TRACE_HOT void shim_acquired(struct shim_call *c, unsigned op, const volatile void *obj,
			     int result, bool held)
{
	shim_emit_simple(c, held ? TRACE_ORDER_ACQUIRE : TRACE_ORDER_NONE, op, (uintptr_t)obj,
			 result);
}

/* The end of a shared acquisition (read lock): ordered if it succeeded. */
TRACE_HOT void shim_acquired_shared(struct shim_call *c, unsigned op,
				    const volatile void *obj, int result, bool held)
{
	shim_emit_simple(c, held ? TRACE_ORDER_SHARED : TRACE_ORDER_NONE, op, (uintptr_t)obj,
			 result);
}

/* errno-style functions: -1 means failure with errno. */
int shim_errno_result(int ret);

/* C11 thrd_* codes as errno values (trace_event.h). */
int shim_thrd_result(int ret);

#endif
