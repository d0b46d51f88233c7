/* SPDX-License-Identifier: MIT */
/* intercept_rwlock.c - pthread_rwlock_*. Acquisitions try first, as for mutexes: a BEGIN
 * record only when the lock is busy. */
#include <errno.h>

#include "emit.h"
#include "real.h"

/* The request of a lock call that has to wait on L. */
static void rwlock_waits(struct shim_call *c, unsigned op, pthread_rwlock_t *l)
{
	if (l->__data.__shared)   /* process-shared, as glibc keeps it */
		shim_note_pshared(c, l);
	shim_begin(c, op, l);
}

SHIM_EXPORT int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_init(l, a);
	int pshared = 0, kind = 0;
	if (a) {
		pthread_rwlockattr_getpshared(a, &pshared);
		pthread_rwlockattr_getkind_np(a, &kind);
	}
	int r = shim_real.pthread_rwlock_init(l, a);
	shim_emit(&c, TRACE_OP_RWLOCK_INIT, (uintptr_t)l, 0, r,
		  (pshared == PTHREAD_PROCESS_SHARED) | ((uint64_t)kind << 1), 0, 0, 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_destroy(l);
	shim_pre(&c, TRACE_OP_RWLOCK_DESTROY, l);
	int r = shim_real.pthread_rwlock_destroy(l);
	shim_end(&c, TRACE_OP_RWLOCK_DESTROY, l, r);
	return r;
}

SHIM_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_rdlock(l);
	int r = shim_real.pthread_rwlock_tryrdlock(l);
	if (r == EBUSY) {
		rwlock_waits(&c, TRACE_OP_RWLOCK_RDLOCK, l);
		r = shim_real.pthread_rwlock_rdlock(l);
	}
	shim_acquired_shared(&c, TRACE_OP_RWLOCK_RDLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_tryrdlock(l);
	int r = shim_real.pthread_rwlock_tryrdlock(l);
	shim_acquired_shared(&c, TRACE_OP_RWLOCK_TRYRDLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_timedrdlock(l, abs);
	int r = shim_real.pthread_rwlock_tryrdlock(l);
	if (r == EBUSY) {
		rwlock_waits(&c, TRACE_OP_RWLOCK_TIMEDRDLOCK, l);
		r = shim_real.pthread_rwlock_timedrdlock(l, abs);
	}
	shim_acquired_shared(&c, TRACE_OP_RWLOCK_TIMEDRDLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_clockrdlock(l, clk, abs);
	int r = shim_real.pthread_rwlock_tryrdlock(l);
	if (r == EBUSY) {
		rwlock_waits(&c, TRACE_OP_RWLOCK_CLOCKRDLOCK, l);
		r = shim_real.pthread_rwlock_clockrdlock(l, clk, abs);
	}
	shim_acquired_shared(&c, TRACE_OP_RWLOCK_CLOCKRDLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_wrlock(l);
	int r = shim_real.pthread_rwlock_trywrlock(l);
	if (r == EBUSY) {
		rwlock_waits(&c, TRACE_OP_RWLOCK_WRLOCK, l);
		r = shim_real.pthread_rwlock_wrlock(l);
	}
	shim_acquired(&c, TRACE_OP_RWLOCK_WRLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_trywrlock(l);
	int r = shim_real.pthread_rwlock_trywrlock(l);
	shim_acquired(&c, TRACE_OP_RWLOCK_TRYWRLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_timedwrlock(l, abs);
	int r = shim_real.pthread_rwlock_trywrlock(l);
	if (r == EBUSY) {
		rwlock_waits(&c, TRACE_OP_RWLOCK_TIMEDWRLOCK, l);
		r = shim_real.pthread_rwlock_timedwrlock(l, abs);
	}
	shim_acquired(&c, TRACE_OP_RWLOCK_TIMEDWRLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_clockwrlock(l, clk, abs);
	int r = shim_real.pthread_rwlock_trywrlock(l);
	if (r == EBUSY) {
		rwlock_waits(&c, TRACE_OP_RWLOCK_CLOCKWRLOCK, l);
		r = shim_real.pthread_rwlock_clockwrlock(l, clk, abs);
	}
	shim_acquired(&c, TRACE_OP_RWLOCK_CLOCKWRLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_rwlock_unlock(l);
	shim_pre_release(&c, TRACE_OP_RWLOCK_UNLOCK, l);
	int r = shim_real.pthread_rwlock_unlock(l);
	shim_end(&c, TRACE_OP_RWLOCK_UNLOCK, l, r);
	return r;
}
