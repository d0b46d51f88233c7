/* SPDX-License-Identifier: MIT */
/* cc_args.h - what `ctrace cc` does to a compiler's command line: the
 * -fsanitize=thread instrumentation on compile steps, ctrace's stub runtime
 * instead of libtsan on link steps. Argument work only: no process, no file. */
#ifndef CTRACE_CC_ARGS_H
#define CTRACE_CC_ARGS_H

#include <stdbool.h>

enum cc_family {
	CC_FAMILY_GCC,
	CC_FAMILY_CLANG,
};

/* What a command line asks of the compiler driver. */
enum cc_mode {
	CC_MODE_QUERY,      /* no input: --version, -v, -dumpmachine, -print-*: left alone */
	CC_MODE_PREPROCESS, /* -E, -M, -MM */
	CC_MODE_COMPILE,    /* -c, -S, -fsyntax-only */
	CC_MODE_LINK,       /* the rest: link, or compile and link */
};

struct cc_line {
	enum cc_mode mode;
	bool has_source; /* an input the compiler compiles (not .o, .a, .so, -l) */
	bool is_static;  /* -static: there is no stub to link statically */
};

/* Reads the compiler arguments ARGS[0..N) (without the compiler's name). */
void cc_line_scan(int n, char *const *args, struct cc_line *line);

/* Where ctrace's files are, for the additions. */
struct cc_setup {
	enum cc_family family;
	const char *libdir;        /* (borrowed) directory of libctrace-tsan.so */
	const char *tsan_stub_dir; /* (borrowed) "DIR/" where libtsan.so is the stub and
	                              libtsan_preinit.o empty, for gcc's -L and -B */
	const char *includedir;    /* (borrowed) directory of ctrace.h, or NULL */
};

/* The command to run: the N_COMPILER words of COMPILER, then ARGS[0..N)
 * with ctrace's additions for LINE: -fsanitize=thread (unless it is a
 * query), what keeps it from linking libtsan, and -DCTRACE_CC=1 first; on a
 * link step, the stub runtime last and no -static-libtsan. NULL-terminated; the array is owned (free
 * it), its strings are borrowed. NULL if out of memory. */
char **cc_command(const struct cc_setup *setup, const struct cc_line *line, int n_compiler,
		  char *const *compiler, int n, char *const *args);

/* The family of the compiler driver named NAME (a path or a command in
 * PATH, as resolved by the caller): clang if its file name says so. */
enum cc_family cc_family_of(const char *name);

#endif
