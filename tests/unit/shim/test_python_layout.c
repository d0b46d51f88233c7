/* SPDX-License-Identifier: MIT */
/* test_python_layout.c - py_layout_for: the measured layouts of CPython
 * 3.11, 3.12 and 3.13 (formats.md H), and 3.13's _Py_DebugOffsets taken
 * only when sound and of the default build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "python_priv.h"

/* 3.13.0's _Py_DebugOffsets as a release build publishes them (measured:
 * the first 44 words of its _PyRuntime), in a buffer standing for it. */
static const uint64_t py3130_debug[] = {
	0, 0x030d00f0, 0,
	283320, 608, 632,                                   /* runtime */
	194968, 7272, 7264, 7344, 7400, 7656, 7640, 7648,   /* interpreter */
	16, 7752, 0, 7768, 7760,
	304, 0, 8, 16, 72, 152, 160, 232, 32,               /* thread */
	80, 8, 0, 56, 72, 70,                               /* frame */
	208, 112, 120, 128, 136, 68, 52, 96, 104, 200,      /* code */
};

struct fake_runtime {
	uint64_t words[64];
};

static void runtime_313(struct fake_runtime *rt)
{
	memset(rt, 0, sizeof *rt);
	memcpy(rt->words, py3130_debug, sizeof py3130_debug);
	memcpy(rt->words, "xdebugpy", 8);
}

static void test_311_312(void **state)
{
	(void)state;
	struct fake_runtime rt = { { 0 } };
	struct py_layout L;
	assert_true(py_layout_for(0x030b02f0, (const char *)&rt, &L));
	assert_int_equal(L.version, 0x030b02f0);
	assert_int_equal(L.rt_gil + PY_GIL_MUTEX, 440);   /* _PyRuntime.ceval.gil.mutex */
	assert_int_equal(L.rt_gil + PY_GIL_COND, 392);
	assert_int_equal(L.rt_gil + PY_GIL_SWITCH_MUTEX, 528);
	assert_int_equal(L.managed_dict, PY_DICT_311);
	assert_int_equal(L.rt_main_thread, 80);
	assert_true(py_layout_for(0x030c01f0, (const char *)&rt, &L));
	assert_int_equal(L.rt_gil, 76392 + 1040);        /* _main_interpreter._gil */
	assert_int_equal(L.rt_main_thread, 64);
	assert_int_equal(L.managed_dict, PY_DICT_312);
	assert_int_equal(L.ht_cached_keys, 880);
	assert_int_equal(L.ts_thread_id, 136);
}

static void test_313_debug_offsets(void **state)
{
	(void)state;
	struct fake_runtime rt;
	runtime_313(&rt);
	struct py_layout L;
	assert_true(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	assert_int_equal(L.rt_finalizing, 608);
	assert_int_equal(L.ts_frame, 72);
	assert_int_equal(L.ts_thread_id, 152);
	assert_int_equal(L.fr_owner, 70);
	assert_int_equal(L.co_code_adaptive, 200);
	assert_int_equal(L.co_firsttraceable, 184);
	assert_int_equal(L.rt_gil, 88352 + 7752);
	assert_int_equal(L.rt_main_thread, 656);
	assert_int_equal(L.managed_dict, PY_DICT_313);
	assert_int_equal(L.values_array, 8);
	/* offsets of their own: taken */
	rt.words[23] = 80;  /* thread.current_frame */
	assert_true(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	assert_int_equal(L.ts_frame, 80);
	/* another _PyRuntimeState: frames yes, but no GIL, no main thread */
	runtime_313(&rt);
	rt.words[3] = 283328;
	assert_true(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	assert_int_equal(L.rt_gil, -1);
	assert_int_equal(L.rt_main_thread, -1);
	/* a GIL state beyond its interpreter state: no GIL */
	runtime_313(&rt);
	rt.words[15] = 194968;
	assert_true(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	assert_int_equal(L.rt_gil, -1);
}

/* Refused: C frames and a note, never a guess. */
static void test_313_refused(void **state)
{
	(void)state;
	struct fake_runtime rt;
	struct py_layout L;
	runtime_313(&rt);
	rt.words[2] = 1;  /* free-threaded (3.13t) */
	assert_false(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	runtime_313(&rt);
	rt.words[1] = 0x030d01f0;  /* another version than Py_Version */
	assert_false(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	runtime_313(&rt);
	memcpy(rt.words, "xdebugpz", 8);
	assert_false(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	runtime_313(&rt);
	rt.words[19] = 70000;  /* thread state size: no 16-bit offsets */
	assert_false(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	runtime_313(&rt);
	rt.words[24] = 400;  /* thread_id outside the thread state */
	assert_false(py_layout_for(0x030d00f0, (const char *)&rt, &L));
	memset(&rt, 0, sizeof rt);
	assert_false(py_layout_for(0x030a0cf0, (const char *)&rt, &L));
	assert_false(py_layout_for(0x030e00a1, (const char *)&rt, &L));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_311_312),
		cmocka_unit_test(test_313_debug_offsets),
		cmocka_unit_test(test_313_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
