/* SPDX-License-Identifier: MIT */
/* test_symbolize.c - analyzers/symbolize.c on real programs (PIE, non-PIE,
 * C++, a shared library, a copy without debug info) that recorded their own
 * return addresses, data addresses and maps file; and on broken inputs. */
#include "symbolize.h"
#include "fake_trace.h"
#include "symtest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct runs {
	char dir[512];
	struct symtest_run pie, nopie, cxx;
};

struct fixture {
	struct fake_trace t;
	struct symbolizer *s;
};

static int group_setup(void **state)
{
	struct runs *r = calloc(1, sizeof *r);
	snprintf(r->dir, sizeof r->dir, "%s/symtest-XXXXXX", SYMTEST_TMP);
	if (!mkdtemp(r->dir))
		return -1;
	if (symtest_run(&r->pie, SYMTEST_PIE, r->dir, "pie")
	    || symtest_run(&r->nopie, SYMTEST_NOPIE, r->dir, "nopie")
	    || symtest_run(&r->cxx, SYMTEST_CXX, r->dir, "cxx"))
		return -1;
	*state = r;
	return 0;
}

static int group_teardown(void **state)
{
	struct runs *r = *state;
	char cmd[600];
	symtest_release(&r->pie);
	symtest_release(&r->nopie);
	symtest_release(&r->cxx);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
	if (system(cmd) != 0)
		return -1;
	free(r);
	return 0;
}

/* A one-process catalog whose maps file is MAPS, with the stacks PCS
 * (NSTACKS stacks of DEPTH pcs each, ids 1...). */
static void fixture_init(struct fixture *f, const char *maps, const uint64_t *pcs,
			 uint32_t nstacks, uint32_t depth)
{
	fake_trace_init(&f->t);
	free(f->t.cat.processes[0].maps_file);
	f->t.cat.processes[0].maps_file = maps ? strdup(maps) : NULL;
	for (uint32_t i = 0; i < nstacks; i++) {
		uint32_t id = fake_stack(&f->t, 0, depth);
		memcpy(f->t.cat.stacks[id].pc, pcs + i * depth, depth * sizeof *pcs);
	}
	f->s = symbolizer_new(&f->t.cat);
}

static void fixture_release(struct fixture *f)
{
	symbolizer_free(f->s);
	fake_trace_release(&f->t);
}

static void assert_frame(const struct sym_frame *fr, const char *function, const char *file,
			 uint64_t line, bool inlined)
{
	assert_non_null(fr->function);
	assert_string_equal(fr->function, function);
	assert_non_null(fr->file);
	assert_true(fr->file[0] == '/');
	assert_string_equal(symtest_base(fr->file), file);
	assert_int_equal(fr->line, line);
	assert_int_equal(fr->inlined, inlined);
}

static void assert_data(struct fixture *f, const struct symtest_run *r, const char *key,
			const char *expect)
{
	const char *got = symbolizer_data_symbol(f->s, 0, symtest_fact(r, key));
	if (!expect) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, expect);
}

static bool has_note(struct symbolizer *s, const char *text)
{
	const char *const *notes;
	size_t n = symbolizer_notes(s, &notes);
	for (size_t i = 0; i < n; i++)
		if (strstr(notes[i], text))
			return true;
	return false;
}

static size_t note_count(struct symbolizer *s)
{
	const char *const *notes;
	return symbolizer_notes(s, &notes);
}

/* ---- frames ---- */

static void check_c_frames(const struct symtest_run *r, const char *prog)
{
	struct fixture f;
	uint64_t pcs[] = { symtest_fact(r, "inl"), symtest_fact(r, "main") };
	fixture_init(&f, r->maps_path, pcs, 1, 2);

	const struct sym_frame *fr;
	size_t n = symbolizer_stack(f.s, 1, &fr);
	assert_int_equal(n, 4);
	assert_frame(&fr[0], "inner_inl", "prog_c.c", symtest_fact(r, "inl_line"), true);
	assert_frame(&fr[1], "middle_inl", "prog_c.c", symtest_fact(r, "inl_mid_line"), true);
	assert_frame(&fr[2], "outer_fn", "prog_c.c", symtest_fact(r, "inl_outer_line"), false);
	assert_frame(&fr[3], "main", "prog_c.c", symtest_fact(r, "main_line"), false);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(fr[i].module, prog);
		assert_int_equal(fr[i].pc, i < 3 ? pcs[0] : pcs[1]);
	}

	const struct sym_frame *again;
	assert_int_equal(symbolizer_stack(f.s, 1, &again), 4);
	assert_ptr_equal(again, fr);
	const struct sym_frame *one = symbolizer_pc(f.s, 0, pcs[0]);
	assert_ptr_equal(one, symbolizer_pc(f.s, 0, pcs[0]));
	assert_string_equal(one->function, "inner_inl");

	fr = symbolizer_pc(f.s, 0, symtest_fact(r, "lib"));
	assert_frame(fr, "lib_entry", "symlib.c", symtest_fact(r, "lib_line"), false);
	assert_string_equal(symtest_base(fr->module), "libsymlib.so");
	assert_int_equal(note_count(f.s), 0);
	fixture_release(&f);
}

