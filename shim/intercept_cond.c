/* SPDX-License-Identifier: MIT */
/* intercept_cond.c - pthread_cond_* and C11 cnd_*. A wait is four records:
 * its BEGIN, the release of the mutex (stamped on the mutex, before the
 * real wait), the reacquisition of the mutex and its END (stamped on the
 * cond, so a signal always comes before the wake it caused). */
#include <errno.h>

#include "intercept_cond.h"
#include "real.h"

void shim_cond_wait_begin(struct shim_call *c, unsigned op, const void *cv, const void *m)
{
	shim_emit(c, op | TRACE_OP_BEGIN, (uintptr_t)cv, (uintptr_t)m, 0, 0, 0, 0, 0);
	shim_emit_how(c, TRACE_ORDER_RELEASE, TRACE_OP_COND_RELEASE, (uintptr_t)m, (uintptr_t)cv, 0,
		      0, 0, 0, 0);
}

void shim_cond_wait_end(struct shim_call *c, unsigned op, const void *cv, const void *m, int r)
{
	/* a wait that timed out or was cancelled holds the mutex again too */
	bool held = r == 0 || r == ETIMEDOUT || r == ECANCELED;
	shim_emit_how(c, held ? TRACE_ORDER_ACQUIRE : TRACE_ORDER_NONE, TRACE_OP_COND_REACQUIRE,
		      (uintptr_t)m, (uintptr_t)cv, 0, 0, 0, 0, 0);
	shim_emit(c, op, (uintptr_t)cv, (uintptr_t)m, r, 0, 0, 0, 0);
}

/* A wait is a cancellation point: a cancelled waiter gets its mutex back
 * before its cleanup handlers run, and never returns to us. */
struct wait_ctx {
	struct shim_call *c;
	unsigned op;
	const void *cv, *m;
};

static void wait_cancelled(void *arg)
{
	struct wait_ctx *w = arg;
	shim_cond_wait_end(w->c, w->op, w->cv, w->m, ECANCELED);
}

SHIM_EXPORT int pthread_cond_init(pthread_cond_t *cv, const pthread_condattr_t *a)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cond_init(cv, a);
	int pshared = 0;
	clockid_t clk = CLOCK_REALTIME;
	if (a) {
		pthread_condattr_getpshared(a, &pshared);
		pthread_condattr_getclock(a, &clk);
	}
	int r = shim_real.pthread_cond_init(cv, a);
	shim_emit(&c, TRACE_OP_COND_INIT, (uintptr_t)cv, 0, r,
		  (pshared == PTHREAD_PROCESS_SHARED) | ((uint64_t)clk << 1), 0, 0, 0);
	return r;
}

/* glibc's destroy waits for the condition's waiters to leave it (for good
 * if one was never signalled): a request first, so that a thread blocked
 * there is seen blocked. */
SHIM_EXPORT int pthread_cond_destroy(pthread_cond_t *cv)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cond_destroy(cv);
	shim_begin(&c, TRACE_OP_COND_DESTROY, cv);
	shim_pre(&c, TRACE_OP_COND_DESTROY, cv);
	int r = shim_real.pthread_cond_destroy(cv);
	shim_end(&c, TRACE_OP_COND_DESTROY, cv, r);
	return r;
}

/* A wait on CV: its record says first if CV is process-shared (glibc keeps
 * it in bit 0 of __wrefs), so another process may end the wait. */
static void cond_waits(struct shim_call *c, unsigned op, pthread_cond_t *cv, pthread_mutex_t *m)
{
	if (cv->__data.__wrefs & 1)
		shim_note_pshared(c, cv);
	shim_cond_wait_begin(c, op, cv, m);
}

SHIM_EXPORT int pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cond_wait(cv, m);
	cond_waits(&c, TRACE_OP_COND_WAIT, cv, m);
	struct wait_ctx w = { &c, TRACE_OP_COND_WAIT, cv, m };
	int r;
	pthread_cleanup_push(wait_cancelled, &w);
	r = shim_real.pthread_cond_wait(cv, m);
	pthread_cleanup_pop(0);
	shim_cond_wait_end(&c, TRACE_OP_COND_WAIT, cv, m, r);
	return r;
}

SHIM_EXPORT int pthread_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *m,
				       const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cond_timedwait(cv, m, abs);
	cond_waits(&c, TRACE_OP_COND_TIMEDWAIT, cv, m);
	struct wait_ctx w = { &c, TRACE_OP_COND_TIMEDWAIT, cv, m };
	int r;
	pthread_cleanup_push(wait_cancelled, &w);
	r = shim_real.pthread_cond_timedwait(cv, m, abs);
	pthread_cleanup_pop(0);
	shim_cond_wait_end(&c, TRACE_OP_COND_TIMEDWAIT, cv, m, r);
	return r;
}

