/* SPDX-License-Identifier: MIT */
/* python_frames.h - Python frames in stacks. A stack of a thread running
 * Python holds Python frames (trace_event.h, TRACE_PYFRAME) among its
 * return addresses: each C eval loop's Python frames just before that eval
 * loop's native frame. What users want to read is their Python code and the
 * C code it calls (extension modules, libraries), not the interpreter
 * running it: python_frames_filter() leaves the interpreter's frames out. */
#ifndef CTRACE_PYTHON_FRAMES_H
#define CTRACE_PYTHON_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "symbolize.h"
#include "trace_event.h"

/* The frame of Python pc PC (trace_pc_is_python): function = the code's
 * qualified name, file = its .py path (borrowed from CAT; NULL for a code id
 * CAT does not know), line, python set, no module. */
struct sym_frame python_frame(const struct trace_catalog *cat, uint64_t pc);

/* The directory of PROCESS's threading.py ("/usr/lib/python3.11"): where
 * its interpreter's library is, whatever the prefix. BUF, or NULL if no
 * code of it came from there. */
const char *python_stdlib_dir(const struct trace_catalog *cat, uint32_t process, char *buf,
			      size_t size);

/* Is PATH a file of Python's own library (threading.py, queue.py,
 * concurrent/futures/...)? STDLIB_DIR: python_stdlib_dir(), NULL if unknown
 * (then a path with "/lib/python3" is). site-packages are not. */
bool python_path_is_library(const char *path, const char *stdlib_dir);

/* Is CODE threading's making and taking of a thread's _tstate_lock, which
 * the thread holds for its whole life and Thread.join waits for (a
 * thread's own at its start, and a fork child's main thread's again)? */
bool python_code_is_tstate_lock_taker(const struct trace_pycode *code);

/* When FRAMES (N, innermost first, symbolized) hold Python frames, removes
 * the interpreter's own frames, in place: frames of the module that runs
 * the eval loop (the native frame right after a run of Python frames,
 * frames named _PyEval_EvalFrameDefault, modules named python3* or
 * libpython3*), and the C library's frames outside the outermost Python
 * frame (the thread's start, __libc_start_main). Frames of other modules
 * (extension modules, libraries) stay where they are. Returns the new
 * count; a stack without Python frames is left as it is. */
size_t python_frames_filter(struct sym_frame *frames, size_t n);

#endif
