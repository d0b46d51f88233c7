/* SPDX-License-Identifier: MIT */
/* python_layout.c - where CPython 3.11, 3.12 and 3.13 keep what the shim
 * reads (x86-64, measured: formats.md H.1, H.4, H.5; 3.12.1 and 3.13.0 by
 * offsetof with their installed headers). 3.13 publishes its offsets in
 * _Py_DebugOffsets at the start of _PyRuntime: they are used when the
 * cookie, the version and their own sizes agree. */
#include "python_priv.h"

static const struct py_layout py311 = {
	.rt_finalizing = 24, .rt_main_thread = 80,
	.ts_frame = 56, .cframe_frame_set = true, .cframe_frame = 8, .ts_thread_id = 152,
	.fr_code = 32, .fr_previous = 48, .fr_instr = 56, .fr_localsplus = 72,
	.fr_is_entry = 68, .fr_owner = 69,
	.co_filename = 112, .co_name = 120, .co_qualname = 128,
	.co_code_adaptive = 184, .co_firsttraceable = 168,
	.str_state = 32, .str_ascii_data = 48,
	.tp_flags = 168, .ht_cached_keys = 872, .dict_keys = 32, .dict_values = 40,
	.managed_dict = PY_DICT_311, .values_array = 0,
	.rt_gil = 360,  /* _PyRuntime.ceval.gil */
};

/* 3.12: _PyRuntimeState starts as 3.11's (finalizing at 24); the GIL is
 * the main interpreter's own (_PyRuntime._main_interpreter@76392, its _gil
 * @1040, where interp->ceval.gil points). */
static const struct py_layout py312 = {
	.rt_finalizing = 24, .rt_main_thread = 64,
	.ts_frame = 56, .cframe_frame_set = true, .cframe_frame = 0, .ts_thread_id = 136,
	.fr_code = 0, .fr_previous = 8, .fr_instr = 56, .fr_localsplus = 72,
	.fr_is_entry = -1, .fr_owner = 70, .cstack_frames = true,
	.co_filename = 112, .co_name = 120, .co_qualname = 128,
	.co_code_adaptive = 192, .co_firsttraceable = 176,
	.str_state = 32, .str_ascii_data = 40,
	.tp_flags = 168, .ht_cached_keys = 880, .dict_keys = 32, .dict_values = 40,
	.managed_dict = PY_DICT_312, .values_array = 0,
	.rt_gil = 76392 + 1040,
};

/* 3.13: as 3.12, the GIL is the main interpreter's (_main_interpreter
 * @88352, _gil @7752); sizeof(_PyRuntimeState) 283320. */
#define PY313_RUNTIME_SIZE     283320u
#define PY313_MAIN_INTERPRETER 88352
static const struct py_layout py313 = {
	.rt_finalizing = -1, .rt_main_thread = 656,
	.ts_frame = 72, .ts_thread_id = 152,
	.fr_code = 0, .fr_previous = 8, .fr_instr = 56, .fr_localsplus = 72,
	.fr_is_entry = -1, .fr_owner = 70, .cstack_frames = true, .code_checked = true,
	.co_filename = 112, .co_name = 120, .co_qualname = 128,
	.co_code_adaptive = 200, .co_firsttraceable = 184,
	.str_state = 32, .str_ascii_data = 40,
	.tp_flags = 168, .ht_cached_keys = 880, .dict_keys = 32, .dict_values = 40,
	.managed_dict = PY_DICT_313, .values_array = 8,
	.rt_gil = PY313_MAIN_INTERPRETER + 7752,
};

/* 3.13.0's _Py_DebugOffsets (Include/internal/pycore_runtime.h): each
 * group of offsets starts with the size of the structure they are in. */
