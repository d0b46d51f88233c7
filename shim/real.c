/* SPDX-License-Identifier: MIT */
/* real.c - resolving the real functions (see real.h). */
#include "real.h"

#include "omp_runtime.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>

/* libc's own aliases, bound at link time: usable before dlsym has run. */
extern int shim_libc_mutex_init(pthread_mutex_t *, const pthread_mutexattr_t *);
__asm__(".symver shim_libc_mutex_init, __pthread_mutex_init@GLIBC_2.2.5");
extern int shim_libc_mutex_destroy(pthread_mutex_t *);
__asm__(".symver shim_libc_mutex_destroy, __pthread_mutex_destroy@GLIBC_2.2.5");
extern int shim_libc_mutex_lock(pthread_mutex_t *);
__asm__(".symver shim_libc_mutex_lock, __pthread_mutex_lock@GLIBC_2.2.5");
extern int shim_libc_mutex_trylock(pthread_mutex_t *);
__asm__(".symver shim_libc_mutex_trylock, __pthread_mutex_trylock@GLIBC_2.2.5");
extern int shim_libc_mutex_unlock(pthread_mutex_t *);
__asm__(".symver shim_libc_mutex_unlock, __pthread_mutex_unlock@GLIBC_2.2.5");
extern int shim_libc_once(pthread_once_t *, void (*)(void));
__asm__(".symver shim_libc_once, __pthread_once@GLIBC_2.2.5");
extern int shim_libc_key_create(pthread_key_t *, void (*)(void *));
__asm__(".symver shim_libc_key_create, __pthread_key_create@GLIBC_2.2.5");
extern int shim_libc_setspecific(pthread_key_t, const void *);
__asm__(".symver shim_libc_setspecific, __pthread_setspecific@GLIBC_2.2.5");
extern int shim_libc_rwlock_init(pthread_rwlock_t *, const pthread_rwlockattr_t *);
__asm__(".symver shim_libc_rwlock_init, __pthread_rwlock_init@GLIBC_2.2.5");
extern int shim_libc_rwlock_destroy(pthread_rwlock_t *);
__asm__(".symver shim_libc_rwlock_destroy, __pthread_rwlock_destroy@GLIBC_2.2.5");
extern int shim_libc_rwlock_rdlock(pthread_rwlock_t *);
__asm__(".symver shim_libc_rwlock_rdlock, __pthread_rwlock_rdlock@GLIBC_2.2.5");
extern int shim_libc_rwlock_tryrdlock(pthread_rwlock_t *);
__asm__(".symver shim_libc_rwlock_tryrdlock, __pthread_rwlock_tryrdlock@GLIBC_2.2.5");
extern int shim_libc_rwlock_wrlock(pthread_rwlock_t *);
__asm__(".symver shim_libc_rwlock_wrlock, __pthread_rwlock_wrlock@GLIBC_2.2.5");
extern int shim_libc_rwlock_trywrlock(pthread_rwlock_t *);
__asm__(".symver shim_libc_rwlock_trywrlock, __pthread_rwlock_trywrlock@GLIBC_2.2.5");
extern int shim_libc_rwlock_unlock(pthread_rwlock_t *);
__asm__(".symver shim_libc_rwlock_unlock, __pthread_rwlock_unlock@GLIBC_2.2.5");

struct shim_real shim_real = {
	.pthread_mutex_init = shim_libc_mutex_init,
	.pthread_mutex_destroy = shim_libc_mutex_destroy,
	.pthread_mutex_lock = shim_libc_mutex_lock,
	.pthread_mutex_trylock = shim_libc_mutex_trylock,
	.pthread_mutex_unlock = shim_libc_mutex_unlock,
	.pthread_once = shim_libc_once,
	.pthread_key_create = shim_libc_key_create,
	.pthread_setspecific = shim_libc_setspecific,
	.pthread_rwlock_init = shim_libc_rwlock_init,
	.pthread_rwlock_destroy = shim_libc_rwlock_destroy,
	.pthread_rwlock_rdlock = shim_libc_rwlock_rdlock,
	.pthread_rwlock_tryrdlock = shim_libc_rwlock_tryrdlock,
	.pthread_rwlock_wrlock = shim_libc_rwlock_wrlock,
	.pthread_rwlock_trywrlock = shim_libc_rwlock_trywrlock,
	.pthread_rwlock_unlock = shim_libc_rwlock_unlock,
};

