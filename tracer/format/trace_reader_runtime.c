/* SPDX-License-Identifier: MIT */
/* trace_reader_runtime.c - what a language runtime in the process told the
 * shim: the runtime itself (RUNTIME), the roles of its own objects
 * (OBJ_ROLE: CPython's GIL) and its threads' names (THREAD_NAME). */
#include "trace_reader_priv.h"

#include <stdlib.h>
#include <string.h>

/* The role given to KEY in PROCESS, if any: D takes it (and its name, if
 * it has none). For a new incarnation at that key. */
void rd_role_apply(const struct trace_reader *r, uint32_t process, uint64_t key,
		   struct trace_object *d)
{
	uint32_t v = rd_map_get(&r->roles, process, key);
	if (!v)
		return;
	const struct rd_role *role = &r->role_list[v - 1];
	d->role = role->role;
	if (!d->name)
		d->name = role->name;  /* copied when the description is stored */
}

/* Remembers the role for later incarnations and gives it to the current one. */
static void obj_role(struct trace_reader *r, const struct rd_head *h, uint32_t process)
{
	if (!h->has_obj || !h->key || !h->ev.args[0] || h->ev.args[0] > UINT8_MAX)
		return;
	uint32_t v = rd_map_get(&r->roles, process, h->key);
	if (!v) {
		struct rd_role *list = rd_grow(r->role_list, &r->roles_cap, r->nroles + 1,
					       sizeof *list);
		char *name = h->str[0] ? strdup(h->str) : NULL;   /* a role may name nothing */
		if (!list || (h->str[0] && !name)) {
			free(name);
			return;
		}
		r->role_list = list;
		list[r->nroles] = (struct rd_role){ (uint8_t)h->ev.args[0], name };
		v = ++r->nroles;
		rd_map_put(&r->roles, process, h->key, v);
	}
	uint32_t id = rd_object_at(&r->objects, process, h->key);
	if (id)
		rd_object_describe(r, id, &r->role_list[v - 1]);
}

static void runtime(struct trace_reader *r, const struct rd_head *h, uint32_t process)
{
	struct trace_process *p = &r->cat.processes[process];
	if (h->ev.args[0] == TRACE_RUNTIME_OPENMP) {   /* beside a language runtime */
		p->openmp_unordered |= h->ev.args[2] == TRACE_RUNTIME_NO_ORDER;
		return;
	}
	p->runtime = h->ev.args[0] <= UINT8_MAX ? (uint8_t)h->ev.args[0] : 0;
	p->runtime_version = h->ev.args[1] <= UINT32_MAX ? (uint32_t)h->ev.args[1] : 0;
	p->runtime_support = h->ev.args[2] <= UINT8_MAX ? (uint8_t)h->ev.args[2] : 0;
	free(p->runtime_note);
	p->runtime_note = h->str[0] ? strdup(h->str) : NULL;
}

static void thread_name(struct trace_reader *r, const struct rd_head *h, uint32_t thread)
{
	char *s = h->str[0] ? strdup(h->str) : NULL;
	if (!s)
		return;
	struct trace_thread *t = &r->cat.threads[thread];
	free(t->name);
	t->name = s;
}

bool rd_runtime_op(struct trace_reader *r, struct rd_cursor *c, uint32_t process)
{
	const struct rd_head *h = &c->head;
	switch (h->ev.op) {
	case TRACE_OP_OBJ_ROLE:
		obj_role(r, h, process);
		return true;
	case TRACE_OP_THREAD_NAME:
		thread_name(r, h, c->thread);
		return true;
	case TRACE_OP_RUNTIME:
		runtime(r, h, process);
		return true;
	}
	return false;
}

void rd_roles_release(struct trace_reader *r)
{
	for (uint32_t i = 0; i < r->nroles; i++)
		free(r->role_list[i].name);
	free(r->role_list);
	r->role_list = NULL;
	r->nroles = r->roles_cap = 0;
	rd_map_release(&r->roles);
}
