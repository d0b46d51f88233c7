/* SPDX-License-Identifier: MIT */
/* intercept_mutex.c - pthread_mutex_* and C11 mtx_*. A lock first tries
 * the real trylock: if that succeeds the call never waited and one record
 * says so; only a busy lock gets a BEGIN record before the real lock. */
#include <errno.h>
#include <sys/single_threaded.h>

#include "emit.h"
#include "real.h"

static uint64_t mutex_attr_bits(const pthread_mutexattr_t *a)
{
	int type = PTHREAD_MUTEX_NORMAL, robust = 0, pshared = 0, proto = 0;
	if (a) {
		pthread_mutexattr_gettype(a, &type);
		pthread_mutexattr_getrobust(a, &robust);
		pthread_mutexattr_getpshared(a, &pshared);
		pthread_mutexattr_getprotocol(a, &proto);
	}
	return ((uint64_t)type & TRACE_MUTEX_TYPE_MASK) | (robust ? TRACE_MUTEX_ROBUST : 0) |
	       (pshared == PTHREAD_PROCESS_SHARED ? TRACE_MUTEX_PSHARED : 0) |
	       ((uint64_t)proto << TRACE_MUTEX_PROTO_SHIFT);
}

/* True if locking M cannot make the caller wait: the process has one
 * thread and M is a free private mutex of a basic type. glibc then locks
 * with a plain store, as it knows the same; trylock's atomic instruction
 * would cost the program more than the whole lock. Another process can
 * take a process-shared mutex at any moment: those go by trylock. */
static bool mutex_free_alone(const pthread_mutex_t *m)
{
	/* __kind: the type in bits 0-1, then robust, PI, PP, pshared, elision */
	return __libc_single_threaded && (m->__data.__kind & ~3) == 0 && m->__data.__lock == 0;
}

/* glibc's __kind bit of a process-shared mutex (PTHREAD_MUTEX_PSHARED_BIT). */
#define MUTEX_KIND_PSHARED 128

/* The request of a lock call that has to wait on M. */
static void mutex_waits(struct shim_call *c, unsigned op, pthread_mutex_t *m)
{
	if (m->__data.__kind & MUTEX_KIND_PSHARED)
		shim_note_pshared(c, m);
	shim_begin(c, op, m);
}

/* The first attempt of a lock call: EBUSY if it has to wait. */
static int mutex_try(pthread_mutex_t *m)
{
	return mutex_free_alone(m) ? shim_real.pthread_mutex_lock(m)
				   : shim_real.pthread_mutex_trylock(m);
}

static int mtx_try(mtx_t *m)
{
	/* glibc's mtx_t is a pthread_mutex_t */
	return mutex_free_alone((const pthread_mutex_t *)m) ? shim_real.mtx_lock(m)
							     : shim_real.mtx_trylock(m);
}

/* A lock call that returns one of these holds the mutex. */
static bool mutex_held(int r)
{
	return r == 0 || r == EOWNERDEAD;
}

SHIM_EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_init(m, a);
	int r = shim_real.pthread_mutex_init(m, a);
	shim_emit(&c, TRACE_OP_MUTEX_INIT, (uintptr_t)m, 0, r, mutex_attr_bits(a), 0, 0, 0);
	return r;
}

SHIM_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_destroy(m);
	shim_pre(&c, TRACE_OP_MUTEX_DESTROY, m);
	int r = shim_real.pthread_mutex_destroy(m);
	shim_end(&c, TRACE_OP_MUTEX_DESTROY, m, r);
	return r;
}

SHIM_EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_lock(m);
	int r = mutex_try(m);
	if (r == EBUSY) {
		mutex_waits(&c, TRACE_OP_MUTEX_LOCK, m);
		r = shim_real.pthread_mutex_lock(m);
	}
	shim_acquired(&c, TRACE_OP_MUTEX_LOCK, m, r, mutex_held(r));
	return r;
}

SHIM_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_trylock(m);
	int r = shim_real.pthread_mutex_trylock(m);
	shim_acquired(&c, TRACE_OP_MUTEX_TRYLOCK, m, r, mutex_held(r));
	return r;
}

