/* SPDX-License-Identifier: MIT */
/* test_reader_corrupt.c - damaged traces: the valid prefix is yielded, the
 * first problem names the file and the offset, the place where events were
 * lost is a DROPPED event, reading goes on where it can; directories that
 * are not traces are refused with a reason. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK0 TRACE_ALIGN                 /* the first events chunk */
#define REC0 (CHUNK0 + sizeof(struct trace_chunk_header))
#define SIG_SIZE 5                         /* a SIGNAL record with small values */

static char *const dir = tw_dir;
static char file[512];

static int setup(void **state)
{
	tw_setup(state);
	tw_file(file, sizeof file, dir, 900);
	return 0;
}

/* N SIGNAL records with args[0] = i; the first 128 are SIG_SIZE bytes. */
static void write_signals(unsigned n)
{
	tw_signals(dir, 900, n, false);
}

static void patch_byte(uint64_t off, uint8_t v)
{
	tw_patch(file, off, &v, 1);
}

static void check_error(struct trace_reader *r, const char *path, uint64_t off, const char *what)
{
	const struct ct_error *err = trace_reader_error(r);
	assert_non_null(err);
	assert_string_equal(err->file, path);
	assert_true(err->has_offset);
	assert_int_equal(err->offset, off);
	if (!strstr(err->msg, what))
		fail_msg("error \"%s\" does not say \"%s\"", err->msg, what);
}

static void check_gap(const struct trace_event *ev)
{
	assert_int_equal(ev->op, TRACE_OP_DROPPED);
	assert_int_equal(ev->args[0], 0);  /* how many is unknown */
}

/* Events of the stream must be args[0] = 0..prefix-1, the gap, then
 * from..last. */
static void check_signals(const struct tw_events *e, unsigned prefix, unsigned last)
{
	assert_true(e->n > prefix + 1);
	for (unsigned i = 0; i < prefix; i++)
		assert_int_equal(e->ev[i].args[0], i);
	check_gap(&e->ev[prefix]);
	unsigned from = (unsigned)e->ev[prefix + 1].args[0];
	assert_true(from > prefix);
	assert_int_equal(e->n, prefix + 1 + last + 1 - from);
	for (size_t i = prefix + 1; i < e->n; i++)
		assert_int_equal(e->ev[i].args[0], from + (i - prefix - 1));
}

static void test_bad_op(void **state)
{
	(void)state;
	write_signals(10);
	patch_byte(REC0 + 4 * SIG_SIZE, 0x7f);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 5);
	check_gap(&e.ev[4]);
	check_error(r, file, REC0 + 4 * SIG_SIZE, "unknown op 0x7f");
	assert_int_equal(trace_reader_error_count(r), 1);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A bad record drops the rest of its chunk only: the next chunk is read. */
static void test_bad_record_next_chunk(void **state)
{
	(void)state;
	write_signals(5000);
	patch_byte(REC0 + 10 * SIG_SIZE, TRACE_OP_MUTEX_UNLOCK | TRACE_OP_BEGIN);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	check_error(r, file, REC0 + 10 * SIG_SIZE, "BEGIN flag on non-blocking op mutex_unlock");
	check_signals(&e, 10, 4999);
	trace_reader_free(r);
	tw_events_release(&e);
}

static void test_bad_chunk_magic(void **state)
{
	(void)state;
	write_signals(5000);
	patch_byte(CHUNK0 + 1, 0x99);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	check_error(r, file, CHUNK0, "bad chunk magic");
	assert_int_equal(e.ev[1].args[0] > 100, 1);
	check_signals(&e, 0, 4999);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A zeroed chunk (its header reads as one never written) followed by the
 * thread's next chunk: a thread goes on only after its chunk was written,
 * so data is lost there. */
static void test_zero_chunk(void **state)
{
	(void)state;
	write_signals(5000);
	static uint8_t zero[4 * TRACE_ALIGN];
	tw_patch(file, CHUNK0, zero, sizeof zero);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_non_null(trace_reader_error(r));
	if (!strstr(trace_reader_error(r)->msg, "chunk 0 is missing"))
		fail_msg("error \"%s\"", trace_reader_error(r)->msg);
	check_signals(&e, 0, 4999);
	trace_reader_free(r);
	tw_events_release(&e);
}

static void test_undefined_slot(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 900, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 100, 0x10, 0);
	tw_rec(&t, 0, TRACE_OP_SEM_POST, 110, 0x10, 1);
	tw_close(&t);
	/* OBJ_DEF: op, slot, var key, var group; then op, tick, stack, SLOT... */
	uint64_t def = REC0;
	uint8_t buf[32], slot;
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	fseek(f, (long)def, SEEK_SET);
	assert_int_equal(fread(buf, 1, sizeof buf, f), sizeof buf);
	fclose(f);
	slot = buf[1];
	const uint8_t *p = buf + 2;
	uint64_t key, group;
	assert_int_equal(trace_get_var(&p, buf + sizeof buf, &key), 0);
	assert_int_equal(trace_get_var(&p, buf + sizeof buf, &group), 0);
	assert_int_equal(key, 0x10);
	uint64_t rec = def + (uint64_t)(p - buf);
	patch_byte(rec + 3, (uint8_t)(slot + 1));
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 1);
	check_gap(&e.ev[0]);
	check_error(r, file, rec, "undefined object slot");
	trace_reader_free(r);
	tw_events_release(&e);
}

