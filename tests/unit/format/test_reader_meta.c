/* SPDX-License-Identifier: MIT */
/* test_reader_meta.c - what the reader learns besides events: stacks (ids
 * per process, dedup, many chunks), tick calibration, process header
 * fields and links between images, run.info. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *const dir = tw_dir;

/* Stack ids are per process; the catalog's are trace-wide. */
static void test_stacks(void **state)
{
	(void)state;
	struct tw a, b;
	uint64_t pa[2] = { 0x10, 0x20 }, pb[3] = { 0x30, 0x40, 0x50 }, deep[64];
	tw_open(&a, dir, 500, TRACE_CLOCK_MONOTONIC);
	tw_open(&b, dir, 501, TRACE_CLOCK_MONOTONIC);
	assert_int_equal(trace_writer_intern_stack(&a.w, pa, 2), 1);
	assert_int_equal(trace_writer_intern_stack(&a.w, pb, 3), 2);
	assert_int_equal(trace_writer_intern_stack(&a.w, pa, 2), 1);
	assert_int_equal(trace_writer_intern_stack(&b.w, pb, 3), 1);
	for (unsigned i = 0; i < 300; i++) { /* 520-byte entries: several chunks */
		for (unsigned j = 0; j < 64; j++)
			deep[j] = 0x100000 + i * 64 + j;
		assert_int_equal(trace_writer_intern_stack(&a.w, deep, 64), 3 + i);
	}
	tw_stack_rec(&a, 1, 1);
	tw_stack_rec(&a, 2, 2);
	tw_stack_rec(&a, 3, 0);
	tw_stack_rec(&a, 4, 1000); /* never interned: no stack */
	tw_stack_rec(&a, 5, 302);
	tw_stack_rec(&b, 6, 1);
	tw_close(&a);
	tw_close(&b);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(cat->nstacks, 1 + 302 + 1);
	assert_int_equal(e.n, 6);
	const struct trace_stack *s = trace_catalog_stack(cat, e.ev[0].stack);
	assert_int_equal(s->depth, 2);
	assert_memory_equal(s->pc, pa, sizeof pa);
	assert_int_equal(s->process, 0);
	s = trace_catalog_stack(cat, e.ev[1].stack);
	assert_memory_equal(s->pc, pb, sizeof pb);
	assert_int_equal(e.ev[2].stack, 0);
	assert_int_equal(e.ev[3].stack, 0);
	s = trace_catalog_stack(cat, e.ev[4].stack);
	assert_int_equal(s->depth, 64);
	assert_int_equal(s->pc[63], 0x100000 + 299 * 64 + 63);
	s = trace_catalog_stack(cat, e.ev[5].stack);
	assert_int_not_equal(e.ev[5].stack, e.ev[1].stack);
	assert_memory_equal(s->pc, pb, sizeof pb);
	assert_int_equal(s->process, 1);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* The stack table starts small and doubles up to its largest size: every
 * stack keeps its id across the moves, none is dropped below 3/4 of it. */
static void test_stack_table_grows(void **state)
{
	(void)state;
	struct tw a;
	tw_open(&a, dir, 502, TRACE_CLOCK_MONOTONIC);
	const uint32_t n = TRACE_WRITER_STACK_SLOTS / 4 * 3 - 1;
	for (uint32_t round = 0; round < 2; round++)
		for (uint32_t i = 0; i < n; i++) {
			uint64_t pc[2] = { 0x1000 + i, 0x77 };
			uint32_t want = i + 1;
			if (round == 0 || i % 97 == 0)  /* all of them again, once is slow */
				assert_int_equal(trace_writer_intern_stack(&a.w, pc, 2), want);
		}
	assert_int_equal(atomic_load(&a.w.stack_level), TRACE_WRITER_STACK_LEVELS - 1);
	assert_int_equal(a.w.hdr->stacks_dropped, 0);
	uint64_t pc[2] = { 0x1000 + 5, 0x77 };
	assert_int_equal(trace_writer_intern_stack(&a.w, pc, 2), 6);
	tw_close(&a);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(trace_reader_catalog(r)->nstacks, 1 + n);
	trace_reader_free(r);
	tw_events_release(&e);
}

static void set_cal(const char *file, uint64_t off, uint64_t tick, uint64_t ns)
{
	struct trace_calibration cal = { tick, ns };
	tw_patch(file, off + offsetof(struct trace_chunk_header, cal), &cal, sizeof cal);
}

/* A TSC process whose events chunk is the one at 4096 (checked). */
static void write_tsc(const char *dir, uint32_t pid, char *file, size_t size)
{
	struct tw t;
	tw_open(&t, dir, pid, TRACE_CLOCK_TSC);
	for (unsigned i = 0; i < 4; i++)
		tw_stack_rec(&t, 1000000000ull + i * 3000, 0);
	tw_close(&t);
	tw_file(file, size, dir, pid);
	struct trace_chunk_header h;
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, TRACE_ALIGN, SEEK_SET), 0);
	assert_int_equal(fread(&h, sizeof h, 1, f), 1);
	fclose(f);
	assert_int_equal(h.type, TRACE_CHUNK_EVENTS);
}

