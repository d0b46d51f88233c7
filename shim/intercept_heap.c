/* SPDX-License-Identifier: MIT */
/* intercept_heap.c - heap blocks of programs with instrumented code: an
 * allocation is an ALLOC record (address, size, the call's stack: the
 * call site even when it is operator new's), a free() a write to the whole
 * block (TRACE_ACCESS_FREE), so a free racing with an access is a race.
 * A new mapping (mmap) is an ALLOC too: new memory, whatever the addresses
 * held before. Without instrumented code (tsan_on unset) every call only
 * forwards, but for a free of a block that may hold a sync object: a
 * FREED record in every program (heap_objects.h). */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emit.h"
#include "heap_objects.h"
#include "intercept_heap.h"
#include "omp_runtime.h"
#include "real.h"
#include "real_mem.h"
#include "stack.h"
#include "tsan_thread.h"

__thread unsigned heap_inner_depth;

static inline bool recording(void)
{
	return __builtin_expect(atomic_load_explicit(&tsan_on, memory_order_relaxed), 0);
}

/* The calling thread, ready to record, with the call's stack; false for
 * the shim's own calls and threads past their end. A call from
 * instrumented code is named by the shadow call stack (as TSan names
 * it): a cached id, where unwinding a deep recursion's calls missed the
 * stack cache at each new depth; *INSTRUMENTED tells it. Others
 * (operator new's, a library's) are unwound. */
static bool heap_enter(struct shim_call *c, uintptr_t pc0, uintptr_t sp, bool *instrumented)
{
	struct shim_thread *t = tsan_thread_for_interceptor(pc0);
	*instrumented = false;
	if (!t)
		return false;
	uint32_t id;
	if (atomic_load_explicit(&shim.state, memory_order_relaxed) != SHIM_ACTIVE ||
	    (id = tsan_call_stack(t, pc0)) == UINT32_MAX)
		return shim_enter(c, pc0, sp);
	c->t = t;
	c->pre = false;
	c->tick = 0;
	c->stack = shim_call_stack(c, id, pc0);
	*instrumented = true;
	return true;
}

/* The bytes of block P the program may use (0: unknown). */
static size_t usable_size(void *p)
{
	return p && shim_mem.malloc_usable_size ? shim_mem.malloc_usable_size(p) : 0;
}

/* A block made, heap or MAPPING (mmap); the bytes the allocator gave past
 * its size (its slack) are new memory too. A heap block that instrumented
 * code asked for is the program's: the analyzer takes its allocation for
 * a write of it, as TSan does (calloc's zeroing and a moved realloc's
 * copy need no record of their own). One a library asked for is not: the
 * library's own synchronization, which nothing records, may order its
 * uses. An ALLOC leaves the interval going on: an access to the block
 * the thread kept before it, to a block it freed there, may merge the
 * same access to the new block (the analyzer takes the allocation for a
 * write of those bytes at least). A mapping ends the interval: what was
 * mapped there before was not the thread's. */
static __attribute__((noinline)) void record_block(uintptr_t pc0, uintptr_t sp, void *p,
						    size_t size, bool mapping)
{
	struct shim_call c;
	bool instrumented;
	if (!p || (heap_inner_depth && !mapping) || !heap_enter(&c, pc0, sp, &instrumented))
		return;
	struct shim_thread *t = c.t;
	/* made while the program ignores its accesses (AnnotateIgnoreWrites*,
	 * __tsan_ignore_thread_*): not written, as TSan takes it */
	if (t->tsan && t->tsan->hot.ignore)
		instrumented = false;
	/* the slack: the program may use it too (redis's listpacks do) */
	size_t usable = mapping ? 0 : usable_size(p);
	uint64_t slack = usable > size ? usable - size : 0;
	struct trace_rec rec = {
		.op = TRACE_OP_ALLOC, .tick = shim_call_tick(&c), .stack = c.stack,
		.args = { (uintptr_t)p, size,
			  slack << 1 | (instrumented ? TRACE_ALLOC_INSTRUMENTED : 0) },
	};
	tsan_write(t, &rec, 0, mapping);
}

