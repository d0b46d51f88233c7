/* SPDX-License-Identifier: MIT */
/* test_elf_symbol.c - shim_elf_symbol finds what dlsym finds, through
 * the loaded objects' own hash tables: in libc, in the program itself, in
 * a library opened RTLD_LOCAL (which RTLD_DEFAULT does not search), and
 * nothing for a name no object defines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <time.h>

#include "elf_symbol.h"

int ctrace_test_exported = 42;   /* the test program's own (-rdynamic) */

static void test_libc(void **state)
{
	(void)state;
	static const char *const names[] = { "malloc", "getenv", "qsort", "pthread_key_create" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		void *want = dlsym(RTLD_DEFAULT, names[i]);
		assert_non_null(want);
		assert_ptr_equal(shim_elf_symbol(names[i]), want);
	}
}

static void test_program(void **state)
{
	(void)state;
	assert_ptr_equal(shim_elf_symbol("ctrace_test_exported"), &ctrace_test_exported);
}

static void test_local_library(void **state)
{
	(void)state;
	assert_null(shim_elf_symbol("zlibVersion"));   /* not loaded yet */
	void *h = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		skip();
	assert_null(dlsym(RTLD_DEFAULT, "zlibVersion"));
	assert_ptr_equal(shim_elf_symbol("zlibVersion"), dlsym(h, "zlibVersion"));
	dlclose(h);
}

/* The vDSO's clock (the shim's, past any clock_gettime a program
 * preloads): found, and it tells the time clock_gettime tells. */
static void test_vdso_clock(void **state)
{
	(void)state;
	int (*vdso)(clockid_t, struct timespec *) =
		(int (*)(clockid_t, struct timespec *))shim_elf_symbol("__vdso_clock_gettime");
	if (!getauxval(AT_SYSINFO_EHDR))
		skip();   /* no vDSO mapped */
	assert_non_null(vdso);
	struct timespec a, b, c;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vdso(CLOCK_MONOTONIC, &b), 0);
	clock_gettime(CLOCK_MONOTONIC, &c);
	uint64_t na = (uint64_t)a.tv_sec * 1000000000u + (uint64_t)a.tv_nsec;
	uint64_t nb = (uint64_t)b.tv_sec * 1000000000u + (uint64_t)b.tv_nsec;
	uint64_t nc = (uint64_t)c.tv_sec * 1000000000u + (uint64_t)c.tv_nsec;
	assert_true(na <= nb && nb <= nc);
}

static void test_missing(void **state)
{
	(void)state;
	assert_null(shim_elf_symbol("ctrace_no_object_defines_this"));
	assert_null(shim_elf_symbol("Py_Version"));
	assert_null(shim_elf_symbol(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libc),
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_local_library),
		cmocka_unit_test(test_vdso_clock),
		cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
