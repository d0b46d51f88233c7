/* SPDX-License-Identifier: MIT */
/* intercept_fd.c - descriptors that carry data from thread to thread:
 * pipes, socket pairs, sockets, eventfds and epoll sets. What a thread did
 * before writing into one is ordered before what a thread does after
 * reading from it (as TSan orders them): a write, send, connect, close or
 * epoll_ctl releases the descriptor's channel, a read, recv, accept or
 * epoll_wait that returns acquires it. They are recorded as happens-before
 * annotations on the channel's address, in a range no program memory
 * uses (FD_CHANNEL_ADDR). A pipe's or a socket pair's two ends are one
 * channel; the sockets of the process are one (what one sends, another in
 * the process may receive); other descriptors (files, terminals, inherited
 * ones) have none, and their calls cost a table lookup, nothing recorded.
 * Before the real functions are resolved, the calls go to the kernel. A
 * vfork child (the parent's memory) records nothing and changes nothing.
 *
 * In a program with instrumented code the buffers are memory accesses
 * too, as libtsan takes them: what a write, send, pwrite hands the kernel
 * is read before the release, what a read, recv, pread got back is
 * written after the acquire (files included: pread and pwrite have no
 * channel). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emit.h"
#include "real.h"
#include "tsan_entry.h"
#include "tsan_thread.h"

#define FD_CHANNELS (1u << 20)            /* descriptors with a channel */
#define FD_CHANNEL_SOCKETS 1u
#define FD_CHANNEL_ADDR(ch) (0xfd00000000000000ull | (ch))

static _Atomic uint32_t fd_channel_of[FD_CHANNELS];
static _Atomic uint32_t fd_channel_next = FD_CHANNEL_SOCKETS + 1;

static uint32_t fd_channel(int fd)
{
	return fd >= 0 && (unsigned)fd < FD_CHANNELS
		       ? atomic_load_explicit(&fd_channel_of[fd], memory_order_relaxed) : 0;
}

/* Not from a vfork child: the table is its parent's. */
static void fd_channel_set(int fd, uint32_t ch)
{
	if (fd >= 0 && (unsigned)fd < FD_CHANNELS &&
	    atomic_load_explicit(&fd_channel_of[fd], memory_order_relaxed) != ch &&
	    shim_is_own_process())
		atomic_store_explicit(&fd_channel_of[fd], ch, memory_order_relaxed);
}

static uint32_t fd_channel_new(void)
{
	return atomic_fetch_add_explicit(&fd_channel_next, 1, memory_order_relaxed);
}

/* A happens-before annotation of KIND on FD's channel, if it has one (a
 * macro: SHIM_SITE is the interceptor's caller). A release by a signal
 * handler inside the shim (a program's handler writing to its wake-up
 * pipe, CPython's among them) is recorded at the thread's next call. A
 * descriptor without a channel costs the table lookup only. */
#define FD_ANNOTATE(fd, kind)                                                        \
	do {                                                                         \
		uint32_t ch_ = fd_channel(fd);                                       \
		if (ch_)                                                             \
			shim_annotate_channel(kind, FD_CHANNEL_ADDR(ch_), SHIM_SITE()); \
	} while (0)

/* The calls that release: recorded before the real call, so that the
 * reader's acquire, after its call returns, comes later in the trace. */
#define FD_RELEASE(fd) FD_ANNOTATE(fd, TRACE_ANN_HAPPENS_BEFORE)

/* The calls that acquire, after they returned R (>= 0: something came, or
 * the other end closed). */
#define FD_ACQUIRE(fd, r) FD_ANNOTATE((r) >= 0 ? (fd) : -1, TRACE_ANN_HAPPENS_AFTER)

/* The acquiring calls may block for long: the thread's accesses first. */
#define FD_BLOCKS() tsan_before_block()

/* The buffers of the call at the interceptor's caller (a macro: the
 * caller's return address), as the kernel read or wrote them: the first
 * N bytes of BUF, or of the CNT buffers of IOV (all of them, read). */
#define BUF_READ(buf, n) tsan_call_range(CALLER_PC, buf, n, 0)
#define BUF_WROTE(buf, n) tsan_call_range(CALLER_PC, buf, (n) > 0 ? (size_t)(n) : 0, TRACE_ACCESS_WRITE)
#define IOV_READ(iov, cnt) iov_range(CALLER_PC, iov, cnt, SIZE_MAX, 0)
#define IOV_WROTE(iov, cnt, n) iov_range(CALLER_PC, iov, cnt, (n) > 0 ? (size_t)(n) : 0, TRACE_ACCESS_WRITE)