struct py313_debug {
	char cookie[8];
	uint64_t version, free_threaded;
	struct { uint64_t size, finalizing, interpreters_head; } runtime;
	struct { uint64_t size, id, next, threads_head, gc, imports_modules, sysdict, builtins,
		 ceval_gil, gil_runtime_state, gil_enabled, gil_locked, gil_holder; } interp;
	struct { uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id,
		 datastack_chunk, status; } thread;
	struct { uint64_t size, previous, executable, instr_ptr, localsplus, owner; } frame;
	struct { uint64_t size, filename, name, qualname, linetable, firstlineno, argcount,
		 localsplusnames, localspluskinds, co_code_adaptive; } code;
};

/* An offset OFF of WIDTH bytes inside a structure of SIZE, for a 16-bit
 * field of struct py_layout. */
static bool fits(uint64_t off, uint64_t width, uint64_t size)
{
	return size && size < 65536 && off + width <= size;
}

/* Takes 3.13's own offsets over the measured ones; false if they are not
 * sound, or not those of the default build (a free-threaded one has other
 * objects). They do not say where _PyRuntime keeps its main interpreter,
 * nor its main thread's id: those (and with them the GIL) are taken only
 * from a _PyRuntimeState of the measured size. */
static bool from_debug_offsets(uint32_t version, const char *runtime, struct py_layout *L)
{
	struct py313_debug d;
	memcpy(&d, runtime, sizeof d);
	if (memcmp(d.cookie, "xdebugpy", 8) || d.version != version || d.free_threaded)
		return false;
	if (d.runtime.size != PY313_RUNTIME_SIZE) {
		L->rt_main_thread = -1;
		L->rt_gil = -1;
	} else if (d.interp.size < PY313_RUNTIME_SIZE &&
		   d.interp.gil_runtime_state + PY_GIL_SWITCH_MUTEX + 40 <= d.interp.size) {
		L->rt_gil = PY313_MAIN_INTERPRETER + (int32_t)d.interp.gil_runtime_state;
	} else {
		L->rt_gil = -1;
	}
	if (d.runtime.finalizing + 8 > d.runtime.size || d.runtime.finalizing > INT32_MAX ||
	    !fits(d.thread.current_frame, 8, d.thread.size) ||
	    !fits(d.thread.thread_id, 8, d.thread.size) ||
	    !fits(d.frame.previous, 8, d.frame.size) || !fits(d.frame.executable, 8, d.frame.size) ||
	    !fits(d.frame.instr_ptr, 8, d.frame.size) || !fits(d.frame.localsplus, 8, d.frame.size) ||
	    !fits(d.frame.owner, 1, d.frame.size) || !fits(d.code.filename, 8, d.code.size) ||
	    !fits(d.code.name, 8, d.code.size) || !fits(d.code.qualname, 8, d.code.size) ||
	    !fits(d.code.co_code_adaptive, 2, d.code.size + 2) || d.code.co_code_adaptive < 16)
		return false;
	L->rt_finalizing = (int32_t)d.runtime.finalizing;
	L->ts_frame = (uint16_t)d.thread.current_frame;
	L->ts_thread_id = (uint16_t)d.thread.thread_id;
	L->fr_previous = (uint16_t)d.frame.previous;
	L->fr_code = (uint16_t)d.frame.executable;
	L->fr_instr = (uint16_t)d.frame.instr_ptr;
	L->fr_localsplus = (uint16_t)d.frame.localsplus;
	L->fr_owner = (uint16_t)d.frame.owner;
	L->co_filename = (uint16_t)d.code.filename;
	L->co_name = (uint16_t)d.code.name;
	L->co_qualname = (uint16_t)d.code.qualname;
	/* _co_firsttraceable sits 16 bytes before co_code_adaptive (measured) */
	L->co_code_adaptive = (uint16_t)d.code.co_code_adaptive;
	L->co_firsttraceable = (uint16_t)(d.code.co_code_adaptive - 16);
	return true;
}

bool py_layout_for(uint32_t version, const char *runtime, struct py_layout *L)
{
	switch (version >> 16) {
	case 0x030b: *L = py311; break;
	case 0x030c: *L = py312; break;
	case 0x030d:
		*L = py313;
		if (!from_debug_offsets(version, runtime, L))
			return false;
		break;
	default:
		return false;
	}
	L->version = version;
	return true;
}
