/* SPDX-License-Identifier: MIT */
/* cmd_export.c - `ctrace export` (being built: see the open issues). */
#include "cmd.h"

int cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_fail("export", "not available in this build yet");
}
