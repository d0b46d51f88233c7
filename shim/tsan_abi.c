/* SPDX-License-Identifier: MIT */
/* tsan_abi.c - the __tsan_* entry points that -fsanitize=thread code calls
 * (their rows: tsan_symbols.h). Built twice: into the shim, where each one
 * calls tsan_record_* (tsan_record.h), and into the stub libctrace-tsan.so,
 * where accesses return at once and atomics are only performed. The
 * compiler removed the instruction an atomic hook stands for, so the hook
 * must do it, with its memory order. Never built with -fsanitize. */
#include "tsan_atomic128.h"
#include "tsan_entry.h"
#include "tsan_hot.h"
#include "tsan_record.h"
#include "tsan_symbols.h"

#include "trace_format.h"

typedef uint8_t tsan_a8;
typedef uint16_t tsan_a16;
typedef uint32_t tsan_a32;
typedef uint64_t tsan_a64;

/* Memory orders as the compilers pass them: C11's, relaxed 0 .. seq_cst 5
 * (__ATOMIC_* have the same values); gcc may add __sync's and HLE flags
 * from bit 15 up. Consume is read as acquire (as libtsan does), an order
 * the operation cannot have as seq_cst, which includes every other. */
static inline int mo_any(int mo)
{
	mo &= 0x7fff;
	if (mo == __ATOMIC_CONSUME)
		return __ATOMIC_ACQUIRE;
	return mo >= __ATOMIC_RELAXED && mo <= __ATOMIC_SEQ_CST ? mo : __ATOMIC_SEQ_CST;
}

static inline int mo_load(int mo)
{
	mo = mo_any(mo);
	return mo == __ATOMIC_RELEASE || mo == __ATOMIC_ACQ_REL ? __ATOMIC_SEQ_CST : mo;
}

static inline int mo_store(int mo)
{
	mo = mo_any(mo);
	return mo == __ATOMIC_ACQUIRE || mo == __ATOMIC_ACQ_REL ? __ATOMIC_SEQ_CST : mo;
}

/* A compare-exchange is performed with one of five (success, failure)
 * pairs, failure's order following success's as in C++'s one-order form;
 * this picks the weakest that is at least both orders asked for. */
static inline int mo_cas(int mo, int fail_mo)
{
	mo = mo_any(mo);
	fail_mo = mo_load(fail_mo);
	if (fail_mo == __ATOMIC_SEQ_CST)
		return __ATOMIC_SEQ_CST;
	if (fail_mo == __ATOMIC_ACQUIRE && mo == __ATOMIC_RELAXED)
		return __ATOMIC_ACQUIRE;
	if (fail_mo == __ATOMIC_ACQUIRE && mo == __ATOMIC_RELEASE)
		return __ATOMIC_ACQ_REL;
	return mo;
}

/* The __atomic builtins need a constant order to emit the right barriers:
 * these pick the builtin call whose constant is MO (already valid for the
 * operation, see mo_*). */
#define ORDERED_LOAD(a, mo) \
	((mo) == __ATOMIC_RELAXED   ? __atomic_load_n(a, __ATOMIC_RELAXED) \
	 : (mo) == __ATOMIC_ACQUIRE ? __atomic_load_n(a, __ATOMIC_ACQUIRE) \
				    : __atomic_load_n(a, __ATOMIC_SEQ_CST))
#define ORDERED_STORE(a, v, mo) \
	((mo) == __ATOMIC_RELAXED   ? __atomic_store_n(a, v, __ATOMIC_RELAXED) \
	 : (mo) == __ATOMIC_RELEASE ? __atomic_store_n(a, v, __ATOMIC_RELEASE) \
				    : __atomic_store_n(a, v, __ATOMIC_SEQ_CST))
#define ORDERED_RMW(op, a, v, mo) \
	((mo) == __ATOMIC_RELAXED   ? op(a, v, __ATOMIC_RELAXED) \
	 : (mo) == __ATOMIC_ACQUIRE ? op(a, v, __ATOMIC_ACQUIRE) \
	 : (mo) == __ATOMIC_RELEASE ? op(a, v, __ATOMIC_RELEASE) \
	 : (mo) == __ATOMIC_ACQ_REL ? op(a, v, __ATOMIC_ACQ_REL) \
				    : op(a, v, __ATOMIC_SEQ_CST))
#define ORDERED_CAS(a, e, d, weak, mo) \
	((mo) == __ATOMIC_RELAXED ? \
		 __atomic_compare_exchange_n(a, e, d, weak, __ATOMIC_RELAXED, __ATOMIC_RELAXED) \
	 : (mo) == __ATOMIC_ACQUIRE ? \
		 __atomic_compare_exchange_n(a, e, d, weak, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE) \
	 : (mo) == __ATOMIC_RELEASE ? \
		 __atomic_compare_exchange_n(a, e, d, weak, __ATOMIC_RELEASE, __ATOMIC_RELAXED) \
	 : (mo) == __ATOMIC_ACQ_REL ? \
		 __atomic_compare_exchange_n(a, e, d, weak, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) \
		 : __atomic_compare_exchange_n(a, e, d, weak, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))

