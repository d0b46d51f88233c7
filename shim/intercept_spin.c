/* SPDX-License-Identifier: MIT */
/* intercept_spin.c - pthread_spin_*. Acquisitions try first, as for mutexes: a BEGIN
 * record only when the lock is busy. */
#include <errno.h>

#include "emit.h"
#include "real.h"

SHIM_EXPORT int pthread_spin_init(pthread_spinlock_t *l, int pshared)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_spin_init(l, pshared);
	int r = shim_real.pthread_spin_init(l, pshared);
	shim_emit(&c, TRACE_OP_SPIN_INIT, (uintptr_t)l, 0, r, pshared == PTHREAD_PROCESS_SHARED, 0, 0, 0);
	return r;
}

SHIM_EXPORT int pthread_spin_destroy(pthread_spinlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_spin_destroy(l);
	shim_pre(&c, TRACE_OP_SPIN_DESTROY, l);
	int r = shim_real.pthread_spin_destroy(l);
	shim_end(&c, TRACE_OP_SPIN_DESTROY, l, r);
	return r;
}

SHIM_EXPORT int pthread_spin_lock(pthread_spinlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_spin_lock(l);
	int r = shim_real.pthread_spin_trylock(l);
	if (r == EBUSY) {
		shim_begin(&c, TRACE_OP_SPIN_LOCK, l);
		r = shim_real.pthread_spin_lock(l);
	}
	shim_acquired(&c, TRACE_OP_SPIN_LOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_spin_trylock(pthread_spinlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_spin_trylock(l);
	int r = shim_real.pthread_spin_trylock(l);
	shim_acquired(&c, TRACE_OP_SPIN_TRYLOCK, l, r, r == 0);
	return r;
}

SHIM_EXPORT int pthread_spin_unlock(pthread_spinlock_t *l)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_spin_unlock(l);
	shim_pre_release(&c, TRACE_OP_SPIN_UNLOCK, l);
	int r = shim_real.pthread_spin_unlock(l);
	shim_end(&c, TRACE_OP_SPIN_UNLOCK, l, r);
	return r;
}
