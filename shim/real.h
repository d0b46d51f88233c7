/* SPDX-License-Identifier: MIT */
/* real.h - the real functions behind every interceptor, resolved at once
 * with dlsym(RTLD_NEXT) (dlvsym for the versioned pthread_cond_*). The
 * mutex, rwlock, once and key functions start out bound to libc's
 * __pthread_* aliases, so calls made while resolving (an interposed malloc
 * taking a lock inside dlsym) still work. */
#ifndef CTRACE_SHIM_REAL_H
#define CTRACE_SHIM_REAL_H

#include <dlfcn.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <threads.h>
#include <stdint.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

struct shim_real {
	/* threads */
	int (*pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	int (*pthread_join)(pthread_t, void **);
	int (*pthread_tryjoin_np)(pthread_t, void **);
	int (*pthread_timedjoin_np)(pthread_t, void **, const struct timespec *);
	int (*pthread_clockjoin_np)(pthread_t, void **, clockid_t, const struct timespec *);
	int (*pthread_detach)(pthread_t);
	void (*pthread_exit)(void *) __attribute__((noreturn));
	int (*pthread_cancel)(pthread_t);
	int (*pthread_setname_np)(pthread_t, const char *);
	int (*pthread_once)(pthread_once_t *, void (*)(void));
	int (*pthread_key_create)(pthread_key_t *, void (*)(void *));
	int (*pthread_setspecific)(pthread_key_t, const void *);
	int (*thrd_create)(thrd_t *, thrd_start_t, void *);
	int (*thrd_join)(thrd_t, int *);
	int (*thrd_detach)(thrd_t);
	void (*thrd_exit)(int) __attribute__((noreturn));
	void (*call_once)(once_flag *, void (*)(void));
	/* mutexes */
	int (*pthread_mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
	int (*pthread_mutex_destroy)(pthread_mutex_t *);
	int (*pthread_mutex_lock)(pthread_mutex_t *);
	int (*pthread_mutex_trylock)(pthread_mutex_t *);
	int (*pthread_mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
	int (*pthread_mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
	int (*pthread_mutex_unlock)(pthread_mutex_t *);
	int (*pthread_mutex_consistent)(pthread_mutex_t *);
	int (*mtx_init)(mtx_t *, int);
	void (*mtx_destroy)(mtx_t *);
	int (*mtx_lock)(mtx_t *);
	int (*mtx_trylock)(mtx_t *);
	int (*mtx_timedlock)(mtx_t *, const struct timespec *);
	int (*mtx_unlock)(mtx_t *);
	/* rwlocks */
	int (*pthread_rwlock_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
	int (*pthread_rwlock_destroy)(pthread_rwlock_t *);
	int (*pthread_rwlock_rdlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_tryrdlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
	int (*pthread_rwlock_clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*pthread_rwlock_wrlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_trywrlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
	int (*pthread_rwlock_clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*pthread_rwlock_unlock)(pthread_rwlock_t *);
	/* spinlocks */
	int (*pthread_spin_init)(pthread_spinlock_t *, int);
	int (*pthread_spin_destroy)(pthread_spinlock_t *);
	int (*pthread_spin_lock)(pthread_spinlock_t *);
	int (*pthread_spin_trylock)(pthread_spinlock_t *);
	int (*pthread_spin_unlock)(pthread_spinlock_t *);
	/* condition variables */
	int (*pthread_cond_init)(pthread_cond_t *, const pthread_condattr_t *);
	int (*pthread_cond_destroy)(pthread_cond_t *);
	int (*pthread_cond_wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*pthread_cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*pthread_cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
				      const struct timespec *);
	int (*pthread_cond_signal)(pthread_cond_t *);
	int (*pthread_cond_broadcast)(pthread_cond_t *);
	int (*cnd_init)(cnd_t *);
	void (*cnd_destroy)(cnd_t *);
	int (*cnd_wait)(cnd_t *, mtx_t *);
	int (*cnd_timedwait)(cnd_t *, mtx_t *, const struct timespec *);
	int (*cnd_signal)(cnd_t *);
	int (*cnd_broadcast)(cnd_t *);
	/* semaphores */
	int (*sem_init)(sem_t *, int, unsigned);
	int (*sem_destroy)(sem_t *);
	sem_t *(*sem_open)(const char *, int, ...);
	int (*sem_close)(sem_t *);
	int (*sem_unlink)(const char *);
	int (*sem_wait)(sem_t *);
	int (*sem_trywait)(sem_t *);
	int (*sem_timedwait)(sem_t *, const struct timespec *);
	int (*sem_clockwait)(sem_t *, clockid_t, const struct timespec *);
	int (*sem_post)(sem_t *);
	/* barriers */
	int (*pthread_barrier_init)(pthread_barrier_t *, const pthread_barrierattr_t *, unsigned);
	int (*pthread_barrier_destroy)(pthread_barrier_t *);
	int (*pthread_barrier_wait)(pthread_barrier_t *);
	/* message queues */
	mqd_t (*mq_open)(const char *, int, ...);
	mqd_t (*__mq_open_2)(const char *, int);
	int (*mq_close)(mqd_t);
	int (*mq_unlink)(const char *);
	int (*mq_send)(mqd_t, const char *, size_t, unsigned);
	int (*mq_timedsend)(mqd_t, const char *, size_t, unsigned, const struct timespec *);
	ssize_t (*mq_receive)(mqd_t, char *, size_t, unsigned *);
	ssize_t (*mq_timedreceive)(mqd_t, char *, size_t, unsigned *, const struct timespec *);
	int (*mq_notify)(mqd_t, const struct sigevent *);
	/* processes */
	pid_t (*fork)(void);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execv)(const char *, char *const[]);
	int (*execvp)(const char *, char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);
	int (*posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			   const posix_spawnattr_t *, char *const[], char *const[]);
	int (*posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			    const posix_spawnattr_t *, char *const[], char *const[]);
	int (*libc_start_main)(int (*)(int, char **, char **), int, char **, void (*)(void),
			       void (*)(void), void (*)(void), void *);
	void (*exit)(int) __attribute__((noreturn));
	void (*_exit)(int) __attribute__((noreturn));
	void (*_Exit)(int) __attribute__((noreturn));
	void (*abort)(void) __attribute__((noreturn));
	void *(*dlopen)(const char *, int);
	int (*dlclose)(void *);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	sighandler_t (*signal)(int, sighandler_t);
	/* descriptors that carry data between threads (intercept_fd.c) */
	int (*pipe)(int[2]);
	int (*pipe2)(int[2], int);
	int (*socketpair)(int, int, int, int[2]);
	int (*socket)(int, int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*eventfd)(unsigned, int);
	int (*epoll_create)(int);
	int (*epoll_create1)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	void *(*mmap64)(void *, size_t, int, int, int, off_t);
	int (*close)(int);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*pwrite)(int, const void *, size_t, off_t);
	ssize_t (*pwrite64)(int, const void *, size_t, off_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*pread64)(int, void *, size_t, off_t);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	int (*eventfd_write)(int, uint64_t);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*__read_chk)(int, void *, size_t, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*__recv_chk)(int, void *, size_t, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*__recvfrom_chk)(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*eventfd_read)(int, uint64_t *);
	int (*epoll_wait)(int, struct epoll_event *, int, int);
	int (*epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
	/* calls that block and record nothing (intercept_block.c) */
	int (*nanosleep)(const struct timespec *, struct timespec *);
	int (*clock_nanosleep)(clockid_t, int, const struct timespec *, struct timespec *);
	unsigned (*sleep)(unsigned);
	int (*usleep)(useconds_t);
	int (*pause)(void);
	int (*poll)(struct pollfd *, nfds_t, int);
	int (*__poll_chk)(struct pollfd *, nfds_t, int, size_t);
	int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
	int (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
	int (*pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *);
	int (*sigsuspend)(const sigset_t *);
	pid_t (*waitpid)(pid_t, int *, int);
	pid_t (*wait)(int *);

	/* signals sent and waited for (intercept_signal.c) */
	int (*pthread_kill)(pthread_t, int);
	int (*pthread_sigqueue)(pthread_t, int, const union sigval);
	int (*tgkill)(pid_t, pid_t, int);
	int (*kill)(pid_t, int);
	int (*sigqueue)(pid_t, int, const union sigval);
	int (*sigwait)(const sigset_t *, int *);
	int (*sigwaitinfo)(const sigset_t *, siginfo_t *);
	int (*sigtimedwait)(const sigset_t *, siginfo_t *, const struct timespec *);
};

extern struct shim_real shim_real;

/* Resolves every entry (idempotent; safe to call from any interceptor).
 * Returns 0 once all are resolved, -1 while resolution is under way on
 * this thread (a recursive call from inside dlsym). */
int shim_real_resolve(void);

/* The next definition of NAME after the shim, looked up at its first
 * call and kept in *CACHE: for a library that may be loaded after the
 * shim started (libstdc++ in a C program that opens a C++ library), not
 * in shim_real. NULL if no object defines it. */
void *shim_real_lazy(_Atomic(void *) *cache, const char *name);

/* The OpenMP runtime's NAME (of VERSION if it has it), found when first
 * needed and kept in *CACHE: by the shim's successors, or in a libgomp
 * that was opened RTLD_LOCAL. NULL only if no runtime has it (then the
 * interceptor does nothing). */
void *shim_omp_real(_Atomic(void *) *cache, const char *name, const char *version);

/* Inside the interceptor NAME: f, the real NAME (shim_real_lazy), typed
 * as the function being defined. */
#define SHIM_REAL_LAZY(name)                                                                \
	static _Atomic(void *) real_lazy_;                                                  \
	__typeof__(name) *f = (__typeof__(name) *)shim_real_lazy(&real_lazy_, #name)

/* A real function, resolved first if needed; NULL only while resolution
 * is under way on this thread (the caller then asks the kernel). */
#define SHIM_REAL_OR_NULL(f) (shim_real.f || shim_real_resolve() == 0 ? shim_real.f : NULL)

/* The real NAME called with ARGS (a parenthesized list), or KERNEL (the
 * same call made to the kernel) while resolution is under way here. */
#define SHIM_CALL_REAL(name, args, kernel)                                 \
	({                                                                 \
		__typeof__(shim_real.name) real_ = SHIM_REAL_OR_NULL(name); \
		real_ ? real_ args : (kernel);                             \
	})

#endif