static void iov_range(uintptr_t pc, const struct iovec *iov, long cnt, size_t n, unsigned flags)
{
	if (!atomic_load_explicit(&tsan_on, memory_order_relaxed) || !iov)
		return;
	for (long i = 0; i < cnt && n; i++) {
		size_t k = iov[i].iov_len < n ? iov[i].iov_len : n;
		tsan_call_range(pc, iov[i].iov_base, k, flags);
		n -= k;
	}
}

/* ---- descriptors made ---- */

static int fd_pair_made(int r, const int fds[2])
{
	if (r == 0) {
		uint32_t ch = fd_channel_new();
		fd_channel_set(fds[0], ch);
		fd_channel_set(fds[1], ch);
	}
	return r;
}

static int fd_made(int fd, uint32_t ch)
{
	fd_channel_set(fd, ch);
	return fd;
}

SHIM_EXPORT int pipe(int fds[2])
{
	return fd_pair_made(SHIM_CALL_REAL(pipe, (fds), (int)syscall(SYS_pipe2, fds, 0)), fds);
}

SHIM_EXPORT int pipe2(int fds[2], int flags)
{
	int r = SHIM_CALL_REAL(pipe2, (fds, flags), (int)syscall(SYS_pipe2, fds, flags));
	if (r == 0 && shim_stack_is_unwinder((uintptr_t)__builtin_return_address(0))) {
		/* libunwind's memory-check pipe, kept for good: out of the
		 * program's numbers, and not the program's channel */
		fds[0] = trace_writer_fd_out_of_the_way(fds[0]);
		fds[1] = trace_writer_fd_out_of_the_way(fds[1]);
		return r;
	}
	return fd_pair_made(r, fds);
}

SHIM_EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	return fd_pair_made(SHIM_CALL_REAL(socketpair, (domain, type, protocol, sv),
					   (int)syscall(SYS_socketpair, domain, type, protocol, sv)),
			    sv);
}

SHIM_EXPORT int socket(int domain, int type, int protocol)
{
	return fd_made(SHIM_CALL_REAL(socket, (domain, type, protocol),
				      (int)syscall(SYS_socket, domain, type, protocol)),
		       FD_CHANNEL_SOCKETS);
}

SHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	FD_BLOCKS();
	int r = SHIM_CALL_REAL(accept, (fd, addr, len), (int)syscall(SYS_accept, fd, addr, len));
	FD_ACQUIRE(fd, r);
	return fd_made(r, FD_CHANNEL_SOCKETS);
}

SHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	FD_BLOCKS();
	int r = SHIM_CALL_REAL(accept4, (fd, addr, len, flags),
			       (int)syscall(SYS_accept4, fd, addr, len, flags));
	FD_ACQUIRE(fd, r);
	return fd_made(r, FD_CHANNEL_SOCKETS);
}

/* What a thread did before its connect is ordered before the accept that
 * takes the connection (as TSan orders them), though nothing is sent. */
SHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	FD_RELEASE(fd);
	return SHIM_CALL_REAL(connect, (fd, addr, len), (int)syscall(SYS_connect, fd, addr, len));
}

SHIM_EXPORT int eventfd(unsigned initval, int flags)
{
	int fd = SHIM_CALL_REAL(eventfd, (initval, flags), (int)syscall(SYS_eventfd2, initval, flags));
	return fd_made(fd, fd >= 0 ? fd_channel_new() : 0);
}

SHIM_EXPORT int epoll_create(int size)
{
	int fd = SHIM_CALL_REAL(epoll_create, (size), (int)syscall(SYS_epoll_create, size));
	return fd_made(fd, fd >= 0 ? fd_channel_new() : 0);
}

SHIM_EXPORT int epoll_create1(int flags)
{
	int fd = SHIM_CALL_REAL(epoll_create1, (flags), (int)syscall(SYS_epoll_create1, flags));
	return fd_made(fd, fd >= 0 ? fd_channel_new() : 0);
}

SHIM_EXPORT int dup(int fd)
{
	return fd_made(SHIM_CALL_REAL(dup, (fd), (int)syscall(SYS_dup, fd)), fd_channel(fd));
}

SHIM_EXPORT int dup2(int fd, int to)
{
	int r = SHIM_CALL_REAL(dup2, (fd, to), (int)syscall(SYS_dup2, fd, to));
	return r >= 0 && r != fd ? fd_made(r, fd_channel(fd)) : r;
}

SHIM_EXPORT int dup3(int fd, int to, int flags)
{
	int r = SHIM_CALL_REAL(dup3, (fd, to, flags), (int)syscall(SYS_dup3, fd, to, flags));
	return r >= 0 ? fd_made(r, fd_channel(fd)) : r;
}

