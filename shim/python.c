/* SPDX-License-Identifier: MIT */
/* python.c - finding CPython in the process, the records that say what it
 * is (RUNTIME, OBJ_ROLE of the GIL's locks), and the Python frames of every
 * stack of a thread that runs Python.
 *
 * The native stack cache cannot see Python frames: Python-to-Python calls
 * run in one C eval loop. So a call's stack goes through a second cache,
 * per thread, keyed by its native stack id and a hash of its raw chain of
 * Python frames (code object, instruction, qualname object: a few loads per
 * frame). Only a miss unwinds, asks CPython for line numbers, describes new
 * code objects and interns the stack: an eval loop's Python frames
 * (innermost first) go just before that loop's own native frame, those
 * beyond the native depth go last (trace_event.h, TRACE_PYFRAME). */
#include "python.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>

#include "elf_symbol.h"
#include "emit.h"
#include "python_priv.h"
#include "stack.h"

_Static_assert(sizeof(struct shim_py_entry) * SHIM_PY_WAYS == 64, "a set is one cache line");
_Static_assert((SHIM_PY_WAYS & (SHIM_PY_WAYS - 1)) == 0, "ways: a power of two");

_Atomic bool shim_py_frames;
struct shim_py_range shim_py_sem_init, shim_py_sem_wakeup;
struct py_runtime py_rt;
_Atomic bool py_layout_ready;
static _Atomic bool looking;       /* a thread is looking, or one found it */
static bool found;                 /* a CPython was found in this image */
static bool layout_known;          /* ... and the shim knows its layout */
static uint32_t found_version;
static char note[160];             /* the RUNTIME record's note, "" if none */

/* ---- finding the interpreter ---- */

/* PY_VERSION_HEX from Py_GetVersion's "3.10.12 (main, ...)" (before 3.11,
 * without Py_Version). A C function returning a static string. */
static uint32_t version_from_string(const char *(*get_version)(void))
{
	unsigned major = 0, minor = 0, micro = 0;
	if (sscanf(get_version(), "%u.%u.%u", &major, &minor, &micro) < 2)
		return 0;
	return (major & 0xff) << 24 | (minor & 0xff) << 16 | (micro & 0xff) << 8 | 0xf0;
}

/* The size of function FN's code, 0 if unknown. */
static size_t code_size(void *fn)
{
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	if (fn && dladdr1(fn, &info, (void **)&sym, RTLD_DL_SYMENT) && sym)
		return sym->st_size;
	return 0;
}

/* Sets R to the code of the function SYMBOL names. */
static void code_range(struct shim_py_range *r, const char *symbol)
{
	void *fn = shim_elf_symbol(symbol);
	r->lo = (uintptr_t)fn;
	atomic_store_explicit(&r->len, code_size(fn), memory_order_release);
}

/* Resolves what the Python support reads in the loaded objects; false if
 * anything is missing, or for a debug build (Py_REF_DEBUG: its objects are
 * not the measured ones). */
static bool resolve(uint32_t version)
{
	if (shim_elf_symbol("_Py_NegativeRefcount"))
		return false;
	py_rt.runtime = shim_elf_symbol("_PyRuntime");
	py_rt.get_tstate = (void *(*)(void))shim_elf_symbol("PyGILState_GetThisThreadState");
	py_rt.addr2line = (int (*)(const void *, int))shim_elf_symbol("PyCode_Addr2Line");
	py_rt.code_type = shim_elf_symbol("PyCode_Type");
	py_rt.str_type = shim_elf_symbol("PyUnicode_Type");
	py_rt.dict_type = shim_elf_symbol("PyDict_Type");
	py_rt.tuple_type = shim_elf_symbol("PyTuple_Type");
	py_rt.long_type = shim_elf_symbol("PyLong_Type");
	py_rt.float_type = shim_elf_symbol("PyFloat_Type");
	py_rt.none = shim_elf_symbol("_Py_NoneStruct");
	py_rt.false_ = shim_elf_symbol("_Py_FalseStruct");
	py_rt.true_ = shim_elf_symbol("_Py_TrueStruct");
	if (!py_rt.long_type || !py_rt.float_type || !py_rt.none || !py_rt.false_ || !py_rt.true_)
		py_rt.tuple_type = NULL;   /* all or none: python_call.c checks this one */
	/* where each native eval frame of the stack returns to */
	void *eval = shim_elf_symbol("_PyEval_EvalFrameDefault");
	size_t eval_size = code_size(eval);
	if (eval_size) {
		py_rt.eval_lo = (uintptr_t)eval;
		py_rt.eval_hi = (uintptr_t)eval + eval_size;
	}
	if (version >> 16 >= 0x030d) {
		code_range(&shim_py_sem_init, "_PySemaphore_Init");
		code_range(&shim_py_sem_wakeup, "_PySemaphore_Wakeup");
	}
	return py_rt.runtime && py_rt.get_tstate && py_rt.addr2line && py_rt.code_type &&
	       py_rt.str_type && py_rt.dict_type && py_layout_for(version, py_rt.runtime, &py_rt.L);
}

