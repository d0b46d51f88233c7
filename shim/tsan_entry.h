/* SPDX-License-Identifier: MIT */
/* tsan_entry.h - what every entry point of the runtime (tsan_abi.c,
 * tsan_interface.c) needs: to be exported, and its caller's place. */
#ifndef CTRACE_TSAN_ENTRY_H
#define CTRACE_TSAN_ENTRY_H

#define TSAN_EXPORT __attribute__((visibility("default")))
/* The caller's place: the entry point's return address (libtsan's CALLERPC). */
#define CALLER_PC ((uintptr_t)__builtin_return_address(0))

#endif
