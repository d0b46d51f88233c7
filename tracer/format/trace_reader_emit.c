/* SPDX-License-Identifier: MIT */
/* trace_reader_emit.c - a decoded head becomes a struct trace_event, and the
 * catalog learns from it: objects and their incarnations, stacks, thread
 * names, parents and ends, counters. Runs in merged order. */
#include "trace_reader_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- (process, key) -> value map ---- */

static uint32_t map_hash(uint32_t process, uint64_t key)
{
	uint64_t h = (key ^ ((uint64_t)process << 47) ^ process) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(h >> 32);
}

uint32_t rd_map_get(const struct rd_map *m, uint32_t process, uint64_t key)
{
	if (!m->cap)
		return 0;
	uint32_t mask = m->cap - 1;
	for (uint32_t i = map_hash(process, key) & mask;; i = (i + 1) & mask) {
		const struct rd_map_ent *e = &m->ent[i];
		if (!e->val)
			return 0;
		if (e->key == key && e->process == process)
			return e->val;
	}
}

static struct rd_map_ent *map_slot(struct rd_map *m, uint32_t process, uint64_t key)
{
	uint32_t mask = m->cap - 1;
	for (uint32_t i = map_hash(process, key) & mask;; i = (i + 1) & mask) {
		struct rd_map_ent *e = &m->ent[i];
		if (!e->val || (e->key == key && e->process == process))
			return e;
	}
}

static int map_grow(struct rd_map *m)
{
	uint32_t cap = m->cap ? m->cap * 2 : 64;
	struct rd_map_ent *old = m->ent;
	struct rd_map_ent *ent = calloc(cap, sizeof *ent);
	if (!ent)
		return -ENOMEM;
	uint32_t old_cap = m->cap;
	m->ent = ent;
	m->cap = cap;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].val)
			*map_slot(m, old[i].process, old[i].key) = old[i];
	free(old);
	return 0;
}

void rd_map_put(struct rd_map *m, uint32_t process, uint64_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap && map_grow(m) < 0)
		return;
	struct rd_map_ent *e = map_slot(m, process, key);
	if (!e->val)
		m->n++;
	*e = (struct rd_map_ent){ key, process, val };
}

void rd_map_release(struct rd_map *m)
{
	free(m->ent);
	*m = (struct rd_map){ 0 };
}

/* ---- object descriptions, shared by content ---- */

static uint32_t desc_hash(const struct trace_object *d)
{
	uint64_t h = d->key * 0x9E3779B97F4A7C15ull;
	h ^= ((uint64_t)d->process << 32 | d->init_stack) * 0xff51afd7ed558ccdull;
	h ^= (d->attr ^ d->attr2 << 17 ^ (uint64_t)d->kind << 56 ^ (uint64_t)d->initialized << 63) *
	     0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h >> 32 ^ h);
}

static bool desc_equal(const struct trace_object *a, const struct trace_object *b)
{
	return a->key == b->key && a->process == b->process && a->init_stack == b->init_stack &&
	       a->attr == b->attr && a->attr2 == b->attr2 && a->kind == b->kind &&
	       a->initialized == b->initialized && a->role == b->role && !a->name && !b->name;
}

/* The free slot for D, or the one holding its equal. */
static uint32_t *desc_slot(const struct trace_catalog *cat, const struct rd_descs *t,
			   const struct trace_object *d)
{
	uint32_t mask = t->cap - 1;
	for (uint32_t i = desc_hash(d) & mask;; i = (i + 1) & mask)
		if (!t->slot[i] || desc_equal(&cat->descs[t->slot[i]], d))
			return &t->slot[i];
}

static int descs_grow(const struct trace_catalog *cat, struct rd_descs *t)
{
	struct rd_descs old = *t;
	t->cap = old.cap ? old.cap * 2 : 64;
	t->slot = calloc(t->cap, sizeof *t->slot);
	if (!t->slot) {
		*t = old;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < old.cap; i++)
		if (old.slot[i])
			*desc_slot(cat, t, &cat->descs[old.slot[i]]) = old.slot[i];
	free(old.slot);
	return 0;
}

void rd_descs_release(struct rd_descs *d)
{
	free(d->slot);
	*d = (struct rd_descs){ 0 };
}

