/* SPDX-License-Identifier: MIT */
/* emit.c - one intercepted call to records: the re-entrancy guard, the
 * timestamp and order stamp, the stack, the writer. */
#include "emit.h"

#include <errno.h>
#include <threads.h>

#include "real.h"
#include "stack.h"

bool shim_enter_slow(struct shim_call *c, uintptr_t pc0, uintptr_t sp)
{
	if (atomic_load_explicit(&shim.state, memory_order_acquire) != SHIM_ACTIVE && !shim_start())
		return false;
	struct shim_thread *t = shim_thread_self();
	if (!t) {
		/* Past the thread's end: libunwind's or the allocator's key
		 * destructor (not the program's: jemalloc's locks as it tidies
		 * the thread's caches), or a signal handler of the program:
		 * lost, counted. */
		if (!shim_stack_is_unwinder(pc0) && !shim_stack_is_allocator(pc0) &&
		    atomic_load_explicit(&shim.state, memory_order_relaxed) == SHIM_ACTIVE)
			atomic_fetch_add((_Atomic uint64_t *)&shim.writer.hdr->dropped, 1);
		return false;
	}
	if (t->in_shim) {
		/* Inside the shim: the locks of code the shim called, or a
		 * signal handler that interrupted the shim: a lost event. */
		if (!shim_is_helper_call(t, pc0))
			trace_stream_count_drop(&t->stream);
		return false;
	}
	c->t = t;
	c->pre = false;
	c->tick = 0;
	int saved = *t->errno_at;
	t->in_shim++;
	c->stack = shim_stack_capture(t, pc0, sp);
	t->in_shim--;
	*t->errno_at = saved;
	c->stack = shim_call_stack(c, c->stack, pc0);
	if (t->deferred_release)
		shim_emit_deferred(c);
	return true;
}

void shim_emit_deferred(struct shim_call *c)
{
	uint64_t addr = c->t->deferred_release;
	c->t->deferred_release = 0;
	atomic_signal_fence(memory_order_seq_cst);  /* a handler may keep another now */
	shim_emit_how(c, TRACE_ORDER_NONE, TRACE_OP_ANNOTATE, 0, 0, 0, TRACE_ANN_HAPPENS_BEFORE, addr,
		      0, NULL);
}

bool shim_defer_release(uint64_t addr, uintptr_t pc0)
{
	struct shim_thread *t = shim_tls;
	if (!t || t == SHIM_THREAD_GONE || !t->in_shim || shim_is_helper_call(t, pc0) ||
	    (t->deferred_release && t->deferred_release != addr) ||
	    atomic_load_explicit(&shim.state, memory_order_relaxed) != SHIM_ACTIVE)
		return false;
	if (shim_is_own_process())  /* a vfork child records nothing */
		t->deferred_release = addr;
	return true;
}

bool shim_simple_op[256];

void shim_emit_init(void)
{
	for (unsigned op = 0; op < TRACE_OP_COUNT; op++) {
		const struct trace_op_desc *d = trace_op_desc(op);
		if (!d || (d->flags & (TRACE_F_CALL | TRACE_F_OBJ)) != (TRACE_F_CALL | TRACE_F_OBJ) ||
		    (d->flags & (TRACE_F_OBJ2 | TRACE_F_STR)))
			continue;
		shim_simple_op[op] = d->nargs == 0;
		shim_simple_op[op | TRACE_OP_BEGIN] = (d->flags & TRACE_F_BLOCKING) && d->nargs_begin == 0;
	}
}

/* The general path, for a record whose tick and seq are already taken. */
static void write_general(struct shim_thread *t, struct trace_rec *rec)
{
	int saved = *t->errno_at;  /* a new chunk means syscalls */
	trace_stream_write(&t->stream, rec);
	*t->errno_at = saved;
}

void shim_write_general(struct shim_thread *t, unsigned op, uint64_t key, uint32_t stack,
			uint64_t tick, uint64_t seq, int64_t result)
{
	struct trace_rec rec = { .op = (uint8_t)op, .stack = stack, .key = key, .tick = tick,
				 .seq = seq, .result = result };
	write_general(t, &rec);
}

/* Reserves REC for the call (a new chunk means system calls: errno kept). */
static void reserve(struct shim_call *c, const struct trace_rec *rec)
{
	struct shim_thread *t = c->t;
	int saved = *t->errno_at;
	trace_stream_reserve(&t->stream, rec, &c->res);
	*t->errno_at = saved;
}

void shim_pre_general(struct shim_call *c, unsigned op, uint64_t key, uint64_t tick,
		      uint64_t seq)
{
	reserve(c, &(struct trace_rec){ .op = (uint8_t)op, .stack = c->stack, .key = key,
					.tick = tick, .seq = seq });
}

void shim_pre_args(struct shim_call *c, unsigned op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	c->t->in_shim++;
	reserve(c, &(struct trace_rec){ .op = (uint8_t)op, .stack = c->stack, .args = { a0, a1, a2 },
					.tick = shim_call_tick(c) });
	c->pre = true;
	c->t->in_shim--;
}

void shim_emit_how(struct shim_call *c, enum trace_order_how how, unsigned op, uint64_t key,
		   uint64_t key2, int64_t result, uint64_t a0, uint64_t a1, uint64_t a2,
		   const char *str)
{
	struct shim_thread *t = c->t;
	if (c->pre) {  /* the record was reserved: only its result is left */
		shim_emit_simple(c, how, op, key, result);
		return;
	}
	t->in_shim++;
	struct trace_rec rec = {
		.op = (uint8_t)op, .stack = c->stack, .key = key, .key2 = key2,
		.result = result, .args = { a0, a1, a2 }, .str = str,
		.tick = trace_writer_tick(&shim.writer),
	};
	c->tick = 0;  /* the general path may follow a slow call: fresh ticks only */
	if (trace_op_descs[op & TRACE_OP_MASK].flags & TRACE_F_OBJ)
		rec.seq = shim_stamp(t, key, how);
	write_general(t, &rec);
	t->in_shim--;
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

void shim_note_pshared(struct shim_call *c, const volatile void *obj)
{
	shim_emit_how(c, TRACE_ORDER_NONE, TRACE_OP_OBJ_ROLE, (uintptr_t)obj, 0, 0, TRACE_ROLE_PSHARED,
		      0, 0, NULL);
}

void shim_annotate_channel(unsigned kind, uint64_t addr, uintptr_t pc0, uintptr_t sp)
{
	int saved = errno;
	struct shim_call c;
	if (!(kind == TRACE_ANN_HAPPENS_BEFORE && shim_defer_release(addr, pc0)) &&
	    shim_enter(&c, pc0, sp) && shim_is_own_process())
		shim_emit_how(&c, TRACE_ORDER_NONE, TRACE_OP_ANNOTATE, 0, 0, 0, kind, addr, 0, NULL);
	errno = saved;
}

void shim_annotate_channel_in_handler(unsigned kind, uint64_t addr)
{
	int saved = errno;
	struct shim_thread *t = shim_tls;
	if (t && t != SHIM_THREAD_GONE && !t->in_shim &&
	    atomic_load_explicit(&shim.state, memory_order_relaxed) == SHIM_ACTIVE &&
	    shim_is_own_process()) {
		struct shim_call c = { .t = t, .tick = trace_writer_tick(&shim.writer) };
		shim_emit_how(&c, TRACE_ORDER_NONE, TRACE_OP_ANNOTATE, 0, 0, 0, kind, addr, 0, NULL);
	}
	errno = saved;
}
