/* SPDX-License-Identifier: MIT */
/* render_html_json.c - the data embedded in the `ctrace view` page (format
 * in render_html.h): program, threads, lanes as span columns, finding marks,
 * the report's findings by id, then the locks and stacks they reference. */
#include "render_html_priv.h"

#include "python_frames.h"
#include "report_json.h"

#include <string.h>

#define HTML_STACK_MAX 128

static void key_lock(struct html_page *pg, struct json_writer *w, const char *key, uint32_t id)
{
	if (!id) {
		json_writer_key_null(w, key);
		return;
	}
	html_use_obj(pg, id);
	json_writer_key_uint(w, key, id);
}

static void key_stack(struct html_page *pg, struct json_writer *w, const char *key, uint32_t id)
{
	html_use_stack(pg, id);
	json_writer_key_uint(w, key, id);
}

static void write_program(struct html_page *pg, struct json_writer *w)
{
	const struct trace_catalog *cat = pg->cat;
	const struct trace_process *p = cat->nprocesses ? &cat->processes[0] : NULL;
	char **argv = cat->run.present && cat->run.argc ? cat->run.argv : p ? p->argv : NULL;

	json_writer_key(w, "program");
	json_writer_begin_object(w);
	json_writer_key(w, "argv");
	json_writer_begin_array(w);
	for (size_t i = 0; argv && argv[i]; i++)
		json_writer_string(w, argv[i]);
	json_writer_end_array(w);
	json_writer_key_uint(w, "pid", cat->run.present ? cat->run.pid : p ? p->pid : 0);
	if (cat->run.present && cat->run.exit_status >= 0)
		json_writer_key_int(w, "exit_status", cat->run.exit_status);
	else if (p && (p->exit_flags & TRACE_EXIT_STATUS))
		json_writer_key_int(w, "exit_status", p->exit_status);
	else
		json_writer_key_null(w, "exit_status");
	json_writer_end_object(w);
}

static void write_states(struct json_writer *w)
{
	json_writer_key(w, "states");
	json_writer_begin_array(w);
	for (unsigned s = 0; s < TL_STATE_COUNT; s++)
		json_writer_string(w, tl_state_name((enum tl_state)s));
	json_writer_string(w, "hold (read)");   /* HTML_STATE_READ_HOLD */
	json_writer_end_array(w);
}

