/* SPDX-License-Identifier: MIT */
/* tsan_mutex.c - locks a program builds itself and describes through
 * TSan's annotations (<sanitizer/tsan_interface.h>: __tsan_mutex_pre_lock,
 * post_lock, pre_unlock...; abseil's Mutex and SpinLock, any lock on
 * futexes): recorded as reader-writer locks, so that lock order, real
 * deadlocks, contention, misuse and the race analysis see them as they see
 * pthread ones.
 *
 * A lock that may wait (not a try) has its BEGIN at pre_lock, its END at
 * post_lock (EBUSY when __tsan_mutex_try_lock_failed); __tsan_mutex_read_lock
 * makes it a read acquisition, and its unlock then releases to writers
 * only. As in libtsan, the lock's own work (pre_lock to post_lock,
 * pre_unlock to post_unlock, pre_signal to post_signal, less what it
 * diverts to the program between pre_divert and post_divert: a condition
 * it evaluates) is not the program's: its accesses are not recorded and its
 * atomics, fences and annotations order nothing. A relock of a lock its
 * thread holds for writing is a request that ends without a new
 * acquisition (ECANCELED) when the lock lets its holder in again (a
 * reentrant lock; its matching unlock is not recorded), and a self-deadlock
 * the hang analysis sees when it does not (abseil's Mutex relocked); a
 * recursive unlock (__tsan_mutex_recursive_unlock, a monitor's wait) lets
 * go of every level, and the recursive lock that follows takes them
 * again. */
#include "tsan_record.h"

#include <dlfcn.h>
#include <errno.h>

#include "emit.h"
#include "tsan_thread.h"

#define RECORD_API __attribute__((visibility("protected")))

/* <sanitizer/tsan_interface.h>'s flags. */
enum {
	MUTEX_LINKER_INIT = 1 << 0,
	MUTEX_READ_LOCK = 1 << 3,
	MUTEX_TRY_LOCK = 1 << 4,
	MUTEX_TRY_LOCK_FAILED = 1 << 5,
	MUTEX_RECURSIVE_LOCK = 1 << 6,    /* takes RECURSION levels at once */
	MUTEX_RECURSIVE_UNLOCK = 1 << 7,  /* lets go of every level (a wait) */
	MUTEX_NOT_STATIC = 1 << 8,
};

/* The lock's own stretch begins or ends on TS's thread (none: nothing). */
static void own_stretch(struct tsan_thread *ts, bool begin)
{
	if (!ts)
		return;
	tsan_ignore_step(ts, begin);
	if (begin)
		ts->ignore_sync++;
	else if (ts->ignore_sync)
		ts->ignore_sync--;
}

/* The thread's entry for M among the locks it holds for writing; with
 * ADD, a free one made its entry if M has none (NULL if none is free). */
static struct tsan_held *held_entry(struct tsan_thread *ts, uint64_t m, bool add)
{
	struct tsan_held *free_entry = NULL;
	for (uint32_t i = 0; i < TSAN_HELD; i++) {
		if (ts->held[i].addr == m)
			return &ts->held[i];
		if (!ts->held[i].addr && !free_entry)
			free_entry = &ts->held[i];
	}
	if (!add || !free_entry)
		return NULL;
	*free_entry = (struct tsan_held){ m, 0 };
	return free_entry;
}

static struct tsan_thread *state(void)
{
	struct shim_thread *t = tsan_thread_of_caller();
	return t ? t->tsan : NULL;
}

/* A lock of static storage whose constructor and destructor do nothing
 * (__tsan_mutex_linker_init) is never made nor destroyed. */
RECORD_API void tsan_record_mutex_create(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	struct shim_call c;
	if (!(flags & MUTEX_LINKER_INIT) && shim_enter(&c, pc0, sp))
		shim_emit(&c, TRACE_OP_RWLOCK_INIT, (uintptr_t)m, 0, 0, 0, 0, 0, 0);
}

/* Whether M lies in a loaded image (a static or global lock). */
static bool in_image(const void *m)
{
	Dl_info info;
	return dladdr(m, &info) != 0;
}

