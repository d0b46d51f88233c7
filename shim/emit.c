/* SPDX-License-Identifier: MIT */
/* emit.c - one intercepted call to records: the re-entrancy guard, the
 * timestamp and order stamp, the stack, the writer. */
#include "emit.h"

#include <errno.h>
#include <threads.h>

#include "real.h"
#include "stack.h"

bool shim_enter(struct shim_call *c, uintptr_t pc0, uintptr_t sp)
{
	if (__builtin_expect(atomic_load_explicit(&shim.state, memory_order_acquire) != SHIM_ACTIVE, 0)
	    && !shim_start())
		return false;
	struct shim_thread *t = shim_thread_self();
	if (!t)
		return false;  /* past the thread's end (libc's own cleanup) */
	if (t->in_shim) {
		/* Inside the shim: libunwind's own locks, or a signal handler
		 * that interrupted a record. Only the latter is a lost event;
		 * one that interrupts the unwinder itself goes uncounted. */
		if (!t->in_unwind)
			trace_stream_count_drop(&t->stream);
		return false;
	}
	c->t = t;
	c->pre = false;
	int saved = errno;
	t->in_shim++;
	c->stack = shim_stack_capture(t, pc0, sp);
	t->in_shim--;
	errno = saved;
	return true;
}

void shim_pre(struct shim_call *c, unsigned op, const volatile void *obj)
{
	struct shim_thread *t = c->t;
	int saved = errno;
	t->in_shim++;
	struct trace_rec rec = {
		.op = (uint8_t)op, .stack = c->stack, .key = (uintptr_t)obj,
		.tick = trace_writer_tick(&shim.writer),
	};
	rec.seq = trace_writer_stamp(&shim.writer, rec.key);
	trace_stream_reserve(&t->stream, &rec, &c->res);
	c->pre = true;
	t->in_shim--;
	errno = saved;
}

void shim_emit(struct shim_call *c, unsigned op, uint64_t key, uint64_t key2, int64_t result,
	       uint64_t a0, uint64_t a1, uint64_t a2, const char *str)
{
	struct shim_thread *t = c->t;
	int saved = errno;
	t->in_shim++;
	if (c->pre) {
		trace_stream_commit(&t->stream, &c->res, result);
		c->pre = false;
	} else {
		struct trace_rec rec = {
			.op = (uint8_t)op, .stack = c->stack, .key = key, .key2 = key2,
			.result = result, .args = { a0, a1, a2 }, .str = str,
			.tick = trace_writer_tick(&shim.writer),
		};
		if (trace_op_descs[op & TRACE_OP_MASK].flags & TRACE_F_OBJ)
			rec.seq = trace_writer_stamp(&shim.writer, key);
		trace_stream_write(&t->stream, &rec);
	}
	t->in_shim--;
	errno = saved;
}

int shim_errno_result(int ret)
{
	return ret == -1 ? errno : 0;
}

int shim_thrd_result(int ret)
{
	switch (ret) {
	case thrd_success: return 0;
	case thrd_busy: return EBUSY;
	case thrd_nomem: return ENOMEM;
	case thrd_timedout: return ETIMEDOUT;
	default: return EINVAL;
	}
}