static void write_threads(struct html_page *pg, struct json_writer *w)
{
	const struct trace_catalog *cat = pg->cat;
	json_writer_key(w, "threads");
	json_writer_begin_array(w);
	for (uint32_t t = 0; t < cat->nthreads; t++) {
		const struct trace_thread *th = &cat->threads[t];
		json_writer_begin_object(w);
		json_writer_key_uint(w, "id", th->id);
		json_writer_key_uint(w, "tid", th->tid);
		json_writer_key_uint(w, "pid", th->process < cat->nprocesses ?
				     cat->processes[th->process].pid : 0);
		json_writer_key_string(w, "name", th->name);
		report_json_thread(w, "parent", th->parent);
		key_stack(pg, w, "create_stack", th->create_stack);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

enum html_column { COL_T, COL_D, COL_S, COL_O, COL_H, COL_K, COL_COUNT };

/* One column of a span table; marks the objects and stacks it names. */
static void write_column(struct html_page *pg, struct json_writer *w,
			 const struct html_spans *s, enum html_column col)
{
	static const char *const names[COL_COUNT] = { "t", "d", "s", "o", "h", "k" };
	uint64_t prev = pg->t0;
	json_writer_key(w, names[col]);
	json_writer_begin_array(w);
	for (size_t i = 0; i < s->n; i++) {
		const struct html_span *sp = &s->v[i];
		switch (col) {
		case COL_T:   /* sorted, at or after t0: the guard is for damaged input */
			json_writer_uint(w, sp->begin_ns > prev ? sp->begin_ns - prev : 0);
			prev = sp->begin_ns > prev ? sp->begin_ns : prev;
			break;
		case COL_D: json_writer_uint(w, sp->end_ns - sp->begin_ns); break;
		case COL_S: json_writer_uint(w, sp->state); break;
		case COL_O: html_use_obj(pg, sp->obj); json_writer_uint(w, sp->obj); break;
		case COL_H: json_writer_int(w, sp->peer); break;
		case COL_K: html_use_stack(pg, sp->stack); json_writer_uint(w, sp->stack); break;
		case COL_COUNT: break;
		}
	}
	json_writer_end_array(w);
}

static void write_table(struct html_page *pg, struct json_writer *w, const char *key,
			const struct html_spans *s, bool with_peer)
{
	json_writer_key(w, key);
	json_writer_begin_object(w);
	for (int col = 0; col < COL_COUNT; col++)
		if (col != COL_H || with_peer)
			write_column(pg, w, s, (enum html_column)col);
	json_writer_end_object(w);
}

static void write_lanes(struct html_page *pg, struct json_writer *w)
{
	json_writer_key(w, "lanes");
	json_writer_begin_array(w);
	for (uint32_t t = 0; t < pg->nlanes; t++) {
		const struct html_lane *l = &pg->lanes[t];
		if (!l->seen)
			continue;
		json_writer_begin_object(w);
		json_writer_key_uint(w, "thread", t);
		write_table(pg, w, "spans", &l->waits, true);
		write_table(pg, w, "holds", &l->holds, false);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

/* The color class of a mark: a deadlocks entry keeps its own kind
 * ("deadlock", "stall", "lock-order-inversion": a potential deadlock is not
 * shown as a real one), then "race" or "misuse". */
static const char *mark_kind(const struct html_mark *m)
{
	if (!strncmp(m->key, "deadlocks:", 10))
		return m->label;
	if (!strncmp(m->key, "races:", 6))
		return "race";
	return "misuse";
}

static void write_marks(struct html_page *pg, struct json_writer *w)
{
	json_writer_key(w, "marks");
	json_writer_begin_array(w);
	for (size_t i = 0; i < pg->nmarks; i++) {
		const struct html_mark *m = &pg->marks[i];
		json_writer_begin_object(w);
		json_writer_key_uint(w, "thread", m->thread);
		json_writer_key_uint(w, "ts", m->ts_ns > pg->t0 ? m->ts_ns - pg->t0 : 0);
		json_writer_key_string(w, "kind", mark_kind(m));
		json_writer_key_string(w, "label", m->label);
		json_writer_key_string(w, "finding", m->key);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

/* Findings name locks and stacks by id, into the page's tables. */
static void ref_lock(void *ctx, struct json_writer *w, uint32_t id)
{
	if (!id) {
		json_writer_null(w);
		return;
	}
	html_use_obj(ctx, id);
	json_writer_uint(w, id);
}

static void ref_stack(void *ctx, struct json_writer *w, uint32_t id)
{
	html_use_stack(ctx, id);
	json_writer_uint(w, id);
}

static void write_lockstat(struct html_page *pg, struct json_writer *w,
			   const struct report_lockstat *s)
{
	json_writer_begin_object(w);
	key_lock(pg, w, "lock", s->lock);
	json_writer_key_uint(w, "acquisitions", s->acquisitions);
	json_writer_key_uint(w, "contended", s->contended);
	json_writer_key_uint(w, "wait_ns", s->wait_ns);
	json_writer_key_uint(w, "max_wait_ns", s->max_wait_ns);
	json_writer_key_uint(w, "hold_ns", s->hold_ns);
	json_writer_key_uint(w, "max_hold_ns", s->max_hold_ns);
	json_writer_key(w, "sites");
	json_writer_begin_array(w);
	for (size_t i = 0; i < s->nsites; i++) {
		const struct report_site *site = &s->sites[i];
		json_writer_begin_object(w);
		key_stack(pg, w, "stack", site->stack);
		json_writer_key_uint(w, "contended", site->contended);
		json_writer_key_uint(w, "wait_ns", site->wait_ns);
		key_stack(pg, w, "blamed_holder_stack", site->blamed_holder_stack);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
	json_writer_end_object(w);
}

static void write_findings(struct html_page *pg, struct json_writer *w)
{
	const struct report *r = pg->opt->report;
	const struct report_json_refs refs = { pg, ref_lock, ref_stack };
	size_t n[4] = { 0 };
	if (r) {
		n[0] = r->ndeadlocks;
		n[1] = r->nraces;
		n[2] = r->nmisuses;
		n[3] = r->nlockstats;
	}
	json_writer_key(w, "findings");
	json_writer_begin_object(w);
	json_writer_key(w, "deadlocks");
	json_writer_begin_array(w);
	for (size_t i = 0; i < n[0]; i++)
		report_json_deadlock(w, &r->deadlocks[i], &refs);
	json_writer_end_array(w);
	json_writer_key(w, "races");
	json_writer_begin_array(w);
	for (size_t i = 0; i < n[1]; i++)
		report_json_race(w, &r->races[i], &refs);
	json_writer_end_array(w);
	json_writer_key(w, "misuse");
	json_writer_begin_array(w);
	for (size_t i = 0; i < n[2]; i++)
		report_json_misuse(w, &r->misuses[i], &refs);
	json_writer_end_array(w);
	json_writer_key(w, "contention");
	json_writer_begin_array(w);
	for (size_t i = 0; i < n[3]; i++)
		write_lockstat(pg, w, &r->lockstats[i]);
	json_writer_end_array(w);
	json_writer_end_object(w);
}

static const char *lock_symbol(struct html_page *pg, uint32_t id, const struct trace_object *o)
{
	const struct render_html_symbols *sym = pg->opt->symbols;
	if (sym && sym->object_symbol)
		return sym->object_symbol(sym->ctx, o);
	const struct report_lock *rl = pg->opt->report ? report_lock_find(pg->opt->report, id) : NULL;
	return rl ? rl->symbol : NULL;
}

/* The trace's name, else the report's (where Python code made it). */
static const char *lock_name(struct html_page *pg, uint32_t id, const struct trace_object *o)
{
	const struct report_lock *rl = pg->opt->report ? report_lock_find(pg->opt->report, id) : NULL;
	return o->name ? o->name : rl ? rl->name : NULL;
}

/* The thread a thread object (keyed by its pthread_t) stands for. */
static uint32_t lock_thread(const struct trace_catalog *cat, const struct trace_object *o)
{
	for (uint32_t t = 0; t < cat->nthreads; t++)
		if (cat->threads[t].handle == o->key && cat->threads[t].process == o->process)
			return t;
	return TRACE_NONE;
}

static void write_locks(struct html_page *pg, struct json_writer *w)
{
	json_writer_key(w, "locks");
	json_writer_begin_array(w);
	for (uint32_t id = 1; id < pg->nused_obj; id++) {
		const struct trace_object *o = trace_catalog_object(pg->cat, id);
		if (!pg->used_obj[id] || !o)
			continue;
		json_writer_begin_object(w);
		json_writer_key_uint(w, "id", id);
		json_writer_key_string(w, "kind", trace_obj_kind_name((enum trace_obj_kind)o->kind));
		if (o->kind == TRACE_OBJ_MQ)
			json_writer_key_null(w, "address");
		else
			json_writer_key_hex(w, "address", o->key);
		json_writer_key_string(w, "symbol", lock_symbol(pg, id, o));
		json_writer_key_string(w, "name", lock_name(pg, id, o));
		if (o->kind == TRACE_OBJ_THREAD)
			report_json_thread(w, "thread", lock_thread(pg->cat, o));
		key_stack(pg, w, "init_stack", o->init_stack);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

static void write_frame(struct json_writer *w, const struct render_html_frame *f)
{
	json_writer_begin_array(w);
	if (f->python)
		json_writer_null(w);
	else
		json_writer_hex(w, f->pc);
	json_writer_string(w, f->function);
	json_writer_string(w, f->file);
	json_writer_uint(w, f->line);
	json_writer_string(w, f->module);
	if (f->python)
		json_writer_string(w, "python");
	json_writer_end_array(w);
}

/* Frames from the command's symbolizer, else the report's, else raw pcs. */
static void write_stack(struct html_page *pg, struct json_writer *w, uint32_t id)
{
	const struct render_html_symbols *sym = pg->opt->symbols;
	const struct report_stack *rs = pg->opt->report ? report_stack_find(pg->opt->report, id) : NULL;
	const struct trace_stack *cs = trace_catalog_stack(pg->cat, id);
	struct render_html_frame f[HTML_STACK_MAX];
	json_writer_begin_array(w);
	if (sym && sym->stack) {
		size_t n = sym->stack(sym->ctx, id, f, HTML_STACK_MAX);
		for (size_t i = 0; i < n && i < HTML_STACK_MAX; i++)
			write_frame(w, &f[i]);
	} else if (rs) {
		for (size_t i = 0; i < rs->nframes; i++) {
			const struct report_frame *r = &rs->frames[i];
			f[0] = (struct render_html_frame){ r->pc, r->function, r->file, r->line, r->module,
							   r->python };
			write_frame(w, &f[0]);
		}
	} else if (cs) {
		for (uint32_t i = 0; i < cs->depth; i++) {
			const struct sym_frame py = trace_pc_is_python(cs->pc[i]) ?
				python_frame(pg->cat, cs->pc[i]) : (struct sym_frame){ .pc = cs->pc[i] };
			f[0] = (struct render_html_frame){ py.pc, py.function, py.file, py.line, NULL,
							   py.python };
			write_frame(w, &f[0]);
		}
	}
	json_writer_end_array(w);
}

static void write_stacks(struct html_page *pg, struct json_writer *w)
{
	char key[16];
	json_writer_key(w, "stacks");
	json_writer_begin_object(w);
	for (uint32_t id = 1; id < pg->nused_stack; id++) {
		if (!pg->used_stack[id])
			continue;
		snprintf(key, sizeof(key), "%u", id);
		json_writer_key(w, key);
		write_stack(pg, w, id);
	}
	json_writer_end_object(w);
}

void html_write_data(struct html_page *pg, struct json_writer *w)
{
	const struct trace_catalog *cat = pg->cat;
	json_writer_begin_object(w);
	json_writer_key_uint(w, "ctrace_view", RENDER_HTML_VERSION);
	write_program(pg, w);
	json_writer_key_uint(w, "start_ns", pg->t0);
	json_writer_key_uint(w, "duration_ns", pg->t1 - pg->t0);
	json_writer_key_uint(w, "events", cat->events);
	json_writer_key_uint(w, "dropped", cat->dropped);
	write_states(w);
	write_threads(pg, w);
	write_lanes(pg, w);
	write_marks(pg, w);
	write_findings(pg, w);
	if (pg->opt->findings_note)
		json_writer_key_string(w, "findings_note", pg->opt->findings_note);
	/* after everything that names locks and stacks */
	write_locks(pg, w);
	write_stacks(pg, w);
	json_writer_end_object(w);
}
