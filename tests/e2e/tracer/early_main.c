/* SPDX-License-Identifier: MIT */
/* early_main.c - linked with early_lib: its constructor ran first. */
#include <stdio.h>

extern int early_count;

int main(void)
{
	printf("{\"early\": %d}\n", early_count);
	return early_count == 2 ? 0 : 1;
}
