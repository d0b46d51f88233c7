/* SPDX-License-Identifier: MIT */
/* test_reader_python.c - what a language runtime adds to a trace, written
 * by the real writer and read back: Python code entries and the Python
 * frames of stacks (code ids per process, trace-wide in the catalog),
 * damaged code entries, and the RUNTIME, THREAD_NAME and OBJ_ROLE records. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *const dir = tw_dir;

static uint32_t add_code(struct tw *t, uint32_t first, const char *file, const char *qual)
{
	return trace_writer_add_pycode(&t->w, first, file, strlen(file), qual, strlen(qual));
}

/* Codes of two processes, stacks mixing native and Python frames. */
static void test_pycodes(void **state)
{
	(void)state;
	struct tw a, b;
	char longname[700];
	memset(longname, 'd', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	memcpy(longname + sizeof longname - 9, "/end.py", 8);
	tw_open(&a, dir, 500, TRACE_CLOCK_MONOTONIC);
	tw_open(&b, dir, 501, TRACE_CLOCK_MONOTONIC);
	assert_int_equal(add_code(&a, 10, "/app/main.py", "Worker.run"), 1);
	assert_int_equal(add_code(&a, 3, longname, "<module>"), 2);
	assert_int_equal(add_code(&b, 7, "/app/other.py", "f"), 1);
	uint64_t sa[5] = { 0x401000, trace_pyframe(1, 12), trace_pyframe(2, 5), 0x402000,
			   trace_pyframe(9, 1) /* no such code: lost */ };
	uint64_t sb[2] = { 0x401000, trace_pyframe(1, 8) };
	uint64_t deep[TRACE_ENTRY_WORDS_MAX];
	for (uint32_t i = 0; i < TRACE_ENTRY_WORDS_MAX; i++)
		deep[i] = i % 2 ? trace_pyframe(1, i) : 0x500000 + i;
	assert_int_equal(trace_writer_intern_stack(&a.w, sa, 5), 1);
	assert_int_equal(trace_writer_intern_stack(&a.w, deep, TRACE_ENTRY_WORDS_MAX), 2);
	assert_int_equal(trace_writer_intern_stack(&b.w, sb, 2), 1);
	tw_stack_rec(&a, 1, 1);
	tw_stack_rec(&a, 2, 2);
	tw_stack_rec(&b, 3, 1);
	tw_close(&a);
	tw_close(&b);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 3);
	assert_int_equal(cat->npycodes, 4);
	assert_null(trace_catalog_pycode(cat, 0));
	const struct trace_stack *s = trace_catalog_stack(cat, e.ev[0].stack);
	assert_int_equal(s->depth, 5);
	assert_int_equal(s->pc[0], 0x401000);
	assert_int_equal(s->pc[3], 0x402000);
	const struct trace_pycode *c = trace_catalog_pycode(cat, trace_pyframe_code(s->pc[1]));
	assert_non_null(c);
	assert_string_equal(c->filename, "/app/main.py");
	assert_string_equal(c->qualname, "Worker.run");
	assert_int_equal(c->firstlineno, 10);
	assert_int_equal(c->process, 0);
	assert_int_equal(trace_pyframe_line(s->pc[1]), 12);
	c = trace_catalog_pycode(cat, trace_pyframe_code(s->pc[2]));
	assert_int_equal(strlen(c->filename), TRACE_PYCODE_FILENAME_MAX);  /* its end kept */
	assert_string_equal(c->filename + TRACE_PYCODE_FILENAME_MAX - 7, "/end.py");
	assert_string_equal(c->qualname, "<module>");
	assert_true(trace_pc_is_python(s->pc[4]));
	assert_int_equal(trace_pyframe_code(s->pc[4]), 0);
	assert_int_equal(trace_pyframe_line(s->pc[4]), 1);

	s = trace_catalog_stack(cat, e.ev[1].stack);
	assert_int_equal(s->depth, TRACE_ENTRY_WORDS_MAX);
	assert_int_equal(trace_pyframe_line(s->pc[127]), 127);
	assert_string_equal(trace_catalog_pycode(cat, trace_pyframe_code(s->pc[127]))->qualname,
			    "Worker.run");

	s = trace_catalog_stack(cat, e.ev[2].stack);
	c = trace_catalog_pycode(cat, trace_pyframe_code(s->pc[1]));
	assert_string_equal(c->filename, "/app/other.py");  /* B's code 1, not A's */
	assert_int_equal(c->process, 1);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* The offset of the first STACKS chunk of FILE. */
static uint64_t stacks_chunk(const char *file)
{
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	struct trace_chunk_header h;
	for (uint64_t off = 0;; off += TRACE_ALIGN) {
		assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
		if (fread(&h, sizeof h, 1, f) != 1)
			fail_msg("no stacks chunk in %s", file);
		if (h.magic == TRACE_CHUNK_MAGIC && h.type == TRACE_CHUNK_STACKS) {
			fclose(f);
			return off;
		}
	}
}

/* A code entry, then a stack using it; returns the file and the entry's
 * offset. */
static uint64_t write_code_then_stack(char *file, size_t size)
{
	struct tw t;
	tw_open(&t, dir, 600, TRACE_CLOCK_MONOTONIC);
	assert_int_equal(add_code(&t, 1, "/a.py", "g"), 1);
	uint64_t pcs[2] = { 0x401000, trace_pyframe(1, 2) };
	assert_int_equal(trace_writer_intern_stack(&t.w, pcs, 2), 1);
	tw_stack_rec(&t, 1, 1);
	tw_close(&t);
	tw_file(file, size, dir, 600);
	return stacks_chunk(file) + sizeof(struct trace_chunk_header);
}

static void check_problem(struct trace_reader *r, const char *file, uint64_t off, const char *what)
{
	const struct ct_error *err = trace_reader_error(r);
	assert_non_null(err);
	assert_string_equal(err->file, file);
	assert_true(err->has_offset);
	assert_int_equal(err->offset, off);
	if (!strstr(err->msg, what))
		fail_msg("error \"%s\" does not say \"%s\"", err->msg, what);
}

/* Lengths beyond the entry's words: a problem at the entry, the rest of the
 * chunk unread (the stack after it is unknown), the events still read. */
static void test_pycode_damaged(void **state)
{
	(void)state;
	char file[512];
	uint64_t off = write_code_then_stack(file, sizeof file);
	uint16_t len = 200;
	tw_patch(file, off + sizeof(struct trace_stack_entry) +
		 offsetof(struct trace_pycode_entry, filename_len), &len, sizeof len);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	check_problem(r, file, off, "bad code entry");
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].stack, 0);
	assert_int_equal(trace_reader_catalog(r)->npycodes, 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A code entry whose words run past the file's end (truncated), and one
 * of an unknown kind: the same rules as stack entries. */
static void test_pycode_truncated(void **state)
{
	(void)state;
	char file[512];
	uint64_t off = write_code_then_stack(file, sizeof file);
	uint16_t depth = 5000;
	tw_patch(file, off + offsetof(struct trace_stack_entry, depth), &depth, sizeof depth);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	check_problem(r, file, off, "bad code entry (id 1, depth 5000, kind 1)");
	trace_reader_free(r);
	tw_events_release(&e);

	tw_rmdir(dir);
	tw_mkdir(dir);
	off = write_code_then_stack(file, sizeof file);
	uint16_t kind = 7;
	tw_patch(file, off + offsetof(struct trace_stack_entry, kind), &kind, sizeof kind);
	r = tw_read(dir, &e);
	check_problem(r, file, off, "kind 7");
	assert_int_equal(e.n, 1);
	trace_reader_free(r);
	tw_events_release(&e);
}

static void rec(struct tw *t, uint8_t op, uint64_t tick, uint64_t key, uint64_t a0, uint64_t a1,
		uint64_t a2, const char *str)
{
	struct trace_rec r = { .op = op, .tick = tick, .key = key, .args = { a0, a1, a2 },
			       .str = str };
	if (trace_op_descs[op].flags & TRACE_F_OBJ && op != TRACE_OP_OBJ_ROLE)
		r.seq = trace_writer_stamp(&t->w, key);
	tw_write(t, 0, &r);
}

/* RUNTIME fills the process; THREAD_NAME names the thread, the last one
 * wins; OBJ_ROLE names the object at its key, before and after its first
 * use, and every later incarnation at that key, in that process only. */
static void test_runtime_records(void **state)
{
	(void)state;
	struct tw t;
	const uint64_t gil = 0xa5b8f8, cond = 0xa5b8c8, other = 0x7000;
	tw_open(&t, dir, 700, TRACE_CLOCK_MONOTONIC);
	rec(&t, TRACE_OP_RUNTIME, 1, 0, TRACE_RUNTIME_CPYTHON, 0x30b02f0, TRACE_RUNTIME_FULL, "");
	rec(&t, TRACE_OP_THREAD_NAME, 2, 0, 0, 0, 0, "MainThread");
	rec(&t, TRACE_OP_COND_INIT, 3, cond, 0, 0, 0, NULL);
	rec(&t, TRACE_OP_OBJ_ROLE, 4, gil, TRACE_ROLE_GIL_MUTEX, 0, 0, "GIL");
	rec(&t, TRACE_OP_OBJ_ROLE, 5, cond, TRACE_ROLE_GIL_COND, 0, 0, "GIL cond");
	rec(&t, TRACE_OP_MUTEX_LOCK, 6, gil, 0, 0, 0, NULL);
	rec(&t, TRACE_OP_MUTEX_UNLOCK, 7, gil, 0, 0, 0, NULL);
	rec(&t, TRACE_OP_MUTEX_DESTROY, 8, gil, 0, 0, 0, NULL);
	rec(&t, TRACE_OP_MUTEX_INIT, 9, gil, 0, 0, 0, NULL);
	rec(&t, TRACE_OP_MUTEX_LOCK, 10, other, 0, 0, 0, NULL);
	rec(&t, TRACE_OP_THREAD_NAME, 11, 0, 0, 0, 0, "ForkPoolWorker-1");
	tw_close(&t);
	struct tw u;  /* another process: the same key is not the GIL there */
	tw_open(&u, dir, 701, TRACE_CLOCK_MONOTONIC);
	rec(&u, TRACE_OP_MUTEX_LOCK, 12, gil, 0, 0, 0, NULL);
	tw_close(&u);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	const struct trace_process *p = &cat->processes[0];
	assert_int_equal(p->runtime, TRACE_RUNTIME_CPYTHON);
	assert_int_equal(p->runtime_version, 0x30b02f0);
	assert_int_equal(p->runtime_support, TRACE_RUNTIME_FULL);
	assert_null(p->runtime_note);
	assert_int_equal(cat->processes[1].runtime, TRACE_RUNTIME_NONE);
	assert_string_equal(cat->threads[0].name, "ForkPoolWorker-1");
	unsigned gils = 0;
	for (size_t i = 0; i < e.n; i++) {
		const struct trace_event *ev = &e.ev[i];
		if (ev->op == TRACE_OP_OBJ_ROLE) {
			assert_int_equal(ev->obj, 0);
			continue;
		}
		const struct trace_object *o = trace_catalog_object(cat, ev->obj);
		if (!o)
			continue;
		if (o->key == gil && o->process == 0) {
			assert_int_equal(o->role, TRACE_ROLE_GIL_MUTEX);
			assert_string_equal(o->name, "GIL");
			gils++;
		} else if (o->key == cond) {
			assert_int_equal(o->role, TRACE_ROLE_GIL_COND);
			assert_string_equal(o->name, "GIL cond");
		} else {
			assert_int_equal(o->role, TRACE_ROLE_NONE);
			assert_null(o->name);
		}
	}
	assert_int_equal(gils, 4);  /* lock, unlock, destroy, and the new incarnation's init */
	trace_reader_free(r);
	tw_events_release(&e);

	/* a note, for a version without known layouts */
	tw_rmdir(dir);
	tw_mkdir(dir);
	tw_open(&t, dir, 702, TRACE_CLOCK_MONOTONIC);
	rec(&t, TRACE_OP_RUNTIME, 1, 0, TRACE_RUNTIME_CPYTHON, 0x30e00f0,
	    TRACE_RUNTIME_UNKNOWN_LAYOUT, "CPython 3.14: Python frames not recorded");
	tw_close(&t);
	r = tw_read(dir, &e);
	p = &trace_reader_catalog(r)->processes[0];
	assert_int_equal(p->runtime_support, TRACE_RUNTIME_UNKNOWN_LAYOUT);
	assert_string_equal(p->runtime_note, "CPython 3.14: Python frames not recorded");
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pycodes, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_pycode_damaged, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_pycode_truncated, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_runtime_records, tw_setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