static bool layout_refused(void)
{
	const char *v = getenv("CTRACE_PYTHON_LAYOUT");
	return v && !strcmp(v, "unknown");
}

/* ---- records of the image ---- */

struct gil_lock {
	size_t off;
	enum trace_obj_role role;
	const char *name;
};

/* The RUNTIME record, with the note as it is now (a later one replaces it). */
static void write_runtime(struct shim_thread *t)
{
	struct shim_call c = { .t = t, .stack = 0 };
	uint64_t support = shim_py_frames ? TRACE_RUNTIME_FULL
			   : layout_known ? TRACE_RUNTIME_NO_STACKS : TRACE_RUNTIME_UNKNOWN_LAYOUT;
	shim_emit(&c, TRACE_OP_RUNTIME, 0, 0, 0, TRACE_RUNTIME_CPYTHON, found_version, support,
		  note[0] ? note : NULL);
}

void py_note_unread_calls(struct shim_thread *t)
{
	static atomic_flag said = ATOMIC_FLAG_INIT;
	if (atomic_flag_test_and_set(&said) || note[0])
		return;   /* said; or a process with a note of its own, which reads no call */
	snprintf(note, sizeof note, "acquire calls in Python code a tracer or debugger instrumented "
		 "(sys.settrace, sys.monitoring) were not read: a try or timeout there counts as blocking");
	write_runtime(t);
}

static void write_records(struct shim_thread *t)
{
	write_runtime(t);
	struct shim_call c = { .t = t, .stack = 0 };
	if (!layout_known || py_rt.L.rt_gil < 0)
		return;  /* the GIL's locks keep their symbols */
	const char *gil_at = py_rt.runtime + py_rt.L.rt_gil;
	const struct gil_lock gil[] = {
		{ PY_GIL_MUTEX, TRACE_ROLE_GIL_MUTEX, "GIL" },
		{ PY_GIL_COND, TRACE_ROLE_GIL_COND, "GIL cond" },
		{ PY_GIL_SWITCH_MUTEX, TRACE_ROLE_GIL_SWITCH_MUTEX, "GIL switch mutex" },
		{ PY_GIL_SWITCH_COND, TRACE_ROLE_GIL_SWITCH_COND, "GIL switch cond" },
	};
	for (size_t i = 0; i < sizeof gil / sizeof gil[0]; i++)
		shim_emit_how(&c, TRACE_ORDER_NONE, TRACE_OP_OBJ_ROLE, (uintptr_t)gil_at + gil[i].off,
			      0, 0, gil[i].role, 0, 0, gil[i].name);
}

