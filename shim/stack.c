/* SPDX-License-Identifier: MIT */
/* stack.c - the stack cache.
 *
 * Unwinding costs 120-280 ns (formats.md E.1); most calls come again from a
 * call site already seen, with the same stack. A cache entry is keyed by the
 * call's return address and stack pointer, and remembers where each return
 * address of the chain sat on the stack (found by scanning
 * once). A hit re-reads those words: if every return address is still in
 * its slot, the chain is the same. Frames beyond the scanned window (deep,
 * above a huge frame) are not checked. The cache is used only when sp lies
 * in the thread's known stack, so the reads stay inside mapped memory. */
#include "stack.h"

#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <libunwind.h>

#include "loader_gate.h"
#include "real.h"
#include "real_mem.h"

#define SCAN_WINDOW (32u * 1024u)  /* bytes above sp searched for slots */
#define SKIP_MAX    8u             /* shim frames before pc0 */
#define STEP_FIRST  8u             /* a thread's first unwinds go by unw_step */

_Static_assert(SHIM_STACK_CACHE <= 256, "rooted entries are listed as bytes");

struct text_range {
	uintptr_t target, lo, hi;
};

static struct text_range unwinder, self, allocator, loader;
uintptr_t shim_allocator_lo, shim_allocator_hi;

/* The range of the loaded object holding range->target. */
static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct text_range *range = data;
	uintptr_t target = range->target, lo, hi;
	shim_object_range(info, &lo, &hi);
	if (target < lo || target >= hi)
		return 0;
	range->lo = lo;
	range->hi = hi;
	return 1;
}

void shim_stack_init(void)
{
	shim_loader_gate_init();
	unwinder.target = (uintptr_t)unw_backtrace;
	dl_iterate_phdr(find_object, &unwinder);
	self.target = (uintptr_t)shim_stack_init;
	dl_iterate_phdr(find_object, &self);
	loader.target = (uintptr_t)getauxval(AT_BASE);  /* 0 for a static program */
	if (loader.target)
		dl_iterate_phdr(find_object, &loader);
	/* An allocator of its own (jemalloc, tcmalloc) takes pthread locks:
	 * glibc's takes none that we see. */
	if (shim_mem_resolve() && shim_mem.malloc) {
		allocator.target = (uintptr_t)shim_mem.malloc;
		uintptr_t libc_lock = (uintptr_t)shim_real.pthread_mutex_lock;
		if (dl_iterate_phdr(find_object, &allocator) &&
		    !(libc_lock >= allocator.lo && libc_lock < allocator.hi)) {
			shim_allocator_lo = allocator.lo;
			shim_allocator_hi = allocator.hi;
		}
	}
}

bool shim_object_of(uintptr_t pc, uintptr_t *lo, uintptr_t *hi)
{
	struct text_range range = { .target = pc };
	if (shim_loader_iterate(find_object, &range) <= 0)
		return false;
	*lo = range.lo;
	*hi = range.hi;
	return true;
}

bool shim_stack_is_unwinder(uintptr_t pc)
{
	return pc >= unwinder.lo && pc < unwinder.hi;
}

bool shim_is_helper_call(const struct shim_thread *t, uintptr_t pc)
{
	return (t->in_unwind && shim_stack_is_unwinder(pc)) || shim_stack_is_allocator(pc);
}

/* Frames of the shim itself (the thread trampoline) are not the program's. */
static bool is_shim_frame(uintptr_t pc)
{
	return pc >= self.lo && pc < self.hi;
}

bool shim_stack_is_own(uintptr_t pc)
{
	return is_shim_frame(pc);
}

bool shim_stack_is_loader(uintptr_t pc)
{
	return pc >= loader.lo && pc < loader.hi;
}

/* Finds the slots of frames 1.. above sp, up to the thread's root (then
 * *ROOTED is set); false if frame 1's is not found (then nothing is cached
 * for this key). */
