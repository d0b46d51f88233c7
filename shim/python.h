/* SPDX-License-Identifier: MIT */
/* python.h - CPython in the traced process: its Python frames in every
 * stack of a thread running Python, its threads' names, what its GIL's
 * locks are, and which CPython it is (RUNTIME record).
 *
 * CTRACE_PYTHON_LAYOUT=unknown makes the shim treat the interpreter as a
 * version whose layout it does not know: C frames only, as for a CPython
 * other than 3.11-3.13 (for tests, and to rule the Python support out). */
#ifndef CTRACE_SHIM_PYTHON_H
#define CTRACE_SHIM_PYTHON_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "shim.h"

struct shim_call;

/* True once a CPython with a known layout was found: stacks get Python
 * frames (read by the fast path of every call). */
extern _Atomic bool shim_py_frames;

/* The code of a function: LEN bytes from LO (LEN is stored last, and 0
 * until it is known). */
struct shim_py_range {
	uintptr_t lo;
	_Atomic uintptr_t len;
};

/* CPython 3.13's parking lot (Python/parking_lot.c: PyMutex, PyEvent,
 * Thread.join) parks a thread on a semaphore of its stack, made by
 * _PySemaphore_Init and posted by the waker's _PySemaphore_Wakeup once it
 * found the waiter in the parking lot's queue, through atomics the shim
 * cannot see. Those two calls of sem_init and sem_post are recorded with a
 * happens-before annotation on the semaphore (init before, post after): a
 * waker's post is ordered after the waiter's init. Empty ranges before
 * 3.13 and until CPython is found. */
extern struct shim_py_range shim_py_sem_init, shim_py_sem_wakeup;

static inline bool shim_py_from(const struct shim_py_range *r, uintptr_t pc)
{
	uintptr_t len = atomic_load_explicit(&r->len, memory_order_acquire);
	return len && pc - r->lo < len;
}

/* Looks for CPython in the loaded objects (at start, and after each
 * dlopen until found): writes RUNTIME, and OBJ_ROLE for the GIL's locks,
 * through T. Allocates nothing (elf_symbol.h): the shim may start inside
 * an allocator's initialization. */
void shim_py_detect(struct shim_thread *t);

/* A fork child writes a new trace: codes and names again, the records of
 * the image again (T is the forking thread, now the child's only one). */
void shim_py_after_fork(struct shim_thread *t);

/* What the Python call that made this thread's sem_trywait asked for
 * (enum trace_sem_call), read from its frame: TRACE_SEM_CALL_PLAIN unless
 * it is `X.acquire(...)` with a falsy `blocking` or a `timeout` (python_call.c). */
unsigned shim_py_acquire_call(struct shim_thread *t);

/* The stack id of the call C whose native stack is NATIVE (return address
 * PC0): NATIVE itself when the thread runs no Python, else the stack with
 * its Python frames interleaved. Clears c->tick if it wrote records. */
uint32_t shim_py_stack(struct shim_call *c, uint32_t native, uintptr_t pc0);

#endif