void shim_py_detect(struct shim_thread *t)
{
	if (!t || atomic_exchange(&looking, true))
		return;
	t->in_shim++;
	const unsigned long *hex = shim_elf_symbol("Py_Version");
	const char *(*get_version)(void) =
		hex ? NULL : (const char *(*)(void))shim_elf_symbol("Py_GetVersion");
	uint32_t version = hex ? (uint32_t)*hex : get_version ? version_from_string(get_version) : 0;
	t->in_shim--;
	if (!version) {
		atomic_store(&looking, false);  /* not here: after the next dlopen, maybe */
		return;
	}
	found = true;
	found_version = version;
	bool refused = layout_refused();
	t->in_shim++;
	layout_known = !refused && resolve(version);
	t->in_shim--;
	if (!layout_known)
		snprintf(note, sizeof note, "CPython %u.%u: Python frames not recorded (%s), C frames only",
			 version >> 24, version >> 16 & 0xff,
			 refused ? "CTRACE_PYTHON_LAYOUT=unknown" : "layout unknown");
	else if (!shim.stack_depth)
		snprintf(note, sizeof note, "CPython %u.%u: no stacks (stack depth 0): Python frames "
			 "and thread names not recorded", version >> 24, version >> 16 & 0xff);
	/* the layout and symbols above are published with them */
	atomic_store_explicit(&py_layout_ready, layout_known, memory_order_release);
	atomic_store_explicit(&shim_py_frames, layout_known && shim.stack_depth,
			      memory_order_release);
	write_records(t);
}

void shim_py_after_fork(struct shim_thread *t)
{
	if (!found || !t)
		return;
	py_codes_reset();
	t->pyname[0] = 0;
	write_records(t);
}

/* ---- stacks ---- */

/* A Python frame of a stack being built: the pc, and whether it is the
 * outermost of its eval loop. */
struct pyframe {
	uint64_t pc;
	bool last_of_loop;
};

static inline bool is_cstack_frame(const char *f)
{
	return py_rt.L.cstack_frames && (uint8_t)f[py_rt.L.fr_owner] == PY_OWNED_BY_CSTACK;
}

/* The hash of the chain of Python frames from F, with NATIVE. One
 * multiply per frame on the dependency chain: the loads of a frame's code
 * and qualname overlap the walk to the next frame. */
static inline uint64_t chain_hash(const char *f, uint32_t native)
{
	const struct py_layout *L = &py_rt.L;
	uint64_t h = 0x9E3779B97F4A7C15ull * (native + 1);
	for (uint32_t n = 0; f && n < PY_DEPTH_MAX; n++, f = py_ptr(f, L->fr_previous)) {
		const char *code = py_frame_code(f);
		uint64_t a = (uintptr_t)code, b = (uintptr_t)py_ptr(f, L->fr_instr);
		uint64_t q = code ? (uintptr_t)py_ptr(code, L->co_qualname) : 0;
		h = (h ^ a ^ (b << 21 | b >> 43) ^ q << 7) * 0xff51afd7ed558ccdull;
	}
	h ^= h >> 32;
	h *= 0xc4ceb9fe1a85ec53ull;
	return (h ^ h >> 29) | 1;  /* 0 marks an empty entry */
}

/* The cache line of entries a call may be in: chosen by what is known
 * before the walk (its native stack and innermost instruction), so the
 * line loads while the chain is walked; four ways, as one function's
 * call site is reached along several chains. */
static inline struct shim_py_entry *cache_set(struct shim_thread *t, const char *frame,
					      uint32_t native)
{
	uint64_t k = ((uintptr_t)py_ptr(frame, py_rt.L.fr_instr) ^ native) * 0x9E3779B97F4A7C15ull;
	return &t->pycache[(k >> 40) % (SHIM_PY_CACHE / SHIM_PY_WAYS) * SHIM_PY_WAYS];
}

/* The frame's line, or 0; false for an incomplete frame (not started:
 * CPython hides those too, _PyFrame_IsIncomplete). */
static bool frame_line(const char *f, const char *code, uint32_t *line)
{
	const struct py_layout *L = &py_rt.L;
	const char *instr = py_ptr(f, L->fr_instr), *start = code + L->co_code_adaptive;
	int32_t first;
	memcpy(&first, code + L->co_firsttraceable, sizeof first);
	if ((uint8_t)f[L->fr_owner] != PY_OWNED_BY_GENERATOR && instr < start + 2 * (int64_t)first)
		return false;
	int l = instr >= start && instr - start < INT32_MAX ? py_rt.addr2line(code, (int)(instr - start)) : 0;
	*line = l > 0 ? (uint32_t)l : 0;
	return true;
}

