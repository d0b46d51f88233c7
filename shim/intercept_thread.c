/* SPDX-License-Identifier: MIT */
/* intercept_thread.c - thread lifecycle: create (through a trampoline that
 * starts the child's stream), join, detach, exit, cancel, names, once; the
 * C11 thrd_* and call_once. The parent's CREATE BEGIN and the child's
 * THREAD_START are stamped on the same spawn block, so the child can never
 * be ordered before its creation. */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>

#include "emit.h"
#include "real.h"
#include "tsan_thread.h"

struct spawn {
	void *(*fn)(void *);
	int (*thrd_fn)(void *);
	void *arg;
	uint32_t index, parent;
	struct spawn *next;
	sigset_t sigmask;          /* the creator's: the child gets it back */
};

static atomic_flag spawn_lock = ATOMIC_FLAG_INIT;
static struct spawn *spawn_free_list;
static struct spawn *spawn_slab_next, *spawn_slab_end;  /* never used yet */

/* Under spawn_lock: a spawn not on the free list, cut from a slab as
 * needed (its pages are touched one by one, not all at the first
 * thread), or NULL. */
static struct spawn *spawn_from_slab(void)
{
	if (spawn_slab_next == spawn_slab_end) {
		size_t size = 64 * 1024;
		struct spawn *slab = mmap(NULL, size, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (slab == MAP_FAILED)
			return NULL;
		spawn_slab_next = slab;
		spawn_slab_end = slab + size / sizeof *slab;
	}
	return spawn_slab_next++;
}

static struct spawn *spawn_new(struct shim_thread *parent, void *(*fn)(void *),
			       int (*thrd_fn)(void *), void *arg)
{
	while (atomic_flag_test_and_set_explicit(&spawn_lock, memory_order_acquire))
		;
	struct spawn *sp = spawn_free_list;
	if (sp)
		spawn_free_list = sp->next;
	else
		sp = spawn_from_slab();
	atomic_flag_clear_explicit(&spawn_lock, memory_order_release);
	if (sp)
		*sp = (struct spawn){ fn, thrd_fn, arg, trace_writer_new_thread(&shim.writer),
				      parent->index, NULL, { { 0 } } };
	return sp;
}

/* The child starts with every signal blocked (it inherits the creator's
 * mask at creation): a process signal must not reach it before its state
 * exists. The trampoline restores the creator's mask. */
static void block_signals(struct spawn *sp)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &sp->sigmask);
}

void shim_spawns_after_fork(void)
{
	atomic_flag_clear(&spawn_lock);  /* the free list is whole at every store */
}

static void spawn_free(struct spawn *sp)
{
	while (atomic_flag_test_and_set_explicit(&spawn_lock, memory_order_acquire))
		;
	sp->next = spawn_free_list;
	spawn_free_list = sp;
	atomic_flag_clear_explicit(&spawn_lock, memory_order_release);
}

/* The state comes first; the stack bounds (which the stack cache needs)
 * and whether it was created detached (for thread leaks) follow. */
static struct shim_thread *child_begin(struct spawn *sp)
{
	struct shim_thread *t = shim_thread_begin(sp->index, (uintptr_t)sp, sp->parent, 0, 0);
	pthread_attr_t a;
	if (t && pthread_getattr_np(pthread_self(), &a) == 0) {
		void *addr;
		size_t size;
		int detached;
		if (pthread_attr_getstack(&a, &addr, &size) == 0) {
			t->stack_lo = (uintptr_t)addr;
			t->stack_hi = (uintptr_t)addr + size;
			shim_thread_stack_record(t);
		}
		if (pthread_attr_getdetachstate(&a, &detached) == 0) {
			struct shim_call c = { .t = t, .stack = 0 };
			shim_emit(&c, TRACE_OP_THREAD_ATTR, 0, 0, 0,
				  detached == PTHREAD_CREATE_DETACHED, 0, 0, NULL);
		}
		pthread_attr_destroy(&a);
	}
	return t;
}

/* The child's side: its state, the creator's signal mask, then the start
 * routine, with this frame as the thread's stack root (stack.h) until the
 * routine returns or is unwound. */
static void child_run(struct spawn *sp, void **ret, int *thrd_ret)
{
	struct spawn copy = *sp;
	struct shim_thread *t = child_begin(sp);
	spawn_free(sp);
	pthread_sigmask(SIG_SETMASK, &copy.sigmask, NULL);
	if (t)
		shim_stack_set_root(t, (uintptr_t)__builtin_frame_address(0));
	pthread_cleanup_push(shim_stack_root_unwound, t);
	if (copy.thrd_fn)
		*thrd_ret = shim_thrd_call_root(copy.thrd_fn, copy.arg, t);
	else
		*ret = shim_thread_call_root(copy.fn, copy.arg, t);
	pthread_cleanup_pop(1);
	if (t)
		t->end_how = TRACE_THREAD_END_RETURN;  /* THREAD_END: shim.c */
}

