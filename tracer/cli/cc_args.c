/* SPDX-License-Identifier: MIT */
/* cc_args.c - classifies a compiler command line and adds what `ctrace cc`
 * needs. -fsanitize=thread goes on every step, as the compilers expect
 * (gcc's -flto instruments at link time); what it would link is turned
 * away: clang has -fno-sanitize-link-runtime, gcc is shown a libtsan.so
 * that is the stub (struct cc_setup's tsan_stub_dir). */
#include "cc_args.h"

#include <stdlib.h>
#include <string.h>

/* Options of gcc and clang whose value may be the next argument. */
static const char *const options_with_value[] = {
	"-o", "-x", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-idirafter",
	"-iquote", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-imultilib",
	"-MF", "-MT", "-MQ", "-MJ", "-L", "-l", "-Xlinker", "-Xassembler", "-Xpreprocessor",
	"-Xclang", "-mllvm", "-T", "-u", "-z", "-aux-info", "--param", "-dumpbase",
	"-dumpbase-ext", "-dumpdir", "-target", "--sysroot", "-B", "-A", "-ivfsoverlay",
	"-iframework", "-wrapper", "-e",
};

/* File name endings the compiler compiles (gcc's list, without assembly). */
static const char *const source_suffixes[] = {
	".c", ".i", ".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C", ".ii", ".S", ".sx",
	".m", ".mi", ".mm", ".M", ".mii",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static bool is_source(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && in_list(dot, source_suffixes, COUNT(source_suffixes));
}

void cc_line_scan(int n, char *const *args, struct cc_line *line)
{
	bool preprocess = false, compile = false, input = false;
	bool language = false; /* -x LANG: the inputs after it are that language */
	*line = (struct cc_line){ 0 };
	for (int i = 0; i < n; i++) {
		const char *a = args[i];
		if (!strcmp(a, "-E") || !strcmp(a, "-M") || !strcmp(a, "-MM"))
			preprocess = true;
		else if (!strcmp(a, "-c") || !strcmp(a, "-S") || !strcmp(a, "-fsyntax-only"))
			compile = true;
		else if (!strcmp(a, "-static"))
			line->is_static = true;
		else if (!strncmp(a, "-x", 2))
			language = strcmp(a[2] ? a + 2 : (i + 1 < n ? args[i + 1] : ""), "none") != 0;
		if (!strncmp(a, "-l", 2) || a[0] == '@' || a[0] != '-' || !strcmp(a, "-")) {
			input = true;
			if (a[0] != '-' && a[0] != '@')
				line->has_source |= language || is_source(a);
			if (!strcmp(a, "-"))
				line->has_source |= language;
		}
		if (in_list(a, options_with_value, COUNT(options_with_value)))
			i++;
	}
	line->mode = preprocess ? CC_MODE_PREPROCESS
		     : compile  ? CC_MODE_COMPILE
		     : input    ? CC_MODE_LINK
				: CC_MODE_QUERY;
}

enum cc_family cc_family_of(const char *name)
{
	const char *base = strrchr(name, '/');
	return strstr(base ? base + 1 : name, "clang") ? CC_FAMILY_CLANG : CC_FAMILY_GCC;
}

/* Appends the NULL-terminated LIST to OUT at *AT. */
static void append(const char **out, size_t *at, const char *const *list)
{
	while (*list)
		out[(*at)++] = *list++;
}

char **cc_command(const struct cc_setup *setup, const struct cc_line *line, int n_compiler,
		  char *const *compiler, int n, char *const *args)
{
	/* gcc 12 warns that libtsan ignores fences (-Wtsan): ctrace does not. */
	static const char *const gcc_instrument[] = { "-fsanitize=thread", "-Wno-tsan", NULL };
	static const char *const clang_instrument[] = { "-fsanitize=thread", NULL };
	static const char *const clang_link[] = { "-fno-sanitize-link-runtime", NULL };
	/* clang 14 writes no .debug_aranges, and libdw 0.188 then finds no
	 * source line for a pc: reports would lose files and lines */
	static const char *const clang_compile[] = { "-gdwarf-aranges", NULL };
	/* gcc expands a string function of a known size inline after its
	 * instrumentation pass: neither the pass nor the shim's interceptor
	 * sees that copy (clang's pass turns them into calls itself) */
	static const char *const gcc_compile[] = {
		"-fno-builtin-memcpy", "-fno-builtin-memmove", "-fno-builtin-memset",
		"-fno-builtin-memcmp", "-fno-builtin-strcpy", "-fno-builtin-strncpy",
		"-fno-builtin-strcat", "-fno-builtin-strncat", "-fno-builtin-strlen",
		"-fno-builtin-strnlen", "-fno-builtin-strcmp", "-fno-builtin-strncmp", NULL };
	const char *const gcc_link[] = { "-L", setup->tsan_stub_dir, "-B", setup->tsan_stub_dir,
					 NULL };
	const char *const defines[] = { "-DCTRACE_CC=1", setup->includedir ? "-idirafter" : NULL,
					setup->includedir, NULL };
	/* the hottest entry points, hidden in each module (direct calls), then
	 * the runtime: the stub, or the shim preloaded before it */
	const char *const runtime[] = { "-L", setup->libdir, "-Xlinker", "-rpath", "-Xlinker",
					setup->libdir, "-Wl,--push-state,--no-as-needed,--whole-archive",
					"-lctrace-tsan-hooks", "-Wl,--no-whole-archive",
					"-lctrace-tsan", "-Wl,--pop-state", NULL };
	bool clang = setup->family == CC_FAMILY_CLANG;
	const char **out = calloc((size_t)n_compiler + (size_t)n + 40, sizeof *out);
	size_t at = 0;
	if (!out)
		return NULL;
	for (int i = 0; i < n_compiler; i++)
		out[at++] = compiler[i];
	if (line->mode != CC_MODE_QUERY)
		append(out, &at, clang ? clang_instrument : gcc_instrument);
	if (line->mode == CC_MODE_LINK)
		append(out, &at, clang ? clang_link : gcc_link);
	/* clang warns of -D on a line that compiles nothing */
	if (line->mode != CC_MODE_QUERY && (line->mode != CC_MODE_LINK || line->has_source)) {
		append(out, &at, defines);
		append(out, &at, clang ? clang_compile : gcc_compile);
	}
	for (int i = 0; i < n; i++)
		if (line->mode != CC_MODE_LINK || strcmp(args[i], "-static-libtsan"))
			out[at++] = args[i]; /* it would link libtsan.a */
	if (line->mode == CC_MODE_LINK)
		append(out, &at, runtime);
	return (char **)out;
}