static bool entry_fill(struct shim_stack_entry *e, struct shim_thread *t, uintptr_t sp,
		       const uint64_t *pc, uint32_t depth, bool *rooted)
{
	uintptr_t end = sp + SCAN_WINDOW < t->stack_hi ? sp + SCAN_WINDOW : t->stack_hi;
	uintptr_t a = sp;
	uint32_t n = 0;
	for (uint32_t i = 1; i < depth && n < SHIM_STACK_VERIFY; i++) {
		while (a + sizeof(uintptr_t) <= end && *(const uintptr_t *)a != pc[i])
			a += sizeof(uintptr_t);
		if (a + sizeof(uintptr_t) > end)
			break;
		if (a >= t->stack_root) {
			*rooted = true;
			break;
		}
		e->slot[n].at = a;
		e->slot[n].pc = (uintptr_t)pc[i];
		n++;
		a += sizeof(uintptr_t);
	}
	if (depth > 1 && n == 0 && !*rooted)
		return false;
	e->nverify = n;
	return true;
}

void shim_stack_set_root(struct shim_thread *t, uintptr_t root)
{
	if (t->nrooted > SHIM_STACK_ROOTED)
		shim_stack_forget(t);
	else
		for (uint32_t i = 0; i < t->nrooted; i++)
			t->cache[t->rooted[i]].pc0 = 0;
	t->nrooted = 0;
	t->stack_root = root;
}

void shim_stack_root_unwound(void *t)
{
	if (t)
		shim_stack_set_root(t, SHIM_ROOT_NONE);
}

/* unw_backtrace's fast path keeps a trace cache per thread, 256 KiB that
 * libunwind fills at the thread's first call: about 100 us of page faults
 * here, more than a short-lived thread spends on anything else. A thread's
 * first STEP_FIRST stacks are taken the slow, cache-free way (a few us
 * each); a thread that needs more lives long enough to pay for the cache. */
static __attribute__((noinline)) int step_backtrace(void **buf, int size)
{
	unw_context_t uc;
	unw_cursor_t cursor;
	if (unw_getcontext(&uc) < 0 || unw_init_local(&cursor, &uc) < 0)
		return 0;
	int n = 0;
	do {
		unw_word_t ip;
		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		buf[n++] = (void *)ip;
	} while (n < size && unw_step(&cursor) > 0);
	return n;
}

/* Not in a vfork child, which shares the parent's memory but not its
 * descriptors. libunwind checks addresses through a pipe of its own, and
 * reopens it when its descriptors are gone (a child closes them before
 * its exec): the numbers it stores would then name the parent's own files
 * and pipes, which its next unwind reads and writes (Python's subprocess
 * from threads lost and gained bytes). */
bool shim_stack_may_unwind(void)
{
	return shim_is_own_process();
}

/* Whether the calling code runs on its thread's own stack, or the thread's
 * stack is unknown. Not on a stack a program switched to itself (a fiber's,
 * a coroutine's, marl's): libunwind, which reads frames unchecked, walked
 * past the bottom of such a stack into unmapped memory. */
static bool on_own_stack(const struct shim_thread *t)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	return !t->stack_hi || (here >= t->stack_lo && here < t->stack_hi);
}

uint32_t shim_stack_unwind(struct shim_thread *t, uintptr_t pc0, uint64_t *pc)
{
	if (!on_own_stack(t) || !shim_loader_enter_unless_busy()) {
		pc[0] = pc0;  /* the call site only */
		return shim.stack_depth ? 1 : 0;
	}
	void *buf[TRACE_STACK_DEPTH_MAX + SKIP_MAX + 1];
	uint32_t want = shim.stack_depth + SKIP_MAX;
	t->in_unwind++;
	/* step_backtrace's own frame comes first: one more for the same depth */
	int n = t->unwinds < STEP_FIRST ? step_backtrace(buf, (int)want + 1)
					: unw_backtrace(buf, (int)want);
	t->unwinds++;
	t->in_unwind--;
	shim_loader_leave();
	int start = -1;
	for (int i = 0; i < n && i <= (int)SKIP_MAX; i++)
		if ((uintptr_t)buf[i] == pc0) {
			start = i;
			break;
		}
	uint32_t depth = 0;
	if (start < 0)
		pc[depth++] = pc0;  /* unusual frames: keep at least the call site */
	else
		for (int i = start; i < n && depth < shim.stack_depth; i++)
			if (!is_shim_frame((uintptr_t)buf[i]))
				pc[depth++] = (uintptr_t)buf[i];
	return depth;
}

