/* SPDX-License-Identifier: MIT */
/* intercept_new.c - C++'s operator new and delete, every form the Itanium
 * ABI names (array, nothrow, aligned, sized): each records its block at
 * its own caller, as malloc and free do at theirs (intercept_heap.c), and
 * the malloc or free the C++ runtime makes inside records nothing.
 *
 * Why not let malloc record it: malloc's caller is then libstdc++, not the
 * program, so a `new` in instrumented code would be taken for a library's
 * block (not written by its allocation, as TSan takes it) and its stack
 * unwound at every call, where the shadow call stack names it for free;
 * and an allocator whose operator new does not call malloc (tcmalloc,
 * jemalloc) would make blocks nothing records. The real operators are
 * found after the shim (libstdc++'s, libc++'s, an allocator's). Built
 * with -fexceptions: a throwing new (std::bad_alloc) still leaves the
 * thread's inner depth as it found it. Without instrumented code each
 * operator only forwards. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "emit.h"
#include "intercept_heap.h"
#include "real.h"
#include "real_mem.h"

static void inner_end(unsigned *const *depth)
{
	(**depth)--;
}

/* Inside the operator's real call, the thread's malloc and free record
 * nothing; left by return or by exception. */
#define INNER(call)                                                             \
	({                                                                      \
		unsigned *const inner_ __attribute__((cleanup(inner_end))) =    \
			&heap_inner_depth;                                      \
		(*inner_)++;                                                    \
		call;                                                           \
	})

/* Records only the outermost operator: libstdc++'s nothrow and sized
 * forms call the plain ones through the PLT, back into the shim. */
static inline bool forward(void)
{
	return shim_mem_forward() || heap_inner_depth;
}

/* operator new SYM(PARAMS), its real one called with ARGS, FALLBACK when
 * no object after the shim defines it (never, for a program that calls
 * it); SIZE: the block's. */
#define CXX_NEW(sym, params, args, size, fallback)                               \
	SHIM_EXPORT void *sym params                                             \
	{                                                                        \
		SHIM_REAL_LAZY(sym);                                             \
		if (!f)                                                          \
			return fallback;                                         \
		if (forward())                                                   \
			return f args;                                           \
		void *p = INNER(f args);                                         \
		heap_record_alloc(SHIM_SITE(), p, size);                         \
		return p;                                                        \
	}

/* operator delete SYM(PARAMS) of block P; the free is recorded before the
 * block is given back (another thread may be given it at once). */
#define CXX_DELETE(sym, params, args)                                              \
	SHIM_EXPORT void sym params                                                \
	{                                                                          \
		SHIM_REAL_LAZY(sym);                                               \
		if (!f) {                                                          \
			free(p);                                                   \
			return;                                                    \
		}                                                                  \
		if (heap_inner_depth) {                                            \
			f args;                                                    \
			return;                                                    \
		}                                                                  \
		heap_record_delete(SHIM_SITE(), p);                                \
		INNER(f args);                                                     \
	}

/* nothrow_t is an empty struct passed by reference; align_val_t a size_t. */
CXX_NEW(_Znwm, (size_t n), (n), n, malloc(n))
CXX_NEW(_Znam, (size_t n), (n), n, malloc(n))
CXX_NEW(_ZnwmRKSt9nothrow_t, (size_t n, const void *nt), (n, nt), n, malloc(n))
CXX_NEW(_ZnamRKSt9nothrow_t, (size_t n, const void *nt), (n, nt), n, malloc(n))
CXX_NEW(_ZnwmSt11align_val_t, (size_t n, size_t al), (n, al), n, aligned_alloc(al, n))
CXX_NEW(_ZnamSt11align_val_t, (size_t n, size_t al), (n, al), n, aligned_alloc(al, n))
CXX_NEW(_ZnwmSt11align_val_tRKSt9nothrow_t, (size_t n, size_t al, const void *nt), (n, al, nt),
	n, aligned_alloc(al, n))
CXX_NEW(_ZnamSt11align_val_tRKSt9nothrow_t, (size_t n, size_t al, const void *nt), (n, al, nt),
	n, aligned_alloc(al, n))

CXX_DELETE(_ZdlPv, (void *p), (p))
CXX_DELETE(_ZdaPv, (void *p), (p))
CXX_DELETE(_ZdlPvm, (void *p, size_t n), (p, n))
CXX_DELETE(_ZdaPvm, (void *p, size_t n), (p, n))
CXX_DELETE(_ZdlPvRKSt9nothrow_t, (void *p, const void *nt), (p, nt))
CXX_DELETE(_ZdaPvRKSt9nothrow_t, (void *p, const void *nt), (p, nt))
CXX_DELETE(_ZdlPvSt11align_val_t, (void *p, size_t al), (p, al))
CXX_DELETE(_ZdaPvSt11align_val_t, (void *p, size_t al), (p, al))
CXX_DELETE(_ZdlPvmSt11align_val_t, (void *p, size_t n, size_t al), (p, n, al))
CXX_DELETE(_ZdaPvmSt11align_val_t, (void *p, size_t n, size_t al), (p, n, al))
CXX_DELETE(_ZdlPvSt11align_val_tRKSt9nothrow_t, (void *p, size_t al, const void *nt), (p, al, nt))
CXX_DELETE(_ZdaPvSt11align_val_tRKSt9nothrow_t, (void *p, size_t al, const void *nt), (p, al, nt))
