/* SPDX-License-Identifier: MIT */
/* misuse_leak.c - thread-leak: a joinable thread that ended, yet was
 * neither joined nor detached when its process exited (its stack and
 * descriptor are never freed; ThreadSanitizer's "thread leak"). A thread
 * still running at exit is not one: exit ends it.
 *
 * Only what the trace makes certain is reported. A thread is joinable if
 * its thread_attr record says it was created so (the shim writes it from
 * the thread's own attributes, whatever made them: attributes, a default
 * set with pthread_setattr_default_np, C11), or once a join of it timed out
 * or found it busy (a detached thread makes them fail with EINVAL). It
 * leaks if no join or detach of it followed and is in progress, and its
 * process exited by exit, _exit or a return from main (not a signal, not
 * an exec) without losing events. Nor a thread that ended after its
 * process's main thread left by pthread_exit (the textbook way to let the
 * workers finish): glibc makes the last one end the process, nobody was
 * to join them. Threads are known by their pthread_t in
 * their process; a pthread_t reused by a new thread means the old one was
 * joined or detached. The main thread is never created, so never a leak.
 * Neither is a thread that Python code started in a CPython process: the
 * interpreter owns it (3.13 creates threading's threads joinable, and ends
 * the daemon threads still waiting at exit without joining them). */
#include "misuse.h"

#include "grow.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

struct mu_process *mu_process(struct misuse *mu, uint32_t id)
{
	if (id >= mu->nprocs)
		mu->procs = grow_zeroed(mu->procs, &mu->nprocs, id + 1, sizeof(*mu->procs));
	return &mu->procs[id];
}

static uint64_t mu_spawn_key(uint32_t process, uint64_t handle)
{
	return (handle * 0x9e3779b97f4a7c15ull ^ (uint64_t)process * 0xff51afd7ed558ccdull) &
	       ~(1ull << 63);
}

static struct mu_spawn *mu_spawn_find(struct misuse *mu, uint32_t process, uint64_t handle)
{
	uint32_t *slot = u64map_get(&mu->spawn_index, mu_spawn_key(process, handle));
	for (uint32_t i = slot ? *slot : MU_NONE; i != MU_NONE; i = mu->spawns[i].next)
		if (mu->spawns[i].process == process && mu->spawns[i].handle == handle)
			return &mu->spawns[i];
	return NULL;
}

/* The spawn a thread-call event is about (its object is the thread). */
static struct mu_spawn *mu_spawn_of(struct misuse *mu, const struct trace_event *ev)
{
	const struct trace_object *o = trace_catalog_object(mu->cat, ev->obj);
	return o && o->kind == TRACE_OBJ_THREAD ? mu_spawn_find(mu, ev->process, o->key) : NULL;
}

static void mu_spawn_created(struct misuse *mu, const struct trace_event *ev)
{
	uint64_t handle = ev->args[1];
	struct mu_spawn *s = mu_spawn_find(mu, ev->process, handle);
	if (!s) {
		int added;
		uint32_t *slot = u64map_put(&mu->spawn_index, mu_spawn_key(ev->process, handle), MU_NONE,
					    &added);
		if (mu->nspawns == mu->cap_spawns) {
			mu->cap_spawns = mu->cap_spawns ? mu->cap_spawns * 2 : 16;
			mu->spawns = realloc(mu->spawns, mu->cap_spawns * sizeof(*mu->spawns));
			if (!mu->spawns)
				abort();
		}
		s = &mu->spawns[mu->nspawns];
		s->next = *slot;
		*slot = mu->nspawns++;
	}
	/* a reused pthread_t: the thread that had it was joined or detached */
	s->process = ev->process;
	s->handle = handle;
	s->creator = ev->thread;
	s->stack = ev->stack;
	s->child = ev->peer_thread == TRACE_NONE ? MU_NONE : ev->peer_thread;
	s->joinable = false;   /* the trace does not say how it was created */
	s->done = false;
	s->joining = false;
}

static void mu_spawn_joined(struct mu_spawn *s, const struct trace_event *ev)
{
	if (ev->phase == TRACE_PHASE_BEGIN) {
		s->joining = true;
		return;
	}
	s->joining = false;
	switch (ev->result) {
	case 0: case EINVAL: case ESRCH:   /* joined; detached; gone */
		s->done = true;
		break;
	case EBUSY: case ETIMEDOUT:        /* it was joinable then */
		s->joinable = true;
		break;
	}
}