SHIM_EXPORT int pthread_cond_clockwait(pthread_cond_t *cv, pthread_mutex_t *m, clockid_t clk,
				       const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cond_clockwait(cv, m, clk, abs);
	cond_waits(&c, TRACE_OP_COND_CLOCKWAIT, cv, m);
	struct wait_ctx w = { &c, TRACE_OP_COND_CLOCKWAIT, cv, m };
	int r;
	pthread_cleanup_push(wait_cancelled, &w);
	r = shim_real.pthread_cond_clockwait(cv, m, clk, abs);
	pthread_cleanup_pop(0);
	shim_cond_wait_end(&c, TRACE_OP_COND_CLOCKWAIT, cv, m, r);
	return r;
}

SHIM_EXPORT int pthread_cond_signal(pthread_cond_t *cv)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cond_signal(cv);
	shim_pre(&c, TRACE_OP_COND_SIGNAL, cv);
	int r = shim_real.pthread_cond_signal(cv);
	shim_end(&c, TRACE_OP_COND_SIGNAL, cv, r);
	return r;
}

SHIM_EXPORT int pthread_cond_broadcast(pthread_cond_t *cv)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cond_broadcast(cv);
	shim_pre(&c, TRACE_OP_COND_BROADCAST, cv);
	int r = shim_real.pthread_cond_broadcast(cv);
	shim_end(&c, TRACE_OP_COND_BROADCAST, cv, r);
	return r;
}

/* ---- C11 ---- */

SHIM_EXPORT int cnd_init(cnd_t *cv)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.cnd_init(cv);
	int r = shim_real.cnd_init(cv);
	shim_emit(&c, TRACE_OP_CND_INIT, (uintptr_t)cv, 0, shim_thrd_result(r), 0, 0, 0, 0);
	return r;
}

SHIM_EXPORT void cnd_destroy(cnd_t *cv)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE())) {
		shim_real.cnd_destroy(cv);
		return;
	}
	shim_begin(&c, TRACE_OP_CND_DESTROY, cv);
	shim_pre(&c, TRACE_OP_CND_DESTROY, cv);
	shim_real.cnd_destroy(cv);
	shim_end(&c, TRACE_OP_CND_DESTROY, cv, 0);
}

SHIM_EXPORT int cnd_wait(cnd_t *cv, mtx_t *m)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.cnd_wait(cv, m);
	shim_cond_wait_begin(&c, TRACE_OP_CND_WAIT, cv, m);
	struct wait_ctx w = { &c, TRACE_OP_CND_WAIT, cv, m };
	int r;
	pthread_cleanup_push(wait_cancelled, &w);
	r = shim_real.cnd_wait(cv, m);
	pthread_cleanup_pop(0);
	shim_cond_wait_end(&c, TRACE_OP_CND_WAIT, cv, m, shim_thrd_result(r));
	return r;
}

SHIM_EXPORT int cnd_timedwait(cnd_t *cv, mtx_t *m, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.cnd_timedwait(cv, m, abs);
	shim_cond_wait_begin(&c, TRACE_OP_CND_TIMEDWAIT, cv, m);
	struct wait_ctx w = { &c, TRACE_OP_CND_TIMEDWAIT, cv, m };
	int r;
	pthread_cleanup_push(wait_cancelled, &w);
	r = shim_real.cnd_timedwait(cv, m, abs);
	pthread_cleanup_pop(0);
	shim_cond_wait_end(&c, TRACE_OP_CND_TIMEDWAIT, cv, m, shim_thrd_result(r));
	return r;
}

SHIM_EXPORT int cnd_signal(cnd_t *cv)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.cnd_signal(cv);
	shim_pre(&c, TRACE_OP_CND_SIGNAL, cv);
	int r = shim_real.cnd_signal(cv);
	shim_end(&c, TRACE_OP_CND_SIGNAL, cv, shim_thrd_result(r));
	return r;
}

SHIM_EXPORT int cnd_broadcast(cnd_t *cv)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.cnd_broadcast(cv);
	shim_pre(&c, TRACE_OP_CND_BROADCAST, cv);
	int r = shim_real.cnd_broadcast(cv);
	shim_end(&c, TRACE_OP_CND_BROADCAST, cv, shim_thrd_result(r));
	return r;
}
