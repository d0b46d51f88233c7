/* SPDX-License-Identifier: MIT */
/* symlib.c - test subject for the symbolizer: see symlib.h. */
#include "symlib.h"

pthread_mutex_t lib_locks[4];
static __thread int lib_tls[4];

static __attribute__((noinline)) void lib_capture(symlib_addr_fn addr)
{
	addr("lib", __builtin_return_address(0));
	__asm__ volatile("");
}

void lib_entry(symlib_addr_fn addr, symlib_line_fn line)
{
	lib_capture(addr); line("lib_line", __LINE__);
	addr("lib_locks2", &lib_locks[2]);
	addr("lib_tls3", &lib_tls[3]);
}
