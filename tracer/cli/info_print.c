/* SPDX-License-Identifier: MIT */
/* info_print.c - formatting a trace's catalog for `ctrace info`. */
#include "info_print.h"

#include <inttypes.h>

#include "json_writer.h"

/* The program: what `ctrace run` saw, else the first process image. */
struct program {
	char **argv;
	uint32_t argc;
	uint32_t pid;
	int exit_status;    /* -1 unknown */
	uint64_t duration_ns;
};

static struct program program_of(const struct trace_catalog *c)
{
	struct program p = { .exit_status = -1, .duration_ns = c->end_ns - c->start_ns };
	if (c->run.present) {
		p.argv = c->run.argv;
		p.argc = c->run.argc;
		p.pid = c->run.pid;
		p.exit_status = c->run.exit_status;
		if (c->run.end_ns > c->run.start_ns)
			p.duration_ns = c->run.end_ns - c->run.start_ns;
	} else if (c->nprocesses) {
		const struct trace_process *pr = &c->processes[0];
		p.argv = pr->argv;
		p.argc = pr->argc;
		p.pid = pr->pid;
		if (pr->exit_flags & TRACE_EXIT_STATUS)
			p.exit_status = pr->exit_status;
		else if (pr->exit_flags & TRACE_EXIT_SIGNAL)
			p.exit_status = 128 + pr->exit_signal;
	}
	return p;
}

static uint64_t objects_of_kind(const struct trace_catalog *c, unsigned kind)
{
	uint64_t n = 0;
	for (uint32_t i = 1; i < c->nobjects; i++)
		n += trace_catalog_object(c, i)->kind == kind;
	return n;
}

/* Sync objects: everything but the internal spawn and thread handles. */
static uint64_t sync_objects(const struct trace_catalog *c)
{
	uint64_t n = 0;
	for (uint32_t i = 1; i < c->nobjects; i++) {
		unsigned kind = trace_catalog_object(c, i)->kind;
		n += kind != TRACE_OBJ_SPAWN && kind != TRACE_OBJ_THREAD;
	}
	return n;
}

static uint64_t stack_count(const struct trace_catalog *c)
{
	return c->nstacks ? c->nstacks - 1 : 0;
}

/* The first process image that ran CPython (the runtime the shim found). */
static const struct trace_process *python_of(const struct trace_catalog *c)
{
	for (uint32_t i = 0; i < c->nprocesses; i++)
		if (c->processes[i].runtime == TRACE_RUNTIME_CPYTHON)
			return &c->processes[i];
	return NULL;
}