static inline void record_alloc(uintptr_t pc0, uintptr_t sp, void *p, size_t size)
{
	record_block(pc0, sp, p, size, false);
}

void heap_record_alloc(uintptr_t pc0, uintptr_t sp, void *p, size_t size)
{
	if (recording())
		record_alloc(pc0, sp, p, size);
}

/* Before block P goes back, a FREED record if it may hold sync objects
 * (heap_objects.h): true with C entered (the free's stack) and the
 * record's ARGS: address, usable size, and 1 when instrumented
 * code called it (the program's own free, which the race analysis takes
 * for a destroy of the objects in it). Not for the shim's own frees, nor
 * inside an operator delete that recorded it at its own call site, nor
 * past the thread's end (glibc's own frees of its thread-local blocks:
 * nothing records there, and the program's locks were let go before).
 * No getpid() for a vfork child, a system call at every such free (4x on
 * a program that deletes lock-holding objects in a loop): a child that
 * frees one frees it from its parent's heap, which the record says. */
static bool freed_enter(struct shim_call *c, void *p, uintptr_t pc0, uintptr_t sp, uint64_t args[3])
{
	size_t n;
	struct shim_thread *t = shim_tls;
	if (heap_inner_depth || t == SHIM_THREAD_GONE || (t && t->in_shim) ||
	    !heap_objects_may_hold(p, &n))
		return false;
	int saved = errno;
	bool entered = shim_enter(c, pc0, sp);
	errno = saved;
	if (entered) {
		args[0] = (uintptr_t)p;
		args[1] = n;
		args[2] = c->t->tsan && tsan_call_stack(c->t, pc0) != UINT32_MAX;
	}
	return entered;
}

static __attribute__((noinline)) void record_freed(void *p, uintptr_t pc0, uintptr_t sp,
						    uint64_t how)
{
	struct shim_call c;
	uint64_t a[3];
	if (!freed_enter(&c, p, pc0, sp, a))
		return;
	a[2] |= how;
	int saved = errno;
	shim_emit_how(&c, TRACE_ORDER_NONE, TRACE_OP_FREED, 0, 0, 0, a[0], a[1], a[2], NULL);
	errno = saved;
}

/* HOW: 0, or TRACE_FREED_DELETE for an operator delete. */
static inline void heap_freed(void *p, uintptr_t pc0, uintptr_t sp, uint64_t how)
{
	if (__builtin_expect(p && atomic_load_explicit(&heap_objects_any, memory_order_relaxed), 0))
		record_freed(p, pc0, sp, how);
}

/* realloc of OLD, a block that may hold sync objects: its free record is
 * reserved before the call (another thread may be given the old block as
 * soon as it is let go), then committed with result 0 if the block moved
 * or went, 1 if it stayed (a free of nothing). */
static __attribute__((noinline)) void *realloc_watched(void *old, size_t size, uintptr_t pc0,
						       uintptr_t sp)
{
	struct shim_call c;
	uint64_t a[3];
	bool reserved = freed_enter(&c, old, pc0, sp, a);
	if (reserved)
		shim_pre_args(&c, TRACE_OP_FREED, a[0], a[1], a[2]);
	void *p = shim_mem.realloc(old, size);
	if (reserved) {
		int saved = errno;
		shim_end(&c, TRACE_OP_FREED, NULL, p == old || (!p && size));
		errno = saved;
	}
	return p;
}

static inline void *realloc_real(void *old, size_t size, uintptr_t pc0, uintptr_t sp)
{
	if (__builtin_expect(old && atomic_load_explicit(&heap_objects_any, memory_order_relaxed), 0))
		return realloc_watched(old, size, pc0, sp);
	return shim_mem.realloc(old, size);
}