/* The builtins of tsan_symbols.h's read-modify-write operations. */
#define BUILTIN_XCHG __atomic_exchange_n
#define BUILTIN_ADD __atomic_fetch_add
#define BUILTIN_SUB __atomic_fetch_sub
#define BUILTIN_AND __atomic_fetch_and
#define BUILTIN_OR __atomic_fetch_or
#define BUILTIN_XOR __atomic_fetch_xor
#define BUILTIN_NAND __atomic_fetch_nand

/* PERFORM(T, generic, a128): the generic builtins for 8 to 64 bits; for
 * 128, tsan_atomic128.h's where it does without libatomic. The branch not
 * chosen generates no code. */
#if TSAN_A128_INLINE
#define PERFORM(T, generic, a128) _Generic((T)0, tsan_a128: (a128), default: (generic))
#else
#define PERFORM(T, generic, a128) (generic)
#endif
#define A128(a) ((volatile tsan_a128 *)(a))

/* The recorded order is the one the program asked for (read by mo_*),
 * not the possibly stronger one performed: the analysis judges the program. */
#define RECORD_ATOMIC(token, a, op, mo, T) \
	tsan_record_atomic_end(token, CALLER_PC, a, op, mo, sizeof(T))

/* One X-macro row of tsan_symbols.h -> one function, by its form. These and
 * TSAN_DEFINE_ACCESS/RANGE below are the only macros here that define
 * functions: the ABI has over a hundred names, each written once. */
#define TSAN_DEFINE_ATOMIC(name, n, form, arg) TSAN_ATOMIC_##form(name, tsan_a##n, arg)

/* A load is made first without the location's order held: most loads
 * repeat what their thread recorded (a spin, a poll) and are merged, so
 * threads spinning on one location do not take its lock in turns (one
 * preempted while holding it stalled the others a time slice). */
#define TSAN_ATOMIC_load(name, T, unused) \
	TSAN_EXPORT T name(const volatile T *a, int mo) \
	{ \
		mo = mo_load(mo); \
		T v = PERFORM(T, ORDERED_LOAD(a, mo), a128_load(A128(a))); \
		if (tsan_record_load_merged(CALLER_PC, a, TRACE_ATOMIC_LOAD, mo, sizeof(T))) \
			return v; \
		uint64_t token = tsan_record_atomic_begin(a); \
		v = PERFORM(T, ORDERED_LOAD(a, mo), a128_load(A128(a))); \
		RECORD_ATOMIC(token, a, TRACE_ATOMIC_LOAD, mo, T); \
		return v; \
	}

#define TSAN_ATOMIC_store(name, T, unused) \
	TSAN_EXPORT void name(volatile T *a, T v, int mo) \
	{ \
		mo = mo_store(mo); \
		uint64_t token = tsan_record_atomic_begin(a); \
		PERFORM(T, ORDERED_STORE(a, v, mo), a128_store(A128(a), v)); \
		RECORD_ATOMIC(token, a, TRACE_ATOMIC_STORE, mo, T); \
	}

