/* SPDX-License-Identifier: MIT */
/* intercept_mq.c - POSIX message queues. A queue's object key is a hash of
 * its name (so two descriptors of one queue are one object); descriptors
 * are mapped to keys when opened. mq_send and mq_receive do not go through
 * the timed variants inside libc, so all four are wrapped. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>

#include "emit.h"
#include "fnv.h"
#include "real.h"

#define MQ_FDS 65536

static _Atomic uint64_t mq_keys[MQ_FDS];

static uint64_t name_key(const char *name)
{
	uint64_t h = fnv1a_str(FNV1A_INIT, name ? name : "");
	return TRACE_KEY_MQ_FLAG | (h & 0x3fffffffffffffffull);
}

/* A descriptor opened behind our back: keyed by its number. */
static uint64_t fd_key(mqd_t fd)
{
	uint64_t k = fd >= 0 && fd < MQ_FDS ? atomic_load(&mq_keys[fd]) : 0;
	return k ? k : TRACE_KEY_MQ_FLAG | (1ull << 62) | (uint32_t)fd;
}

static mqd_t record_open(struct shim_call *c, const char *name, int oflag, mqd_t fd)
{
	uint64_t key = name_key(name);
	if (fd >= 0 && fd < MQ_FDS)
		atomic_store(&mq_keys[fd], key);
	shim_emit(c, TRACE_OP_MQ_OPEN, key, 0, fd == (mqd_t)-1 ? errno : 0, (uint64_t)(int64_t)fd,
		  (uint64_t)oflag, 0, name);
	return fd;
}

SHIM_EXPORT mqd_t mq_open(const char *name, int oflag, ...)
{
	mode_t mode = 0;
	struct mq_attr *attr = NULL;
	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
	}
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_open(name, oflag, mode, attr);
	return record_open(&c, name, oflag, shim_real.mq_open(name, oflag, mode, attr));
}

SHIM_EXPORT mqd_t __mq_open_2(const char *name, int oflag)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.__mq_open_2(name, oflag);
	return record_open(&c, name, oflag, shim_real.__mq_open_2(name, oflag));
}

SHIM_EXPORT int mq_close(mqd_t fd)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_close(fd);
	uint64_t key = fd_key(fd);
	int r = shim_real.mq_close(fd);
	if (r == 0 && fd >= 0 && fd < MQ_FDS)
		atomic_store(&mq_keys[fd], 0);
	shim_emit(&c, TRACE_OP_MQ_CLOSE, key, 0, shim_errno_result(r), (uint64_t)(int64_t)fd, 0, 0, 0);
	return r;
}

SHIM_EXPORT int mq_unlink(const char *name)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_unlink(name);
	int r = shim_real.mq_unlink(name);
	shim_emit(&c, TRACE_OP_MQ_UNLINK, name_key(name), 0, shim_errno_result(r), 0, 0, 0, name);
	return r;
}

static void send_begin(struct shim_call *c, unsigned op, mqd_t fd, size_t len, unsigned prio)
{
	shim_emit(c, op | TRACE_OP_BEGIN, fd_key(fd), 0, 0, (uint64_t)(int64_t)fd, len, prio, 0);
}

/* The message counts as sent when the real call returns: a receive of it
 * can only start after, so the END is stamped then. */
static void send_end(struct shim_call *c, unsigned op, mqd_t fd, size_t len, unsigned prio, int r)
{
	shim_emit(c, op, fd_key(fd), 0, shim_errno_result(r), (uint64_t)(int64_t)fd, len, prio, 0);
}

SHIM_EXPORT int mq_send(mqd_t fd, const char *msg, size_t len, unsigned prio)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_send(fd, msg, len, prio);
	send_begin(&c, TRACE_OP_MQ_SEND, fd, len, prio);
	int r = shim_real.mq_send(fd, msg, len, prio);
	send_end(&c, TRACE_OP_MQ_SEND, fd, len, prio, r);
	return r;
}

SHIM_EXPORT int mq_timedsend(mqd_t fd, const char *msg, size_t len, unsigned prio,
			     const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_timedsend(fd, msg, len, prio, abs);
	send_begin(&c, TRACE_OP_MQ_TIMEDSEND, fd, len, prio);
	int r = shim_real.mq_timedsend(fd, msg, len, prio, abs);
	send_end(&c, TRACE_OP_MQ_TIMEDSEND, fd, len, prio, r);
	return r;
}

static void receive_end(struct shim_call *c, unsigned op, mqd_t fd, ssize_t n, const unsigned *prio)
{
	shim_emit(c, op, fd_key(fd), 0, n < 0 ? errno : 0, (uint64_t)(int64_t)fd,
		  n < 0 ? 0 : (uint64_t)n, n >= 0 && prio ? *prio : 0, 0);
}

SHIM_EXPORT ssize_t mq_receive(mqd_t fd, char *msg, size_t len, unsigned *prio)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_receive(fd, msg, len, prio);
	shim_emit(&c, TRACE_OP_MQ_RECEIVE | TRACE_OP_BEGIN, fd_key(fd), 0, 0, (uint64_t)(int64_t)fd, 0, 0, 0);
	ssize_t n = shim_real.mq_receive(fd, msg, len, prio);
	receive_end(&c, TRACE_OP_MQ_RECEIVE, fd, n, prio);
	return n;
}

SHIM_EXPORT ssize_t mq_timedreceive(mqd_t fd, char *msg, size_t len, unsigned *prio,
				    const struct timespec *abs)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_timedreceive(fd, msg, len, prio, abs);
	shim_emit(&c, TRACE_OP_MQ_TIMEDRECEIVE | TRACE_OP_BEGIN, fd_key(fd), 0, 0,
		  (uint64_t)(int64_t)fd, 0, 0, 0);
	ssize_t n = shim_real.mq_timedreceive(fd, msg, len, prio, abs);
	receive_end(&c, TRACE_OP_MQ_TIMEDRECEIVE, fd, n, prio);
	return n;
}

SHIM_EXPORT int mq_notify(mqd_t fd, const struct sigevent *sev)
{
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return shim_real.mq_notify(fd, sev);
	int r = shim_real.mq_notify(fd, sev);
	shim_emit(&c, TRACE_OP_MQ_NOTIFY, fd_key(fd), 0, shim_errno_result(r), (uint64_t)(int64_t)fd, 0, 0, 0);
	return r;
}
