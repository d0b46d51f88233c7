/* SPDX-License-Identifier: MIT */
/* cmd_run.c - (being written) */
#include "cmd.h"
int cmd_run(int argc, char **argv) { (void)argc; (void)argv; return cmd_fail("run", "not yet"); }
