/* SPDX-License-Identifier: MIT */
/* trace_catalog.c - names and predicates over ops and object kinds, so that
 * every analyzer agrees on what an op means; storing objects and their
 * descriptions; releasing a catalog. */
#include "trace_event.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *trace_obj_kind_name(enum trace_obj_kind kind)
{
	switch (kind) {
	case TRACE_OBJ_NONE: return "none";
	case TRACE_OBJ_THREAD: return "thread";
	case TRACE_OBJ_MUTEX: return "mutex";
	case TRACE_OBJ_RWLOCK: return "rwlock";
	case TRACE_OBJ_SPINLOCK: return "spinlock";
	case TRACE_OBJ_COND: return "cond";
	case TRACE_OBJ_SEM: return "sem";
	case TRACE_OBJ_BARRIER: return "barrier";
	case TRACE_OBJ_MQ: return "mq";
	case TRACE_OBJ_ONCE: return "once";
	case TRACE_OBJ_SPAWN: return "spawn";
	case TRACE_OBJ_ATOMIC: return "atomic";
	case TRACE_OBJ_KIND_COUNT: break;
	}
	return "unknown";
}

bool trace_op_is_lock_acquire(unsigned op)
{
	switch (op) {
	case TRACE_OP_MUTEX_LOCK: case TRACE_OP_MUTEX_TRYLOCK: case TRACE_OP_MUTEX_TIMEDLOCK:
	case TRACE_OP_MUTEX_CLOCKLOCK: case TRACE_OP_MTX_LOCK: case TRACE_OP_MTX_TRYLOCK:
	case TRACE_OP_MTX_TIMEDLOCK: case TRACE_OP_RWLOCK_RDLOCK: case TRACE_OP_RWLOCK_TRYRDLOCK:
	case TRACE_OP_RWLOCK_TIMEDRDLOCK: case TRACE_OP_RWLOCK_CLOCKRDLOCK:
	case TRACE_OP_RWLOCK_WRLOCK: case TRACE_OP_RWLOCK_TRYWRLOCK:
	case TRACE_OP_RWLOCK_TIMEDWRLOCK: case TRACE_OP_RWLOCK_CLOCKWRLOCK:
	case TRACE_OP_SPIN_LOCK: case TRACE_OP_SPIN_TRYLOCK:
		return true;
	}
	return false;
}

bool trace_op_is_lock_release(unsigned op)
{
	return op == TRACE_OP_MUTEX_UNLOCK || op == TRACE_OP_MTX_UNLOCK ||
	       op == TRACE_OP_RWLOCK_UNLOCK || op == TRACE_OP_SPIN_UNLOCK;
}

bool trace_op_is_trylock(unsigned op)
{
	return op == TRACE_OP_MUTEX_TRYLOCK || op == TRACE_OP_MTX_TRYLOCK ||
	       op == TRACE_OP_RWLOCK_TRYRDLOCK || op == TRACE_OP_RWLOCK_TRYWRLOCK ||
	       op == TRACE_OP_SPIN_TRYLOCK;
}

bool trace_op_is_read_lock(unsigned op)
{
	return op == TRACE_OP_RWLOCK_RDLOCK || op == TRACE_OP_RWLOCK_TRYRDLOCK ||
	       op == TRACE_OP_RWLOCK_TIMEDRDLOCK || op == TRACE_OP_RWLOCK_CLOCKRDLOCK;
}

bool trace_op_is_mq_send(unsigned op)
{
	return op == TRACE_OP_MQ_SEND || op == TRACE_OP_MQ_TIMEDSEND;
}

bool trace_op_is_cond_wait(unsigned op)
{
	return op == TRACE_OP_COND_WAIT || op == TRACE_OP_COND_TIMEDWAIT ||
	       op == TRACE_OP_COND_CLOCKWAIT || op == TRACE_OP_CND_WAIT ||
	       op == TRACE_OP_CND_TIMEDWAIT;
}

