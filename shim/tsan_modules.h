/* SPDX-License-Identifier: MIT */
/* tsan_modules.h - the loaded objects with instrumented code (each calls
 * __tsan_init from its constructor). A call from one of them is named by
 * the thread's shadow call stack, as its accesses are, without unwinding. */
#ifndef CTRACE_SHIM_TSAN_MODULES_H
#define CTRACE_SHIM_TSAN_MODULES_H

#include <stdbool.h>
#include <stdint.h>

/* The object holding PC (a caller of __tsan_init) has instrumented code. */
void tsan_module_add(uintptr_t pc);

/* PC lies in an object with instrumented code. */
bool tsan_module_has(uintptr_t pc);

/* A forked child: the list's lock, which a thread not in it may have
 * held, is free again. */
void tsan_modules_after_fork(void);

#endif
