/* SPDX-License-Identifier: MIT */
/* misuse_calls.c - join-invalid (double join, join of a detached thread or
 * of itself, detach twice) and bad-argument: a call that returned an error
 * that is not part of its normal protocol (EBUSY of a trylock, ETIMEDOUT of
 * a timed wait...) and that no other rule explains. */
#include "misuse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *mu_errno_name(int err, char *buf, size_t size)
{
	const char *name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, size, "errno %d", err);
	return buf;
}

static void mu_join_invalid(struct misuse *mu, const struct trace_event *ev, const char *why)
{
	char fn[48];
	struct report_misuse *m = mu_report(mu, REPORT_MISUSE_JOIN_INVALID, ev->thread, 0, ev->stack,
					    "%s: %s", report_op_function(ev->op, fn, sizeof(fn)), why);
	m->other_thread = ev->peer_thread;
	m->op = ev->op;
	m->error = ev->result;
}

/* A join or detach of PEER that succeeded: a finding if PEER was already
 * joined or detached. Returns PEER's state (after the finding is made,
 * which may move the array). */
static struct mu_thread *mu_thread_ended(struct misuse *mu, const struct trace_event *ev,
					 uint32_t peer)
{
	struct mu_thread *t = mu_thread(mu, peer);
	if (t->joined || t->detached) {
		char why[96];
		snprintf(why, sizeof(why), "thread T%" PRIu32 " was already %s", peer,
			 t->joined ? "joined" : "detached");
		mu_join_invalid(mu, ev, why);
	}
	return mu_thread(mu, peer);
}

static void mu_join(struct misuse *mu, const struct trace_event *ev)
{
	uint32_t peer = ev->peer_thread;
	char why[96];
	if (peer == ev->thread || ev->result == EDEADLK) {
		mu_join_invalid(mu, ev, "a thread joins itself (or two threads join each other)");
		return;
	}
	if (ev->result == EINVAL || ev->result == ESRCH) {
		const char *how = ev->result == EINVAL ? "detached or already joined" : "no such thread";
		if (peer != TRACE_NONE)
			snprintf(why, sizeof(why), "thread T%" PRIu32 " is not joinable (%s)", peer, how);
		else
			snprintf(why, sizeof(why), "the thread is not joinable (%s)", how);
		mu_join_invalid(mu, ev, why);
		return;
	}
	if (ev->result == 0 && peer != TRACE_NONE)
		mu_thread_ended(mu, ev, peer)->joined = true;
}

static void mu_detach(struct misuse *mu, const struct trace_event *ev)
{
	uint32_t peer = ev->peer_thread;
	if (ev->result == EINVAL || ev->result == ESRCH) {
		mu_join_invalid(mu, ev, ev->result == EINVAL ? "the thread is not joinable (already detached)"
							     : "no such thread");
		return;
	}
	if (ev->result == 0 && peer != TRACE_NONE)
		mu_thread_ended(mu, ev, peer)->detached = true;
}

void mu_thread_call(struct misuse *mu, const struct trace_event *ev)
{
	if ((op_class(ev->op) & OPC_JOIN) && ev->op != TRACE_OP_TRYJOIN_NP)
		mu_join(mu, ev);
	else if (ev->op == TRACE_OP_TRYJOIN_NP && ev->result != EBUSY)
		mu_join(mu, ev);
	else if (ev->op == TRACE_OP_DETACH || ev->op == TRACE_OP_THRD_DETACH)
		mu_detach(mu, ev);
}

static bool mu_is_open_or_unlink(unsigned op)
{
	return op == TRACE_OP_SEM_OPEN || op == TRACE_OP_SEM_UNLINK || op == TRACE_OP_MQ_OPEN ||
	       op == TRACE_OP_MQ_UNLINK;
}

/* Errors that are part of a call's normal protocol, or reported by a more
 * precise rule (misuse.c, mu_thread_call). */
static bool mu_is_expected(unsigned op, int err)
{
	switch (err) {
	case EBUSY:
		return (op_class(op) & OPC_TRY) || op == TRACE_OP_TRYJOIN_NP || (op_class(op) & OPC_DESTROY);
	case ETIMEDOUT:
		return trace_op_is_timed(op);
	case EAGAIN:
		return op == TRACE_OP_SEM_TRYWAIT || (op >= TRACE_OP_MQ_SEND && op <= TRACE_OP_MQ_TIMEDRECEIVE) ||
		       (op_class(op) & OPC_TRY);
	case EINTR:
		return (op >= TRACE_OP_SEM_WAIT && op <= TRACE_OP_SEM_CLOCKWAIT) ||
		       (op >= TRACE_OP_MQ_SEND && op <= TRACE_OP_MQ_TIMEDRECEIVE);
	case ECANCELED:  /* the thread was cancelled inside a wait (the shim says so) */
		return true;
	case EOWNERDEAD:
		return (op_class(op) & OPC_ACQUIRE);
	case EDEADLK:
		return (op_class(op) & OPC_ACQUIRE) || (op_class(op) & OPC_JOIN);
	case EPERM:
		return (op_class(op) & OPC_RELEASE) || (op_class(op) & OPC_COND);
	case EOVERFLOW:
		return op == TRACE_OP_SEM_POST;
	case ENOENT:   /* a named object's open or unlink: the name's state, */
	case EEXIST:   /* the caller's rights, the system's limits */
	case EACCES:
	case EMFILE:
	case ENFILE:
	case ENOSPC:
	case ENOMEM:
		return mu_is_open_or_unlink(op);
	case EINVAL:
	case ESRCH:
		return (op_class(op) & OPC_JOIN) || op == TRACE_OP_DETACH || op == TRACE_OP_THRD_DETACH;
	}
	return false;
}

void mu_check_result(struct misuse *mu, const struct trace_event *ev)
{
	const struct trace_op_desc *d = trace_op_desc(ev->op);
	if (!d || !(d->flags & TRACE_F_CALL) || ev->result <= 0)
		return;
	switch (d->kind) {
	case TRACE_OBJ_NONE: /* process calls (fork, exec...) are not sync misuse */
		return;
	case TRACE_OBJ_THREAD: case TRACE_OBJ_MUTEX: case TRACE_OBJ_RWLOCK: case TRACE_OBJ_SPINLOCK:
	case TRACE_OBJ_COND: case TRACE_OBJ_SEM: case TRACE_OBJ_BARRIER: case TRACE_OBJ_MQ:
	case TRACE_OBJ_ONCE: case TRACE_OBJ_SPAWN: case TRACE_OBJ_ATOMIC:
	case TRACE_OBJ_KIND_COUNT:
		break;
	}
	if (mu_is_expected(ev->op, ev->result))
		return;
	bool thread = ev->kind == TRACE_OBJ_SPAWN || ev->kind == TRACE_OBJ_THREAD;
	char fn[48], en[32], what[48] = "";
	if (ev->obj && !thread)
		snprintf(what, sizeof(what), " on {lock}");
	else if (thread && ev->peer_thread != TRACE_NONE)
		snprintf(what, sizeof(what), " on thread T%" PRIu32, ev->peer_thread);
	struct report_misuse *m = mu_report(mu, REPORT_MISUSE_BAD_ARGUMENT, ev->thread,
					    thread ? 0 : ev->obj, ev->stack, "%s%s returned %s (%s)",
					    report_op_function(ev->op, fn, sizeof(fn)), what,
					    mu_errno_name(ev->result, en, sizeof(en)),
					    strerror(ev->result));
	m->op = ev->op;
	m->error = ev->result;
}
