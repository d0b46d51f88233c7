/* SPDX-License-Identifier: MIT */
/* cmd_cc.c - `ctrace cc` (being built: see the open issues). */
#include "cmd.h"

int cmd_cc(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_fail("cc", "not available in this build yet");
}