void mu_leak_feed(struct misuse *mu, const struct trace_event *ev)
{
	unsigned op = ev->op;
	if ((op == TRACE_OP_PROC_EXIT || op == TRACE_OP__EXIT) && ev->phase == TRACE_PHASE_END) {
		mu_process(mu, ev->process)->exited = true;
		return;
	}
	if (op == TRACE_OP_THREAD_START) {
		mu_process(mu, ev->process)->live++;
		return;
	}
	if (op == TRACE_OP_THREAD_ATTR || op == TRACE_OP_THREAD_END) {
		struct mu_thread *t = mu_thread(mu, ev->thread);
		if (op == TRACE_OP_THREAD_END) {
			struct mu_process *p = mu_process(mu, ev->process);
			t->ended = true;
			p->live -= p->live > 0;
			t->last = p->live == 0 || p->main_left;
			if (ev->thread < mu->cat->nthreads && mu->cat->threads[ev->thread].index == 0)
				p->main_left = true;
		} else {
			t->created_joinable = ev->args[0] == 0;
		}
		return;
	}
	if ((op == TRACE_OP_CREATE || op == TRACE_OP_THRD_CREATE) && ev->phase == TRACE_PHASE_END) {
		if (ev->result == 0 && ev->args[1])
			mu_spawn_created(mu, ev);
		return;
	}
	if (ev->kind != TRACE_OBJ_THREAD)
		return;
	struct mu_spawn *s = mu_spawn_of(mu, ev);
	if (!s)
		return;
	if (ev->obj_gap)
		s->done = true;   /* a lost join or detach */
	else if ((op_class(op) & OPC_JOIN))
		mu_spawn_joined(s, ev);
	else if ((op == TRACE_OP_DETACH || op == TRACE_OP_THRD_DETACH) && ev->phase == TRACE_PHASE_END)
		s->done |= ev->result == 0 || ev->result == EINVAL;
}

/* Exited by exit, _exit or a return from main, all its events kept. */
static bool mu_exited_cleanly(struct misuse *mu, uint32_t process)
{
	const struct trace_process *p = process < mu->cat->nprocesses ?
						&mu->cat->processes[process] : NULL;
	uint32_t flags = p ? p->exit_flags : 0;
	const struct mu_process *mp = mu_process(mu, process);
	if ((flags & (TRACE_EXIT_SIGNAL | TRACE_EXIT_EXEC)) || mp->gap || (p && p->dropped))
		return false;
	return mp->exited || (flags & (TRACE_EXIT_STATUS | TRACE_EXIT_CAL));
}

/* Started by Python code in a CPython process: its creation stack S has a
 * Python frame. */
static bool mu_python_started(const struct misuse *mu, const struct mu_spawn *s)
{
	const struct trace_process *p = s->process < mu->cat->nprocesses ?
						&mu->cat->processes[s->process] : NULL;
	if (!p || p->runtime != TRACE_RUNTIME_CPYTHON)
		return false;
	const struct trace_stack *st = trace_catalog_stack(mu->cat, s->stack);
	for (uint32_t i = 0; st && i < st->depth; i++)
		if (trace_pc_is_python(st->pc[i]))
			return true;
	return false;
}

void mu_leak_finish(struct misuse *mu)
{
	for (uint32_t i = 0; i < mu->nspawns; i++) {
		struct mu_spawn s = mu->spawns[i];
		const struct mu_thread *t = s.child != MU_NONE ? mu_thread(mu, s.child) : NULL;
		if (!t || !t->ended || t->last || !(s.joinable || t->created_joinable) || s.done || s.joining ||
		    !mu_exited_cleanly(mu, s.process) || mu_python_started(mu, &s))
			continue;
		struct report_misuse *m = mu_report(mu, REPORT_MISUSE_THREAD_LEAK, s.creator, 0, s.stack,
						    "thread T%" PRIu32 ", created here joinable, ended "
						    "but was neither joined nor detached when the "
						    "process exited", s.child);
		if (m->count == 1)   /* a folded finding keeps its first thread */
			m->other_thread = s.child;
	}
}

void mu_leak_free(struct misuse *mu)
{
	free(mu->spawns);
	u64map_release(&mu->spawn_index);
	free(mu->procs);
}