struct real_entry {
	const char *name;
	const char *version;  /* dlvsym version, or NULL for dlsym */
	size_t offset;        /* of the pointer in struct shim_real */
};

static const struct real_entry real_entries[] = {
	{ "pthread_create", NULL, offsetof(struct shim_real, pthread_create) },
	{ "pthread_join", NULL, offsetof(struct shim_real, pthread_join) },
	{ "pthread_tryjoin_np", NULL, offsetof(struct shim_real, pthread_tryjoin_np) },
	{ "pthread_timedjoin_np", NULL, offsetof(struct shim_real, pthread_timedjoin_np) },
	{ "pthread_clockjoin_np", NULL, offsetof(struct shim_real, pthread_clockjoin_np) },
	{ "pthread_detach", NULL, offsetof(struct shim_real, pthread_detach) },
	{ "pthread_exit", NULL, offsetof(struct shim_real, pthread_exit) },
	{ "pthread_cancel", NULL, offsetof(struct shim_real, pthread_cancel) },
	{ "pthread_setname_np", NULL, offsetof(struct shim_real, pthread_setname_np) },
	{ "pthread_once", NULL, offsetof(struct shim_real, pthread_once) },
	{ "pthread_key_create", NULL, offsetof(struct shim_real, pthread_key_create) },
	{ "pthread_setspecific", NULL, offsetof(struct shim_real, pthread_setspecific) },
	{ "thrd_create", NULL, offsetof(struct shim_real, thrd_create) },
	{ "thrd_join", NULL, offsetof(struct shim_real, thrd_join) },
	{ "thrd_detach", NULL, offsetof(struct shim_real, thrd_detach) },
	{ "thrd_exit", NULL, offsetof(struct shim_real, thrd_exit) },
	{ "call_once", NULL, offsetof(struct shim_real, call_once) },
	{ "pthread_mutex_init", NULL, offsetof(struct shim_real, pthread_mutex_init) },
	{ "pthread_mutex_destroy", NULL, offsetof(struct shim_real, pthread_mutex_destroy) },
	{ "pthread_mutex_lock", NULL, offsetof(struct shim_real, pthread_mutex_lock) },
	{ "pthread_mutex_trylock", NULL, offsetof(struct shim_real, pthread_mutex_trylock) },
	{ "pthread_mutex_timedlock", NULL, offsetof(struct shim_real, pthread_mutex_timedlock) },
	{ "pthread_mutex_clocklock", NULL, offsetof(struct shim_real, pthread_mutex_clocklock) },
	{ "pthread_mutex_unlock", NULL, offsetof(struct shim_real, pthread_mutex_unlock) },
	{ "pthread_mutex_consistent", NULL, offsetof(struct shim_real, pthread_mutex_consistent) },
	{ "mtx_init", NULL, offsetof(struct shim_real, mtx_init) },
	{ "mtx_destroy", NULL, offsetof(struct shim_real, mtx_destroy) },
	{ "mtx_lock", NULL, offsetof(struct shim_real, mtx_lock) },
	{ "mtx_trylock", NULL, offsetof(struct shim_real, mtx_trylock) },
	{ "mtx_timedlock", NULL, offsetof(struct shim_real, mtx_timedlock) },
	{ "mtx_unlock", NULL, offsetof(struct shim_real, mtx_unlock) },
	{ "pthread_rwlock_init", NULL, offsetof(struct shim_real, pthread_rwlock_init) },
	{ "pthread_rwlock_destroy", NULL, offsetof(struct shim_real, pthread_rwlock_destroy) },
	{ "pthread_rwlock_rdlock", NULL, offsetof(struct shim_real, pthread_rwlock_rdlock) },
	{ "pthread_rwlock_tryrdlock", NULL, offsetof(struct shim_real, pthread_rwlock_tryrdlock) },
	{ "pthread_rwlock_timedrdlock", NULL, offsetof(struct shim_real, pthread_rwlock_timedrdlock) },
	{ "pthread_rwlock_clockrdlock", NULL, offsetof(struct shim_real, pthread_rwlock_clockrdlock) },
	{ "pthread_rwlock_wrlock", NULL, offsetof(struct shim_real, pthread_rwlock_wrlock) },
	{ "pthread_rwlock_trywrlock", NULL, offsetof(struct shim_real, pthread_rwlock_trywrlock) },
	{ "pthread_rwlock_timedwrlock", NULL, offsetof(struct shim_real, pthread_rwlock_timedwrlock) },
	{ "pthread_rwlock_clockwrlock", NULL, offsetof(struct shim_real, pthread_rwlock_clockwrlock) },
	{ "pthread_rwlock_unlock", NULL, offsetof(struct shim_real, pthread_rwlock_unlock) },
	{ "pthread_spin_init", NULL, offsetof(struct shim_real, pthread_spin_init) },
	{ "pthread_spin_destroy", NULL, offsetof(struct shim_real, pthread_spin_destroy) },
	{ "pthread_spin_lock", NULL, offsetof(struct shim_real, pthread_spin_lock) },
	{ "pthread_spin_trylock", NULL, offsetof(struct shim_real, pthread_spin_trylock) },
	{ "pthread_spin_unlock", NULL, offsetof(struct shim_real, pthread_spin_unlock) },
	{ "pthread_cond_init", "GLIBC_2.3.2", offsetof(struct shim_real, pthread_cond_init) },
	{ "pthread_cond_destroy", "GLIBC_2.3.2", offsetof(struct shim_real, pthread_cond_destroy) },
	{ "pthread_cond_wait", "GLIBC_2.3.2", offsetof(struct shim_real, pthread_cond_wait) },
	{ "pthread_cond_timedwait", "GLIBC_2.3.2", offsetof(struct shim_real, pthread_cond_timedwait) },
	{ "pthread_cond_clockwait", NULL, offsetof(struct shim_real, pthread_cond_clockwait) },
	{ "pthread_cond_signal", "GLIBC_2.3.2", offsetof(struct shim_real, pthread_cond_signal) },
	{ "pthread_cond_broadcast", "GLIBC_2.3.2", offsetof(struct shim_real, pthread_cond_broadcast) },
	{ "cnd_init", NULL, offsetof(struct shim_real, cnd_init) },
	{ "cnd_destroy", NULL, offsetof(struct shim_real, cnd_destroy) },
	{ "cnd_wait", NULL, offsetof(struct shim_real, cnd_wait) },
	{ "cnd_timedwait", NULL, offsetof(struct shim_real, cnd_timedwait) },
	{ "cnd_signal", NULL, offsetof(struct shim_real, cnd_signal) },
	{ "cnd_broadcast", NULL, offsetof(struct shim_real, cnd_broadcast) },
	{ "sem_init", NULL, offsetof(struct shim_real, sem_init) },
	{ "sem_destroy", NULL, offsetof(struct shim_real, sem_destroy) },
	{ "sem_open", NULL, offsetof(struct shim_real, sem_open) },
	{ "sem_close", NULL, offsetof(struct shim_real, sem_close) },
	{ "sem_unlink", NULL, offsetof(struct shim_real, sem_unlink) },
	{ "sem_wait", NULL, offsetof(struct shim_real, sem_wait) },
	{ "sem_trywait", NULL, offsetof(struct shim_real, sem_trywait) },
	{ "sem_timedwait", NULL, offsetof(struct shim_real, sem_timedwait) },
	{ "sem_clockwait", NULL, offsetof(struct shim_real, sem_clockwait) },
	{ "sem_post", NULL, offsetof(struct shim_real, sem_post) },
	{ "pthread_barrier_init", NULL, offsetof(struct shim_real, pthread_barrier_init) },
	{ "pthread_barrier_destroy", NULL, offsetof(struct shim_real, pthread_barrier_destroy) },
	{ "pthread_barrier_wait", NULL, offsetof(struct shim_real, pthread_barrier_wait) },
	{ "mq_open", NULL, offsetof(struct shim_real, mq_open) },
	{ "__mq_open_2", NULL, offsetof(struct shim_real, __mq_open_2) },
	{ "mq_close", NULL, offsetof(struct shim_real, mq_close) },
	{ "mq_unlink", NULL, offsetof(struct shim_real, mq_unlink) },
	{ "mq_send", NULL, offsetof(struct shim_real, mq_send) },
	{ "mq_timedsend", NULL, offsetof(struct shim_real, mq_timedsend) },
	{ "mq_receive", NULL, offsetof(struct shim_real, mq_receive) },
	{ "mq_timedreceive", NULL, offsetof(struct shim_real, mq_timedreceive) },
	{ "mq_notify", NULL, offsetof(struct shim_real, mq_notify) },
	{ "fork", NULL, offsetof(struct shim_real, fork) },
	{ "execve", NULL, offsetof(struct shim_real, execve) },
	{ "execv", NULL, offsetof(struct shim_real, execv) },
	{ "execvp", NULL, offsetof(struct shim_real, execvp) },
	{ "execvpe", NULL, offsetof(struct shim_real, execvpe) },
	{ "fexecve", NULL, offsetof(struct shim_real, fexecve) },
	{ "posix_spawn", NULL, offsetof(struct shim_real, posix_spawn) },
	{ "posix_spawnp", NULL, offsetof(struct shim_real, posix_spawnp) },
	{ "__libc_start_main", NULL, offsetof(struct shim_real, libc_start_main) },
	{ "exit", NULL, offsetof(struct shim_real, exit) },
	{ "_exit", NULL, offsetof(struct shim_real, _exit) },
	{ "_Exit", NULL, offsetof(struct shim_real, _Exit) },
	{ "abort", NULL, offsetof(struct shim_real, abort) },
	{ "dlopen", NULL, offsetof(struct shim_real, dlopen) },
	{ "dlclose", NULL, offsetof(struct shim_real, dlclose) },
	{ "sigaction", NULL, offsetof(struct shim_real, sigaction) },
	{ "signal", NULL, offsetof(struct shim_real, signal) },
	{ "pipe", NULL, offsetof(struct shim_real, pipe) },
	{ "pipe2", NULL, offsetof(struct shim_real, pipe2) },
	{ "socketpair", NULL, offsetof(struct shim_real, socketpair) },
	{ "socket", NULL, offsetof(struct shim_real, socket) },
	{ "accept", NULL, offsetof(struct shim_real, accept) },
	{ "accept4", NULL, offsetof(struct shim_real, accept4) },
	{ "connect", NULL, offsetof(struct shim_real, connect) },
	{ "eventfd", NULL, offsetof(struct shim_real, eventfd) },
	{ "epoll_create", NULL, offsetof(struct shim_real, epoll_create) },
	{ "epoll_create1", NULL, offsetof(struct shim_real, epoll_create1) },
	{ "dup", NULL, offsetof(struct shim_real, dup) },
	{ "dup2", NULL, offsetof(struct shim_real, dup2) },
	{ "dup3", NULL, offsetof(struct shim_real, dup3) },
	{ "fcntl", NULL, offsetof(struct shim_real, fcntl) },
	{ "fcntl64", NULL, offsetof(struct shim_real, fcntl64) },
	{ "mmap", NULL, offsetof(struct shim_real, mmap) },
	{ "mmap64", NULL, offsetof(struct shim_real, mmap64) },
	{ "close", NULL, offsetof(struct shim_real, close) },
	{ "write", NULL, offsetof(struct shim_real, write) },
	{ "pwrite", NULL, offsetof(struct shim_real, pwrite) },
	{ "pwrite64", NULL, offsetof(struct shim_real, pwrite64) },
	{ "pread", NULL, offsetof(struct shim_real, pread) },
	{ "pread64", NULL, offsetof(struct shim_real, pread64) },
	{ "writev", NULL, offsetof(struct shim_real, writev) },
	{ "send", NULL, offsetof(struct shim_real, send) },
	{ "sendto", NULL, offsetof(struct shim_real, sendto) },
	{ "sendmsg", NULL, offsetof(struct shim_real, sendmsg) },
	{ "eventfd_write", NULL, offsetof(struct shim_real, eventfd_write) },
	{ "epoll_ctl", NULL, offsetof(struct shim_real, epoll_ctl) },
	{ "read", NULL, offsetof(struct shim_real, read) },
	{ "__read_chk", NULL, offsetof(struct shim_real, __read_chk) },
	{ "readv", NULL, offsetof(struct shim_real, readv) },
	{ "recv", NULL, offsetof(struct shim_real, recv) },
	{ "__recv_chk", NULL, offsetof(struct shim_real, __recv_chk) },
	{ "recvfrom", NULL, offsetof(struct shim_real, recvfrom) },
	{ "__recvfrom_chk", NULL, offsetof(struct shim_real, __recvfrom_chk) },
	{ "recvmsg", NULL, offsetof(struct shim_real, recvmsg) },
	{ "eventfd_read", NULL, offsetof(struct shim_real, eventfd_read) },
	{ "epoll_wait", NULL, offsetof(struct shim_real, epoll_wait) },
	{ "epoll_pwait", NULL, offsetof(struct shim_real, epoll_pwait) },
	{ "nanosleep", NULL, offsetof(struct shim_real, nanosleep) },
	{ "clock_nanosleep", NULL, offsetof(struct shim_real, clock_nanosleep) },
	{ "sleep", NULL, offsetof(struct shim_real, sleep) },
	{ "usleep", NULL, offsetof(struct shim_real, usleep) },
	{ "pause", NULL, offsetof(struct shim_real, pause) },
	{ "poll", NULL, offsetof(struct shim_real, poll) },
	{ "__poll_chk", NULL, offsetof(struct shim_real, __poll_chk) },
	{ "ppoll", NULL, offsetof(struct shim_real, ppoll) },
	{ "select", NULL, offsetof(struct shim_real, select) },
	{ "pselect", NULL, offsetof(struct shim_real, pselect) },
	{ "sigsuspend", NULL, offsetof(struct shim_real, sigsuspend) },
	{ "waitpid", NULL, offsetof(struct shim_real, waitpid) },
	{ "wait", NULL, offsetof(struct shim_real, wait) },
	{ "pthread_kill", NULL, offsetof(struct shim_real, pthread_kill) },
	{ "pthread_sigqueue", NULL, offsetof(struct shim_real, pthread_sigqueue) },
	{ "tgkill", NULL, offsetof(struct shim_real, tgkill) },
	{ "kill", NULL, offsetof(struct shim_real, kill) },
	{ "sigqueue", NULL, offsetof(struct shim_real, sigqueue) },
	{ "sigwait", NULL, offsetof(struct shim_real, sigwait) },
	{ "sigwaitinfo", NULL, offsetof(struct shim_real, sigwaitinfo) },
	{ "sigtimedwait", NULL, offsetof(struct shim_real, sigtimedwait) },
};

