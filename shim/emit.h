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

/* False: forward to the real function and record nothing (the shim is off,
 * not started, or this thread is already inside it). True: c is ready and
 * the call's stack has been captured. */
bool shim_enter(struct shim_call *c, uintptr_t pc0, uintptr_t sp);

/* For an operation that takes effect inside the real call that follows
 * (unlock, post, signal, destroy): takes the timestamp and order stamp now
 * and reserves the record at this place in the stream; the shim_end that
 * follows only fills in the result and publishes it. */
void shim_pre(struct shim_call *c, unsigned op, const volatile void *obj);

/* Writes one record: OP (| TRACE_OP_BEGIN for a request) on KEY (and KEY2),
 * with RESULT and the op's args and string as trace_ops.c defines them. */
void shim_emit(struct shim_call *c, unsigned op, uint64_t key, uint64_t key2, int64_t result,
	       uint64_t a0, uint64_t a1, uint64_t a2, const char *str);

static inline void shim_begin(struct shim_call *c, unsigned op, const volatile void *obj)
{
	shim_emit(c, op | TRACE_OP_BEGIN, (uintptr_t)obj, 0, 0, 0, 0, 0, 0);
}

static inline void shim_end(struct shim_call *c, unsigned op, const volatile void *obj, int result)
{
	shim_emit(c, op, (uintptr_t)obj, 0, result, 0, 0, 0, 0);
}

/* errno-style functions: -1 means failure with errno. */
int shim_errno_result(int ret);

/* C11 thrd_* codes as errno values (trace_event.h). */
int shim_thrd_result(int ret);

#endif