/* The free of block P, of USABLE bytes (0: unknown). */
static __attribute__((noinline)) void record_free(uintptr_t pc0, uintptr_t sp, void *p,
						   size_t usable)
{
	struct shim_call c;
	bool instrumented;
	if (heap_inner_depth || !heap_enter(&c, pc0, sp, &instrumented))
		return;
	/* freed while the program ignores its accesses: not a write (TSan's
	 * take too; getaddrinfo's own frees, intercept_netdb.c) */
	if (c.t->tsan && c.t->tsan->hot.ignore)
		return;
	tsan_access_with_stack(c.t, (uintptr_t)p, usable ? usable : 1,
			       TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE | TRACE_ACCESS_RANGE, c.stack);
}

void heap_record_delete(uintptr_t pc0, uintptr_t sp, void *p)
{
	if (p && !shim_mem_forward() && recording())
		record_free(pc0, sp, p, usable_size(p));
	heap_freed(p, pc0, sp, TRACE_FREED_DELETE);
}

/* Each interceptor: while nothing records, one flag test and the real
 * function; else its _slow half, out of line. The caller's pc and stack
 * pointer are taken in the interceptor (SHIM_SITE) for the stack. */

static __attribute__((noinline)) void *malloc_slow(size_t size, uintptr_t pc0, uintptr_t sp)
{
	if (!shim_mem_resolve())
		return shim_mem_arena_alloc(size, 16);
	void *p = shim_mem.malloc(size);
	if (recording())
		record_alloc(pc0, sp, p, size);
	return p;
}

SHIM_EXPORT void *malloc(size_t size)
{
	if (shim_mem_forward())
		return shim_mem.malloc(size);
	return malloc_slow(size, SHIM_SITE());
}

static __attribute__((noinline)) void free_slow(void *p, uintptr_t pc0, uintptr_t sp)
{
	if (!p || shim_mem_in_arena(p) || !shim_mem_resolve())
		return;  /* arena blocks stay: dlsym's few bytes */
	/* not the runtime's own block, nor one the allocator frees itself, nor
	 * the loader's (a loaded object's descriptors, made by one thread's
	 * dlopen and freed by another's dlclose, ordered by the loader's lock) */
	if (recording() && !shim_omp_runtime_has(pc0) && !shim_stack_is_allocator(pc0) &&
	    !shim_stack_is_loader(pc0))
		record_free(pc0, sp, p, usable_size(p));
	heap_freed(p, pc0, sp, 0);
	shim_mem.free(p);
}

SHIM_EXPORT void free(void *p)
{
	if (shim_mem_forward() && !shim_mem_in_arena(p)) {
		heap_freed(p, SHIM_SITE(), 0);
		shim_mem.free(p);
		return;
	}
	free_slow(p, SHIM_SITE());
}

static __attribute__((noinline)) void *calloc_slow(size_t n, size_t size, uintptr_t pc0,
						   uintptr_t sp)
{
	if (!shim_mem_resolve())
		return n && size > SIZE_MAX / n ? NULL : shim_mem_arena_alloc(n * size, 16);
	void *p = shim_mem.calloc(n, size);
	if (recording())
		record_alloc(pc0, sp, p, n * size);
	return p;
}

SHIM_EXPORT void *calloc(size_t n, size_t size)
{
	if (shim_mem_forward())
		return shim_mem.calloc(n, size);
	return calloc_slow(n, size, SHIM_SITE());
}

/* A realloc frees the old block (moved or not) and makes a new one. */
static __attribute__((noinline)) void *realloc_slow(void *old, size_t size, uintptr_t pc0,
						    uintptr_t sp)
{
	if (!shim_mem_resolve())
		return shim_mem_arena_alloc(size, 16);
	if (old && shim_mem_in_arena(old)) {
		void *p = shim_mem.malloc(size);
		size_t n = shim_mem_arena_size(old);
		if (p)
			shim_mem.memcpy(p, old, n < size ? n : size);
		return p;
	}
	if (!recording())
		return realloc_real(old, size, pc0, sp);
	if (old)
		record_free(pc0, sp, old, usable_size(old));
	void *p = realloc_real(old, size, pc0, sp);
	record_alloc(pc0, sp, p, size);
	return p;
}