static void test_frames_pie(void **state)
{
	struct runs *r = *state;
	check_c_frames(&r->pie, SYMTEST_PIE);
}

static void test_frames_nopie(void **state)
{
	struct runs *r = *state;
	check_c_frames(&r->nopie, SYMTEST_NOPIE);
}

static void test_frames_cxx_demangled(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	fixture_init(&f, r->cxx.maps_path, NULL, 0, 0);

	const struct sym_frame *fr = symbolizer_pc(f.s, 0, symtest_fact(&r->cxx, "cxx_lock"));
	assert_frame(fr, "ns::Widget::lock()", "prog_cxx.cpp",
		     symtest_fact(&r->cxx, "cxx_lock_line"), false);
	assert_data(&f, &r->cxx, "widget_m", "ns::g_widget.m");
	fixture_release(&f);
}

/* ---- data symbols ---- */

static void check_data(const struct symtest_run *r)
{
	struct fixture f;
	fixture_init(&f, r->maps_path, NULL, 0, 0);
	assert_data(&f, r, "forks3", "forks[3]");
	assert_data(&f, r, "forks3_in", "forks[3]+0x8");
	assert_data(&f, r, "g_lock", "g_lock");
	assert_data(&f, r, "obj_mu", "obj.mu");
	assert_data(&f, r, "table2", "table[2].lock");
	assert_data(&f, r, "grid12", "grid[1][2]");
	assert_data(&f, r, "spins1", "spins[1]");
	assert_data(&f, r, "lib_locks2", "lib_locks[2]");
	assert_data(&f, r, "fs_lock", "fs_lock");   /* a function's static */
	assert_data(&f, r, "heap", NULL);
	assert_data(&f, r, "stack", NULL);
	assert_null(symbolizer_data_symbol(f.s, 0, 0));
	/* thread-local: the program's and a library's, in the thread's block */
	uint64_t self = symtest_fact(r, "self");
	const char *tls = symbolizer_tls_symbol(f.s, 0, self, symtest_fact(r, "tls_slots1"));
	assert_non_null(tls);
	assert_string_equal(tls, "tls_state.slots[1]");
	tls = symbolizer_tls_symbol(f.s, 0, self, symtest_fact(r, "lib_tls3"));
	assert_non_null(tls);
	assert_string_equal(tls, "lib_tls[3]");
	assert_null(symbolizer_tls_symbol(f.s, 0, self, symtest_fact(r, "g_lock")));
	assert_null(symbolizer_tls_symbol(f.s, 0, self + 4096, symtest_fact(r, "tls_slots1")));
	fixture_release(&f);
}

static void test_data_pie(void **state)
{
	struct runs *r = *state;
	check_data(&r->pie);
}

static void test_data_nopie(void **state)
{
	struct runs *r = *state;
	check_data(&r->nopie);
}

/* ---- modules without debug info, changed, missing ---- */

static void test_no_debug_info(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	char maps[600];
	snprintf(maps, sizeof maps, "%s/nodebug.maps", r->dir);
	symtest_maps_edit(r->pie.maps_path, maps, "/symtest_pie", SYMTEST_NODEBUG, NULL, NULL);
	fixture_init(&f, maps, NULL, 0, 0);

	/* The symbol table still names functions: no files, lines or inlines. */
	const struct sym_frame *fr = symbolizer_pc(f.s, 0, symtest_fact(&r->pie, "main"));
	assert_string_equal(fr->function, "main");
	assert_null(fr->file);
	assert_int_equal(fr->line, 0);
	assert_string_equal(fr->module, SYMTEST_NODEBUG);
	fr = symbolizer_pc(f.s, 0, symtest_fact(&r->pie, "inl"));
	assert_string_equal(fr->function, "outer_fn");
	assert_false(fr->inlined);
	assert_data(&f, &r->pie, "forks3", "forks+0x78");
	assert_data(&f, &r->pie, "obj_mu", "obj+0x8");
	assert_data(&f, &r->pie, "g_lock", "g_lock");
	assert_data(&f, &r->pie, "table2", "table+0x68");
	/* the library kept its debug info */
	fr = symbolizer_pc(f.s, 0, symtest_fact(&r->pie, "lib"));
	assert_frame(fr, "lib_entry", "symlib.c", symtest_fact(&r->pie, "lib_line"), false);

	char note[700];
	snprintf(note, sizeof note, "module %s has no debug info", SYMTEST_NODEBUG);
	assert_true(has_note(f.s, note));
	assert_int_equal(note_count(f.s), 1);
	fixture_release(&f);
}

