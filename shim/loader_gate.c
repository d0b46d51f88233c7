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
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>


#define FORK_WAIT_NS 1000000000ull  /* for the uses under way at a fork */

enum gate_state { GATE_OPEN, GATE_FORKING, GATE_CLOSED };

static _Atomic int gate_state;
static _Atomic unsigned gate_inflight;
static __thread unsigned gate_depth;   /* this thread's uses under way */
static __thread pid_t gate_tid;        /* this thread's id, once asked */
static bool gate_drained;              /* at the last fork's prepare */
static unsigned gate_forker_depth;
static const pthread_mutex_t *loader_write_lock;

bool shim_loader_enter(void)
{
	if (gate_depth) {  /* nested, or a signal handler's: counted in already */
		if (atomic_load(&gate_state) == GATE_CLOSED)
			return false;
		gate_depth++;
		atomic_fetch_add(&gate_inflight, 1);
		return true;
	}
	for (;;) {
		atomic_fetch_add(&gate_inflight, 1);
		int s = atomic_load(&gate_state);
		if (s == GATE_OPEN) {
			gate_depth = 1;
			return true;
		}
		atomic_fetch_sub(&gate_inflight, 1);
		if (s == GATE_CLOSED)
			return false;
		while (atomic_load(&gate_state) == GATE_FORKING)
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

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void shim_loader_fork_prepare(void)
{
	atomic_store(&gate_state, GATE_FORKING);
	gate_forker_depth = gate_depth;
	uint64_t until = now_ns() + FORK_WAIT_NS;
	while (!(gate_drained = atomic_load(&gate_inflight) == gate_forker_depth) &&
	       now_ns() < until)
		sched_yield();
}

void shim_loader_fork_parent(void)
{
	atomic_store(&gate_state, GATE_OPEN);
}

void shim_loader_fork_child(void)
{
	/* The other threads' uses are not the child's: they are gone. */
	atomic_store(&gate_inflight, gate_forker_depth);
	gate_tid = 0;  /* the forking thread has a new id */
	bool held = loader_write_lock && loader_write_lock->__data.__lock != 0;
	bool safe = gate_drained && !gate_forker_depth && !held;
	atomic_store(&gate_state, safe ? GATE_OPEN : GATE_CLOSED);
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
