/* SPDX-License-Identifier: MIT */
/* ctrace.c - the hub: one table of subcommands, shared chores (stdout check
 * at exit), and the exit status convention of the contract. */
#include "cmd.h"
#include "ct_error.h"
#include "trace_event.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "run", cmd_run, "run a program under the tracer: ctrace run [-o DIR] [options] -- PROG [ARGS...]" },
	{ "report", cmd_report, "analyze a trace: ctrace report [--format=text|json|sarif] [--only=...] DIR" },
	{ "info", cmd_info, "what a trace holds: ctrace info [--format=text|json] DIR" },
	{ "export", cmd_export, "export a trace: ctrace export --format=perfetto|chrome|ctf -o OUT DIR" },
	{ "view", cmd_view, "self-contained HTML timeline: ctrace view -o OUT.html DIR" },
	{ "timeline", cmd_timeline, "timeline in the terminal: ctrace timeline [--from T] [--to T] DIR" },
	{ "cc", cmd_cc, "compile C with race instrumentation: ctrace cc [compiler args]" },
	{ "c++", cmd_cxx, "compile C++ with race instrumentation: ctrace c++ [compiler args]" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ctrace <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

int cmd_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ctrace: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

int cmd_damaged(const char *cmd, const struct ct_error *err, unsigned count)
{
	char buf[1024];
	ct_error_format(err, buf, sizeof buf);
	if (count > 1)
		return cmd_fail(cmd, "%s (%u problems in all)", buf, count);
	return cmd_fail(cmd, "%s", buf);
}

void cmd_note_running(const char *cmd, const struct trace_catalog *cat)
{
	char buf[256];
	if (trace_catalog_running_note(cat, buf, sizeof buf))
		fprintf(stderr, "ctrace: %s: note: %s\n", cmd, buf);
}

int cmd_parse_uint(const char *cmd, const char *option, const char *value, unsigned lo,
		   unsigned hi, unsigned *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(value, &end, 10);
	if (!*value || *end || errno || n < lo || n > hi)
		return cmd_fail(cmd, "bad %s '%s' (%u..%u)", option, value, lo, hi);
	*out = (unsigned)n;
	return 0;
}

int cmd_options(const char *cmd, int argc, char **argv, const char *shortopts,
		const struct option *longopts, const char *usage,
		int (*option)(void *ctx, int c), void *ctx)
{
	char opts[64];
	bool stop = shortopts[0] == '+';
	snprintf(opts, sizeof opts, "%s:%sh", stop ? "+" : "", shortopts + stop);
	int c, rc;
	opterr = 0;
	while ((c = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("%s%s", usage, usage[strlen(usage) - 1] == '\n' ? "" : "\n");
			return 1;
		}
		if (c == ':')
			return cmd_fail(cmd, "option '%s' needs a value\n%s", argv[optind - 1], usage);
		if (c == '?')
			return cmd_fail(cmd, "unknown option '%s'\n%s", argv[optind - 1], usage);
		if ((rc = option(ctx, c)))
			return rc;
	}
	return 0;
}

int cmd_trace_dir(const char *cmd, int argc, char **argv, const char *usage, const char **dir)
{
	if (optind >= argc)
		return cmd_fail(cmd, "missing trace directory\n%s", usage);
	if (optind < argc - 1)
		return cmd_fail(cmd, "one trace directory only (got '%s' too)\n%s", argv[optind + 1],
				usage);
	*dir = argv[optind];
	return 0;
}

int cmd_check_color(const char *cmd, const char *value)
{
	if (strcmp(value, "auto") && strcmp(value, "always") && strcmp(value, "never"))
		return cmd_fail(cmd, "bad --color value '%s' (auto, always or never)", value);
	return 0;
}

const char *cmd_self_dir(void)
{
	static char dir[PATH_MAX];
	if (!dir[0]) {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
		if (n <= 0)
			return ".";
		dir[n] = 0;
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
	}
	return dir;
}

const char *cmd_installed_path(const char *in_build, const char *installed, char *buf,
			       size_t size)
{
	const char *rel[] = { in_build, installed };
	char path[PATH_MAX];
	for (size_t i = 0; i < 2; i++) {
		if (snprintf(path, sizeof path, "%s/%s", cmd_self_dir(), rel[i]) >= (int)sizeof path)
			continue;
		if (access(path, R_OK) == 0) {
			char *real = realpath(path, NULL);
			snprintf(buf, size, "%s", real ? real : path);
			free(real);
			return buf;
		}
	}
	return NULL;
}

/* A full disk or closed pipe on stdout is a failure, not a silent success. */
static int finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "ctrace: error writing output: %s\n", strerror(errno));
		return status ? status : 2;
	}
	return status;
}

/* ctrace-cc and ctrace-c++ are this program under another name: a
 * compiler path for build systems. */
static const char *self_name(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	return slash ? slash + 1 : argv0;
}

int main(int argc, char **argv)
{
	if (!strcmp(self_name(argv[0]), "ctrace-cc"))
		return cmd_cc(argc, argv);
	if (!strcmp(self_name(argv[0]), "ctrace-c++"))
		return cmd_cxx(argc, argv);
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ctrace 0.1 (trace format 1)\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return finish_stdout(commands[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "ctrace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