/* A stack of the call site alone, interned: where unwinding may not run. */
static uint32_t call_site_stack(uintptr_t pc0)
{
	uint64_t pc = pc0;
	return trace_writer_intern_stack(&shim.writer, &pc, 1);
}

/* Where a new entry for stack ID goes in SET: a free way, else one chosen
 * by ID (always the same way would make two stacks a loop alternates
 * between evict each other at every call). */
static struct shim_stack_entry *cache_way(struct shim_stack_entry *set, uint32_t id)
{
	for (uint32_t w = 0; w < SHIM_STACK_WAYS; w++)
		if (!set[w].pc0)
			return &set[w];
	return &set[(id * 0x9E3779B1u) >> 24 & (SHIM_STACK_WAYS - 1)];
}

uint32_t shim_stack_capture(struct shim_thread *t, uintptr_t pc0, uintptr_t sp)
{
	if (!shim.stack_depth)
		return 0;
	/* the loader may hold its lock, which unwinding takes (dl_iterate_phdr) */
	if (t->in_dlopen || shim_stack_is_loader(pc0))
		return call_site_stack(pc0);
	uint32_t cached = shim_stack_cached(t, pc0, sp);
	if (cached != UINT32_MAX)
		return cached;
	if (!shim_stack_may_unwind())   /* kept out of the parent's cache */
		return call_site_stack(pc0);
	uint64_t pc[TRACE_STACK_DEPTH_MAX];
	bool cacheable = t->stack_hi && sp >= t->stack_lo && sp < t->stack_hi;
	uint32_t depth = shim_stack_unwind(t, pc0, pc);
	uint32_t id = trace_writer_intern_stack(&shim.writer, pc, depth);
	struct shim_stack_entry *e = cache_way(&t->cache[shim_stack_cache_index(pc0, sp)], id);
	bool rooted = false;
	if (cacheable && id && entry_fill(e, t, sp, pc, depth, &rooted)) {
		e->pc0 = pc0;
		e->sp = sp;
		e->id = id;
		if (rooted && t->nrooted < SHIM_STACK_ROOTED)
			t->rooted[t->nrooted] = (uint8_t)(e - t->cache);
		if (rooted && t->nrooted <= SHIM_STACK_ROOTED)
			t->nrooted++;  /* past SHIM_STACK_ROOTED: too many to list */
	}
	return id;
}

uint32_t shim_stack_capture_signal(struct shim_thread *t)
{
	if (!shim.stack_depth || !shim_stack_may_unwind() || !shim_loader_enter_unless_busy())
		return 0;
	void *buf[TRACE_STACK_DEPTH_MAX + 2];
	uint64_t pc[TRACE_STACK_DEPTH_MAX];
	t->in_unwind++;
	int n = unw_backtrace(buf, (int)shim.stack_depth + 2);
	t->in_unwind--;
	shim_loader_leave();
	uint32_t depth = 0;
	for (int i = 1; i < n && depth < shim.stack_depth; i++)  /* 0 is the handler */
		if (!is_shim_frame((uintptr_t)buf[i]))
			pc[depth++] = (uintptr_t)buf[i];
	return trace_writer_intern_stack(&shim.writer, pc, depth);
}

void shim_stack_forget(struct shim_thread *t)
{
	memset(t->cache, 0, sizeof t->cache);
	memset(t->pycache, 0, sizeof t->pycache);
	t->nrooted = 0;
}