/* The index of a description equal to D (a named one is never shared),
 * added if new; 0 when out of memory. */
static uint32_t desc_of(struct trace_reader *r, const struct trace_object *d)
{
	struct rd_descs *t = &r->descs;
	if (d->name)
		return trace_catalog_add_desc(&r->cat, d);
	if ((t->n + 1) * 2 > t->cap && descs_grow(&r->cat, t) < 0)
		return 0;
	uint32_t *slot = desc_slot(&r->cat, t, d);
	if (!*slot && (*slot = trace_catalog_add_desc(&r->cat, d)))
		t->n++;
	return *slot;
}

/* ---- objects ---- */

static inline bool is_replaced(const struct trace_reader *r, uint32_t id)
{
	return r->obj_replaced[id / 64] >> (id % 64) & 1;
}

static uint32_t new_object(struct trace_reader *r, const struct trace_event *ev, uint64_t key,
			   uint8_t kind, uint32_t prev)
{
	struct trace_object d = { .process = ev->process, .key = key, .kind = kind,
				  .init_stack = ev->stack };
	rd_role_apply(r, ev->process, key, &d);
	uint32_t desc = desc_of(r, &d);
	uint32_t id = desc ? trace_catalog_add_object(&r->cat, desc) : 0;
	if (!id)
		return 0;
	uint32_t cap = r->replaced_cap;
	uint64_t *bits = rd_grow(r->obj_replaced, &cap, id / 64 + 1, sizeof *bits);
	if (!bits)
		return 0;
	memset(bits + r->replaced_cap, 0, (cap - r->replaced_cap) * sizeof *bits);
	r->obj_replaced = bits;
	r->replaced_cap = cap;
	if (prev)
		bits[prev / 64] |= 1ull << (prev % 64);
	rd_map_put(&r->objects, ev->process, key, id);
	return id;
}

/* Object ID at KEY is gone with its memory: a later use at KEY is a new
 * object (the slots that cache it look again). */
static void retire_object(struct trace_reader *r, uint32_t process, uint64_t key, uint32_t id)
{
	r->obj_replaced[id / 64] |= 1ull << (id % 64);
	rd_map_put(&r->objects, process, key, RD_OBJECT_FREED);
}

/* A FREED block [addr, addr + size) of PROCESS: its objects are retired,
 * found by their addresses (sync objects are 4-byte aligned at least) or,
 * in a block with more addresses than the catalog has objects, by the
 * catalog. */
static void block_freed(struct trace_reader *r, uint32_t process, uint64_t addr, uint64_t size)
{
	uint64_t end = addr + size < addr ? UINT64_MAX : addr + size;
	if (size / 4 <= r->cat.nobjects) {
		for (uint64_t key = (addr + 3) & ~3ull; key >= addr && key < end; key += 4) {
			uint32_t id = rd_object_at(&r->objects, process, key);
			if (id)
				retire_object(r, process, key, id);
		}
		return;
	}
	for (uint32_t id = 1; id < r->cat.nobjects; id++) {
		const struct trace_object *o = trace_catalog_object(&r->cat, id);
		if (o && o->process == process && o->key >= addr && o->key < end &&
		    rd_object_at(&r->objects, process, o->key) == id)
			retire_object(r, process, o->key, id);
	}
}

/* The current object of the key a slot holds (cached per slot). */
static inline uint32_t resolve(struct trace_reader *r, struct rd_cursor *c, unsigned slot,
			       uint64_t key, uint8_t kind, const struct trace_event *ev)
{
	if (!key)
		return 0;
	uint32_t id = rd_slot(c, slot)->obj;
	if (!id || is_replaced(r, id)) {
		id = rd_object_at(&r->objects, ev->process, key);
		if (!id)
			id = new_object(r, ev, key, kind, 0);
	}
	rd_slot(c, slot)->obj = id;
	return id;
}

/* A successful init of object ID: what it says joins its description
 * (the first init only: a re-init of a live object keeps it). */
