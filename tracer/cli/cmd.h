/* SPDX-License-Identifier: MIT */
/* cmd.h - the subcommands of `ctrace`, one file each (cmd_<name>.c). Each
 * returns the process exit status: 0 ok, 1 findings, 2 usage or bad input. */
#ifndef CTRACE_CMD_H
#define CTRACE_CMD_H

#include <stddef.h>

int cmd_run(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_cc(int argc, char **argv);
int cmd_cxx(int argc, char **argv);

/* Prints "ctrace: CMD: MSG" on stderr and returns 2 (usage / input error). */
int cmd_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses the value of OPTION as an integer in [LO, HI] into *OUT. Returns
 * 0, or cmd_fail's 2 with "bad OPTION 'VALUE' (LO..HI)". */
int cmd_parse_uint(const char *cmd, const char *option, const char *value, unsigned lo,
		   unsigned hi, unsigned *out);

struct option;

/* Reads the options of subcommand CMD with getopt_long: --name=value and
 * --name value alike; SHORTOPTS as getopt takes them (a leading '+' stops
 * at the first operand); -h and --help print USAGE. Calls OPTION(CTX, C)
 * for each, with optarg set; it returns 0 or an exit status. Returns 0
 * (the operands are argv[optind..]), 1 after the help, OPTION's status, or
 * 2 for an unknown option or a missing value (said on stderr with USAGE). */
int cmd_options(const char *cmd, int argc, char **argv, const char *shortopts,
		const struct option *longopts, const char *usage,
		int (*option)(void *ctx, int c), void *ctx);

/* After cmd_options: the one operand, a trace directory, into *DIR.
 * Returns 0, or 2 ("missing trace directory", "one trace directory only"
 * with USAGE on stderr). */
int cmd_trace_dir(const char *cmd, int argc, char **argv, const char *usage, const char **dir);

struct ct_error;
struct trace_catalog;

/* A damaged trace, the same one line for every subcommand: "ctrace: CMD:
 * FILE: offset N: REASON (K problems in all)" on stderr. Returns 2. */
int cmd_damaged(const char *cmd, const struct ct_error *err, unsigned count);

/* If the program of CAT was still running when it was read, one line on
 * stderr says so and up to when the trace was read. */
void cmd_note_running(const char *cmd, const struct trace_catalog *cat);

/* Checks a --color value (auto, always, never); else cmd_fail's 2. */
int cmd_check_color(const char *cmd, const char *value);

/* Directory holding the ctrace executable (for the shim and plugins). */
const char *cmd_self_dir(void);

/* The absolute path of a file that comes with ctrace, into BUF: IN_BUILD
 * relative to the executable's directory (the build tree), else INSTALLED
 * (relative too, after `cmake --install`). NULL if neither is readable. */
const char *cmd_installed_path(const char *in_build, const char *installed, char *buf,
			       size_t size);

#endif