SHIM_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_timedlock(m, abs);
	int r = mutex_try(m);
	if (r == EBUSY) {
		mutex_waits(&c, TRACE_OP_MUTEX_TIMEDLOCK, m);
		r = shim_real.pthread_mutex_timedlock(m, abs);
	}
	shim_acquired(&c, TRACE_OP_MUTEX_TIMEDLOCK, m, r, mutex_held(r));
	return r;
}

SHIM_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_clocklock(m, clk, abs);
	int r = mutex_try(m);
	if (r == EBUSY) {
		mutex_waits(&c, TRACE_OP_MUTEX_CLOCKLOCK, m);
		r = shim_real.pthread_mutex_clocklock(m, clk, abs);
	}
	shim_acquired(&c, TRACE_OP_MUTEX_CLOCKLOCK, m, r, mutex_held(r));
	return r;
}

SHIM_EXPORT int pthread_mutex_unlock(pthread_mutex_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_unlock(m);
	shim_pre_release(&c, TRACE_OP_MUTEX_UNLOCK, m);
	int r = shim_real.pthread_mutex_unlock(m);
	shim_end(&c, TRACE_OP_MUTEX_UNLOCK, m, r);
	return r;
}

SHIM_EXPORT int pthread_mutex_consistent(pthread_mutex_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_mutex_consistent(m);
	int r = shim_real.pthread_mutex_consistent(m);
	shim_end(&c, TRACE_OP_MUTEX_CONSISTENT, m, r);
	return r;
}

/* ---- C11 ---- */

SHIM_EXPORT int mtx_init(mtx_t *m, int type)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mtx_init(m, type);
	int r = shim_real.mtx_init(m, type);
	uint64_t attr = ((type & mtx_recursive) ? TRACE_MUTEX_RECURSIVE : TRACE_MUTEX_NORMAL) |
			((type & mtx_timed) ? TRACE_MUTEX_TIMED : 0);
	shim_emit(&c, TRACE_OP_MTX_INIT, (uintptr_t)m, 0, shim_thrd_result(r), attr, 0, 0, 0);
	return r;
}

SHIM_EXPORT void mtx_destroy(mtx_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE())) {
		shim_real.mtx_destroy(m);
		return;
	}
	shim_pre(&c, TRACE_OP_MTX_DESTROY, m);
	shim_real.mtx_destroy(m);
	shim_end(&c, TRACE_OP_MTX_DESTROY, m, 0);
}

SHIM_EXPORT int mtx_lock(mtx_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mtx_lock(m);
	int r = mtx_try(m);
	if (r == thrd_busy) {
		shim_begin(&c, TRACE_OP_MTX_LOCK, m);
		r = shim_real.mtx_lock(m);
	}
	shim_acquired(&c, TRACE_OP_MTX_LOCK, m, shim_thrd_result(r), r == thrd_success);
	return r;
}

SHIM_EXPORT int mtx_trylock(mtx_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mtx_trylock(m);
	int r = shim_real.mtx_trylock(m);
	shim_acquired(&c, TRACE_OP_MTX_TRYLOCK, m, shim_thrd_result(r), r == thrd_success);
	return r;
}

SHIM_EXPORT int mtx_timedlock(mtx_t *m, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mtx_timedlock(m, abs);
	int r = mtx_try(m);
	if (r == thrd_busy) {
		shim_begin(&c, TRACE_OP_MTX_TIMEDLOCK, m);
		r = shim_real.mtx_timedlock(m, abs);
	}
	shim_acquired(&c, TRACE_OP_MTX_TIMEDLOCK, m, shim_thrd_result(r), r == thrd_success);
	return r;
}

SHIM_EXPORT int mtx_unlock(mtx_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mtx_unlock(m);
	shim_pre_release(&c, TRACE_OP_MTX_UNLOCK, m);
	int r = shim_real.mtx_unlock(m);
	shim_end(&c, TRACE_OP_MTX_UNLOCK, m, shim_thrd_result(r));
	return r;
}