static void object_init(struct trace_reader *r, const struct rd_head *h,
			const struct trace_op_desc *d, const struct trace_event *ev, uint32_t id)
{
	struct trace_object o = *trace_catalog_object(&r->cat, id);
	bool named = (d->flags & TRACE_F_STR) && h->str[0] && !o.name;
	if (o.initialized && !named)
		return;
	if (!o.initialized) {
		o.initialized = true;
		o.attr = h->ev.args[0];
		o.attr2 = h->ev.args[1];
		o.init_stack = ev->stack;
	}
	if (named)
		o.name = (char *)h->str;   /* copied by desc_of */
	uint32_t desc = desc_of(r, &o);
	if (desc)
		r->cat.object_desc[id] = desc;
}

/* A runtime said what object ID is: its description says so too. */
void rd_object_describe(struct trace_reader *r, uint32_t id, const struct rd_role *role)
{
	struct trace_object o = *trace_catalog_object(&r->cat, id);
	o.role = role->role;
	if (!o.name)
		o.name = role->name;  /* copied by desc_of */
	uint32_t desc = desc_of(r, &o);
	if (desc)
		r->cat.object_desc[id] = desc;
}

/* obj of the event: init and destroy calls that succeeded start and end an
 * incarnation; everything else stays on the current one (use after destroy
 * remains visible). */
static uint32_t object_event(struct trace_reader *r, struct rd_cursor *c,
			     const struct trace_op_desc *d, const struct trace_event *ev)
{
	const struct rd_head *h = &c->head;
	uint32_t id = resolve(r, c, h->slot, h->key, d->kind, ev);
	if (!id || h->ev.phase != TRACE_PHASE_END || h->ev.result)
		return id;
	switch ((enum rd_life)r->op_life[h->ev.op]) {
	case RD_LIFE_USE:
		return id;
	case RD_LIFE_DESTROY:
		r->cat.object_destroyed[id / 64] |= 1ull << (id % 64);
		return id;
	case RD_LIFE_INIT:
		break;
	}
	if (trace_catalog_object_destroyed(&r->cat, id) ||
	    trace_catalog_object(&r->cat, id)->kind != d->kind) {
		uint32_t nid = new_object(r, ev, h->key, d->kind, id);
		if (!nid)
			return id;
		id = rd_slot(c, h->slot)->obj = nid;
	}
	object_init(r, h, d, ev, id);
	return id;
}

/* ---- stacks ---- */

static uint32_t stack_id(struct trace_reader *r, struct rd_file *f, uint32_t id)
{
	if (id < f->stack_map_len && f->stack_map[id])
		return f->stack_map[id];
	if ((rd_live(r) || f->running) && id > f->stack_max_id && id < RD_STACK_ID_MAX) {
		/* interned after the last poll: look again */
		if (rd_live(r))
			rd_file_refresh(r, f);
		else
			rd_stacks_parse(r, f);
		if (id < f->stack_map_len)
			return f->stack_map[id];
	}
	return 0;
}

/* ---- threads ---- */

static uint32_t thread_of_index(const struct rd_file *f, uint64_t index)
{
	const struct rd_cursor *c = index < UINT32_MAX ? rd_file_thread(f, (uint32_t)index) : NULL;
	return c ? c->thread : TRACE_NONE;
}

/* handles: the thread created with this handle is not in the trace */
#define HANDLE_UNKNOWN UINT32_MAX

static void set_name(struct trace_thread *t, const char *name)
{
	char *s = strdup(name);
	if (!s)
		return;
	free(t->name);
	t->name = s;
}

static void thread_start(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev)
{
	struct trace_thread *t = &r->cat.threads[c->thread];
	const struct rd_head *h = &c->head;
	t->tid = (uint32_t)h->ev.args[1];
	t->handle = h->ev.args[2];
	if (h->str[0] && !t->name)  /* a name given by its creator already is newer */
		set_name(t, h->str);
	uint32_t parent = thread_of_index(c->file, h->ev.args[0]);
	if (parent != TRACE_NONE && parent != c->thread)
		t->parent = ev->peer_thread = parent;
	rd_map_put(&r->handles, ev->process, h->ev.args[2], c->thread + 1);
}