static void check_ts(const char *dir, uint64_t base)
{
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	for (size_t i = 0; i < e.n; i++) {
		if (e.ev[i].process)
			continue;
		uint64_t want = base + (i % 4) * 1000;
		assert_in_range(e.ev[i].ts_ns, want - 1, want + 1);
	}
	trace_reader_free(r);
	tw_events_release(&e);
}

/* TSC ticks: the line through the earliest and latest points. */
static void test_calibration_fit(void **state)
{
	(void)state;
	char file[512];
	write_tsc(dir, 600, file, sizeof file);
	set_cal(file, 0, 1000000000ull, 5000000000ull);
	set_cal(file, TRACE_ALIGN, 1000000000ull + 3000000, 5000000000ull + 1000000);
	check_ts(dir, 5000000000ull);
	/* the exit point, later still, wins as the latest */
	struct trace_calibration exit_cal = { 1000000000ull + 6000000, 5000000000ull + 4000000 };
	uint32_t flags = TRACE_EXIT_CAL;
	tw_patch(file, offsetof(struct trace_process_header, exit_cal), &exit_cal, sizeof exit_cal);
	tw_patch(file, offsetof(struct trace_process_header, exit_flags), &flags, sizeof flags);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_in_range(e.ev[3].ts_ns, 5000000000ull + 6000 - 1, 5000000000ull + 6000 + 1);
	assert_int_equal(trace_reader_catalog(r)->processes[0].end_ns, 5000000000ull + 4000000);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Points too close: run.info's tsc_hz, else another process's rate. */
static void test_calibration_fallback(void **state)
{
	(void)state;
	char file[512], other[512], info[600];
	write_tsc(dir, 601, file, sizeof file);
	set_cal(file, 0, 1000000000ull, 7000000000ull);
	set_cal(file, TRACE_ALIGN, 1000000000ull + 30, 7000000000ull + 10);
	snprintf(info, sizeof info, "%s/run.info", dir);
	const char text[] = "ctrace-run 1\ntsc_hz 3000000000.0\n";
	tw_put_file(info, text, sizeof text - 1);
	check_ts(dir, 7000000000ull);

	remove(info);
	write_tsc(dir, 602, other, sizeof other); /* starts later: process 1 */
	set_cal(other, 0, 5000, 9000000000ull);
	set_cal(other, TRACE_ALIGN, 5000 + 6000000, 9000000000ull + 2000000);
	check_ts(dir, 7000000000ull);
}

static void open_writer(struct trace_writer *w, uint32_t pid, uint32_t parent_pid,
			uint32_t parent_thread)
{
	static const char argv[] = "child\0--flag\0last";
	struct trace_writer_config cfg = {
		.dir = dir, .pid = pid, .ppid = 77, .parent_pid = parent_pid,
		.parent_thread = parent_thread, .stack_depth = 24, .clock = TRACE_CLOCK_MONOTONIC,
		.exe = "/usr/bin/child", .argv = argv, .argv_len = sizeof argv - 1,
	};
	assert_int_equal(trace_writer_open(w, &cfg), 0);
}

/* Header fields; a forked child and its exec'd image link to their parent
 * and previous image. */
static void test_processes(void **state)
{
	(void)state;
	struct tw parent;
	struct trace_writer child, image;
	tw_open(&parent, dir, 700, TRACE_CLOCK_MONOTONIC);
	uint32_t t1 = trace_writer_new_thread(&parent.w);
	tw_rec(&parent, t1, TRACE_OP_SEM_POST, 5, 0x10, 0);
	open_writer(&child, 701, 700, t1);
	trace_writer_set_exit(&child, TRACE_EXIT_EXEC, 0);
	open_writer(&image, 701, 700, t1);
	trace_writer_set_exit(&image, TRACE_EXIT_STATUS, 3);
	trace_writer_abandon(&image);
	trace_writer_abandon(&child);
	tw_close(&parent);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(cat->nprocesses, 3);
	const struct trace_process *p = &cat->processes[0], *c = &cat->processes[1],
				   *x = &cat->processes[2];
	assert_int_equal(p->pid, 700);
	assert_int_equal(p->parent, TRACE_NONE);
	assert_string_equal(p->exe, "/bin/prog");
	assert_int_equal(c->pid, 701);
	assert_int_equal(c->ppid, 77);
	assert_int_equal(c->parent, 0);
	assert_int_equal(c->parent_thread, cat->threads[1].id);
	assert_int_equal(cat->threads[1].index, t1);
	assert_int_equal(c->exec_gen, 0);
	assert_true(c->exit_flags & TRACE_EXIT_EXEC);
	assert_int_equal(c->stack_depth, 24);
	assert_string_equal(c->exe, "/usr/bin/child");
	assert_int_equal(c->argc, 3);
	assert_string_equal(c->argv[0], "child");
	assert_string_equal(c->argv[2], "last");
	assert_null(c->argv[3]);
	assert_non_null(strstr(c->file, "/proc-701-0.ctr"));
	assert_non_null(strstr(c->maps_file, "/proc-701-0.maps"));
	assert_int_equal(x->exec_gen, 1);
	assert_int_equal(x->prev_image, 1);
	assert_int_equal(x->parent, 0);
	assert_true(x->exit_flags & TRACE_EXIT_STATUS);
	assert_int_equal(x->exit_status, 3);
	assert_int_equal(cat->nthreads, 4);
	assert_int_equal(c->first_thread, 2);
	assert_true(cat->bytes >= 3 * TRACE_ALIGN);
	trace_reader_free(r);
	tw_events_release(&e);
}

static void test_run_info(void **state)
{
	(void)state;
	char info[600];
	struct tw t;
	tw_open(&t, dir, 800, TRACE_CLOCK_MONOTONIC);
	tw_close(&t);
	snprintf(info, sizeof info, "%s/run.info", dir);
	const char text[] = "ctrace-run 1\npid 800\nstart_mono_ns 123\nstart_realtime_ns 9\n"
			    "arg ./prog\narg two words\narg a\\\\b\\nc\\td\\x41\nfuture_key 1\n"
			    "tsc_hz 2.5e9\nend_mono_ns 456\nexit_status 134\nexit_signal 6\n"
			    "ended_by_ctrace 1\nuser_us 1500000\nsys_us 20\nmax_rss_kb 7044\n";
	tw_put_file(info, text, sizeof text - 1);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_run *run = &trace_reader_catalog(r)->run;
	assert_null(trace_reader_error(r));
	assert_true(run->present);
	assert_int_equal(run->pid, 800);
	assert_int_equal(run->start_ns, 123);
	assert_int_equal(run->end_ns, 456);
	assert_int_equal(run->exit_status, 134);
	assert_int_equal(run->exit_signal, 6);
	assert_true(run->ended_by_ctrace);
	assert_true(run->tsc_hz == 2.5e9);
	assert_true(run->have_usage);
	assert_int_equal(run->user_us, 1500000);
	assert_int_equal(run->sys_us, 20);
	assert_int_equal(run->max_rss_kb, 7044);
	assert_int_equal(run->argc, 3);
	assert_string_equal(run->argv[0], "./prog");
	assert_string_equal(run->argv[1], "two words");
	assert_string_equal(run->argv[2], "a\\b\nc\tdA");
	trace_reader_free(r);
	tw_events_release(&e);

	/* a foreign run.info: reported, the trace still opens */
	tw_put_file(info, "hello\n", 6);
	r = tw_read(dir, &e);
	assert_false(trace_reader_catalog(r)->run.present);
	assert_non_null(trace_reader_error(r));
	assert_non_null(strstr(trace_reader_error(r)->file, "run.info"));
	assert_int_equal(trace_reader_catalog(r)->run.exit_status, -1);
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stacks, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_stack_table_grows, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_calibration_fit, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_calibration_fallback, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_processes, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_run_info, tw_setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
