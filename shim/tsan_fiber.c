/* SPDX-License-Identifier: MIT */
/* tsan_fiber.c - TSan's fiber interface (<sanitizer/tsan_interface.h>:
 * __tsan_create_fiber, __tsan_switch_to_fiber...): code that switches
 * stacks itself (coroutines on swapcontext, Boost.Context, a fiber
 * scheduler) says which fiber runs from now on.
 *
 * A fiber keeps what the instrumented code's hooks build as it runs: its
 * shadow call stack and its ignore depth, saved while it is switched out,
 * so an access in a fiber has the fiber's stack, not the one that ran
 * before it on the thread. In the trace a fiber's accesses are its
 * thread's, in program order: fibers of one thread never race with each
 * other (they never run at once). A fiber may go on on another thread: a
 * switch releases on the fiber left and acquires on the fiber entered, so
 * what a fiber did before it moved happens before what it does after,
 * whatever synchronization its scheduler uses. That edge is made with
 * __tsan_switch_to_fiber_no_sync too (TSan keeps a fiber's own order
 * then as well, in the fiber's clock). */
#include "tsan_record.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "real_mem.h"
#include "trace_format.h"
#include "tsan_thread.h"

#define RECORD_API __attribute__((visibility("protected")))

struct tsan_fiber {
	uint32_t depth, overflow;
	int ignore;
	bool mapped;                 /* from mmap, not the real calloc */
	uint64_t channel;            /* its happens-before channel, never reused */
	struct tsan_frame frames[TSAN_DEPTH_MAX];
};

/* The fiber the thread runs, and the thread's own (its original stack):
 * NULL until the program asks. */
static __thread struct tsan_fiber *fiber_running, *fiber_own;

/* A fiber's channel: an address no program memory has (bit 61), a new
 * one for each fiber, so that a fiber made where an ended one was (the
 * same handle) is not ordered after it. */
static uint64_t fiber_channel(void)
{
	static _Atomic uint64_t made;
	return 1ull << 61 | atomic_fetch_add_explicit(&made, 1, memory_order_relaxed) << 4;
}

static struct tsan_fiber *fiber_new(void)
{
	struct tsan_fiber *f = NULL;
	if (shim_mem_resolve() && shim_mem.calloc)
		f = shim_mem.calloc(1, sizeof(*f));
	if (!f) {
		f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (f == MAP_FAILED)
			return NULL;
		f->mapped = true;
	}
	f->channel = fiber_channel();
	return f;
}

RECORD_API void *tsan_record_fiber_current(void)
{
	if (!fiber_running)
		fiber_running = fiber_own = fiber_new();
	return fiber_running;
}

RECORD_API void *tsan_record_fiber_create(void)
{
	return fiber_new();
}

static void fiber_free(struct tsan_fiber *f)
{
	if (f->mapped)
		munmap(f, sizeof(*f));
	else
		shim_mem.free(f);
}

RECORD_API void tsan_record_fiber_destroy(void *fiber)
{
	struct tsan_fiber *f = fiber;
	if (f && f != fiber_running && f != fiber_own)
		fiber_free(f);
}

void tsan_fiber_thread_gone(void)
{
	if (fiber_own)
		fiber_free(fiber_own);
	fiber_running = fiber_own = NULL;
}

RECORD_API void tsan_record_fiber_switch(uintptr_t pc, void *fiber)
{
	struct tsan_fiber *from = tsan_record_fiber_current(), *to = fiber;
	if (!to || !from || to == from)
		return;
	tsan_record_annotate(pc, TRACE_ANN_HAPPENS_BEFORE, (const void *)from->channel, 0, NULL);
	struct tsan_thread *ts = tsan_current();
	if (!ts && tsan_thread_of_caller())
		ts = tsan_current();
	if (ts) {
		struct tsan_hot *h = &ts->hot;
		uint32_t kept = h->depth < TSAN_DEPTH_MAX ? h->depth : TSAN_DEPTH_MAX;
		from->depth = kept;
		from->overflow = h->overflow;
		from->ignore = h->ignore;
		memcpy(from->frames, h->frames, kept * sizeof(h->frames[0]));
		h->depth = to->depth;
		h->overflow = to->overflow;
		h->ignore = to->ignore;
		memcpy(h->frames, to->frames, to->depth * sizeof(h->frames[0]));
	}
	fiber_running = to;
	tsan_record_annotate(pc, TRACE_ANN_HAPPENS_AFTER, (const void *)to->channel, 0, NULL);
}
