/* SPDX-License-Identifier: MIT */
/* symbolize.h - program counters to functions, files and lines, offline,
 * with elfutils libdwfl over the memory maps saved in the trace
 * (trace_maps.h); addresses to the global variables that hold them.
 * Every stack pc is a return address: lookups use pc-1, reports show pc. */
#ifndef CTRACE_SYMBOLIZE_H
#define CTRACE_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

struct sym_frame {
	uint64_t pc;
	const char *function;   /* demangled name, or NULL */
	const char *file;       /* source file, or NULL */
	uint32_t line;          /* 0 = unknown */
	const char *module;     /* path of the ELF object, or NULL */
	uint64_t module_offset; /* with has_offset: pc - the object's load bias,
	                           its address in the file (addr2line's) */
	bool has_offset;
	bool inlined;           /* inlined into the frame that follows */
	bool python;            /* a Python frame (python_frames.h): function =
	                           qualified name, file = .py path, pc = the
	                           stack's TRACE_PYFRAME value, no module */
};

struct symbolizer;

/* CAT is borrowed and must outlive the symbolizer. Never fails: without
 * maps or debug info, frames carry just pc and module. */
struct symbolizer *symbolizer_new(const struct trace_catalog *cat);

/* The frames of STACK (a catalog stack id), innermost first, inlined calls
 * expanded; with Python frames, the interpreter's own frames are left out
 * (python_frames.h). *frames stays valid until symbolizer_free. Returns the
 * count. */
size_t symbolizer_stack(struct symbolizer *s, uint32_t stack, const struct sym_frame **frames);

/* One frame for PC in PROCESS (same lifetime rules). */
const struct sym_frame *symbolizer_pc(struct symbolizer *s, uint32_t process, uint64_t pc);

/* The global or static variable holding ADDR in PROCESS, as a C-like
 * expression: "g_lock", "forks[3]", "table+0x18"; NULL if none. */
const char *symbolizer_data_symbol(struct symbolizer *s, uint32_t process, uint64_t addr);

/* The thread-local variable holding ADDR in PROCESS's thread whose
 * pthread_t is HANDLE, the same way ("counters[2]"); NULL if none (only
 * the modules loaded at the start are known). */
const char *symbolizer_tls_symbol(struct symbolizer *s, uint32_t process, uint64_t handle, uint64_t addr);

/* The local variable holding ADDR in the frames of a thread of PROCESS,
 * from its raw stack PCS (N, innermost first: the access's pc, then return
 * addresses) and its start routine's CFA, return address and entry
 * (THREAD_ROOT):
 * "local", "buf[3]", and *function its function. Known only when the
 * stack reaches the start routine and each call on the way is a direct
 * call of the next function with a stack-pointer-based frame; NULL
 * otherwise (never a guess). Same lifetime rules. */
const char *symbolizer_stack_variable(struct symbolizer *s, uint32_t process, const uint64_t *pcs,
				      size_t n, const uint64_t root[3], uint64_t addr,
				      const char **function);

/* What to call object O when the trace gives it no name: the global
 * variable holding it, else, for a lock Python code made, where
 * (python_lock_name.h); NULL if neither. Same lifetime rules. */
const char *symbolizer_object_label(struct symbolizer *s, const struct trace_object *o);

/* Notes worth telling the user, one line each: a module changed since the
 * run (build-id mismatch), missing, or without debug info. */
size_t symbolizer_notes(struct symbolizer *s, const char *const **notes);

void symbolizer_free(struct symbolizer *s);

#endif