/* fcntl's F_DUPFD and F_DUPFD_CLOEXEC duplicate as dup does (libraries move
 * their descriptors above 2 this way). fcntl64 is what fcntl calls become
 * with _FILE_OFFSET_BITS=64. The one argument is passed on as a pointer,
 * as glibc reads it (an int or a pointer, passed alike); commands without
 * one ignore it. A lock wait may block for long (FD_BLOCKS). */
static void fcntl_before(int cmd)
{
	if (cmd == F_SETLKW || cmd == F_OFD_SETLKW)
		FD_BLOCKS();
}

static int fcntl_made(int r, int fd, int cmd)
{
	return r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) ? fd_made(r, fd_channel(fd)) : r;
}

#define FCNTL(name)                                                             \
	SHIM_EXPORT int name(int fd, int cmd, ...)                              \
	{                                                                       \
		va_list ap;                                                     \
		va_start(ap, cmd);                                              \
		void *arg = va_arg(ap, void *);                                 \
		va_end(ap);                                                     \
		fcntl_before(cmd);                                              \
		return fcntl_made(SHIM_CALL_REAL(name, (fd, cmd, arg),          \
						 (int)syscall(SYS_fcntl, fd, cmd, arg)), \
				  fd, cmd);                                     \
	}
FCNTL(fcntl)
FCNTL(fcntl64)

/* ---- releases ---- */

SHIM_EXPORT int close(int fd)
{
	FD_RELEASE(fd);   /* the other end sees it closed */
	fd_channel_set(fd, 0);
	return SHIM_CALL_REAL(close, (fd), (int)syscall(SYS_close, fd));
}

/* <sanitizer/linux_syscall_hooks.h>: code built for TSan that makes a
 * system call itself tells the runtime around it. libuv closes with
 * syscall(SYS_close) (not a cancellation point) between these two when
 * clang builds it with -fsanitize=thread, so `ctrace cc --cc=clang` code
 * calls them too: the close is the same release as close()'s. The stub
 * runtime's are empty (tsan_interface.c). */
SHIM_EXPORT void __sanitizer_syscall_pre_impl_close(long fd)
{
	FD_RELEASE((int)fd);
	fd_channel_set((int)fd, 0);
}

SHIM_EXPORT void __sanitizer_syscall_post_impl_close(long res, long fd)
{
	(void)res, (void)fd;
}

SHIM_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	BUF_READ(buf, n);
	FD_RELEASE(fd);
	return SHIM_CALL_REAL(write, (fd, buf, n), syscall(SYS_write, fd, buf, n));
}

SHIM_EXPORT ssize_t writev(int fd, const struct iovec *iov, int n)
{
	IOV_READ(iov, n);
	FD_RELEASE(fd);
	return SHIM_CALL_REAL(writev, (fd, iov, n), syscall(SYS_writev, fd, iov, n));
}

SHIM_EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	BUF_READ(buf, n);
	FD_RELEASE(fd);
	return SHIM_CALL_REAL(send, (fd, buf, n, flags), syscall(SYS_sendto, fd, buf, n, flags, NULL, 0));
}

SHIM_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			   const struct sockaddr *to, socklen_t len)
{
	BUF_READ(buf, n);
	FD_RELEASE(fd);
	return SHIM_CALL_REAL(sendto, (fd, buf, n, flags, to, len),
			      syscall(SYS_sendto, fd, buf, n, flags, to, len));
}

SHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (msg)
		IOV_READ(msg->msg_iov, (long)msg->msg_iovlen);
	FD_RELEASE(fd);
	return SHIM_CALL_REAL(sendmsg, (fd, msg, flags), syscall(SYS_sendmsg, fd, msg, flags));
}

/* Files have no channel: pwrite and pread are their buffers alone. */
#define FILE_WRITE(name)                                                                   \
	SHIM_EXPORT ssize_t name(int fd, const void *buf, size_t n, off_t off)            \
	{                                                                                  \
		BUF_READ(buf, n);                                                          \
		return SHIM_CALL_REAL(name, (fd, buf, n, off),                             \
				      syscall(SYS_pwrite64, fd, buf, n, off));             \
	}
#define FILE_READ(name)                                                                    \
	SHIM_EXPORT ssize_t name(int fd, void *buf, size_t n, off_t off)                  \
	{                                                                                  \
		ssize_t r = SHIM_CALL_REAL(name, (fd, buf, n, off),                        \
					   syscall(SYS_pread64, fd, buf, n, off));         \
		BUF_WROTE(buf, r);                                                         \
		return r;                                                                  \
	}
FILE_WRITE(pwrite)
FILE_WRITE(pwrite64)
FILE_READ(pread)
FILE_READ(pread64)

