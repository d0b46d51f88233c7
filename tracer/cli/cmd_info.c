/* SPDX-License-Identifier: MIT */
/* cmd_info.c - (being written) */
#include "cmd.h"
int cmd_info(int argc, char **argv) { (void)argc; (void)argv; return cmd_fail("info", "not yet"); }
