/* SPDX-License-Identifier: MIT */
/* fake_trace.c - in-memory traces for unit tests. */
#include "fake_trace.h"

#include <stdlib.h>
#include <string.h>

static void *grow(void *arr, uint32_t n, size_t elem)
{
	void *p = realloc(arr, (n + 1) * elem);
	if (!p)
		abort();
	memset((char *)p + n * elem, 0, elem);
	return p;
}

void fake_trace_init(struct fake_trace *t)
{
	memset(t, 0, sizeof *t);
	t->now = 1000000;
	struct trace_catalog *c = &t->cat;
	c->processes = grow(NULL, 0, sizeof *c->processes);
	c->nprocesses = 1;
	struct trace_process *p = &c->processes[0];
	p->pid = 1000;
	p->parent = TRACE_NONE;
	p->parent_thread = TRACE_NONE;
	p->prev_image = TRACE_NONE;
	p->exe = strdup("/usr/bin/prog");
	p->argv = calloc(2, sizeof(char *));
	p->argv[0] = strdup("prog");
	p->argc = 1;
	p->file = strdup("fake");
	p->stack_depth = 16;
	if (trace_catalog_init_objects(c) < 0)
		abort();
	c->stacks = grow(NULL, 0, sizeof *c->stacks);
	c->nstacks = 1;
	c->start_ns = t->now;
	fake_thread(t, TRACE_NONE, "prog");
}

/* The catalog's Python parts, freed and cleared before the catalog is
 * released (whether trace_catalog_release frees them or not). */
static void release_python(struct trace_catalog *c)
{
	for (uint32_t i = 0; i < c->npycodes; i++) {
		free(c->pycodes[i].filename);
		free(c->pycodes[i].qualname);
	}
	free(c->pycodes);
	c->pycodes = NULL;
	c->npycodes = 0;
	for (uint32_t i = 0; i < c->nprocesses; i++) {
		free(c->processes[i].runtime_note);
		c->processes[i].runtime_note = NULL;
	}
}

void fake_trace_release(struct fake_trace *t)
{
	release_python(&t->cat);
	trace_catalog_release(&t->cat);
	free(t->ev);
	memset(t, 0, sizeof *t);
}

uint32_t fake_thread(struct fake_trace *t, uint32_t parent, const char *name)
{
	struct trace_catalog *c = &t->cat;
	c->threads = grow(c->threads, c->nthreads, sizeof *c->threads);
	struct trace_thread *th = &c->threads[c->nthreads];
	th->id = c->nthreads;
	th->index = c->nthreads;
	th->tid = 1000 + c->nthreads;
	th->name = name ? strdup(name) : NULL;
	th->parent = parent;
	th->handle = 0x7f0000001000ull + 0x1000ull * c->nthreads;
	th->start_ns = t->now;
	c->processes[0].nthreads++;
	return c->nthreads++;
}

uint32_t fake_object(struct fake_trace *t, enum trace_obj_kind kind, uint64_t addr)
{
	struct trace_object d = { .key = addr, .kind = (uint8_t)kind };
	uint32_t id = trace_catalog_add_object(&t->cat, trace_catalog_add_desc(&t->cat, &d));
	if (!id)
		abort();
	return id;
}

struct trace_object *fake_object_desc(struct fake_trace *t, uint32_t id)
{
	return &t->cat.descs[t->cat.object_desc[id]];
}

uint32_t fake_thread_object(struct fake_trace *t, uint32_t thread)
{
	return fake_object(t, TRACE_OBJ_THREAD, t->cat.threads[thread].handle);
}

uint32_t fake_stack(struct fake_trace *t, uint64_t pc0, uint32_t depth)
{
	struct trace_catalog *c = &t->cat;
	c->stacks = grow(c->stacks, c->nstacks, sizeof *c->stacks);
	struct trace_stack *s = &c->stacks[c->nstacks];
	s->depth = depth;
	s->pc = calloc(depth ? depth : 1, sizeof(uint64_t));
	for (uint32_t i = 0; i < depth; i++)
		s->pc[i] = pc0 + 0x10 * i;
	return c->nstacks++;
}

uint32_t fake_stack_pcs(struct fake_trace *t, const uint64_t *pcs, uint32_t depth)
{
	uint32_t id = fake_stack(t, 0, depth);
	memcpy(t->cat.stacks[id].pc, pcs, depth * sizeof *pcs);
	return id;
}

uint32_t fake_pycode(struct fake_trace *t, const char *filename, const char *qualname)
{
	struct trace_catalog *c = &t->cat;
	if (!c->npycodes) {   /* code id 0 = none */
		c->pycodes = grow(NULL, 0, sizeof *c->pycodes);
		c->npycodes = 1;
	}
	c->pycodes = grow(c->pycodes, c->npycodes, sizeof *c->pycodes);
	struct trace_pycode *code = &c->pycodes[c->npycodes];
	code->firstlineno = 1;
	code->filename = strdup(filename);
	code->qualname = strdup(qualname);
	return c->npycodes++;
}

