/* SPDX-License-Identifier: MIT */
/* python_priv.h - what the files of the shim's CPython support share: the
 * interpreter's layout (python_layout.c), its code objects as the trace
 * describes them (python_codes.c) and the checked reads of its objects.
 * Nothing here runs Python code or takes the GIL: a thread reads only its
 * own frames, which only it changes (formats.md H.3). */
#ifndef CTRACE_SHIM_PYTHON_PRIV_H
#define CTRACE_SHIM_PYTHON_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shim.h"

#define PY_DEPTH_MAX   64u     /* Python frames recorded per stack */
#define PY_WALK_MAX    4096u   /* frames walked looking for a thread's name */

/* Byte offsets into the interpreter's structures, for one version. */
struct py_layout {
	uint32_t version;          /* PY_VERSION_HEX */
	/* _PyRuntime */
	int32_t rt_finalizing;     /* the finalizing tstate; -1 unknown */
	int32_t rt_main_thread;    /* main thread's ident; -1 unknown */
	/* thread state */
	uint16_t ts_frame;         /* cframe (or, if !cframe_frame_set, the frame) */
	bool cframe_frame_set;     /* 3.11/3.12: ts_frame is a _PyCFrame pointer */
	uint16_t cframe_frame;     /*   and the frame sits at this offset in it */
	uint16_t ts_thread_id;
	/* _PyInterpreterFrame */
	uint16_t fr_code, fr_previous, fr_instr, fr_localsplus;
	int16_t fr_is_entry;       /* 3.11: entry frame flag; -1 none */
	uint16_t fr_owner;
	bool cstack_frames;        /* 3.12+: owner 3 frames mark C boundaries */
	bool code_checked;         /* 3.13: f_executable may be no code object */
	/* code objects */
	uint16_t co_filename, co_name, co_qualname, co_code_adaptive, co_firsttraceable;
	/* str */
	uint16_t str_state, str_ascii_data;
	/* objects, for thread names (tp_flags 0 = names not read) */
	uint16_t tp_flags, ht_cached_keys, dict_keys, dict_values;
	uint8_t managed_dict;      /* where an instance keeps its attributes: PY_DICT_* */
	uint8_t values_array;      /* PyDictValues' values[] (3.13: after 4 bytes of flags) */
	/* the main interpreter's GIL (struct _gil_runtime_state) in _PyRuntime;
	 * -1 unknown. Its fields are at PY_GIL_* in every version. */
	int32_t rt_gil;
};

/* How a Py_TPFLAGS_MANAGED_DICT object keeps its attributes, before it
 * (offsets from the object): 3.11: values at -32, dict at -24; 3.12: one
 * word at -24, values (tagged: +1 to untag) if odd, else the dict; 3.13:
 * the dict at -24, or, if none and the type has Py_TPFLAGS_INLINE_VALUES,
 * the values inline after the object's header. */
enum { PY_DICT_311 = 1, PY_DICT_312, PY_DICT_313 };

/* struct _gil_runtime_state's locks, the same in 3.11, 3.12 and 3.13
 * (offsetof with each version's headers, formats.md H.1) */
#define PY_GIL_COND          32
#define PY_GIL_MUTEX         80
#define PY_GIL_SWITCH_COND   120
#define PY_GIL_SWITCH_MUTEX  168

#define PY_OWNED_BY_GENERATOR 1
#define PY_OWNED_BY_CSTACK    3

/* The interpreter found in the process (python.c). */
struct py_runtime {
	struct py_layout L;
	const char *runtime;                 /* &_PyRuntime */
	void *(*get_tstate)(void);           /* PyGILState_GetThisThreadState */
	int (*addr2line)(const void *code, int addr);  /* PyCode_Addr2Line */
	const void *code_type, *str_type, *dict_type;  /* PyCode_Type, ... */
	/* what python_call.c reads a call's arguments with (tuple_type NULL:
	 * one is missing, it reads none) */
	const void *tuple_type, *long_type, *float_type, *none, *false_, *true_;
	uintptr_t eval_lo, eval_hi;          /* _PyEval_EvalFrameDefault's code */
};

extern struct py_runtime py_rt;

/* Set (release) once py_rt holds a known layout. */
extern _Atomic bool py_layout_ready;

/* A lock acquire ran in bytecode the shim cannot step through (a tracer
 * instrumented it): the process's RUNTIME note says so, once (python.c). */
void py_note_unread_calls(struct shim_thread *t);

/* Fills L for CPython VERSION at RUNTIME (3.13: with its _Py_DebugOffsets,
 * which must be sound and of the default build). False: a version or build
 * whose layout is unknown. */
bool py_layout_for(uint32_t version, const char *runtime, struct py_layout *L);

static inline const char *py_ptr(const void *base, ptrdiff_t off)
{
	const char *p;
	memcpy(&p, (const char *)base + off, sizeof p);
	return p;
}

static inline const void *py_type(const void *obj)
{
	return py_ptr(obj, 8);  /* ob_type, after ob_refcnt in every version */
}

/* A str object's text if it is a compact ASCII str (else NULL). */
const char *py_ascii(const void *str, size_t *len);

/* True if STR is a compact ASCII str equal to S. */
bool py_str_is(const void *str, const char *s);

/* ---- code objects as the trace describes them (python_codes.c) ---- */

/* The trace's id of CODE (written on first sight; a code object at an
 * address another one had gets a new id), 0 if it cannot be described.
 * Takes a lock: misses only. */
uint32_t py_code_id(const void *code);

/* Forgets every code (a fork child writes a new trace). */
void py_codes_reset(void);

/* ---- thread names (python_names.c) ---- */

/* The frame the thread state TSTATE runs (NULL: none). */
static inline const char *py_current_frame(const char *tstate)
{
	const struct py_layout *L = &py_rt.L;
	const char *f = py_ptr(tstate, L->ts_frame);
	return L->cframe_frame_set && f ? py_ptr(f, L->cframe_frame) : f;
}

/* The code object of frame F, or NULL if it has none (3.13). */
static inline const void *py_frame_code(const char *f)
{
	const void *code = py_ptr(f, py_rt.L.fr_code);
	if (py_rt.L.code_checked && (!code || py_type(code) != py_rt.code_type))
		return NULL;
	return code;
}

/* Writes the thread's Python name if it has one now and it changed; from a
 * miss, with the thread's state TSTATE. True if a record was written. */
bool py_name_update(struct shim_thread *t, const char *tstate);

#endif