/* The Python frames from F, innermost first. */
static uint32_t python_frames(const char *f, struct pyframe *out)
{
	const struct py_layout *L = &py_rt.L;
	uint32_t n = 0;
	for (uint32_t k = 0; f && k < PY_DEPTH_MAX; k++, f = py_ptr(f, L->fr_previous)) {
		const char *code = py_frame_code(f);
		bool entry = L->fr_is_entry >= 0 && f[L->fr_is_entry];
		uint32_t line = 0;
		if (is_cstack_frame(f) || !code || py_type(code) != py_rt.code_type ||
		    !frame_line(f, code, &line)) {
			/* no frame of its own; a C boundary ends the loop's frames */
			if (n && (is_cstack_frame(f) || entry))
				out[n - 1].last_of_loop = true;
			continue;
		}
		out[n++] = (struct pyframe){ trace_pyframe(py_code_id(code), line), entry };
	}
	return n;
}

static inline bool in_eval(uint64_t pc)
{
	return pc >= py_rt.eval_lo && pc < py_rt.eval_hi;
}

/* Native frames NAT with the Python frames PY put in, into OUT. */
static uint32_t interleave(const uint64_t *nat, uint32_t nn, const struct pyframe *py,
			   uint32_t np, uint64_t *out)
{
	uint32_t n = 0, k = 0;
	for (uint32_t i = 0; i < nn; i++) {
		while (in_eval(nat[i]) && k < np) {
			out[n++] = py[k].pc;
			if (py[k++].last_of_loop)
				break;
		}
		out[n++] = nat[i];
	}
	while (k < np)
		out[n++] = py[k++].pc;
	return n;
}

/* Where a new entry goes in its set: a free way, else one chosen by its
 * hash. (Always the hash's way made two stacks of one set that a loop
 * alternates between evict each other on every call.) */
static struct shim_py_entry *cache_way(struct shim_py_entry *set, uint64_t hash)
{
	for (uint32_t i = 0; i < SHIM_PY_WAYS; i++)
		if (!set[i].hash)
			return &set[i];
	return &set[hash >> 32 & (SHIM_PY_WAYS - 1)];
}

static __attribute__((noinline, cold)) uint32_t
stack_miss(struct shim_call *c, uint32_t native, uintptr_t pc0, const char *tstate,
	   const char *frame, struct shim_py_entry *set, uint64_t hash)
{
	struct shim_thread *t = c->t;
	/* no unwinding while the loader lock may be held, nor in a vfork
	 * child (its cache is its parent's too) */
	if (t->in_dlopen || !shim_stack_may_unwind())
		return native;
	int saved = *t->errno_at;
	t->in_shim++;
	uint64_t nat[TRACE_STACK_DEPTH_MAX], pc[TRACE_ENTRY_WORDS_MAX];
	struct pyframe py[PY_DEPTH_MAX];
	uint32_t np = python_frames(frame, py);
	uint32_t nn = shim_stack_unwind(t, pc0, nat);
	uint32_t id = trace_writer_intern_stack(&shim.writer, pc, interleave(nat, nn, py, np, pc));
	if (id)
		*cache_way(set, hash) = (struct shim_py_entry){ hash, native, id };
	if (py_name_update(t, tstate))
		c->tick = 0;  /* the call's record comes after the name's */
	t->in_shim--;
	*t->errno_at = saved;
	return id ? id : native;
}

uint32_t shim_py_stack(struct shim_call *c, uint32_t native, uintptr_t pc0)
{
	const char *tstate = py_rt.get_tstate();
	if (!tstate)
		return native;  /* no Python in this thread (yet, or any more) */
	const struct py_layout *L = &py_rt.L;
	if (L->rt_finalizing >= 0) {
		/* finalizing: other threads' states are being freed under them */
		const char *fin = py_ptr(py_rt.runtime, L->rt_finalizing);
		if (fin && fin != tstate)
			return native;
	}
	const char *frame = py_current_frame(tstate);
	if (!frame)
		return native;
	struct shim_py_entry *set = cache_set(c->t, frame, native);
	uint64_t h = chain_hash(frame, native);
	for (uint32_t i = 0; i < SHIM_PY_WAYS; i++)
		if (set[i].hash == h && set[i].native == native)
			return set[i].id;
	return stack_miss(c, native, pc0, tstate, frame, set, h);
}