/* A destroy __tsan_mutex_not_static counts only for a lock made with that
 * flag (libtsan): a lock of static storage made by a constant constructor
 * and destroyed at exit (abseil's SpinLock) while threads may still use it
 * is not. Unknown here, a static lock's such destroy is passed over. */
RECORD_API void tsan_record_mutex_destroy(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	if (flags & MUTEX_LINKER_INIT || ((flags & MUTEX_NOT_STATIC) && in_image(m)))
		return;
	struct shim_call c;
	if (!shim_enter(&c, pc0, sp))
		return;
	shim_end(&c, TRACE_OP_RWLOCK_DESTROY, m, 0);
}

RECORD_API void tsan_record_mutex_pre_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	struct tsan_thread *ts = state();
	struct shim_call c;
	if (!(flags & MUTEX_TRY_LOCK) && shim_enter(&c, pc0, sp))
		shim_begin(&c, flags & MUTEX_READ_LOCK ? TRACE_OP_RWLOCK_RDLOCK : TRACE_OP_RWLOCK_WRLOCK,
			   m);
	own_stretch(ts, true);
}

RECORD_API void tsan_record_mutex_post_lock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags,
					    int recursion)
{
	struct tsan_thread *ts = state();
	own_stretch(ts, false);
	bool got = !(flags & MUTEX_TRY_LOCK_FAILED), read = flags & MUTEX_READ_LOCK;
	bool relock = false;
	if (ts && !read && got) {
		struct tsan_held *h = held_entry(ts, (uintptr_t)m, true);
		uint32_t levels = flags & MUTEX_RECURSIVE_LOCK && recursion > 0 ? (uint32_t)recursion : 1;
		relock = h && h->depth;
		if (h)
			h->depth += levels;
	}
	struct shim_call c;
	if (!shim_enter(&c, pc0, sp))
		return;
	if (relock) {   /* let in again: the holder's request ends, nothing more acquired */
		if (!(flags & MUTEX_TRY_LOCK))
			shim_end(&c, TRACE_OP_RWLOCK_WRLOCK, m, ECANCELED);
		return;
	}
	int r = got ? 0 : EBUSY;
	if (read)
		shim_acquired_shared(&c, flags & MUTEX_TRY_LOCK ? TRACE_OP_RWLOCK_TRYRDLOCK
								: TRACE_OP_RWLOCK_RDLOCK,
				     m, r, got);
	else
		shim_acquired(&c, flags & MUTEX_TRY_LOCK ? TRACE_OP_RWLOCK_TRYWRLOCK : TRACE_OP_RWLOCK_WRLOCK,
			      m, r, got);
}

/* Returns the levels a recursive unlock let go of, for the post_lock that
 * takes them again. */
RECORD_API int tsan_record_mutex_pre_unlock(uintptr_t pc0, uintptr_t sp, void *m, unsigned flags)
{
	struct tsan_thread *ts = state();
	struct tsan_held *h = ts && !(flags & MUTEX_READ_LOCK) ? held_entry(ts, (uintptr_t)m, false)
							     : NULL;
	int levels = h ? (int)h->depth : 1;
	if (h && flags & MUTEX_RECURSIVE_UNLOCK)
		h->depth = 1;
	bool inner = h && h->depth > 1;
	if (h && !--h->depth)
		h->addr = 0;
	struct shim_call c;
	if (!inner && shim_enter(&c, pc0, sp))
		shim_emit_simple(&c, TRACE_ORDER_RELEASE, TRACE_OP_RWLOCK_UNLOCK, (uintptr_t)m, 0);
	own_stretch(ts, true);
	return flags & MUTEX_RECURSIVE_UNLOCK ? levels : 0;
}

/* post_unlock, post_signal and pre_divert end the lock's own stretch;
 * pre_signal and post_divert begin one. */
RECORD_API void tsan_record_mutex_stretch(bool begin)
{
	own_stretch(state(), begin);
}
