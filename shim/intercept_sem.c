/* SPDX-License-Identifier: MIT */
/* intercept_sem.c - POSIX semaphores, unnamed and named. Waits try first
 * (sem_trywait) and get a BEGIN record only when they must block; errno is
 * put back so the program never sees the try's EAGAIN. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>

#include "emit.h"
#include "python.h"
#include "real.h"

/* A happens-before annotation on S (python.h, CPython's parking lot). */
static void annotate(struct shim_call *c, unsigned kind, sem_t *s)
{
	shim_emit_how(c, TRACE_ORDER_NONE, TRACE_OP_ANNOTATE, 0, 0, 0, kind, (uintptr_t)s, 0, NULL);
}

SHIM_EXPORT int sem_init(sem_t *s, int pshared, unsigned value)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_init(s, pshared, value);
	int r = shim_real.sem_init(s, pshared, value);
	shim_emit(&c, TRACE_OP_SEM_INIT, (uintptr_t)s, 0, shim_errno_result(r), value, pshared != 0, 0, 0);
	if (!r && shim_py_from(&shim_py_sem_init, (uintptr_t)__builtin_return_address(0)))
		annotate(&c, TRACE_ANN_HAPPENS_BEFORE, s);
	return r;
}

SHIM_EXPORT int sem_destroy(sem_t *s)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_destroy(s);
	shim_pre(&c, TRACE_OP_SEM_DESTROY, s);
	int r = shim_real.sem_destroy(s);
	shim_end(&c, TRACE_OP_SEM_DESTROY, s, shim_errno_result(r));
	return r;
}

SHIM_EXPORT sem_t *sem_open(const char *name, int oflag, ...)
{
	mode_t mode = 0;
	unsigned value = 0;
	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_open(name, oflag, mode, value);
	sem_t *s = shim_real.sem_open(name, oflag, mode, value);
	shim_emit(&c, TRACE_OP_SEM_OPEN, s == SEM_FAILED ? 0 : (uintptr_t)s, 0,
		  s == SEM_FAILED ? errno : 0, (uint64_t)oflag, value, 0, name);
	return s;
}

SHIM_EXPORT int sem_close(sem_t *s)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_close(s);
	shim_pre(&c, TRACE_OP_SEM_CLOSE, s);
	int r = shim_real.sem_close(s);
	shim_end(&c, TRACE_OP_SEM_CLOSE, s, shim_errno_result(r));
	return r;
}

SHIM_EXPORT int sem_unlink(const char *name)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_unlink(name);
	int r = shim_real.sem_unlink(name);
	shim_emit(&c, TRACE_OP_SEM_UNLINK, 0, 0, shim_errno_result(r), 0, 0, 0, name);
	return r;
}

/* The try that avoids a BEGIN record; true if the real wait must follow. */
static bool must_wait(struct shim_call *c, unsigned op, sem_t *s, int *r)
{
	int saved = errno;
	*r = shim_real.sem_trywait(s);
	if (*r == 0 || errno != EAGAIN) {
		if (*r == 0)
			errno = saved;
		return false;
	}
	errno = saved;
	shim_begin(c, op, s);
	return true;
}

SHIM_EXPORT int sem_wait(sem_t *s)
{
	struct shim_call c;
	int r;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_wait(s);
	if (must_wait(&c, TRACE_OP_SEM_WAIT, s, &r))
		r = shim_real.sem_wait(s);
	shim_end(&c, TRACE_OP_SEM_WAIT, s, shim_errno_result(r));
	return r;
}

SHIM_EXPORT int sem_trywait(sem_t *s)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_trywait(s);
	int r = shim_real.sem_trywait(s);
	/* (shim_emit keeps errno: the program reads it after a failed try) */
	unsigned call = r == 0 ? shim_py_acquire_call(c.t) : TRACE_SEM_CALL_PLAIN;
	shim_emit(&c, TRACE_OP_SEM_TRYWAIT, (uintptr_t)s, 0, shim_errno_result(r), call, 0, 0, NULL);
	return r;
}

SHIM_EXPORT int sem_timedwait(sem_t *s, const struct timespec *abs)
{
	struct shim_call c;
	int r;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_timedwait(s, abs);
	if (must_wait(&c, TRACE_OP_SEM_TIMEDWAIT, s, &r))
		r = shim_real.sem_timedwait(s, abs);
	shim_end(&c, TRACE_OP_SEM_TIMEDWAIT, s, shim_errno_result(r));
	return r;
}

SHIM_EXPORT int sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *abs)
{
	struct shim_call c;
	int r;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_clockwait(s, clk, abs);
	if (must_wait(&c, TRACE_OP_SEM_CLOCKWAIT, s, &r))
		r = shim_real.sem_clockwait(s, clk, abs);
	shim_end(&c, TRACE_OP_SEM_CLOCKWAIT, s, shim_errno_result(r));
	return r;
}

SHIM_EXPORT int sem_post(sem_t *s)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.sem_post(s);
	if (shim_py_from(&shim_py_sem_wakeup, (uintptr_t)__builtin_return_address(0)))
		annotate(&c, TRACE_ANN_HAPPENS_AFTER, s);
	shim_pre(&c, TRACE_OP_SEM_POST, s);
	int r = shim_real.sem_post(s);
	shim_end(&c, TRACE_OP_SEM_POST, s, shim_errno_result(r));
	return r;
}
