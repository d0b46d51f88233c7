/* SPDX-License-Identifier: MIT */
/* pystack_dump.c - what a trace says about the Python it ran, as JSON for
 * the pystack_* and pynames_* cases to check with jq (the report does not
 * show Python frames yet): each process's runtime, the threads' names, the
 * objects a runtime gave a role, and every distinct (op, thread, stack) of
 * a call whose stack holds Python frames, those frames resolved.
 *
 *   pystack_dump TRACE_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "trace_reader.h"

static void frames_json(struct json_writer *w, const struct trace_catalog *c,
			const struct trace_stack *st)
{
	json_writer_begin_array(w);
	for (uint32_t i = 0; i < st->depth; i++) {
		uint64_t pc = st->pc[i];
		json_writer_begin_object(w);
		if (trace_pc_is_python(pc)) {
			const struct trace_pycode *code = trace_catalog_pycode(c, trace_pyframe_code(pc));
			json_writer_key_string(w, "py", code ? code->qualname : "?");
			json_writer_key_string(w, "file", code ? code->filename : "?");
			json_writer_key_uint(w, "first", code ? code->firstlineno : 0);
			json_writer_key_uint(w, "line", trace_pyframe_line(pc));
			json_writer_key_bool(w, "same_process", code && code->process == st->process);
		} else {
			json_writer_key_hex(w, "pc", pc);
		}
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

static bool has_python(const struct trace_stack *st)
{
	for (uint32_t i = 0; st && i < st->depth; i++)
		if (trace_pc_is_python(st->pc[i]))
			return true;
	return false;
}

struct seen {
	uint64_t *keys;
	size_t n, cap;
};

/* True the first time KEY is seen. */
static bool first_time(struct seen *s, uint64_t key)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->keys[i] == key)
			return false;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->keys = realloc(s->keys, s->cap * sizeof *s->keys);
		if (!s->keys)
			exit(2);
	}
	s->keys[s->n++] = key;
	return true;
}

static void calls_json(struct json_writer *w, struct trace_reader *r)
{
	struct seen seen = { 0 };
	struct trace_event ev;
	json_writer_key(w, "calls");
	json_writer_begin_array(w);
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT) {
		const struct trace_catalog *c = trace_reader_catalog(r);
		const struct trace_stack *st = trace_catalog_stack(c, ev.stack);
		if (!has_python(st) || ev.phase != TRACE_PHASE_END ||
		    !first_time(&seen, (uint64_t)ev.op << 56 ^ (uint64_t)ev.thread << 32 ^ ev.stack))
			continue;
		json_writer_begin_object(w);
		json_writer_key_string(w, "op", trace_op_descs[ev.op].name);
		json_writer_key_uint(w, "thread", ev.thread);
		json_writer_key_uint(w, "process", ev.process);
		json_writer_key(w, "stack");
		frames_json(w, c, st);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
	free(seen.keys);
}

static void catalog_json(struct json_writer *w, const struct trace_catalog *c)
{
	json_writer_key(w, "processes");
	json_writer_begin_array(w);
	for (uint32_t i = 0; i < c->nprocesses; i++) {
		const struct trace_process *p = &c->processes[i];
		json_writer_begin_object(w);
		json_writer_key_uint(w, "pid", p->pid);
		json_writer_key_uint(w, "runtime", p->runtime);
		json_writer_key_hex(w, "version", p->runtime_version);
		json_writer_key_uint(w, "support", p->runtime_support);
		if (p->runtime_note)
			json_writer_key_string(w, "note", p->runtime_note);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
	json_writer_key(w, "threads");
	json_writer_begin_array(w);
	for (uint32_t i = 0; i < c->nthreads; i++) {
		json_writer_begin_object(w);
		json_writer_key_uint(w, "process", c->threads[i].process);
		if (c->threads[i].name)
			json_writer_key_string(w, "name", c->threads[i].name);
		else
			json_writer_key_null(w, "name");
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
	json_writer_key(w, "roles");
	json_writer_begin_array(w);
	for (uint32_t i = 1; i < c->nobjects; i++) {
		const struct trace_object *o = trace_catalog_object(c, i);
		if (!o->role)
			continue;
		json_writer_begin_object(w);
		json_writer_key_uint(w, "role", o->role);
		json_writer_key_string(w, "name", o->name ? o->name : "");
		json_writer_key_string(w, "kind", trace_obj_kind_name(o->kind));
		json_writer_key_uint(w, "process", o->process);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
	json_writer_key_uint(w, "pycodes", c->npycodes ? c->npycodes - 1 : 0);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pystack_dump TRACE_DIR\n");
		return 2;
	}
	struct ct_error err = { 0 };
	struct trace_reader *r = trace_reader_open(argv[1], 0, &err);
	if (!r) {
		fprintf(stderr, "pystack_dump: cannot read %s\n", argv[1]);
		return 2;
	}
	struct json_writer w;
	json_writer_init(&w, stdout);
	json_writer_begin_object(&w);
	calls_json(&w, r);
	catalog_json(&w, trace_reader_catalog(r));
	json_writer_key_uint(&w, "problems", trace_reader_error_count(r));
	json_writer_end_object(&w);
	json_writer_finish(&w);
	putchar('\n');
	trace_reader_free(r);
	return 0;
}
