/* SPDX-License-Identifier: MIT */
/* intercept_barrier.c - pthread_barrier_*. A wait always has a BEGIN (the
 * arrival, stamped) and an END saying whether this thread got the serial
 * result. */
#include <errno.h>

#include "emit.h"
#include "real.h"

SHIM_EXPORT int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a,
				     unsigned count)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_barrier_init(b, a, count);
	int pshared = 0;
	if (a)
		pthread_barrierattr_getpshared(a, &pshared);
	int r = shim_real.pthread_barrier_init(b, a, count);
	shim_emit(&c, TRACE_OP_BARRIER_INIT, (uintptr_t)b, 0, r, count, pshared == PTHREAD_PROCESS_SHARED, 0, 0);
	return r;
}

SHIM_EXPORT int pthread_barrier_destroy(pthread_barrier_t *b)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_barrier_destroy(b);
	shim_pre(&c, TRACE_OP_BARRIER_DESTROY, b);
	int r = shim_real.pthread_barrier_destroy(b);
	shim_end(&c, TRACE_OP_BARRIER_DESTROY, b, r);
	return r;
}

SHIM_EXPORT int pthread_barrier_wait(pthread_barrier_t *b)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_barrier_wait(b);
	shim_begin(&c, TRACE_OP_BARRIER_WAIT, b);
	int r = shim_real.pthread_barrier_wait(b);
	bool serial = r == PTHREAD_BARRIER_SERIAL_THREAD;
	shim_emit(&c, TRACE_OP_BARRIER_WAIT, (uintptr_t)b, 0, serial ? 0 : r, serial, 0, 0, 0);
	return r;
}
