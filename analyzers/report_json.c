/* SPDX-License-Identifier: MIT */
/* report_json.c - findings as JSON objects (see report_json.h); field
 * names and order of contract.md, additions after the contract's fields. */
#include "report_json.h"

#include <string.h>

void report_json_thread(struct json_writer *w, const char *key, uint32_t id)
{
	json_writer_key(w, key);
	if (id == TRACE_NONE)
		json_writer_null(w);
	else
		json_writer_uint(w, id);
}

static void rj_lock(struct json_writer *w, const struct report_json_refs *refs, const char *key,
		    uint32_t id)
{
	json_writer_key(w, key);
	refs->lock(refs->ctx, w, id);
}

static void rj_stack(struct json_writer *w, const struct report_json_refs *refs, const char *key,
		     uint32_t id)
{
	json_writer_key(w, key);
	refs->stack(refs->ctx, w, id);
}

static void rj_edge(struct json_writer *w, const struct report_deadlock *d, const struct report_edge *e,
		    const struct report_json_refs *refs)
{
	json_writer_begin_object(w);
	report_json_thread(w, "thread", e->thread);
	rj_lock(w, refs, "holding", e->holding);
	rj_lock(w, refs, "acquiring", e->acquiring);
	rj_stack(w, refs, "holding_stack", e->holding_stack);
	rj_stack(w, refs, "acquiring_stack", e->acquiring_stack);
	json_writer_key_bool(w, "holding_read", e->holding_read);
	json_writer_key_bool(w, "acquiring_read", e->acquiring_read);
	if (d->kind != REPORT_DEADLOCK_LOCK_ORDER) {
		report_json_thread(w, "owner", e->owner);
		const struct trace_op_desc *od = trace_op_desc(e->op);
		json_writer_key_string(w, "op", od ? od->name : NULL);
		json_writer_key_uint(w, "wait_ns", e->wait_ns);
		if (e->waiting_for != TRACE_NONE)
			report_json_thread(w, "waiting_for", e->waiting_for);
	}
	json_writer_end_object(w);
}

void report_json_deadlock(struct json_writer *w, const struct report_deadlock *d,
			  const struct report_json_refs *refs)
{
	json_writer_begin_object(w);
	json_writer_key_string(w, "kind", report_deadlock_kind_name(d->kind));
	json_writer_key(w, "cycle");
	json_writer_begin_array(w);
	for (size_t j = 0; j < d->ncycle; j++)
		rj_edge(w, d, &d->cycle[j], refs);
	json_writer_end_array(w);
	json_writer_key_bool(w, "concurrent", d->concurrent);
	if (d->kind == REPORT_DEADLOCK_LOCK_ORDER && !d->concurrent)
		json_writer_key_string(w, "ordered_by", d->one_thread ? "one-thread" : "create/join");
	if (d->note)
		json_writer_key_string(w, "note", d->note);
	json_writer_end_object(w);
}

static void rj_access(struct json_writer *w, const struct report_access *ac,
		      const struct report_json_refs *refs)
{
	json_writer_begin_object(w);
	report_json_thread(w, "thread", ac->thread);
	json_writer_key_string(w, "op", ac->write ? "write" : "read");
	json_writer_key_bool(w, "atomic", ac->atomic);
	rj_stack(w, refs, "stack", ac->stack);
	json_writer_key(w, "locks_held");
	json_writer_begin_array(w);
	for (size_t k = 0; k < ac->nlocks_held; k++)
		json_writer_uint(w, ac->locks_held[k]);
	json_writer_end_array(w);
	json_writer_key(w, "locks");   /* the same, as lock objects */
	json_writer_begin_array(w);
	for (size_t k = 0; k < ac->nlocks_held; k++)
		refs->lock(refs->ctx, w, ac->locks_held[k]);
	json_writer_end_array(w);
	json_writer_key_hex(w, "address", ac->address);
	json_writer_key_uint(w, "size", ac->size);
	json_writer_key_uint(w, "ts_ns", ac->ts_ns);
	if (ac->flags & TRACE_ACCESS_FREE)
		json_writer_key_bool(w, "free", true);
	if (ac->flags & REPORT_ACCESS_ALLOC)
		json_writer_key_bool(w, "alloc", true);
	if (ac->flags & TRACE_ACCESS_RANGE)
		json_writer_key_bool(w, "range", true);
	if (ac->flags & TRACE_ACCESS_VPTR)
		json_writer_key_bool(w, "vptr", true);
	if (ac->op) {
		const struct trace_op_desc *od = trace_op_desc(ac->op);
		json_writer_key_string(w, "call", od ? od->name : NULL);
	}
	json_writer_end_object(w);
}