static void *thread_main(void *p)
{
	void *ret = NULL;
	child_run(p, &ret, NULL);
	return ret;
}

static int thrd_main(void *p)
{
	int ret = 0;
	child_run(p, NULL, &ret);
	return ret;
}

SHIM_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
			       void *arg)
{
	struct shim_call c;
	struct spawn *sp;
	if (!shim_enter(&c, SHIM_SITE()) || !(sp = spawn_new(c.t, fn, NULL, arg)))
		return shim_real.pthread_create(th, attr, fn, arg);
	uint32_t index = sp->index;
	shim_emit(&c, TRACE_OP_CREATE | TRACE_OP_BEGIN, (uintptr_t)sp, 0, 0, index, 0, 0, 0);
	block_signals(sp);
	sigset_t mask = sp->sigmask;
	tsan_library_stretch(c.t, true);
	int r = shim_real.pthread_create(th, attr, thread_main, sp);
	tsan_library_stretch(c.t, false);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	if (r)
		spawn_free(sp);
	shim_emit(&c, TRACE_OP_CREATE, (uintptr_t)sp, 0, r, index, r ? 0 : (uint64_t)*th, 0, 0);
	return r;
}

SHIM_EXPORT int pthread_join(pthread_t th, void **ret)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_join(th, ret);
	shim_begin(&c, TRACE_OP_JOIN, (const void *)th);
	tsan_library_stretch(c.t, true);
	int r = shim_real.pthread_join(th, ret);
	tsan_library_stretch(c.t, false);
	shim_end(&c, TRACE_OP_JOIN, (const void *)th, r);
	return r;
}

SHIM_EXPORT int pthread_tryjoin_np(pthread_t th, void **ret)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_tryjoin_np(th, ret);
	tsan_library_stretch(c.t, true);
	int r = shim_real.pthread_tryjoin_np(th, ret);
	tsan_library_stretch(c.t, false);
	shim_end(&c, TRACE_OP_TRYJOIN_NP, (const void *)th, r);
	return r;
}

SHIM_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_timedjoin_np(th, ret, abs);
	shim_begin(&c, TRACE_OP_TIMEDJOIN_NP, (const void *)th);
	tsan_library_stretch(c.t, true);
	int r = shim_real.pthread_timedjoin_np(th, ret, abs);
	tsan_library_stretch(c.t, false);
	shim_end(&c, TRACE_OP_TIMEDJOIN_NP, (const void *)th, r);
	return r;
}

SHIM_EXPORT int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t clk,
				     const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_clockjoin_np(th, ret, clk, abs);
	shim_begin(&c, TRACE_OP_CLOCKJOIN_NP, (const void *)th);
	tsan_library_stretch(c.t, true);
	int r = shim_real.pthread_clockjoin_np(th, ret, clk, abs);
	tsan_library_stretch(c.t, false);
	shim_end(&c, TRACE_OP_CLOCKJOIN_NP, (const void *)th, r);
	return r;
}

SHIM_EXPORT int pthread_detach(pthread_t th)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_detach(th);
	shim_pre(&c, TRACE_OP_DETACH, (const void *)th);
	tsan_library_stretch(c.t, true);
	int r = shim_real.pthread_detach(th);
	tsan_library_stretch(c.t, false);
	shim_end(&c, TRACE_OP_DETACH, (const void *)th, r);
	return r;
}

SHIM_EXPORT void pthread_exit(void *ret)
{
	struct shim_call c;
	if (shim_enter(&c, SHIM_SITE())) {
		shim_end(&c, TRACE_OP_EXIT, NULL, 0);
		c.t->end_how = TRACE_THREAD_END_EXIT;  /* cleanup handlers run next */
	}
	shim_real.pthread_exit(ret);
}

SHIM_EXPORT int pthread_cancel(pthread_t th)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_cancel(th);
	shim_pre(&c, TRACE_OP_CANCEL, (const void *)th);
	int r = shim_real.pthread_cancel(th);
	shim_end(&c, TRACE_OP_CANCEL, (const void *)th, r);
	return r;
}

SHIM_EXPORT int pthread_setname_np(pthread_t th, const char *name)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_setname_np(th, name);
	int r = shim_real.pthread_setname_np(th, name);
	shim_emit(&c, TRACE_OP_SETNAME_NP, (uint64_t)th, 0, r, 0, 0, 0, name);
	return r;
}

/* The once routine of the call in progress on this thread, and its once
 * (pthread_once's routine takes no argument). */
static __thread void (*once_init)(void);
static __thread const void *once_obj;