/* PY_VERSION_HEX as Python writes it: 3.11.2, 3.13.0rc1. */
static const char *python_version(uint32_t hex, char *buf, size_t size)
{
	static const char *const levels[16] = { [0xA] = "a", [0xB] = "b", [0xC] = "rc" };
	unsigned level = hex >> 4 & 0xf;
	int n = snprintf(buf, size, "%u.%u.%u", hex >> 24, hex >> 16 & 0xff, hex >> 8 & 0xff);
	if (levels[level] && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s%u", levels[level], hex & 0xf);
	return buf;
}

static void print_python_text(const struct trace_catalog *c, FILE *out)
{
	const struct trace_process *p = python_of(c);
	char v[32];
	if (!p)
		return;
	python_version(p->runtime_version, v, sizeof v);
	if (p->runtime_support == TRACE_RUNTIME_FULL)
		fprintf(out, "python:    CPython %s, Python frames recorded\n", v);
	else if (p->runtime_note)  /* it names the version */
		fprintf(out, "python:    %s\n", p->runtime_note);
	else
		fprintf(out, "python:    CPython %s, Python frames not recorded\n", v);
}

static void print_python_json(struct json_writer *w, const struct trace_catalog *c)
{
	const struct trace_process *p = python_of(c);
	char v[32];
	json_writer_key(w, "python");
	if (!p) {
		json_writer_null(w);
		return;
	}
	json_writer_begin_object(w);
	json_writer_key_string(w, "version", python_version(p->runtime_version, v, sizeof v));
	json_writer_key_bool(w, "frames", p->runtime_support == TRACE_RUNTIME_FULL);
	if (p->runtime_note)
		json_writer_key_string(w, "note", p->runtime_note);
	else
		json_writer_key_null(w, "note");
	json_writer_end_object(w);
}

static void print_program_text(const struct trace_catalog *c, FILE *out)
{
	struct program p = program_of(c);
	fprintf(out, "program:   ");
	for (uint32_t i = 0; i < p.argc; i++)
		fprintf(out, "%s%s", i ? " " : "", p.argv[i]);
	fprintf(out, "\npid:       %u", p.pid);
	if (p.exit_status >= 0)
		fprintf(out, " (exit status %d)", p.exit_status);
	fprintf(out, "\nduration:  %.6f s\n", p.duration_ns / 1e9);
	if (c->run.have_usage)
		fprintf(out, "usage:     CPU %.3f s user, %.3f s system; peak RSS %.1f MB\n",
			c->run.user_us / 1e6, c->run.sys_us / 1e6, c->run.max_rss_kb / 1024.0);
	fprintf(out, "processes: %u\n", c->nprocesses);
	for (uint32_t i = 0; i < c->nprocesses; i++) {
		const struct trace_process *pr = &c->processes[i];
		fprintf(out, "  [%u] pid %u%s %s, %u threads, %" PRIu64 " dropped\n", i, pr->pid,
			pr->exec_gen ? " (after exec)" : pr->parent != TRACE_NONE ? " (forked)" : "",
			pr->exe ? pr->exe : "?", pr->nthreads, pr->dropped);
	}
}

static void print_threads_text(const struct trace_catalog *c, FILE *out)
{
	fprintf(out, "threads:   %u\n", c->nthreads);
	for (uint32_t i = 0; i < c->nthreads; i++) {
		const struct trace_thread *t = &c->threads[i];
		char tid[16] = "?";   /* 0: its start was not recorded (dropped) */
		if (t->tid)
			snprintf(tid, sizeof tid, "%u", t->tid);
		fprintf(out, "  T%-4u tid %-7s %-16s %10" PRIu64 " events", t->id, tid,
			t->name ? t->name : "-", t->events);
		if (t->parent != TRACE_NONE)
			fprintf(out, "  created by T%u", t->parent);
		if (t->dropped)
			fprintf(out, "  %" PRIu64 " dropped", t->dropped);
		fputc('\n', out);
	}
}

void info_print_text(const struct trace_reader *r, FILE *out)
{
	const struct trace_catalog *c = trace_reader_catalog(r);
	print_program_text(c, out);
	print_python_text(c, out);
	print_threads_text(c, out);
	fprintf(out, "events:    %" PRIu64 "\n", c->events);
	for (unsigned op = 0; op < TRACE_OP_COUNT; op++)
		if (c->by_op[op])
			fprintf(out, "  %-20s %" PRIu64 "\n", trace_op_descs[op].name, c->by_op[op]);
	fprintf(out, "objects:   %" PRIu64 "\n", sync_objects(c));
	for (unsigned k = TRACE_OBJ_MUTEX; k < TRACE_OBJ_KIND_COUNT; k++)
		if (k != TRACE_OBJ_SPAWN && objects_of_kind(c, k))
			fprintf(out, "  %-20s %" PRIu64 "\n", trace_obj_kind_name(k), objects_of_kind(c, k));
	fprintf(out, "stacks:    %" PRIu64, stack_count(c));
	if (c->stacks_dropped)
		fprintf(out, " (%" PRIu64 " more not stored: the stack table was full; their events have no stack)",
			c->stacks_dropped);
	fputc('\n', out);
	if (c->accesses_seen)
		fprintf(out, "accesses:  %" PRIu64 " seen, %" PRIu64 " kept (%.1f%%)\n", c->accesses_seen,
			c->accesses_kept, 100.0 * (double)c->accesses_kept / (double)c->accesses_seen);
	if (c->atomic_loads_merged)
		fprintf(out, "atomics:   %" PRIu64 " repeated loads merged (not recorded)\n",
			c->atomic_loads_merged);
	fprintf(out, "dropped:   %" PRIu64 "\n", c->dropped);
	fprintf(out, "bytes:     %" PRIu64 " on disk, %" PRIu64 " of records", c->bytes, c->record_bytes);
	if (c->events)
		fprintf(out, " (%.2f bytes/event)", (double)c->record_bytes / (double)c->events);
	fputc('\n', out);
	if (trace_reader_order_gaps(r))
		fprintf(out, "order gaps: %" PRIu64 " (operations without a record: %s)\n",
			trace_reader_order_gaps(r),
			c->dropped ? "lost with the dropped events, or their thread was inside the "
				     "call when the process ended"
				   : "their thread was inside the call when the process ended");
}

static void print_program_json(struct json_writer *w, const struct trace_catalog *c)
{
	struct program p = program_of(c);
	json_writer_key(w, "program");
	json_writer_begin_object(w);
	json_writer_key(w, "argv");
	json_writer_begin_array(w);
	for (uint32_t i = 0; i < p.argc; i++)
		json_writer_string(w, p.argv[i]);
	json_writer_end_array(w);
	json_writer_key_uint(w, "pid", p.pid);
	if (p.exit_status >= 0)
		json_writer_key_int(w, "exit_status", p.exit_status);
	else
		json_writer_key_null(w, "exit_status");
	json_writer_key_uint(w, "duration_ns", p.duration_ns);
	if (c->run.have_usage) {
		json_writer_key_uint(w, "user_us", c->run.user_us);
		json_writer_key_uint(w, "sys_us", c->run.sys_us);
		json_writer_key_uint(w, "max_rss_kb", c->run.max_rss_kb);
	}
	json_writer_end_object(w);
}

static void print_thread_list_json(struct json_writer *w, const struct trace_catalog *c)
{
	json_writer_key(w, "thread_list");
	json_writer_begin_array(w);
	for (uint32_t i = 0; i < c->nthreads; i++) {
		const struct trace_thread *t = &c->threads[i];
		json_writer_begin_object(w);
		json_writer_key_uint(w, "id", t->id);
		json_writer_key_uint(w, "process", t->process);
		json_writer_key_uint(w, "tid", t->tid);
		if (t->name)
			json_writer_key_string(w, "name", t->name);
		else
			json_writer_key_null(w, "name");
		json_writer_key_uint(w, "events", t->events);
		json_writer_key_uint(w, "dropped", t->dropped);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

void info_print_json(const struct trace_reader *r, FILE *out)
{
	const struct trace_catalog *c = trace_reader_catalog(r);
	struct json_writer w;
	json_writer_init(&w, out);
	json_writer_begin_object(&w);
	print_program_json(&w, c);
	print_python_json(&w, c);
	json_writer_key_uint(&w, "processes", c->nprocesses);
	json_writer_key_uint(&w, "threads", c->nthreads);
	json_writer_key_uint(&w, "events", c->events);
	json_writer_key_uint(&w, "dropped", c->dropped);
	json_writer_key_uint(&w, "bytes", c->bytes);
	json_writer_key_uint(&w, "record_bytes", c->record_bytes);
	json_writer_key_uint(&w, "stacks", stack_count(c));
	json_writer_key_uint(&w, "stacks_dropped", c->stacks_dropped);
	json_writer_key_uint(&w, "objects", sync_objects(c));
	json_writer_key_uint(&w, "order_gaps", trace_reader_order_gaps(r));
	json_writer_key(&w, "accesses");
	json_writer_begin_object(&w);
	json_writer_key_uint(&w, "seen", c->accesses_seen);
	json_writer_key_uint(&w, "kept", c->accesses_kept);
	json_writer_key_uint(&w, "atomic_loads_merged", c->atomic_loads_merged);
	json_writer_end_object(&w);
	json_writer_key(&w, "by_kind");
	json_writer_begin_object(&w);
	for (unsigned op = 0; op < TRACE_OP_COUNT; op++)
		if (c->by_op[op])
			json_writer_key_uint(&w, trace_op_descs[op].name, c->by_op[op]);
	json_writer_end_object(&w);
	print_thread_list_json(&w, c);
	json_writer_end_object(&w);
	json_writer_finish(&w);
	fputc('\n', out);
}