SHIM_EXPORT int eventfd_write(int fd, eventfd_t value)
{
	FD_RELEASE(fd);
	return SHIM_CALL_REAL(eventfd_write, (fd, value),
			      syscall(SYS_write, fd, &value, sizeof value) == sizeof value ? 0 : -1);
}

/* Adding or changing an entry hands its data (often a pointer to what the
 * caller set up) to the thread that epoll_wait returns it to. */
SHIM_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	FD_RELEASE(epfd);
	return SHIM_CALL_REAL(epoll_ctl, (epfd, op, fd, ev),
			      (int)syscall(SYS_epoll_ctl, epfd, op, fd, ev));
}

/* ---- acquires ---- */

/* NAME(PARAMS), which may block: the thread's accesses are published
 * first (FD_BLOCKS), the real NAME(ARGS) (KERNEL before it is known)
 * returns r, FD_ACQUIRE(FD, GOT) follows, then WROTE (the buffers). */
#define FD_ACQUIRING(ret, name, params, args, kernel, fd, got, wrote)   \
	SHIM_EXPORT ret name params                                    \
	{                                                              \
		FD_BLOCKS();                                           \
		ret r = SHIM_CALL_REAL(name, args, kernel);            \
		FD_ACQUIRE(fd, got);                                   \
		wrote;                                                 \
		return r;                                              \
	}

FD_ACQUIRING(ssize_t, read, (int fd, void *buf, size_t n), (fd, buf, n),
	     syscall(SYS_read, fd, buf, n), fd, r, BUF_WROTE(buf, r))
/* read() with _FORTIFY_SOURCE: libc's check calls its own read, unseen. */
FD_ACQUIRING(ssize_t, __read_chk, (int fd, void *buf, size_t n, size_t size), (fd, buf, n, size),
	     syscall(SYS_read, fd, buf, n), fd, r, BUF_WROTE(buf, r))
FD_ACQUIRING(ssize_t, readv, (int fd, const struct iovec *iov, int n), (fd, iov, n),
	     syscall(SYS_readv, fd, iov, n), fd, r, IOV_WROTE(iov, n, r))
FD_ACQUIRING(ssize_t, recv, (int fd, void *buf, size_t n, int flags), (fd, buf, n, flags),
	     syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL), fd, r, BUF_WROTE(buf, r))
FD_ACQUIRING(ssize_t, __recv_chk, (int fd, void *buf, size_t n, size_t size, int flags),
	     (fd, buf, n, size, flags), syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL), fd, r,
	     BUF_WROTE(buf, r))
FD_ACQUIRING(ssize_t, recvfrom,
	     (int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *len),
	     (fd, buf, n, flags, from, len), syscall(SYS_recvfrom, fd, buf, n, flags, from, len),
	     fd, r, BUF_WROTE(buf, r))
FD_ACQUIRING(ssize_t, __recvfrom_chk,
	     (int fd, void *buf, size_t n, size_t size, int flags, struct sockaddr *from,
	      socklen_t *len),
	     (fd, buf, n, size, flags, from, len),
	     syscall(SYS_recvfrom, fd, buf, n, flags, from, len), fd, r, BUF_WROTE(buf, r))
FD_ACQUIRING(ssize_t, recvmsg, (int fd, struct msghdr *msg, int flags), (fd, msg, flags),
	     syscall(SYS_recvmsg, fd, msg, flags), fd, r,
	     if (msg) IOV_WROTE(msg->msg_iov, (long)msg->msg_iovlen, r))
FD_ACQUIRING(int, eventfd_read, (int fd, eventfd_t *value), (fd, value),
	     syscall(SYS_read, fd, value, sizeof *value) == sizeof *value ? 0 : -1, fd, r,
	     BUF_WROTE(value, r == 0 ? sizeof *value : 0))
/* epoll: an event returned acquires what the set was given */
FD_ACQUIRING(int, epoll_wait, (int epfd, struct epoll_event *evs, int n, int timeout),
	     (epfd, evs, n, timeout), (int)syscall(SYS_epoll_wait, epfd, evs, n, timeout), epfd,
	     r > 0 ? 0 : -1, BUF_WROTE(evs, r > 0 ? r * sizeof *evs : 0))
FD_ACQUIRING(int, epoll_pwait,
	     (int epfd, struct epoll_event *evs, int n, int timeout, const sigset_t *mask),
	     (epfd, evs, n, timeout, mask),
	     (int)syscall(SYS_epoll_pwait, epfd, evs, n, timeout, mask, 8), epfd, r > 0 ? 0 : -1,
	     BUF_WROTE(evs, r > 0 ? r * sizeof *evs : 0))