/* Runs the routine, then writes a happens-before annotation on the once
 * before the library marks it done: every other call that returns, it
 * returns after this record (the caller's own END comes after the other
 * threads may have gone on). */
static void once_run(void)
{
	void (*init)(void) = once_init;
	const void *obj = once_obj;
	init();
	struct shim_call c;
	if (shim_enter(&c, SHIM_SITE()))
		shim_emit_how(&c, TRACE_ORDER_NONE, TRACE_OP_ANNOTATE, 0, 0, 0,
			      TRACE_ANN_HAPPENS_BEFORE, (uintptr_t)obj, 0, NULL);
}

/* Around the real once call, whose routine is once_run: the routine and
 * once of this call, and back those of an outer call (a routine may make
 * once calls of its own). */
struct once_saved {
	void (*init)(void);
	const void *obj;
};

static struct once_saved once_enter(void (*init)(void), const void *obj)
{
	struct once_saved saved = { once_init, once_obj };
	once_init = init;
	once_obj = obj;
	return saved;
}

static void once_leave(struct once_saved saved)
{
	once_init = saved.init;
	once_obj = saved.obj;
}

SHIM_EXPORT int pthread_once(pthread_once_t *once, void (*init)(void))
{
	struct shim_call c;
	struct shim_thread *t = shim_thread_peek();
	if (t && t->in_call_once) {
		t->in_call_once = 0;  /* call_once's own pthread_once: one call, not two */
		return shim_real.pthread_once(once, init);
	}
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.pthread_once(once, init);
	shim_begin(&c, TRACE_OP_ONCE, once);
	struct once_saved saved = once_enter(init, once);
	int r = shim_real.pthread_once(once, once_run);
	once_leave(saved);
	shim_end(&c, TRACE_OP_ONCE, once, r);
	return r;
}

/* ---- C11 ---- */

SHIM_EXPORT int thrd_create(thrd_t *th, thrd_start_t fn, void *arg)
{
	struct shim_call c;
	struct spawn *sp;
	if (!shim_enter(&c, SHIM_SITE()) || !(sp = spawn_new(c.t, NULL, fn, arg)))
		return shim_real.thrd_create(th, fn, arg);
	uint32_t index = sp->index;
	shim_emit(&c, TRACE_OP_THRD_CREATE | TRACE_OP_BEGIN, (uintptr_t)sp, 0, 0, index, 0, 0, 0);
	block_signals(sp);
	sigset_t mask = sp->sigmask;
	tsan_library_stretch(c.t, true);
	int r = shim_real.thrd_create(th, thrd_main, sp);
	tsan_library_stretch(c.t, false);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	if (r != thrd_success)
		spawn_free(sp);
	shim_emit(&c, TRACE_OP_THRD_CREATE, (uintptr_t)sp, 0, shim_thrd_result(r), index,
		  r == thrd_success ? (uint64_t)*th : 0, 0, 0);
	return r;
}

SHIM_EXPORT int thrd_join(thrd_t th, int *res)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.thrd_join(th, res);
	shim_begin(&c, TRACE_OP_THRD_JOIN, (const void *)th);
	tsan_library_stretch(c.t, true);
	int r = shim_real.thrd_join(th, res);
	tsan_library_stretch(c.t, false);
	shim_end(&c, TRACE_OP_THRD_JOIN, (const void *)th, shim_thrd_result(r));
	return r;
}

SHIM_EXPORT int thrd_detach(thrd_t th)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.thrd_detach(th);
	shim_pre(&c, TRACE_OP_THRD_DETACH, (const void *)th);
	tsan_library_stretch(c.t, true);
	int r = shim_real.thrd_detach(th);
	tsan_library_stretch(c.t, false);
	shim_end(&c, TRACE_OP_THRD_DETACH, (const void *)th, shim_thrd_result(r));
	return r;
}

SHIM_EXPORT void thrd_exit(int res)
{
	struct shim_call c;
	if (shim_enter(&c, SHIM_SITE())) {
		shim_end(&c, TRACE_OP_THRD_EXIT, NULL, 0);
		c.t->end_how = TRACE_THREAD_END_EXIT;
	}
	shim_real.thrd_exit(res);
}

SHIM_EXPORT void call_once(once_flag *flag, void (*init)(void))
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE())) {
		shim_real.call_once(flag, init);
		return;
	}
	shim_begin(&c, TRACE_OP_CALL_ONCE, flag);
	struct once_saved saved = once_enter(init, flag);
	c.t->in_call_once = 1;
	shim_real.call_once(flag, once_run);
	c.t->in_call_once = 0;
	once_leave(saved);
	shim_end(&c, TRACE_OP_CALL_ONCE, flag, 0);
}