void report_json_race(struct json_writer *w, const struct report_race *x,
		      const struct report_json_refs *refs)
{
	json_writer_begin_object(w);
	json_writer_key_hex(w, "address", x->address);
	json_writer_key_uint(w, "size", x->size);
	json_writer_key_string(w, "symbol", x->symbol);
	json_writer_key(w, "accesses");
	json_writer_begin_array(w);
	for (int a = 0; a < 2; a++)
		rj_access(w, &x->accesses[a], refs);
	json_writer_end_array(w);
	json_writer_key_string(w, "kind", report_race_kind_name(x->kind));
	json_writer_key_string(w, "location", report_location_name(x->location));
	if (x->location == REPORT_LOCATION_HEAP) {
		json_writer_key_uint(w, "offset", x->offset);
		json_writer_key(w, "block");
		json_writer_begin_object(w);
		json_writer_key_hex(w, "address", x->block);
		json_writer_key_uint(w, "size", x->block_size);
		report_json_thread(w, "thread", x->block_thread);
		rj_stack(w, refs, "allocation_stack", x->block_stack);
		if (x->block_freed) {
			json_writer_key_bool(w, "freed", true);
			report_json_thread(w, "free_thread", x->free_thread);
			rj_stack(w, refs, "free_stack", x->free_stack);
		}
		json_writer_end_object(w);
	}
	if (x->location == REPORT_LOCATION_TLS)
		report_json_thread(w, "tls_of_thread", x->stack_thread);
	if (x->location == REPORT_LOCATION_STACK) {
		report_json_thread(w, "stack_of_thread", x->stack_thread);
		json_writer_key_string(w, "function", x->function);
		if (x->stack_hi) {
			json_writer_key(w, "thread_stack");
			json_writer_begin_object(w);
			json_writer_key_hex(w, "low", x->stack_lo);
			json_writer_key_hex(w, "high", x->stack_hi);
			json_writer_end_object(w);
		}
	}
	if (x->object)
		rj_lock(w, refs, "object", x->object);
	json_writer_end_object(w);
}

void report_json_misuse(struct json_writer *w, const struct report_misuse *m,
			const struct report_json_refs *refs)
{
	json_writer_begin_object(w);
	json_writer_key_string(w, "kind", report_misuse_kind_name(m->kind));
	report_json_thread(w, "thread", m->thread);
	rj_lock(w, refs, "lock", m->lock);
	rj_stack(w, refs, "stack", m->stack);
	json_writer_key_string(w, "message", m->message);
	json_writer_key_string(w, "severity",
			       report_severity_name(report_misuse_kind_severity(m->kind)));
	json_writer_key_uint(w, "count", m->count);
	if (m->other_thread != TRACE_NONE)
		report_json_thread(w, "other_thread", m->other_thread);
	if (m->other_lock)
		rj_lock(w, refs, "other_lock", m->other_lock);
	if (m->cond)
		rj_lock(w, refs, "cond", m->cond);
	if (m->other_stack)
		rj_stack(w, refs, "other_stack", m->other_stack);
	if (m->error)
		json_writer_key_string(w, "errno", strerrorname_np(m->error));
	json_writer_end_object(w);
}
