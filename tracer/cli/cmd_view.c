/* SPDX-License-Identifier: MIT */
/* cmd_view.c - `ctrace view` (being built: see the open issues). */
#include "cmd.h"

int cmd_view(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_fail("view", "not available in this build yet");
}
