/* SPDX-License-Identifier: MIT */
/* loader_gate.c - the shim's uses of the loader's list, kept out of a fork
 * (loader_gate.h).
 *
 * A use counts itself in; a fork's prepare handler (ours runs last, just
 * before the fork) closes the gate and waits until the count is down to the
 * forking thread's own, so no thread of ours holds libunwind's mutex or the
 * loader's write lock as the child is made. The wait is bounded: a use
 * stuck behind a lock of the program's prepare handlers must not hang the
 * fork. Then, and when a thread of the program itself held the loader's
 * write lock (found once at start: the lock that is ours inside a
 * dl_iterate_phdr callback), the child never uses the loader's list: its
 * stacks are call sites only, where the program itself runs on. */
#include "loader_gate.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FORK_WAIT_NS 1000000000ull  /* for the uses under way at a fork */

static _Atomic unsigned gate_forks;      /* forks between prepare and parent */
static _Atomic bool gate_closed;         /* a child that may not use it */
static _Atomic unsigned gate_inflight;
static __thread unsigned gate_depth;     /* this thread's uses under way */
static __thread bool gate_forking_here;  /* this thread is forking */
static __thread pid_t gate_tid;          /* this thread's id, once asked */
static __thread bool gate_drained;       /* at this thread's last fork's prepare */
static __thread unsigned gate_forker_depth;
static const pthread_mutex_t *loader_write_lock;

bool shim_loader_enter(void)
{
	for (;;) {
		atomic_fetch_add(&gate_inflight, 1);
		if (atomic_load(&gate_closed)) {
			atomic_fetch_sub(&gate_inflight, 1);
			return false;
		}
		/* Nested, a signal handler's or the forking thread's own: never
		 * held back (it would wait for itself). */
		if (!atomic_load(&gate_forks) || gate_depth || gate_forking_here) {
			gate_depth++;
			return true;
		}
		atomic_fetch_sub(&gate_inflight, 1);
		while (atomic_load(&gate_forks))
			sched_yield();
	}
}

bool shim_loader_enter_unless_busy(void)
{
	const pthread_mutex_t *m = loader_write_lock;
	if (m && m->__data.__lock != 0) {
		if (!gate_tid)
			gate_tid = (pid_t)syscall(SYS_gettid);
		if (m->__data.__owner != gate_tid)
			return false;  /* another thread's, for who knows how long */
	}
	return shim_loader_enter();
}

void shim_loader_leave(void)
{
	gate_depth--;
	atomic_fetch_sub(&gate_inflight, 1);
}

int shim_loader_iterate(int (*callback)(struct dl_phdr_info *, size_t, void *), void *data)
{
	if (!shim_loader_enter())
		return -1;
	int r = dl_iterate_phdr(callback, data);
	shim_loader_leave();
	return r;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void shim_loader_fork_prepare(void)
{
	gate_forking_here = true;
	atomic_fetch_add(&gate_forks, 1);
	gate_forker_depth = gate_depth;
	uint64_t until = now_ns() + FORK_WAIT_NS;
	while (!(gate_drained = atomic_load(&gate_inflight) == gate_forker_depth) &&
	       now_ns() < until)
		sched_yield();
}

void shim_loader_fork_parent(void)
{
	gate_forking_here = false;
	atomic_fetch_sub(&gate_forks, 1);
}

void shim_loader_fork_child(void)
{
	/* The other threads' uses and forks are not the child's: they are gone. */
	gate_forking_here = false;
	atomic_store(&gate_forks, 0);
	atomic_store(&gate_inflight, gate_forker_depth);
	gate_tid = 0;  /* the forking thread has a new id */
	bool held = loader_write_lock && loader_write_lock->__data.__lock != 0;
	if (!gate_drained || gate_forker_depth || held)
		atomic_store(&gate_closed, true);
}

/* ---- where the loader's write lock is ---- */

struct lock_search {
	const unsigned char *lo;
	size_t size;
	pid_t tid;
	const pthread_mutex_t *found;
	int matches;
};

/* Inside the callback the write lock is this thread's, held once: the one
 * recursive mutex of the loader's globals owned by us. */
static int find_held_lock(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)info, (void)size;
	struct lock_search *s = data;
	for (size_t off = 0; off + sizeof(pthread_mutex_t) <= s->size; off += _Alignof(pthread_mutex_t)) {
		const pthread_mutex_t *m = (const pthread_mutex_t *)(const void *)(s->lo + off);
		if (m->__data.__lock != 0 && m->__data.__count == 1 &&
		    m->__data.__owner == s->tid && m->__data.__kind == PTHREAD_MUTEX_RECURSIVE_NP) {
			s->found = m;
			s->matches++;
		}
	}
	return 1;  /* once is enough */
}

void shim_loader_gate_init(void)
{
	void *globals = dlsym(RTLD_DEFAULT, "_rtld_global");
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	if (!globals || !dladdr1(globals, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym)
		return;
	struct lock_search s = { globals, sym->st_size, (pid_t)syscall(SYS_gettid), NULL, 0 };
	dl_iterate_phdr(find_held_lock, &s);
	if (s.matches == 1)
		loader_write_lock = s.found;
}