static void check_unusable_lib(struct fixture *f, const struct symtest_run *r, const char *path)
{
	const struct sym_frame *fr = symbolizer_pc(f->s, 0, symtest_fact(r, "lib"));
	assert_null(fr->function);
	assert_null(fr->file);
	assert_int_equal(fr->line, 0);
	assert_string_equal(fr->module, path);
	assert_null(symbolizer_data_symbol(f->s, 0, symtest_fact(r, "lib_locks2")));
	/* other modules are unaffected */
	fr = symbolizer_pc(f->s, 0, symtest_fact(r, "main"));
	assert_frame(fr, "main", "prog_c.c", symtest_fact(r, "main_line"), false);
}

static void test_build_id_mismatch(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	char maps[600], note[700];
	snprintf(maps, sizeof maps, "%s/badid.maps", r->dir);
	symtest_maps_edit(r->pie.maps_path, maps, "/libsymlib.so", NULL,
			  "00112233445566778899aabbccddeeff00112233", NULL);
	fixture_init(&f, maps, NULL, 0, 0);
	check_unusable_lib(&f, &r->pie, SYMTEST_LIB);
	snprintf(note, sizeof note,
		 "module %s changed since the run (build-id mismatch): its frames are not symbolized",
		 SYMTEST_LIB);
	assert_true(has_note(f.s, note));
	assert_int_equal(note_count(f.s), 1);
	fixture_release(&f);
}

/* The library's path now holds another ELF file (a rebuild). */
static void test_file_replaced(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	char maps[600], note[700];
	snprintf(maps, sizeof maps, "%s/replaced.maps", r->dir);
	symtest_maps_edit(r->pie.maps_path, maps, "/libsymlib.so", SYMTEST_NOPIE, NULL, NULL);
	fixture_init(&f, maps, NULL, 0, 0);
	check_unusable_lib(&f, &r->pie, SYMTEST_NOPIE);
	snprintf(note, sizeof note, "module %s changed since the run (build-id mismatch)",
		 SYMTEST_NOPIE);
	assert_true(has_note(f.s, note));
	fixture_release(&f);
}

static void test_module_missing(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	char maps[600];
	const char *gone = "/nonexistent/ctrace-test/libgone.so";
	snprintf(maps, sizeof maps, "%s/missing.maps", r->dir);
	symtest_maps_edit(r->pie.maps_path, maps, "/libsymlib.so", gone, NULL, NULL);
	fixture_init(&f, maps, NULL, 0, 0);
	check_unusable_lib(&f, &r->pie, gone);
	assert_true(has_note(f.s,
		"module /nonexistent/ctrace-test/libgone.so is missing: its frames are not symbolized"));
	assert_int_equal(note_count(f.s), 1);
	fixture_release(&f);
}

/* ---- snapshots ---- */

static void test_snapshots(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	char maps[600], extra[600];
	uint64_t lo, hi, bias;
	assert_true(symtest_maps_module(r->pie.maps_path, "/libsymlib.so", &lo, &hi, &bias));

	/* A snapshot cut short (no "end") or ended with the wrong number is ignored. */
	snprintf(maps, sizeof maps, "%s/snap-partial.maps", r->dir);
	snprintf(extra, sizeof extra,
		 "snapshot 1 5\nmodule 0x%lx 0x%lx 0x%lx - /nonexistent/overlay.so\nend 7\n"
		 "snapshot 2 6\nmodule 0x%lx 0x%lx 0x%lx - /nonexistent/overlay.so\n",
		 (unsigned long)lo, (unsigned long)hi, (unsigned long)bias,
		 (unsigned long)lo, (unsigned long)hi, (unsigned long)bias);
	symtest_maps_edit(r->pie.maps_path, maps, "/none", NULL, NULL, extra);
	fixture_init(&f, maps, NULL, 0, 0);
	const struct sym_frame *fr = symbolizer_pc(f.s, 0, symtest_fact(&r->pie, "lib"));
	assert_frame(fr, "lib_entry", "symlib.c", symtest_fact(&r->pie, "lib_line"), false);
	fixture_release(&f);

	/* A later complete snapshot replaces the modules it overlaps. */
	snprintf(maps, sizeof maps, "%s/snap-later.maps", r->dir);
	snprintf(extra, sizeof extra,
		 "snapshot 1 5\nmodule 0x%lx 0x%lx 0x%lx - /nonexistent/overlay.so\nend 1\n",
		 (unsigned long)lo + 0x10, (unsigned long)hi, (unsigned long)bias);
	symtest_maps_edit(r->pie.maps_path, maps, "/none", NULL, NULL, extra);
	fixture_init(&f, maps, NULL, 0, 0);
	check_unusable_lib(&f, &r->pie, "/nonexistent/overlay.so");
	fixture_release(&f);
}

