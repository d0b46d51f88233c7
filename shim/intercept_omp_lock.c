/* SPDX-License-Identifier: MIT */
/* intercept_omp_lock.c - the OpenMP locks (omp_*_lock, omp_*_nest_lock),
 * recorded as mutexes: a simple lock as a normal one, a nest lock as a
 * recursive one. The analyses then take them as they take pthread
 * mutexes: lock order, real deadlocks and stalls (the runtimes wait in
 * their own futexes, which nothing else records), misuse, contention and
 * the race analysis' order (unset -> the next set). Both runtimes export
 * these functions, libomp with libgomp's symbol versions; the OMP_3.0
 * ones are those programs built since gcc 4.4 bind to. A set tries the
 * lock first (omp_test_lock) and gets a BEGIN record only when it waits. */
#include <errno.h>

#include "emit.h"
#include "real.h"

void omp_init_lock(void *);
void omp_init_lock_with_hint(void *, uintptr_t);
void omp_destroy_lock(void *);
void omp_set_lock(void *);
void omp_unset_lock(void *);
int omp_test_lock(void *);
void omp_init_nest_lock(void *);
void omp_init_nest_lock_with_hint(void *, uintptr_t);
void omp_destroy_nest_lock(void *);
void omp_set_nest_lock(void *);
void omp_unset_nest_lock(void *);
int omp_test_nest_lock(void *);

/* f: the runtime's NAME of VERSION, typed as NAME. */
#define OMP_REAL(f, name, version)                                                   \
	static _Atomic(void *) real_##f;                                             \
	__typeof__(name) *f = (__typeof__(name) *)shim_omp_real(&real_##f, #name, version)

/* The start of each interceptor: with no runtime, nothing to do (VALUE
 * returned); outside the shim's reach, CALL made and its value returned. */
#define OMP_ENTER(c, value, call)                                                    \
	if (!f)                                                                      \
		return value;                                                        \
	if (!shim_enter(&c, SHIM_SITE()))                                            \
		return call

#define OMP_INIT(name, version, type, PARAMS, ARGS)                                  \
	SHIM_EXPORT void name PARAMS                                                 \
	{                                                                            \
		OMP_REAL(f, name, version);                                          \
		struct shim_call c;                                                  \
		OMP_ENTER(c, , f ARGS);                                              \
		f ARGS;                                                              \
		shim_emit(&c, TRACE_OP_MUTEX_INIT, (uintptr_t)lock, 0, 0,           \
			  (type) | TRACE_MUTEX_OMP, 0, 0, 0);                        \
	}

/* A set: the test first, the wait only if it failed. */
#define OMP_SET(name, test)                                                          \
	SHIM_EXPORT void name(void *lock)                                            \
	{                                                                            \
		OMP_REAL(f, name, "OMP_3.0");                                        \
		OMP_REAL(try_, test, "OMP_3.0");                                     \
		struct shim_call c;                                                  \
		OMP_ENTER(c, , f(lock));                                             \
		if (!try_ || !try_(lock)) {                                          \
			shim_begin(&c, TRACE_OP_MUTEX_LOCK, lock);                   \
			f(lock);                                                     \
		}                                                                    \
		shim_acquired(&c, TRACE_OP_MUTEX_LOCK, lock, 0, true);               \
	}

/* An unset or a destroy: its record reserved (stamped) before the call. */
#define OMP_LET_GO(name, pre, op)                                                    \
	SHIM_EXPORT void name(void *lock)                                            \
	{                                                                            \
		OMP_REAL(f, name, "OMP_3.0");                                        \
		struct shim_call c;                                                  \
		OMP_ENTER(c, , f(lock));                                             \
		pre(&c, op, lock);                                                   \
		f(lock);                                                             \
		shim_end(&c, op, lock, 0);                                           \
	}

/* A test: a simple lock's says 1, a nest lock's the new nesting count. */
#define OMP_TEST(name)                                                               \
	SHIM_EXPORT int name(void *lock)                                             \
	{                                                                            \
		OMP_REAL(f, name, "OMP_3.0");                                        \
		struct shim_call c;                                                  \
		OMP_ENTER(c, 0, f(lock));                                            \
		int r = f(lock);                                                     \
		shim_acquired(&c, TRACE_OP_MUTEX_TRYLOCK, lock, r ? 0 : EBUSY, r != 0); \
		return r;                                                            \
	}

OMP_INIT(omp_init_lock, "OMP_3.0", TRACE_MUTEX_NORMAL, (void *lock), (lock))
OMP_INIT(omp_init_lock_with_hint, "OMP_4.5", TRACE_MUTEX_NORMAL, (void *lock, uintptr_t hint),
	 (lock, hint))
OMP_LET_GO(omp_destroy_lock, shim_pre, TRACE_OP_MUTEX_DESTROY)
OMP_SET(omp_set_lock, omp_test_lock)
OMP_LET_GO(omp_unset_lock, shim_pre_release, TRACE_OP_MUTEX_UNLOCK)
OMP_TEST(omp_test_lock)

OMP_INIT(omp_init_nest_lock, "OMP_3.0", TRACE_MUTEX_RECURSIVE, (void *lock), (lock))
OMP_INIT(omp_init_nest_lock_with_hint, "OMP_4.5", TRACE_MUTEX_RECURSIVE,
	 (void *lock, uintptr_t hint), (lock, hint))
OMP_LET_GO(omp_destroy_nest_lock, shim_pre, TRACE_OP_MUTEX_DESTROY)
OMP_SET(omp_set_nest_lock, omp_test_nest_lock)
OMP_LET_GO(omp_unset_nest_lock, shim_pre_release, TRACE_OP_MUTEX_UNLOCK)
OMP_TEST(omp_test_nest_lock)