bool trace_op_is_cond_signal(unsigned op)
{
	return op == TRACE_OP_COND_SIGNAL || op == TRACE_OP_COND_BROADCAST ||
	       op == TRACE_OP_CND_SIGNAL || op == TRACE_OP_CND_BROADCAST;
}

bool trace_op_is_init(unsigned op)
{
	switch (op) {
	case TRACE_OP_MUTEX_INIT: case TRACE_OP_MTX_INIT: case TRACE_OP_RWLOCK_INIT:
	case TRACE_OP_SPIN_INIT: case TRACE_OP_COND_INIT: case TRACE_OP_CND_INIT:
	case TRACE_OP_SEM_INIT: case TRACE_OP_SEM_OPEN: case TRACE_OP_BARRIER_INIT:
	case TRACE_OP_MQ_OPEN:
		return true;
	}
	return false;
}

bool trace_op_is_destroy(unsigned op)
{
	switch (op) {
	case TRACE_OP_MUTEX_DESTROY: case TRACE_OP_MTX_DESTROY: case TRACE_OP_RWLOCK_DESTROY:
	case TRACE_OP_SPIN_DESTROY: case TRACE_OP_COND_DESTROY: case TRACE_OP_CND_DESTROY:
	case TRACE_OP_SEM_DESTROY: case TRACE_OP_SEM_CLOSE: case TRACE_OP_BARRIER_DESTROY:
		return true;
	}
	return false;
}

bool trace_op_is_join(unsigned op)
{
	return op == TRACE_OP_JOIN || op == TRACE_OP_TRYJOIN_NP || op == TRACE_OP_TIMEDJOIN_NP ||
	       op == TRACE_OP_CLOCKJOIN_NP || op == TRACE_OP_THRD_JOIN;
}

bool trace_object_is_pshared(const struct trace_object *o)
{
	if (o && (o->kind == TRACE_OBJ_MQ || (o->kind == TRACE_OBJ_SEM && o->name)))
		return true;   /* by name: any process may open it */
	if (o && o->role == TRACE_ROLE_PSHARED)
		return true;   /* its memory said so when a thread waited on it */
	if (!o || !o->initialized)
		return false;
	switch (o->kind) {
	case TRACE_OBJ_MUTEX:
		return o->attr & TRACE_MUTEX_PSHARED;
	case TRACE_OBJ_RWLOCK: case TRACE_OBJ_COND: case TRACE_OBJ_SPINLOCK:
		return o->attr & 1;
	case TRACE_OBJ_SEM: case TRACE_OBJ_BARRIER:
		return o->attr2 != 0;
	}
	return false;
}

bool trace_object_is_robust(const struct trace_object *o)
{
	return o && o->kind == TRACE_OBJ_MUTEX && (o->attr & TRACE_MUTEX_ROBUST);
}

bool trace_op_is_timed(unsigned op)
{
	switch (op) {
	case TRACE_OP_MUTEX_TIMEDLOCK: case TRACE_OP_MUTEX_CLOCKLOCK: case TRACE_OP_MTX_TIMEDLOCK:
	case TRACE_OP_RWLOCK_TIMEDRDLOCK: case TRACE_OP_RWLOCK_CLOCKRDLOCK:
	case TRACE_OP_RWLOCK_TIMEDWRLOCK: case TRACE_OP_RWLOCK_CLOCKWRLOCK:
	case TRACE_OP_COND_TIMEDWAIT: case TRACE_OP_COND_CLOCKWAIT: case TRACE_OP_CND_TIMEDWAIT:
	case TRACE_OP_SEM_TIMEDWAIT: case TRACE_OP_SEM_CLOCKWAIT: case TRACE_OP_TIMEDJOIN_NP:
	case TRACE_OP_CLOCKJOIN_NP: case TRACE_OP_MQ_TIMEDSEND: case TRACE_OP_MQ_TIMEDRECEIVE:
		return true;
	}
	return false;
}

bool trace_op_is_create(unsigned op)
{
	return op == TRACE_OP_CREATE || op == TRACE_OP_THRD_CREATE;
}

/* ---- objects ---- */