static void thread_create(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev)
{
	uint64_t index = c->head.ev.args[0];
	uint32_t child = thread_of_index(c->file, index);
	if (child == TRACE_NONE && rd_live(r) && index < UINT32_MAX) {
		/* the child has written nothing yet: link it when it appears */
		rd_map_put(&r->early_parent, ev->process, index, c->thread + 1);
		if (ev->stack)
			rd_map_put(&r->early_stack, ev->process, index, ev->stack);
	}
	bool created = c->head.ev.phase == TRACE_PHASE_END && !c->head.ev.result &&
		       c->head.ev.args[1];
	if (child == TRACE_NONE && created)
		/* a child that wrote nothing (the process ended before it ran):
		 * its handle, reused from an ended thread, no longer names that
		 * one; the child's thread_start maps it if it comes */
		rd_map_put(&r->handles, ev->process, c->head.ev.args[1], HANDLE_UNKNOWN);
	if (child == TRACE_NONE || child == c->thread)
		return;
	ev->peer_thread = child;
	r->cat.threads[child].parent = c->thread;
	/* From now on the handle is the child's, even before its first
	 * record: a handle may be one of an ended thread, reused. */
	if (created)
		rd_map_put(&r->handles, ev->process, c->head.ev.args[1], child + 1);
	if (ev->stack)
		r->cat.threads[child].create_stack = ev->stack;
}

static bool is_join(unsigned op)
{
	return op == TRACE_OP_JOIN || op == TRACE_OP_TIMEDJOIN_NP || op == TRACE_OP_CLOCKJOIN_NP ||
	       op == TRACE_OP_THRD_JOIN;
}

static void thread_by_handle(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev)
{
	const struct rd_head *h = &c->head;
	uint32_t v;
	if (is_join(h->ev.op) && h->ev.phase == TRACE_PHASE_END && c->join_peer && c->join_key == h->key)
		v = c->join_peer;   /* the joined thread's stack may be a new thread's by now */
	else
		v = rd_map_get(&r->handles, ev->process, h->key);
	if (is_join(h->ev.op)) {
		bool begin = h->ev.phase == TRACE_PHASE_BEGIN;
		c->join_peer = begin ? v : 0;
		c->join_key = begin ? h->key : 0;
	}
	if (!v || v == HANDLE_UNKNOWN)
		return;
	ev->peer_thread = v - 1;
	if (h->ev.op == TRACE_OP_SETNAME_NP && h->ev.phase == TRACE_PHASE_END && !h->ev.result)
		set_name(&r->cat.threads[v - 1], h->str);
}

static void thread_ops(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev)
{
	const struct rd_head *h = &c->head;
	struct trace_thread *t = &r->cat.threads[c->thread];
	switch (h->ev.op) {
	case TRACE_OP_THREAD_START:
		thread_start(r, c, ev);
		break;
	case TRACE_OP_THREAD_STACK:
		t->stack_lo = h->ev.args[0];
		t->stack_hi = h->ev.args[1];
		break;
	case TRACE_OP_THREAD_ROOT:
		t->root_cfa = h->ev.args[0];
		t->root_ret = h->ev.args[1];
		t->root_fn = h->ev.args[2];
		break;
	case TRACE_OP_THREAD_END:
		t->ended = true;
		t->end_how = h->ev.args[0] <= TRACE_THREAD_END_UNWOUND ? (uint8_t)h->ev.args[0]
								     : TRACE_THREAD_END_UNWOUND;
		if (!t->handle)
			t->handle = h->key;
		break;
	case TRACE_OP_CREATE: case TRACE_OP_THRD_CREATE:
		thread_create(r, c, ev);
		break;
	case TRACE_OP_FREED:   /* result 1: a realloc that left the block where it was */
		if (!h->ev.result)
			block_freed(r, ev->process, h->ev.args[0], h->ev.args[1]);
		break;
	case TRACE_OP_JOIN: case TRACE_OP_TRYJOIN_NP: case TRACE_OP_TIMEDJOIN_NP:
	case TRACE_OP_CLOCKJOIN_NP: case TRACE_OP_DETACH: case TRACE_OP_CANCEL:
	case TRACE_OP_SETNAME_NP: case TRACE_OP_THRD_JOIN: case TRACE_OP_THRD_DETACH:
		thread_by_handle(r, c, ev);
		break;
	case TRACE_OP_DROPPED:
		t->gaps++;
		t->dropped += h->ev.args[0];
		r->dropped_records += h->ev.args[0];
		if (r->dropped_records > r->cat.dropped)
			r->cat.dropped = r->dropped_records;
		break;
	default:
		break;
	}
}