void fake_runtime(struct fake_trace *t, uint32_t version, enum trace_runtime_support support,
		  const char *note)
{
	struct trace_process *p = &t->cat.processes[0];
	p->runtime = TRACE_RUNTIME_CPYTHON;
	p->runtime_version = version;
	p->runtime_support = (uint8_t)support;
	free(p->runtime_note);
	p->runtime_note = note ? strdup(note) : NULL;
}

void fake_trace_at(struct fake_trace *t, uint64_t ts_ns)
{
	t->now = ts_ns;
}

static struct trace_event *append(struct fake_trace *t, uint32_t thread, unsigned op,
				  uint32_t obj, enum trace_phase phase)
{
	if (t->nev == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->ev = realloc(t->ev, t->cap * sizeof *t->ev);
		if (!t->ev)
			abort();
	}
	struct trace_event *e = &t->ev[t->nev++];
	memset(e, 0, sizeof *e);
	e->ts_ns = e->begin_ns = t->now;
	t->now += 1000;
	e->thread = thread;
	e->op = (uint8_t)op;
	e->phase = (uint8_t)phase;
	const struct trace_op_desc *d = trace_op_desc(op);
	e->kind = d ? d->kind : TRACE_OBJ_NONE;
	e->obj = obj;
	e->peer_thread = TRACE_NONE;
	e->seq = t->nev;
	struct trace_catalog *c = &t->cat;
	if (e->ts_ns > c->end_ns)
		c->end_ns = e->ts_ns;
	if (thread < c->nthreads) {
		c->threads[thread].end_ns = e->ts_ns;
		c->threads[thread].events++;
	}
	c->events++;
	if (phase == TRACE_PHASE_END)
		c->by_op[op & TRACE_OP_MASK]++;
	return e;
}

struct trace_event *fake_event(struct fake_trace *t, uint32_t thread, unsigned op, uint32_t obj)
{
	return append(t, thread, op, obj, TRACE_PHASE_END);
}

struct trace_event *fake_begin(struct fake_trace *t, uint32_t thread, unsigned op, uint32_t obj)
{
	return append(t, thread, op, obj, TRACE_PHASE_BEGIN);
}

struct trace_event *fake_lock(struct fake_trace *t, uint32_t thread, uint32_t mutex, uint32_t stack)
{
	struct trace_event *e = fake_event(t, thread, TRACE_OP_MUTEX_LOCK, mutex);
	e->stack = stack;
	return e;
}

struct trace_event *fake_unlock(struct fake_trace *t, uint32_t thread, uint32_t mutex, uint32_t stack)
{
	struct trace_event *e = fake_event(t, thread, TRACE_OP_MUTEX_UNLOCK, mutex);
	e->stack = stack;
	return e;
}

struct trace_event *fake_access(struct fake_trace *t, uint32_t thread, uint64_t addr,
				uint64_t size, unsigned flags, uint32_t stack)
{
	struct trace_event *e = fake_event(t, thread, TRACE_OP_ACCESS, 0);
	e->args[0] = addr;
	e->args[1] = size;
	e->args[2] = flags;
	e->stack = stack;
	t->cat.processes[e->process].accesses_seen++;   /* instrumented code: as the header says */
	return e;
}

struct trace_event *fake_atomic(struct fake_trace *t, uint32_t thread, uint32_t obj,
				unsigned op, unsigned mo, uint32_t size, uint32_t stack)
{
	struct trace_event *e = fake_event(t, thread, TRACE_OP_ATOMIC, obj);
	e->args[0] = op;
	e->args[1] = mo;
	e->args[2] = size;
	e->stack = stack;
	return e;
}

struct trace_event *fake_fence(struct fake_trace *t, uint32_t thread, unsigned mo)
{
	struct trace_event *e = fake_event(t, thread, TRACE_OP_FENCE, 0);
	e->args[0] = mo;
	return e;
}

struct trace_event *fake_alloc(struct fake_trace *t, uint32_t thread, uint64_t addr,
			       uint64_t size, uint32_t stack)
{
	struct trace_event *e = fake_event(t, thread, TRACE_OP_ALLOC, 0);
	e->args[0] = addr;
	e->args[1] = size;
	e->stack = stack;
	return e;
}

struct trace_event *fake_annotate(struct fake_trace *t, uint32_t thread, unsigned kind,
				  uint64_t addr, uint64_t size)
{
	struct trace_event *e = fake_event(t, thread, TRACE_OP_ANNOTATE, 0);
	e->args[0] = kind;
	e->args[1] = addr;
	e->args[2] = size;
	return e;
}
