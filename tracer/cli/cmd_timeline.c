/* SPDX-License-Identifier: MIT */
/* cmd_timeline.c - `ctrace timeline` (being built: see the open issues). */
#include "cmd.h"

int cmd_timeline(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_fail("timeline", "not available in this build yet");
}
