/* SPDX-License-Identifier: MIT */
/* stack.h - call stacks for records: libunwind's unw_backtrace, behind a
 * per-thread cache so a call site seen before costs a few loads. */
#ifndef CTRACE_SHIM_STACK_H
#define CTRACE_SHIM_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "shim.h"

/* The stack id for a call whose return address is PC0 and whose caller's
 * stack pointer is SP (0 when stacks are off or cannot be stored). */
uint32_t shim_stack_capture(struct shim_thread *t, uintptr_t pc0, uintptr_t sp);

/* Finds where libunwind is loaded (once, at start). */
void shim_stack_init(void);

/* True if PC is in libunwind: a lock call made by the unwinder itself. */
bool shim_stack_is_unwinder(uintptr_t pc);

/* Forgets every cached stack of T (ids of another process image). */
void shim_stack_forget(struct shim_thread *t);

/* Captures from inside a signal handler: the frames below the handler. */
uint32_t shim_stack_capture_signal(struct shim_thread *t);

#endif
