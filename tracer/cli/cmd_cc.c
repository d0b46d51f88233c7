/* SPDX-License-Identifier: MIT */
/* cmd_cc.c - `ctrace cc` and `ctrace c++` (also run as ctrace-cc and
 * ctrace-c++): the compiler with race instrumentation and ctrace's stub
 * runtime (cc_args.c decides the flags). Replaces itself with the compiler. */
#include "cc_args.h"
#include "cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char cc_usage[] =
	"usage: ctrace cc|c++ [--cc=COMPILER] [compiler arguments]\n"
	"       ctrace-cc|ctrace-c++ [compiler arguments]\n"
	"Runs COMPILER (default: $CC, else gcc; for c++: $CXX, else g++; clang works too)\n"
	"with -fsanitize=thread on compile steps and ctrace's runtime on link steps.\n";

#define MAX_COMPILER_WORDS 8

/* True if WORD names ctrace itself: make exports CC="ctrace cc" to the
 * commands it runs, and configure CC=ctrace-cc, so $CC may be us. */
static bool names_ctrace(const char *word)
{
	const char *base = strrchr(word, '/');
	return !strncmp(base ? base + 1 : word, "ctrace", 6);
}

/* Splits the compiler command TEXT ("clang", "ccache gcc") into WORDS (in
 * BUF); 0 if it is empty, too long or names ctrace. */
static int split_compiler(const char *text, char *buf, size_t size, char **words)
{
	int n = 0;
	if (!text || snprintf(buf, size, "%s", text) >= (int)size)
		return 0;
	for (char *save, *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_COMPILER_WORDS || names_ctrace(w))
			return 0;
		words[n++] = w;
	}
	return n;
}

/* The driver's file name through symlinks (/usr/bin/cc -> gcc), looked up
 * in PATH as execvp will; NAME itself if it cannot be found. */
static const char *resolve_driver(const char *name, char buf[PATH_MAX])
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];
	if (strchr(name, '/'))
		return realpath(name, buf) ? buf : name;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t len = strcspn(p, ":");
		snprintf(file, sizeof file, "%.*s/%s", len ? (int)len : 1, len ? p : ".", name);
		if (access(file, X_OK) == 0 && realpath(file, buf))
			return buf;
		p += len + (p[len] == ':');
	}
	return name;
}

/* For `ctrace c++ --cc=DRIVER`: the C++ driver of DRIVER's family when it
 * names a C one (clang, clang-14, gcc, gcc-12, cc) into BUF, which a C
 * driver would link without the C++ library; else DRIVER. */
static char *cxx_driver(char *driver, char *buf, size_t size)
{
	char *base = strrchr(driver, '/');
	base = base ? base + 1 : driver;
	static const char *const c_names[][2] = { { "clang", "clang++" }, { "gcc", "g++" },
						  { "cc", "c++" } };
	for (size_t i = 0; i < sizeof c_names / sizeof c_names[0]; i++) {
		size_t n = strlen(c_names[i][0]);
		if (strncmp(base, c_names[i][0], n) || (base[n] && base[n] != '-'))
			continue;
		if (snprintf(buf, size, "%.*s%s%s", (int)(base - driver), driver, c_names[i][1],
			     base + n) >= (int)size)
			return driver;
		return buf;
	}
	return driver;
}

static int run_compiler(const char *cmd, const char *env, const char *fallback, int argc,
			char **argv)
{
	char cxx[PATH_MAX];
	char text[PATH_MAX], libdir[PATH_MAX], incdir[PATH_MAX] = "", driver[PATH_MAX];
	char stubdir[PATH_MAX + 16];
	char *words[MAX_COMPILER_WORDS];
	int first = 1, n_words = 0;
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) &&
	    !names_ctrace(argv[0])) {
		printf("%s", cc_usage);
		return 0;
	}
	if (argc > 1 && !strncmp(argv[1], "--cc=", 5)) {
		if (!(n_words = split_compiler(argv[1] + 5, text, sizeof text, words)))
			return cmd_fail(cmd, "bad --cc value '%s'\n%s", argv[1] + 5, cc_usage);
		if (!strcmp(cmd, "c++"))
			words[n_words - 1] = cxx_driver(words[n_words - 1], cxx, sizeof cxx);
		first = 2;
	}
	if (!n_words)
		n_words = split_compiler(getenv(env), text, sizeof text, words);
	if (!n_words)
		n_words = split_compiler(fallback, text, sizeof text, words);
	if (!cmd_installed_path("libctrace-tsan.so", "../lib/ctrace/libctrace-tsan.so", libdir,
				sizeof libdir))
		return cmd_fail(cmd, "libctrace-tsan.so not found beside %s", cmd_self_dir());
	*strrchr(libdir, '/') = 0;
	snprintf(stubdir, sizeof stubdir, "%s/tsan-stub/", libdir);
	if (cmd_installed_path("include/ctrace.h", "../include/ctrace.h", incdir, sizeof incdir))
		*strrchr(incdir, '/') = 0;
	struct cc_setup setup = {
		.family = cc_family_of(resolve_driver(words[n_words - 1], driver)),
		.libdir = libdir,
		.tsan_stub_dir = stubdir,
		.includedir = incdir[0] ? incdir : NULL,
	};
	struct cc_line line;
	cc_line_scan(argc - first, argv + first, &line);
	if (line.mode == CC_MODE_LINK && line.is_static)
		return cmd_fail(cmd, "-static: programs built with ctrace cc link its runtime "
				     "dynamically (and ctrace run needs a dynamic program)");
	char **command = cc_command(&setup, &line, n_words, words, argc - first, argv + first);
	if (!command)
		return cmd_fail(cmd, "out of memory");
	execvp(command[0], command);
	int err = errno;
	cmd_fail(cmd, "cannot run %s: %s", command[0], strerror(err));
	free(command);
	return err == ENOENT ? 127 : 126;
}

int cmd_cc(int argc, char **argv)
{
	return run_compiler("cc", "CC", "gcc", argc, argv);
}

int cmd_cxx(int argc, char **argv)
{
	return run_compiler("c++", "CXX", "g++", argc, argv);
}
