/* SPDX-License-Identifier: MIT */
/* cmd.h - the subcommands of `ctrace`, one file each (cmd_<name>.c). Each
 * returns the process exit status: 0 ok, 1 findings, 2 usage or bad input. */
#ifndef CTRACE_CMD_H
#define CTRACE_CMD_H

int cmd_run(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_cc(int argc, char **argv);

/* Prints "ctrace: CMD: MSG" on stderr and returns 2 (usage / input error). */
int cmd_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses the value of OPTION as an integer in [LO, HI] into *OUT. Returns
 * 0, or cmd_fail's 2 with "bad OPTION 'VALUE' (LO..HI)". */
int cmd_parse_uint(const char *cmd, const char *option, const char *value, unsigned lo,
		   unsigned hi, unsigned *out);

/* Every subcommand reads its options with getopt_long, with opterr 0 and
 * an optstring that starts with ':'. For its '?' or ':' C: "unknown
 * option 'X'" or "option 'X' needs a value", then USAGE; returns 2. */
int cmd_bad_option(const char *cmd, int c, char **argv, const char *usage);

/* Checks a --color value (auto, always, never); else cmd_fail's 2. */
int cmd_check_color(const char *cmd, const char *value);

/* Directory holding the ctrace executable (for the shim and plugins). */
const char *cmd_self_dir(void);

#endif