#define TSAN_ATOMIC_rmw(name, T, op) \
	TSAN_EXPORT T name(volatile T *a, T v, int mo) \
	{ \
		mo = mo_any(mo); \
		uint64_t token = tsan_record_atomic_begin(a); \
		T old = PERFORM(T, ORDERED_RMW(BUILTIN_##op, a, v, mo), a128_rmw(A128(a), v, A128_##op)); \
		RECORD_ATOMIC(token, a, TRACE_ATOMIC_RMW, mo, T); \
		return old; \
	}

/* Both compare-exchange forms; on failure *expected gets the value seen.
 * One that would fail is a load of what it sees (its failure order): made
 * first without the location's lock, as a load is, and merged if it
 * repeats what the thread recorded (a spin on a compare-exchange); else
 * the operation is made between begin and end. */
#define CAS_RECORDED(a, expected, desired, weak, mo, fail_mo, T) \
	({ \
		T seen_ = PERFORM(T, ORDERED_LOAD(a, mo_load(fail_mo)), a128_load(A128(a))); \
		bool ok = false; \
		if (seen_ != *(expected) && \
		    tsan_record_load_merged(CALLER_PC, a, TRACE_ATOMIC_CAS_FAIL, mo_load(fail_mo), \
					    sizeof(T))) { \
			*(expected) = seen_; \
		} else { \
			uint64_t token = tsan_record_atomic_begin(a); \
			ok = PERFORM(T, ORDERED_CAS(a, expected, desired, weak, mo_cas(mo, fail_mo)), \
				     a128_cas(A128(a), (tsan_a128 *)(expected), desired)); \
			if (ok) \
				RECORD_ATOMIC(token, a, TRACE_ATOMIC_RMW, mo_any(mo), T); \
			else \
				RECORD_ATOMIC(token, a, TRACE_ATOMIC_CAS_FAIL, mo_load(fail_mo), T); \
		} \
		ok; \
	})

#define TSAN_ATOMIC_cas(name, T, weak) \
	TSAN_EXPORT int name(volatile T *a, T *expected, T desired, int mo, int fail_mo) \
	{ \
		return CAS_RECORDED(a, expected, desired, weak, mo, fail_mo, T); \
	}

#define TSAN_ATOMIC_cas_val(name, T, unused) \
	TSAN_EXPORT T name(volatile T *a, T expected, T desired, int mo, int fail_mo) \
	{ \
		CAS_RECORDED(a, &expected, desired, false, mo, fail_mo, T); \
		return expected; \
	}

TSAN_ATOMIC_SYMBOLS(TSAN_DEFINE_ATOMIC)

/* Plain accesses: in the stub these compile to a bare return. */
#define TSAN_DEFINE_ACCESS(name, size, flags) \
	TSAN_EXPORT void name(void *addr) \
	{ \
		tsan_record_access(CALLER_PC, addr, size, flags); \
	}
TSAN_ACCESS_SYMBOLS(TSAN_DEFINE_ACCESS)

#define TSAN_DEFINE_RANGE(name, flags) \
	TSAN_EXPORT void name(void *addr, unsigned long size) \
	{ \
		tsan_record_access(CALLER_PC, addr, size, flags); \
	}
TSAN_RANGE_SYMBOLS(TSAN_DEFINE_RANGE)

/* Storing the vptr an object already has (each constructor of a class
 * chain stores its own) is no write: libtsan's rule, which keeps a base's
 * constructor from racing with a virtual call through it. */
TSAN_EXPORT void __tsan_vptr_update(void **vptr_p, void *new_val)
{
	if (*vptr_p != new_val)
		tsan_record_access(CALLER_PC, vptr_p, sizeof *vptr_p,
				   TRACE_ACCESS_WRITE | TRACE_ACCESS_VPTR);
}

TSAN_EXPORT void __tsan_vptr_read(void **vptr_p)
{
	tsan_record_access(CALLER_PC, vptr_p, sizeof *vptr_p, TRACE_ACCESS_VPTR);
}

TSAN_EXPORT void __tsan_init(void)
{
	tsan_record_init(CALLER_PC);
}

/* The frame address: the measure of tsan_hooks.c's __tsan_func_entry too. */
TSAN_EXPORT void __tsan_func_entry(void *caller_pc)
{
	tsan_record_func_entry((uintptr_t)caller_pc, (uintptr_t)__builtin_frame_address(0));
}

TSAN_EXPORT void __tsan_func_exit(void)
{
	tsan_record_func_exit();
}

TSAN_EXPORT void __tsan_atomic_thread_fence(int mo)
{
	mo = mo_any(mo);
	if (mo == __ATOMIC_ACQUIRE)
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	else if (mo == __ATOMIC_RELEASE)
		__atomic_thread_fence(__ATOMIC_RELEASE);
	else if (mo == __ATOMIC_ACQ_REL)
		__atomic_thread_fence(__ATOMIC_ACQ_REL);
	else if (mo == __ATOMIC_SEQ_CST)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	tsan_record_fence(CALLER_PC, mo);
}

/* Orders a thread with its own signal handlers only: nothing to record,
 * and being a call already keeps the compiler from moving accesses over it. */
TSAN_EXPORT void __tsan_atomic_signal_fence(int mo)
{
	(void)mo;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

TSAN_EXPORT void __tsan_ignore_thread_begin(void)
{
	tsan_record_ignore(true);
}

TSAN_EXPORT void __tsan_ignore_thread_end(void)
{
	tsan_record_ignore(false);
}

/* ---- for the entry points linked into the program (tsan_hot.h) ---- */

TSAN_EXPORT __thread struct tsan_hot *__ctrace_tsan_thread_v2;

TSAN_EXPORT bool __ctrace_tsan_miss_v2(uintptr_t pc, void *addr, size_t size, unsigned flags)
{
	return tsan_record_miss(pc, addr, size, flags);
}

TSAN_EXPORT bool __ctrace_tsan_func_entry_v2(uintptr_t pc, uintptr_t sp)
{
	tsan_record_func_entry(pc, sp);
	return tsan_record_alive();
}

TSAN_EXPORT bool __ctrace_tsan_func_exit_v2(void)
{
	tsan_record_func_exit();
	return tsan_record_alive();
}

#ifndef CTRACE_TSAN_RECORD
/* Programs built by an earlier `ctrace cc` against layout 1 (tsan_hot.h):
 * the stub answers them as it answers every program without ctrace, and
 * the shim, which defines only the current layout's names, leaves them
 * here, so they run (recording nothing) instead of failing to load. */
TSAN_EXPORT __thread void *__ctrace_tsan_thread_v1;

TSAN_EXPORT bool __ctrace_tsan_miss_v1(uintptr_t pc, void *addr, size_t size, unsigned flags)
{
	(void)pc, (void)addr, (void)size, (void)flags;
	return false;
}

TSAN_EXPORT bool __ctrace_tsan_func_entry_v1(uintptr_t pc, uintptr_t sp)
{
	(void)pc, (void)sp;
	return false;
}

TSAN_EXPORT bool __ctrace_tsan_func_exit_v1(void)
{
	return false;
}
#endif