/* Room for element N of ARR, which holds N elements of ELEM bytes:
 * appended one at a time, its capacity is N rounded up to a power of two,
 * so it grows when N is one (or 0). NULL when out of memory. */
static void *append_room(void *arr, uint32_t n, size_t elem)
{
	if (n & (n - 1))
		return arr;
	if (n > UINT32_MAX / 2)
		return NULL;
	return realloc(arr, (size_t)(n ? 2 * n : 1) * elem);
}

static int add_id(struct trace_catalog *c, uint32_t desc)
{
	uint32_t id = c->nobjects;
	uint32_t *o = append_room(c->object_desc, id, sizeof *o);
	if (!o)
		return -ENOMEM;
	c->object_desc = o;
	if (id % 64 == 0) {
		uint64_t *bits = append_room(c->object_destroyed, id / 64, sizeof *bits);
		if (!bits)
			return -ENOMEM;
		c->object_destroyed = bits;
		bits[id / 64] = 0;
	}
	o[id] = desc;
	c->nobjects++;
	return 0;
}

int trace_catalog_init_objects(struct trace_catalog *c)
{
	if (!c->ndescs) {
		c->descs = append_room(c->descs, 0, sizeof *c->descs);
		if (!c->descs)
			return -ENOMEM;
		c->descs[c->ndescs++] = (struct trace_object){ 0 };
	}
	if (!c->nobjects && add_id(c, 0) < 0)
		return -ENOMEM;
	return 0;
}

uint32_t trace_catalog_add_desc(struct trace_catalog *c, const struct trace_object *desc)
{
	if (trace_catalog_init_objects(c) < 0)
		return 0;
	struct trace_object *d = append_room(c->descs, c->ndescs, sizeof *d);
	if (!d)
		return 0;
	c->descs = d;
	d = &c->descs[c->ndescs];
	*d = *desc;
	if (desc->name && !(d->name = strdup(desc->name)))
		return 0;
	return c->ndescs++;
}

uint32_t trace_catalog_add_object(struct trace_catalog *c, uint32_t desc)
{
	if (trace_catalog_init_objects(c) < 0 || add_id(c, desc) < 0)
		return 0;
	return c->nobjects - 1;
}

void trace_catalog_release(struct trace_catalog *c)
{
	for (uint32_t i = 0; i < c->nprocesses; i++) {
		struct trace_process *p = &c->processes[i];
		free(p->exe);
		free(p->file);
		free(p->maps_file);
		for (uint32_t a = 0; p->argv && a < p->argc; a++)
			free(p->argv[a]);
		free(p->argv);
		free(p->runtime_note);
	}
	for (uint32_t i = 0; i < c->nthreads; i++)
		free(c->threads[i].name);
	for (uint32_t i = 0; i < c->ndescs; i++)
		free(c->descs[i].name);
	for (uint32_t i = 0; i < c->nstacks; i++)
		free(c->stacks[i].pc);
	for (uint32_t i = 0; i < c->npycodes; i++) {
		free(c->pycodes[i].filename);
		free(c->pycodes[i].qualname);
	}
	for (uint32_t a = 0; c->run.argv && a < c->run.argc; a++)
		free(c->run.argv[a]);
	free(c->run.argv);
	free(c->processes);
	free(c->threads);
	free(c->object_desc);
	free(c->object_destroyed);
	free(c->descs);
	free(c->stacks);
	free(c->pycodes);
	*c = (struct trace_catalog){ 0 };
}

const char *trace_catalog_running_note(const struct trace_catalog *c, char *buf, size_t size)
{
	const struct trace_process *p = NULL;
	for (uint32_t i = 0; i < c->nprocesses && !p; i++)
		if (c->processes[i].running)
			p = &c->processes[i];
	if (!c->running || !p)
		return NULL;
	uint64_t start = c->run.present && c->run.start_ns ? c->run.start_ns : c->start_ns;
	double at = c->read_ns > start ? (double)(c->read_ns - start) / 1e9 : 0;
	snprintf(buf, size, "the program is still running (pid %u): the trace was read up to "
		 "%.3f s after its start; calls without an end are in progress", p->pid, at);
	return buf;
}
