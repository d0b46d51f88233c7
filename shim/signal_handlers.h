/* SPDX-License-Identifier: MIT */
/* signal_handlers.h - the program's signal handlers behind the shim's
 * trampoline (signal_handlers.c), for sigaction() and signal() (signals.c). */
#ifndef CTRACE_SHIM_SIGNAL_HANDLERS_H
#define CTRACE_SHIM_SIGNAL_HANDLERS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct user_handler;

/* The program's handler of SIG behind the trampoline, NULL if none. */
const struct user_handler *signal_handler_current(int sig);
/* Sets it (NULL: the kernel has the program's action itself). */
void signal_handler_set(int sig, const struct user_handler *h);
/* ACT, the action the program installs for SIG by a call at PC0 (its
 * stack at SP), as the kernel is to have it: true and *OUT set if it is a
 * handler put behind the trampoline (the handler now current); false if
 * it goes to the kernel as it is. */
bool signal_handler_wrap(int sig, const struct sigaction *act, struct sigaction *out,
			 uintptr_t pc0, uintptr_t sp);
/* OLD, an action the kernel gave back, as the program is to see it: the
 * trampoline becomes WAS, the handler that was behind it. */
void signal_handler_shown(const struct user_handler *was, struct sigaction *old);

#endif
