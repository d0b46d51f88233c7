/* SPDX-License-Identifier: MIT */
/* loader_gate.h - the shim's own uses of the loader's list (dl_iterate_phdr,
 * from libunwind, the memory-map snapshots, object lookups) kept out of a
 * fork. Both take locks that glibc does not reset in the child: libunwind's
 * own mutex and the loader's write lock. A fork while another thread of the
 * parent held one left the child blocked at its first stack or dlopen, where
 * the same program runs on without ctrace. */
#ifndef CTRACE_SHIM_LOADER_GATE_H
#define CTRACE_SHIM_LOADER_GATE_H

#include <stdbool.h>
#include <stddef.h>

/* Before a use of the loader's list: waits while a fork is under way.
 * False if this process may not use it (a fork's child whose parent had a
 * thread inside it); then skip the use. Pair each true with a leave. */
bool shim_loader_enter(void);
void shim_loader_leave(void);

/* dl_iterate_phdr(CALLBACK, DATA) between an enter and a leave: its
 * result, or -1 when refused. */
struct dl_phdr_info;
int shim_loader_iterate(int (*callback)(struct dl_phdr_info *, size_t, void *), void *data);

/* The same as shim_loader_enter, but false too while another thread holds the loader's write
 * lock: for a stack, which then keeps its call site only. A program's
 * dl_iterate_phdr callback may wait for this very thread (to fork, say);
 * an unwind that waited for the lock would never end. */
bool shim_loader_enter_unless_busy(void);

/* Learns where the loader's write lock is (at start, one thread). */
void shim_loader_gate_init(void);

/* From the fork handlers: the prepare waits for the uses under way (a
 * bounded time) and holds new ones back; the parent's reopens; the child's
 * reopens too, unless a use or a thread of the program still held a lock. */
void shim_loader_fork_prepare(void);
void shim_loader_fork_parent(void);
void shim_loader_fork_child(void);

#endif
