/* SPDX-License-Identifier: MIT */
/* symlib.h - test subject: a shared library with a global lock array and a
 * function that reports a return address inside itself. */
#ifndef CTRACE_TEST_SYMLIB_H
#define CTRACE_TEST_SYMLIB_H

#include <pthread.h>

/* Callbacks of the test program: an address, an expected source line. */
typedef void (*symlib_addr_fn)(const char *key, const void *addr);
typedef void (*symlib_line_fn)(const char *key, int line);

extern pthread_mutex_t lib_locks[4];

/* Reports "lib" (a return address inside lib_entry), "lib_line" (its
 * line), "lib_locks2" (&lib_locks[2]) and "lib_tls3" (the calling thread's
 * &lib_tls[3], a thread-local array). */
void lib_entry(symlib_addr_fn addr, symlib_line_fn line);

#endif