static void test_bad_stack_entry(void **state)
{
	(void)state;
	struct tw t;
	uint64_t pcs[2] = { 0x10, 0x20 };
	tw_open(&t, dir, 900, TRACE_CLOCK_MONOTONIC);
	for (unsigned i = 0; i < 3; i++) {
		pcs[0] = 0x10 + i;
		assert_int_equal(trace_writer_intern_stack(&t.w, pcs, 2), i + 1);
	}
	for (unsigned i = 0; i < 3; i++) {
		struct trace_rec rec = { .op = TRACE_OP_SIGNAL, .tick = 10 + i, .stack = i + 1 };
		tw_write(&t, 0, &rec);
	}
	tw_close(&t);
	/* the stack chunk comes first: entries of 8 + 16 bytes */
	uint64_t entry2 = REC0 + 24;
	uint16_t depth = 0;
	tw_patch(file, entry2 + 4, &depth, sizeof depth);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	check_error(r, file, entry2, "bad stack entry");
	assert_int_equal(e.n, 3);
	assert_int_not_equal(e.ev[0].stack, 0);
	assert_int_equal(e.ev[1].stack, 0);
	assert_int_equal(e.ev[2].stack, 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Cut in the middle of a record: what is whole is read. */
static void test_truncated(void **state)
{
	(void)state;
	write_signals(10);
	tw_truncate(file, REC0 + 6 * SIG_SIZE + 2);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 7);
	check_gap(&e.ev[6]);
	check_error(r, file, CHUNK0, "runs past the end of the file");
	assert_int_equal(trace_reader_error_count(r), 2); /* and the cut record */
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Live, a file too short for its header may be one being created: only
 * the other cases are refused in live mode too. */
static void expect_refused(const char *path, const char *err_file, int64_t off, const char *what,
			   bool live_too)
{
	struct ct_error err = { 0 };
	assert_null(trace_reader_open(path, 0, &err));
	assert_string_equal(err.file, err_file);
	assert_int_equal(err.has_offset, off >= 0);
	if (off >= 0)
		assert_int_equal(err.offset, off);
	if (!strstr(err.msg, what))
		fail_msg("error \"%s\" does not say \"%s\"", err.msg, what);
	if (live_too)
		assert_null(trace_reader_open(path, TRACE_READER_LIVE, NULL));
}

static void test_not_traces(void **state)
{
	(void)state;
	char path[600], missing[600];
	expect_refused(dir, dir, -1, "not a ctrace trace", true);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	tw_put_file(path, "hello", 5);
	snprintf(path, sizeof path, "%s/proc-1-0.ctr.bak", dir);
	tw_put_file(path, "hello", 5);
	expect_refused(dir, dir, -1, "not a ctrace trace", true);
	snprintf(missing, sizeof missing, "%s/missing", dir);
	expect_refused(missing, missing, -1, "cannot read trace directory", true);

	static uint8_t garbage[3 * TRACE_ALIGN];
	srand(7);
	for (size_t i = 0; i < sizeof garbage; i++)
		garbage[i] = (uint8_t)(rand() | 1);
	snprintf(path, sizeof path, "%s/proc-1-0.ctr", dir);
	tw_put_file(path, garbage, sizeof garbage);
	expect_refused(dir, path, 0, "bad chunk magic", true);
	tw_put_file(path, garbage, 100);
	expect_refused(dir, path, 0, "too short", false);
}

/* A bad file beside a good one: the trace opens and says so. */
static void test_garbage_beside_valid(void **state)
{
	(void)state;
	char path[600];
	static uint8_t garbage[TRACE_ALIGN];
	memset(garbage, 0x5a, sizeof garbage);
	write_signals(20);
	snprintf(path, sizeof path, "%s/proc-1-0.ctr", dir);
	tw_put_file(path, garbage, sizeof garbage);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	check_error(r, path, 0, "bad chunk magic");
	assert_int_equal(trace_reader_catalog(r)->nprocesses, 1);
	assert_int_equal(e.n, 20);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A process that wrote its header and nothing else is a valid trace. */
static void test_header_only(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 900, TRACE_CLOCK_MONOTONIC);
	tw_close(&t);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 0);
	assert_int_equal(cat->nprocesses, 1);
	assert_int_equal(cat->nthreads, 1);
	assert_int_equal(cat->processes[0].first_thread, 0);
	assert_int_equal(trace_reader_drain(r), 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_op, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_bad_record_next_chunk, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_bad_chunk_magic, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_zero_chunk, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_undefined_slot, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_bad_stack_entry, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_not_traces, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_beside_valid, setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_header_only, setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
