/* SPDX-License-Identifier: MIT */
/* fake_trace.h - builds a catalog and an event sequence in memory, for unit
 * tests of analyzers and renderers (no process, no files). Times advance by
 * 1000 ns per event unless set with fake_trace_at(). */
#ifndef CTRACE_FAKE_TRACE_H
#define CTRACE_FAKE_TRACE_H

#include "trace_event.h"

struct fake_trace {
	struct trace_catalog cat;
	struct trace_event *ev;
	size_t nev, cap;
	uint64_t now;
};

/* One process (pid 1000, argv {"prog"}), its main thread (id 0). */
void fake_trace_init(struct fake_trace *t);
void fake_trace_release(struct fake_trace *t);

/* A new thread created by PARENT (TRACE_NONE for none); returns its id. */
uint32_t fake_thread(struct fake_trace *t, uint32_t parent, const char *name);
/* A new object of KIND at ADDR, with a description of its own; returns its id. */
uint32_t fake_object(struct fake_trace *t, enum trace_obj_kind kind, uint64_t addr);
/* The description of object ID, to edit (attr, init_stack, name...). */
struct trace_object *fake_object_desc(struct fake_trace *t, uint32_t id);
/* An object for thread THREAD's pthread_t (what a join or detach names). */
uint32_t fake_thread_object(struct fake_trace *t, uint32_t thread);
/* A stack of DEPTH frames starting at pc0, pc0+0x10...; returns its id. */
uint32_t fake_stack(struct fake_trace *t, uint64_t pc0, uint32_t depth);

/* A stack of the DEPTH pcs PCS, innermost first; returns its id. */
uint32_t fake_stack_pcs(struct fake_trace *t, const uint64_t *pcs, uint32_t depth);
/* A Python code object of process 0 (firstlineno 1); returns its code id,
 * for trace_pyframe(). */
uint32_t fake_pycode(struct fake_trace *t, const char *filename, const char *qualname);
/* Process 0 runs CPython VERSION (PY_VERSION_HEX) with SUPPORT and NOTE. */
void fake_runtime(struct fake_trace *t, uint32_t version, enum trace_runtime_support support,
		  const char *note);

/* Sets the time of the next event. */
void fake_trace_at(struct fake_trace *t, uint64_t ts_ns);

/* Appends an END event of OP by THREAD on OBJ (result 0, begin_ns = ts_ns);
 * returns it for further edits (valid until the next append). */
struct trace_event *fake_event(struct fake_trace *t, uint32_t thread, unsigned op, uint32_t obj);
/* Appends a BEGIN event. */
struct trace_event *fake_begin(struct fake_trace *t, uint32_t thread, unsigned op, uint32_t obj);

/* Shorthands: a mutex lock (END, no wait), an unlock. */
struct trace_event *fake_lock(struct fake_trace *t, uint32_t thread, uint32_t mutex, uint32_t stack);
struct trace_event *fake_unlock(struct fake_trace *t, uint32_t thread, uint32_t mutex, uint32_t stack);

/* Memory (programs built with `ctrace cc`): an ACCESS of SIZE bytes at ADDR
 * (flags: enum trace_access_flags), an ATOMIC operation on location OBJ
 * (kind atomic; op: enum trace_atomic_op; mo: C11 order 0..5), a FENCE,
 * an ALLOC of a heap block, an ANNOTATE (enum trace_annotation). */
struct trace_event *fake_access(struct fake_trace *t, uint32_t thread, uint64_t addr,
				uint64_t size, unsigned flags, uint32_t stack);
struct trace_event *fake_atomic(struct fake_trace *t, uint32_t thread, uint32_t obj,
				unsigned op, unsigned mo, uint32_t size, uint32_t stack);
struct trace_event *fake_fence(struct fake_trace *t, uint32_t thread, unsigned mo);
struct trace_event *fake_alloc(struct fake_trace *t, uint32_t thread, uint64_t addr,
			       uint64_t size, uint32_t stack);
struct trace_event *fake_annotate(struct fake_trace *t, uint32_t thread, unsigned kind,
				  uint64_t addr, uint64_t size);

#endif