/* ---- odd input ---- */

static void check_pc_only(struct fixture *f, uint32_t process, uint64_t pc)
{
	const struct sym_frame *fr = symbolizer_pc(f->s, process, pc);
	assert_non_null(fr);
	assert_int_equal(fr->pc, pc);
	assert_null(fr->function);
	assert_null(fr->file);
	assert_null(fr->module);
	assert_int_equal(fr->line, 0);
}

static void test_no_maps(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	uint64_t pcs[] = { symtest_fact(&r->pie, "main"), 0x1234 };
	const struct sym_frame *fr;

	fixture_init(&f, NULL, pcs, 1, 2);
	assert_int_equal(symbolizer_stack(f.s, 1, &fr), 2);
	assert_int_equal(fr[0].pc, pcs[0]);
	assert_null(fr[0].function);
	assert_null(fr[0].module);
	assert_int_equal(symbolizer_stack(f.s, 0, &fr), 0);
	assert_int_equal(symbolizer_stack(f.s, 99, &fr), 0);
	check_pc_only(&f, 7, pcs[0]);   /* no such process */
	/* a stack added to the catalog after symbolizer_new (live traces) */
	uint32_t late = fake_stack(&f.t, 0x5000, 3);
	assert_int_equal(symbolizer_stack(f.s, late, &fr), 3);
	assert_int_equal(fr[2].pc, 0x5020);
	assert_null(symbolizer_data_symbol(f.s, 7, symtest_fact(&r->pie, "g_lock")));
	assert_int_equal(note_count(f.s), 0);
	fixture_release(&f);

	fixture_init(&f, "/nonexistent/ctrace-test/proc-1-0.maps", NULL, 0, 0);
	check_pc_only(&f, 0, pcs[0]);
	assert_true(has_note(f.s, "memory map /nonexistent/ctrace-test/proc-1-0.maps is missing"));
	fixture_release(&f);

	/* not a maps file at all: the facts file */
	fixture_init(&f, r->pie.facts_path, NULL, 0, 0);
	check_pc_only(&f, 0, pcs[0]);
	check_pc_only(&f, 0, 0);
	assert_true(has_note(f.s, "is not a ctrace maps file"));
	fixture_release(&f);
}

static void test_garbage_lines(void **state)
{
	struct runs *r = *state;
	struct fixture f;
	char maps[600];
	snprintf(maps, sizeof maps, "%s/garbage.maps", r->dir);
	symtest_maps_edit(r->pie.maps_path, maps, "/none", NULL, NULL,
			  "snapshot 3 1\nmodule zz\nmodule 0x10 0x5 0x0 - /x\nmodule 0x1 0x2 0x0 -\n"
			  "module 0x1 0x2 0x0 - relative/path\nbogus line\nend 3\n");
	fixture_init(&f, maps, NULL, 0, 0);
	const struct sym_frame *fr = symbolizer_pc(f.s, 0, symtest_fact(&r->pie, "main"));
	assert_frame(fr, "main", "prog_c.c", symtest_fact(&r->pie, "main_line"), false);
	check_pc_only(&f, 0, 0x3);
	fixture_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_pie),
		cmocka_unit_test(test_frames_nopie),
		cmocka_unit_test(test_frames_cxx_demangled),
		cmocka_unit_test(test_data_pie),
		cmocka_unit_test(test_data_nopie),
		cmocka_unit_test(test_no_debug_info),
		cmocka_unit_test(test_build_id_mismatch),
		cmocka_unit_test(test_file_replaced),
		cmocka_unit_test(test_module_missing),
		cmocka_unit_test(test_snapshots),
		cmocka_unit_test(test_no_maps),
		cmocka_unit_test(test_garbage_lines),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
