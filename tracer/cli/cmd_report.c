/* SPDX-License-Identifier: MIT */
/* cmd_report.c - `ctrace report` (being built: see the open issues). */
#include "cmd.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_fail("report", "not available in this build yet");
}
