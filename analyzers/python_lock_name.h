/* SPDX-License-Identifier: MIT */
/* python_lock_name.h - names for the locks of Python programs. A
 * threading.Lock is a sem_t on the heap: no variable names it, no name is
 * recorded. What tells one from another is where the program made it: the
 * first Python frame of its creation stack outside Python's own library,
 * and the variable that line assigns ("lock_a = threading.Lock()"). */
#ifndef CTRACE_PYTHON_LOCK_NAME_H
#define CTRACE_PYTHON_LOCK_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "trace_event.h"

/* Whether python_lock_name() may name O: a semaphore or mutex with an init
 * stack, no recorded name, no runtime role. */
bool python_lock_may_be_named(const struct trace_object *o);

/* The name of object O when Python code created it and the trace names it
 * not: a semaphore or mutex without a name or runtime role whose init (or
 * first-use) stack has a Python frame outside Python's library.
 * "lock_a (demo.py:2)" when that source line (read from the .py file, if it
 * is still there) assigns to lock_a what made the lock (the lock itself, or
 * an object whose constructor made it: "q (demo.py:7)" for a
 * queue.Queue()), else "demo.py:2". Returns BUF, or NULL. */
const char *python_lock_name(const struct trace_catalog *cat, const struct trace_object *o,
			     char *buf, size_t size);

/* The target of the assignment LINE (a line of Python): "lock_a" for
 * "lock_a = threading.Lock()", "self.mutex" for "self.mutex = Lock()"; NULL
 * if LINE assigns to no single name (a comparison, a tuple, a keyword...).
 * Returns BUF. */
const char *python_assignment_target(const char *line, char *buf, size_t size);

#endif
