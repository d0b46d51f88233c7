/* SPDX-License-Identifier: MIT */
/* intercept_glib.c - GLib's GMutex and GCond, which GLib builds on its own
 * futexes on Linux, not on pthreads: recorded as a normal mutex and a
 * condition variable, so lock order, real deadlocks and stalls, misuse,
 * contention and the race analysis' order see them as they see pthread
 * ones. GRecMutex, GRWLock and GPrivate are pthread objects inside GLib,
 * seen already. GLib's own uses (GAsyncQueue, GThreadPool, g_once) bind
 * inside the library and stay unseen, as any library's internals. A
 * lock tries first (g_mutex_trylock) and gets a BEGIN only when it waits.
 * The real functions are looked up at the first call: a program without
 * GLib never makes one. */
#include <errno.h>
#include <stdint.h>

#include "intercept_cond.h"
#include "real.h"

/* GLib's types are unions of a pointer and two ints: their addresses are
 * all the shim needs. gboolean is an int, gint64 an int64_t. */
void g_mutex_init(void *m);
void g_mutex_clear(void *m);
void g_mutex_lock(void *m);
int g_mutex_trylock(void *m);
void g_mutex_unlock(void *m);
void g_cond_init(void *cv);
void g_cond_clear(void *cv);
void g_cond_wait(void *cv, void *m);
int g_cond_wait_until(void *cv, void *m, int64_t end_time);
void g_cond_signal(void *cv);
void g_cond_broadcast(void *cv);

/* The start of each interceptor: CALL made and returned when the shim does
 * not record it (f: the real NAME). */
#define GLIB_ENTER(name, c, call)                                                    \
	SHIM_REAL_LAZY(name);                                                        \
	struct shim_call c;                                                          \
	if (!f || !shim_enter(&c, SHIM_SITE()))                                      \
		return call

/* An init; a clear (a destroy) or a wake, stamped before the call. */
#define GLIB_MADE(name, op)                                                          \
	SHIM_EXPORT void name(void *obj)                                             \
	{                                                                            \
		GLIB_ENTER(name, c, f ? f(obj) : (void)0);                           \
		f(obj);                                                              \
		shim_emit(&c, op, (uintptr_t)obj, 0, 0, 0, 0, 0, 0);                 \
	}
#define GLIB_BEFORE(name, op)                                                        \
	SHIM_EXPORT void name(void *obj)                                             \
	{                                                                            \
		GLIB_ENTER(name, c, f ? f(obj) : (void)0);                           \
		shim_pre(&c, op, obj);                                               \
		f(obj);                                                              \
		shim_end(&c, op, obj, 0);                                            \
	}

GLIB_MADE(g_mutex_init, TRACE_OP_MUTEX_INIT)
GLIB_BEFORE(g_mutex_clear, TRACE_OP_MUTEX_DESTROY)
GLIB_MADE(g_cond_init, TRACE_OP_COND_INIT)
GLIB_BEFORE(g_cond_clear, TRACE_OP_COND_DESTROY)
GLIB_BEFORE(g_cond_signal, TRACE_OP_COND_SIGNAL)
GLIB_BEFORE(g_cond_broadcast, TRACE_OP_COND_BROADCAST)

SHIM_EXPORT void g_mutex_lock(void *m)
{
	GLIB_ENTER(g_mutex_lock, c, f ? f(m) : (void)0);
	static _Atomic(void *) try_cache;
	__typeof__(g_mutex_trylock) *try_ =
		(__typeof__(g_mutex_trylock) *)shim_real_lazy(&try_cache, "g_mutex_trylock");
	if (!try_ || !try_(m)) {
		shim_begin(&c, TRACE_OP_MUTEX_LOCK, m);
		f(m);
	}
	shim_acquired(&c, TRACE_OP_MUTEX_LOCK, m, 0, true);
}

SHIM_EXPORT int g_mutex_trylock(void *m)
{
	GLIB_ENTER(g_mutex_trylock, c, f ? f(m) : 0);
	int r = f(m);
	shim_acquired(&c, TRACE_OP_MUTEX_TRYLOCK, m, r ? 0 : EBUSY, r != 0);
	return r;
}

SHIM_EXPORT void g_mutex_unlock(void *m)
{
	GLIB_ENTER(g_mutex_unlock, c, f ? f(m) : (void)0);
	shim_pre_release(&c, TRACE_OP_MUTEX_UNLOCK, m);
	f(m);
	shim_end(&c, TRACE_OP_MUTEX_UNLOCK, m, 0);
}

SHIM_EXPORT void g_cond_wait(void *cv, void *m)
{
	GLIB_ENTER(g_cond_wait, c, f ? f(cv, m) : (void)0);
	shim_cond_wait_begin(&c, TRACE_OP_COND_WAIT, cv, m);
	f(cv, m);
	shim_cond_wait_end(&c, TRACE_OP_COND_WAIT, cv, m, 0);
}

/* TRUE when signalled (or woken spuriously), FALSE when END_TIME passed. */
SHIM_EXPORT int g_cond_wait_until(void *cv, void *m, int64_t end_time)
{
	GLIB_ENTER(g_cond_wait_until, c, f ? f(cv, m, end_time) : 0);
	shim_cond_wait_begin(&c, TRACE_OP_COND_TIMEDWAIT, cv, m);
	int r = f(cv, m, end_time);
	shim_cond_wait_end(&c, TRACE_OP_COND_TIMEDWAIT, cv, m, r ? 0 : ETIMEDOUT);
	return r;
}