static void count(struct trace_reader *r, struct rd_cursor *c, const struct trace_event *ev,
		  const struct trace_op_desc *d)
{
	struct trace_catalog *cat = &r->cat;
	struct trace_thread *t = &cat->threads[c->thread];
	struct trace_process *p = &cat->processes[ev->process];
	uint64_t ts = ev->ts_ns;
	if (!t->events++ || ts < t->start_ns)
		t->start_ns = ts;
	if (ts > t->end_ns)
		t->end_ns = ts;
	cat->events++;
	if (!cat->start_ns || ts < cat->start_ns)
		cat->start_ns = ts;
	if (ts > cat->end_ns)
		cat->end_ns = ts;
	if (ts < p->start_ns)
		p->start_ns = ts;
	if (ts > p->end_ns)
		p->end_ns = ts;
	if ((d->flags & TRACE_F_CALL) && ev->phase == TRACE_PHASE_END)
		cat->by_op[ev->op]++;
}

/* Fills ev from c's head and updates the catalog. */
void rd_emit(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev)
{
	const struct rd_head *h = &c->head;
	const struct trace_op_desc *d = &trace_op_descs[h->ev.op];
	uint32_t stack = h->stack ? stack_id(r, c->file, h->stack) : 0;
	*ev = h->ev;
	ev->stack = stack;
	ev->peer_thread = TRACE_NONE;
	if (h->ev.op >= TRACE_OP_OBJ_ROLE && h->ev.op <= TRACE_OP_RUNTIME &&
	    rd_runtime_op(r, c, ev->process)) {
		ev->obj = ev->obj2 = 0;  /* a role names an object, it is no use of it */
		count(r, c, ev, d);
		return;
	}
	ev->obj = h->has_obj ? object_event(r, c, d, ev) : 0;
	/* cond waits: obj2 is the mutex; cond_release/reacquire: the cond */
	uint8_t kind2 = d->kind == TRACE_OBJ_COND ? TRACE_OBJ_MUTEX : TRACE_OBJ_COND;
	ev->obj2 = h->has_obj2 ? resolve(r, c, h->slot2, h->key2, kind2, ev) : 0;
	if (h->ev.op < TRACE_OP_MUTEX_INIT)
		thread_ops(r, c, ev);
	count(r, c, ev, d);
}

/* count() of N more accesses at the time of c's last event: only the
 * counts move. */
static void count_more_accesses(struct trace_reader *r, struct rd_cursor *c, uint32_t n)
{
	r->cat.threads[c->thread].events += n;
	r->cat.events += n;
	if (trace_op_descs[TRACE_OP_ACCESS].flags & TRACE_F_CALL)
		r->cat.by_op[TRACE_OP_ACCESS] += n;
}

void rd_count_accesses(struct trace_reader *r, struct rd_cursor *c, uint32_t n)
{
	if (!n)
		return;
	struct trace_event ev = { .ts_ns = rd_ticks_to_ns(&c->file->clock, c->tick),
				  .thread = c->thread, .process = c->file->process,
				  .op = TRACE_OP_ACCESS, .phase = TRACE_PHASE_END };
	count(r, c, &ev, &trace_op_descs[TRACE_OP_ACCESS]);
	count_more_accesses(r, c, n - 1);
}

void rd_emit_access(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev)
{
	const struct rd_head *h = &c->head;
	*ev = h->ev;
	ev->stack = h->stack ? stack_id(r, c->file, h->stack) : 0;
	ev->peer_thread = TRACE_NONE;
	ev->obj = ev->obj2 = 0;
	count_more_accesses(r, c, 1);
}

void rd_emit_accesses(struct trace_reader *r, struct rd_cursor *c, struct trace_access *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		a[i].stack = a[i].stack ? stack_id(r, c->file, a[i].stack) : 0;
	count_more_accesses(r, c, (uint32_t)n);
}