static _Atomic int resolve_state;          /* 0 not yet, 1 under way, 2 done */
static __thread int resolving_here;

static void resolve_all(void)
{
	for (size_t i = 0; i < sizeof real_entries / sizeof real_entries[0]; i++) {
		const struct real_entry *e = &real_entries[i];
		void *fn = e->version ? dlvsym(RTLD_NEXT, e->name, e->version)
				      : dlsym(RTLD_NEXT, e->name);
		if (fn)
			*(void **)((char *)&shim_real + e->offset) = fn;
	}
}

int shim_real_resolve(void)
{
	if (atomic_load_explicit(&resolve_state, memory_order_acquire) == 2)
		return 0;
	if (resolving_here)
		return -1;
	int expected = 0;
	if (atomic_compare_exchange_strong(&resolve_state, &expected, 1)) {
		resolving_here = 1;
		resolve_all();
		resolving_here = 0;
		atomic_store_explicit(&resolve_state, 2, memory_order_release);
		return 0;
	}
	while (atomic_load_explicit(&resolve_state, memory_order_acquire) != 2)
		;
	return 0;
}

void *shim_real_lazy(_Atomic(void *) *cache, const char *name)
{
	void *f = atomic_load_explicit(cache, memory_order_acquire);
	if (!f) {
		f = dlsym(RTLD_NEXT, name);
		atomic_store_explicit(cache, f, memory_order_release);
	}
	return f;
}

void *shim_omp_real(_Atomic(void *) *cache, const char *name, const char *version)
{
	void *f = atomic_load_explicit(cache, memory_order_acquire);
	if (f)
		return f;
	if (version)
		f = dlvsym(RTLD_NEXT, name, version);
	if (!f)
		f = dlsym(RTLD_NEXT, name);
	if (!f && (shim_real.dlopen || shim_real_resolve() == 0) && shim_real.dlopen) {
		void *h = shim_real.dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
		if (h && version)
			f = dlvsym(h, name, version);
		if (h && !f)
			f = dlsym(h, name);
	}
	shim_omp_runtime_at((uintptr_t)f);
	if (f)
		atomic_store_explicit(cache, f, memory_order_release);
	return f;
}
