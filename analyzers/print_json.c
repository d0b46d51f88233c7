/* SPDX-License-Identifier: MIT */
/* print_json.c - the JSON report of contract.md ("JSON report"), written
 * with json_writer. Fields beyond the contract are additions only. */
#include "print.h"

#include <errno.h>
#include <string.h>

#include "json_writer.h"
#include "report_json.h"

static void json_stack(struct json_writer *w, const struct report *r, uint32_t id)
{
	const struct report_stack *s = report_stack_find(r, id);
	json_writer_begin_array(w);
	for (size_t i = 0; s && i < s->nframes; i++) {
		const struct report_frame *f = &s->frames[i];
		json_writer_begin_object(w);
		if (f->python)
			json_writer_key_null(w, "pc");
		else
			json_writer_key_hex(w, "pc", f->pc);
		json_writer_key_string(w, "function", f->function);
		json_writer_key_string(w, "file", f->file);
		json_writer_key(w, "line");
		if (f->line)
			json_writer_uint(w, f->line);
		else
			json_writer_null(w);
		json_writer_key_string(w, "module", f->module);
		if (f->has_offset)
			json_writer_key_hex(w, "module_offset", f->module_offset);
		if (f->inlined)
			json_writer_key_bool(w, "inlined", true);
		if (f->python)
			json_writer_key_string(w, "language", "python");
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

static const char *mutex_type_name(uint64_t attr)
{
	switch ((enum trace_mutex_type)(attr & TRACE_MUTEX_TYPE_MASK)) {
	case TRACE_MUTEX_NORMAL: return "normal";
	case TRACE_MUTEX_RECURSIVE: return "recursive";
	case TRACE_MUTEX_ERRORCHECK: return "errorcheck";
	case TRACE_MUTEX_DEFAULT: return "default";
	}
	return "normal";
}

static void json_lock(struct json_writer *w, const struct report *r, uint32_t id)
{
	const struct report_lock *l = report_lock_find(r, id);
	if (!id || !l) {
		json_writer_null(w);
		return;
	}
	json_writer_begin_object(w);
	json_writer_key_uint(w, "id", l->id);
	json_writer_key_hex(w, "address", l->address);
	json_writer_key_string(w, "kind", trace_obj_kind_name(l->kind));
	json_writer_key_string(w, "symbol", l->symbol);
	json_writer_key(w, "init_stack");
	json_stack(w, r, l->init_stack);
	if (l->name)
		json_writer_key_string(w, "name", l->name);
	if (l->kind == TRACE_OBJ_THREAD && l->thread != TRACE_NONE)
		json_writer_key_uint(w, "thread", l->thread);
	if (l->kind == TRACE_OBJ_MUTEX && l->initialized)
		json_writer_key_string(w, "type", mutex_type_name(l->attr));
	if (l->kind == TRACE_OBJ_MUTEX && l->initialized && (l->attr & TRACE_MUTEX_ROBUST))
		json_writer_key_bool(w, "robust", true);
	if (l->kind == TRACE_OBJ_MUTEX && l->initialized && (l->attr & TRACE_MUTEX_OMP))
		json_writer_key_bool(w, "omp", true);
	json_writer_end_object(w);
}

static void json_program(struct json_writer *w, const struct report *r)
{
	const struct report_program *p = &r->program;
	json_writer_key(w, "program");
	json_writer_begin_object(w);
	json_writer_key(w, "argv");
	json_writer_begin_array(w);
	for (uint32_t i = 0; i < p->argc; i++)
		json_writer_string(w, p->argv[i]);
	json_writer_end_array(w);
	json_writer_key_uint(w, "pid", p->pid);
	json_writer_key(w, "exit_status");
	if (p->has_exit_status)
		json_writer_int(w, p->exit_status);
	else
		json_writer_null(w);
	json_writer_key_uint(w, "duration_ns", p->duration_ns);
	json_writer_end_object(w);
}

static void json_threads(struct json_writer *w, const struct report *r)
{
	json_writer_key(w, "threads");
	json_writer_begin_array(w);
	for (size_t i = 0; i < r->nthreads; i++) {
		const struct report_thread *t = &r->threads[i];
		json_writer_begin_object(w);
		json_writer_key_uint(w, "id", t->id);
		json_writer_key_uint(w, "tid", t->tid);
		json_writer_key_string(w, "name", t->name);
		report_json_thread(w, "parent", t->parent);
		json_writer_key(w, "create_stack");
		json_stack(w, r, t->create_stack);
		json_writer_key_uint(w, "pid", t->pid);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

/* Findings: whole lock objects and stacks in place (report_json.c). */
struct json_refs_ctx {
	const struct report *r;
};

static void json_lock_ref(void *ctx, struct json_writer *w, uint32_t id)
{
	json_lock(w, ((struct json_refs_ctx *)ctx)->r, id);
}

static void json_stack_ref(void *ctx, struct json_writer *w, uint32_t id)
{
	json_stack(w, ((struct json_refs_ctx *)ctx)->r, id);
}

static void json_findings(struct json_writer *w, const struct report *r)
{
	struct json_refs_ctx ctx = { r };
	const struct report_json_refs refs = { &ctx, json_lock_ref, json_stack_ref };
	json_writer_key(w, "deadlocks");
	json_writer_begin_array(w);
	for (size_t i = 0; i < r->ndeadlocks; i++)
		report_json_deadlock(w, &r->deadlocks[i], &refs);
	json_writer_end_array(w);
	json_writer_key(w, "races");
	json_writer_begin_array(w);
	for (size_t i = 0; i < r->nraces; i++)
		report_json_race(w, &r->races[i], &refs);
	json_writer_end_array(w);
}

static void json_misuse(struct json_writer *w, const struct report *r)
{
	struct json_refs_ctx ctx = { r };
	const struct report_json_refs refs = { &ctx, json_lock_ref, json_stack_ref };
	json_writer_key(w, "misuse");
	json_writer_begin_array(w);
	for (size_t i = 0; i < r->nmisuses; i++)
		report_json_misuse(w, &r->misuses[i], &refs);
	json_writer_end_array(w);
}

static void json_hist(struct json_writer *w, const char *key, const uint64_t *hist)
{
	json_writer_key(w, key);
	json_writer_begin_array(w);
	for (unsigned b = 0; b < REPORT_HIST_BUCKETS; b++) {
		if (!hist[b])
			continue;
		json_writer_begin_object(w);
		json_writer_key_uint(w, "from_ns", b ? 1ull << (b - 1) : 0);
		json_writer_key_uint(w, "count", hist[b]);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

static void json_site(struct json_writer *w, const struct report *r, const struct report_site *s)
{
	json_writer_begin_object(w);
	json_writer_key(w, "stack");
	json_stack(w, r, s->stack);
	json_writer_key_uint(w, "contended", s->contended);
	json_writer_key_uint(w, "wait_ns", s->wait_ns);
	json_writer_key(w, "blamed_holder_stack");
	json_stack(w, r, s->blamed_holder_stack);
	json_writer_key_uint(w, "max_wait_ns", s->max_wait_ns);
	json_writer_key(w, "blamed");
	json_writer_begin_array(w);
	for (size_t k = 0; k < s->nblamed; k++) {
		json_writer_begin_object(w);
		json_writer_key(w, "stack");
		json_stack(w, r, s->blamed[k].stack);
		json_writer_key_uint(w, "wait_ns", s->blamed[k].wait_ns);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
	json_writer_end_object(w);
}

/* The first TOP lockstats (the report sorts them by wait), and how many
 * more there are. */
static void json_contention(struct json_writer *w, const struct report *r, size_t top)
{
	size_t n = r->nlockstats < top ? r->nlockstats : top;
	json_writer_key(w, "contention");
	json_writer_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		const struct report_lockstat *s = &r->lockstats[i];
		json_writer_begin_object(w);
		json_writer_key(w, "lock");
		json_lock(w, r, s->lock);
		if (s->instances) {
			json_writer_key_bool(w, "class", true);
			json_writer_key_uint(w, "instances", s->instances);
		}
		json_writer_key_uint(w, "acquisitions", s->acquisitions);
		json_writer_key_uint(w, "contended", s->contended);
		json_writer_key_uint(w, "wait_ns", s->wait_ns);
		json_writer_key_uint(w, "max_wait_ns", s->max_wait_ns);
		json_writer_key_uint(w, "hold_ns", s->hold_ns);
		json_writer_key_uint(w, "max_hold_ns", s->max_hold_ns);
		json_writer_key(w, "sites");
		json_writer_begin_array(w);
		for (size_t j = 0; j < s->nsites; j++)
			json_site(w, r, &s->sites[j]);
		json_writer_end_array(w);
		json_writer_key_uint(w, "owner_changes", s->owner_changes);
		json_writer_key_uint(w, "timeouts", s->timeouts);
		json_hist(w, "wait_histogram", s->wait_hist);
		json_hist(w, "hold_histogram", s->hold_hist);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
	if (r->nlockstats > n)
		json_writer_key_uint(w, "contention_omitted", r->nlockstats - n);
}

int print_json(FILE *out, const struct report *r, const struct print_options *opt)
{
	struct json_writer w;
	json_writer_init(&w, out);
	json_writer_set_indent(&w, opt ? opt->json_indent : 0);
	json_writer_begin_object(&w);
	json_writer_key_uint(&w, "ctrace_report", REPORT_VERSION);
	json_program(&w, r);
	json_threads(&w, r);
	json_findings(&w, r);
	json_contention(&w, r, opt && opt->contention_top ? opt->contention_top : PRINT_JSON_CONTENTION_TOP);
	json_misuse(&w, r);
	json_writer_key(&w, "trace");
	json_writer_begin_object(&w);
	json_writer_key_uint(&w, "events", r->trace.events);
	json_writer_key_uint(&w, "dropped", r->trace.dropped);
	json_writer_key_uint(&w, "stacks_dropped", r->trace.stacks_dropped);
	json_writer_key_uint(&w, "bytes", r->trace.bytes);
	json_writer_key_uint(&w, "problems", r->trace.problems);
	json_writer_key_bool(&w, "running", r->trace.running_note != NULL);
	json_writer_end_object(&w);
	json_writer_key_uint(&w, "suppressed", r->suppressed);
	json_writer_key(&w, "notes");
	json_writer_begin_array(&w);
	for (size_t i = 0; i < r->nnotes; i++)
		json_writer_string(&w, r->notes[i]);
	json_writer_end_array(&w);
	json_writer_end_object(&w);
	return json_writer_finish(&w) == -EIO ? -EIO : 0;
}
