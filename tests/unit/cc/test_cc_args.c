/* SPDX-License-Identifier: MIT */
/* test_cc_args.c - tracer/cli/cc_args.c: which mode a compiler command line
 * is in, and what `ctrace cc` adds for gcc and clang in each. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cc_args.h"

/* The mode of a line given as words, NULL-terminated. */
static struct cc_line scan(const char *first, ...)
{
	char *args[32];
	int n = 0;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		args[n++] = (char *)a;
	va_end(ap);
	struct cc_line line;
	cc_line_scan(n, args, &line);
	return line;
}

static void test_modes(void **state)
{
	(void)state;
	assert_int_equal(scan("--version", NULL).mode, CC_MODE_QUERY);
	assert_int_equal(scan("-v", NULL).mode, CC_MODE_QUERY);
	assert_int_equal(scan("-print-file-name=libc.so", NULL).mode, CC_MODE_QUERY);
	assert_int_equal(scan("-E", "a.c", NULL).mode, CC_MODE_PREPROCESS);
	assert_int_equal(scan("-M", "a.c", NULL).mode, CC_MODE_PREPROCESS);
	assert_int_equal(scan("-MM", "-MF", "a.d", "a.c", NULL).mode, CC_MODE_PREPROCESS);
	assert_int_equal(scan("-MD", "-c", "a.c", NULL).mode, CC_MODE_COMPILE);
	assert_int_equal(scan("-c", "a.c", "b.c", NULL).mode, CC_MODE_COMPILE);
	assert_int_equal(scan("-S", "a.c", "-o", "a.s", NULL).mode, CC_MODE_COMPILE);
	assert_int_equal(scan("-fsyntax-only", "a.c", NULL).mode, CC_MODE_COMPILE);
	assert_int_equal(scan("a.o", "-o", "prog", NULL).mode, CC_MODE_LINK);
	assert_int_equal(scan("-shared", "a.o", "-o", "liba.so", NULL).mode, CC_MODE_LINK);
	/* values of options are no inputs */
	assert_int_equal(scan("-o", "x", "-I", "inc", "-D", "X", NULL).mode, CC_MODE_QUERY);
}

static void test_sources(void **state)
{
	(void)state;
	assert_false(scan("a.o", "b.a", "-lm", "-o", "p", NULL).has_source);
	assert_true(scan("a.o", "b.c", NULL).has_source);
	assert_true(scan("x.cpp", NULL).has_source);
	assert_true(scan("-x", "c", "-", NULL).has_source);
	assert_true(scan("-xc", "code.txt", NULL).has_source);
	assert_false(scan("-x", "none", "a.o", NULL).has_source);
	assert_false(scan("-include", "x.c", "a.o", NULL).has_source);
	assert_true(scan("-static", "a.o", NULL).is_static);
}

/* The command for ARGS as one string, words separated by spaces. */
static char *command(enum cc_family family, const char *args)
{
	static char text[1024];
	char buf[512], *words[32], *save;
	int n = 0;
	snprintf(buf, sizeof buf, "%s", args);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	struct cc_line line;
	cc_line_scan(n, words, &line);
	struct cc_setup setup = { family, "/lib", "/lib/tsan-stub/", "/inc" };
	char *compiler[] = { family == CC_FAMILY_CLANG ? "clang" : "gcc" };
	char **out = cc_command(&setup, &line, 1, compiler, n, words);
	assert_non_null(out);
	text[0] = 0;
	for (char **w = out; *w; w++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", w == out ? "" : " ", *w);
	free(out);
	return text;
}

#define RUNTIME "-L /lib -Xlinker -rpath -Xlinker /lib " \
		"-Wl,--push-state,--no-as-needed,--whole-archive -lctrace-tsan-hooks " \
		"-Wl,--no-whole-archive -lctrace-tsan -Wl,--pop-state"
#define DEFINES "-DCTRACE_CC=1 -idirafter /inc"
#define GCC_LINK "-L /lib/tsan-stub/ -B /lib/tsan-stub/"
/* gcc would expand these inline after its instrumentation */
#define GCC_COMPILE "-fno-builtin-memcpy -fno-builtin-memmove -fno-builtin-memset " \
		"-fno-builtin-memcmp -fno-builtin-strcpy -fno-builtin-strncpy -fno-builtin-strcat " \
		"-fno-builtin-strncat -fno-builtin-strlen -fno-builtin-strnlen -fno-builtin-strcmp " \
		"-fno-builtin-strncmp"

static void test_commands(void **state)
{
	(void)state;
	assert_string_equal(command(CC_FAMILY_GCC, "--version"), "gcc --version");
	assert_string_equal(command(CC_FAMILY_GCC, "-c a.c"),
			    "gcc -fsanitize=thread -Wno-tsan " DEFINES " " GCC_COMPILE " -c a.c");
	assert_string_equal(command(CC_FAMILY_CLANG, "-E a.c"),
			    "clang -fsanitize=thread " DEFINES " -gdwarf-aranges -E a.c");
	/* links: the stub, never libtsan; gcc finds it as libtsan too */
	assert_string_equal(command(CC_FAMILY_GCC, "a.o -static-libtsan -o p"),
			    "gcc -fsanitize=thread -Wno-tsan " GCC_LINK " a.o -o p " RUNTIME);
	assert_string_equal(command(CC_FAMILY_CLANG, "-shared a.o -o l.so"),
			    "clang -fsanitize=thread -fno-sanitize-link-runtime -shared a.o -o l.so "
			    RUNTIME);
	/* compile and link */
	assert_string_equal(command(CC_FAMILY_GCC, "a.c -o p"),
			    "gcc -fsanitize=thread -Wno-tsan " GCC_LINK " " DEFINES " " GCC_COMPILE
			    " a.c -o p " RUNTIME);
	assert_string_equal(command(CC_FAMILY_CLANG, "a.c -o p"),
			    "clang -fsanitize=thread -fno-sanitize-link-runtime " DEFINES
			    " -gdwarf-aranges a.c -o p " RUNTIME);
}

static void test_family(void **state)
{
	(void)state;
	assert_int_equal(cc_family_of("/usr/lib/llvm-14/bin/clang-14"), CC_FAMILY_CLANG);
	assert_int_equal(cc_family_of("clang++"), CC_FAMILY_CLANG);
	assert_int_equal(cc_family_of("/usr/bin/x86_64-linux-gnu-gcc-12"), CC_FAMILY_GCC);
	assert_int_equal(cc_family_of("/opt/clang/bin/gcc"), CC_FAMILY_GCC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_family),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