SHIM_EXPORT void *realloc(void *old, size_t size)
{
	if (shim_mem_forward() && !shim_mem_in_arena(old))
		return realloc_real(old, size, SHIM_SITE());
	return realloc_slow(old, size, SHIM_SITE());
}

static __attribute__((noinline)) int posix_memalign_slow(void **out, size_t align, size_t size,
							 uintptr_t pc0, uintptr_t sp)
{
	if (!shim_mem_resolve()) {
		*out = shim_mem_arena_alloc(size, align);
		return *out ? 0 : ENOMEM;
	}
	int r = shim_mem.posix_memalign(out, align, size);
	if (recording() && r == 0)
		record_alloc(pc0, sp, *out, size);
	return r;
}

SHIM_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (shim_mem_forward())
		return shim_mem.posix_memalign(out, align, size);
	return posix_memalign_slow(out, align, size, SHIM_SITE());
}

/* aligned_alloc and memalign. */
static __attribute__((noinline)) void *aligned_slow(size_t align, size_t size, bool c11,
						    uintptr_t pc0, uintptr_t sp)
{
	if (!shim_mem_resolve())
		return shim_mem_arena_alloc(size, align);
	void *p = c11 ? shim_mem.aligned_alloc(align, size) : shim_mem.memalign(align, size);
	if (recording())
		record_alloc(pc0, sp, p, size);
	return p;
}

SHIM_EXPORT void *aligned_alloc(size_t align, size_t size)
{
	if (shim_mem_forward())
		return shim_mem.aligned_alloc(align, size);
	return aligned_slow(align, size, true, SHIM_SITE());
}

SHIM_EXPORT void *memalign(size_t align, size_t size)
{
	if (shim_mem_forward())
		return shim_mem.memalign(align, size);
	return aligned_slow(align, size, false, SHIM_SITE());
}

/* valloc and pvalloc: memalign at a page (libc's make their blocks inside
 * itself, unseen: a block made at a freed one's address would not start
 * clean). pvalloc rounds the size up to whole pages. */
SHIM_EXPORT void *valloc(size_t size)
{
	size_t page = (size_t)getpagesize();
	if (shim_mem_forward())
		return shim_mem.memalign(page, size);
	return aligned_slow(page, size, false, SHIM_SITE());
}

SHIM_EXPORT void *pvalloc(size_t size)
{
	size_t page = (size_t)getpagesize();
	if (size > SIZE_MAX - page) {
		errno = ENOMEM;
		return NULL;
	}
	size = size ? (size + page - 1) & ~(page - 1) : page;
	if (shim_mem_forward())
		return shim_mem.memalign(page, size);
	return aligned_slow(page, size, false, SHIM_SITE());
}

/* ---- mappings ---- */

/* Memory a thread mapped (a buffer, an allocator's arena) and unmapped may
 * be mapped again at the same addresses by another thread that nothing
 * orders after the first one's accesses: a new object, not a race.
 * munmap records nothing: the memory is gone, and what is mapped there
 * next (by mmap, malloc or a new thread's stack) is new. P, mapped by the
 * caller at PC0 (its stack at SP), is recorded. */
static inline void *mapped(void *p, size_t len, uintptr_t pc0, uintptr_t sp)
{
	if (recording() && p != MAP_FAILED)
		record_block(pc0, sp, p, len, true);
	return p;
}

SHIM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mapped(SHIM_CALL_REAL(mmap, (addr, len, prot, flags, fd, off),
				     (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off)),
		      len, SHIM_SITE());
}

SHIM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mapped(SHIM_CALL_REAL(mmap64, (addr, len, prot, flags, fd, off),
				     (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off)),
		      len, SHIM_SITE());
}
