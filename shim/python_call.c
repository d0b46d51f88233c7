/* SPDX-License-Identifier: MIT */
/* python_call.c - what a Python `acquire` call asked for, read from the
 * calling frame's bytecode and values, for a lock's first try that got it.
 *
 * CPython tries every acquire without blocking first (sem_trywait), so a
 * blocking `lock.acquire()` that gets its lock at once makes the same call
 * as `lock.acquire(blocking=False)` or `acquire(timeout=1)`: only the call
 * says which (a try or a timed wait take no part in the lock order). The
 * frame running the C method is the caller's, stopped at its CALL: the
 * instructions before it name the method and push its arguments. Only the
 * plain forms are read: `X.acquire(ARGS)` where each argument is a
 * constant or a local; anything else is unknown, and counts as blocking,
 * as before. Reads the thread's own frame only (python_priv.h). */
#include "python.h"

#include "python_opcodes.h"
#include "python_priv.h"

#define RECENT 16u  /* instructions kept before the call */
#define UNKNOWN TRACE_SEM_CALL_PLAIN  /* taken as blocking, as before */

struct instr {
	uint8_t op;   /* the unspecialized opcode */
	uint32_t arg;
};

static const struct py_opcodes *opcodes_of(uint32_t version)
{
	switch (version >> 16) {
	case 0x030b: return &py311_opcodes;
	case 0x030c: return &py312_opcodes;
	case 0x030d: return &py313_opcodes;
	default: return NULL;
	}
}

/* The instructions of CODE up to unit AT, the last RECENT of them into
 * OUT (oldest first) and the one at AT into *CUR; the number in OUT, -1
 * if AT starts none, -2 if an instruction cannot be stepped over (one a
 * tracer instrumented, sys.settrace or sys.monitoring). */
static int instructions_to(const struct py_opcodes *O, const uint8_t *units, uint32_t at,
			   struct instr *out, struct instr *cur)
{
	struct instr ring[RECENT];
	uint32_t n = 0, ext = 0, i = 0;
	for (;;) {
		uint8_t op = O->deopt[units[2 * i]];
		if (op == 0xff)
			return -2;
		uint32_t arg = ext << 8 | units[2 * i + 1];
		if (i == at) {
			*cur = (struct instr){ op, arg };
			break;
		}
		ext = op == O->extended_arg ? arg : 0;
		if (op != O->extended_arg)
			ring[n++ % RECENT] = (struct instr){ op, arg };
		i += 1 + O->caches[op];
		if (i > at)
			return -1;
	}
	uint32_t k = n < RECENT ? n : RECENT;
	for (uint32_t j = 0; j < k; j++)
		out[j] = ring[(n - k + j) % RECENT];
	return (int)k;
}

static const char *tuple_item(const char *tuple, uint64_t i)
{
	int64_t size;
	if (!tuple || py_type(tuple) != py_rt.tuple_type)
		return NULL;
	memcpy(&size, tuple + 16, sizeof size);
	return i < (uint64_t)size ? py_ptr(tuple, 24 + 8 * (ptrdiff_t)i) : NULL;
}

enum value { V_UNKNOWN, V_FALSE, V_TRUE, V_MINUS_ONE, V_NONE, V_OTHER_NUMBER };

/* What a call argument is, as acquire reads it: false, -1, None, another
 * number; unknown for anything else (its truth may run Python code). */
static enum value value_of(const char *obj)
{
	if (!obj)
		return V_UNKNOWN;
	if (obj == py_rt.none)
		return V_NONE;
	if (obj == py_rt.false_)
		return V_FALSE;
	if (obj == py_rt.true_)
		return V_TRUE;
	const void *type = py_type(obj);
	if (type == py_rt.float_type) {
		double d;
		memcpy(&d, obj + 16, sizeof d);
		return d == 0 ? V_FALSE : d == -1 ? V_MINUS_ONE : V_OTHER_NUMBER;
	}
	if (type != py_rt.long_type)
		return V_UNKNOWN;
	int64_t head;  /* 3.11: ob_size, sign times digits; 3.12+: lv_tag */
	uint32_t digit;
	memcpy(&head, obj + 16, sizeof head);
	memcpy(&digit, obj + 24, sizeof digit);
	bool zero, minus_one;
	if (py_rt.L.version >> 16 == 0x030b) {
		zero = head == 0;
		minus_one = head == -1 && digit == 1;
	} else {  /* digits << 3 | sign (0 positive, 1 zero, 2 negative) */
		zero = (head & 3) == 1;
		minus_one = (head & 3) == 2 && head >> 3 == 1 && digit == 1;
	}
	return zero ? V_FALSE : minus_one ? V_MINUS_ONE : V_OTHER_NUMBER;
}

/* The mode of `acquire(blocking=True, timeout=-1)` (threading's locks;
 * multiprocessing's `acquire(block=True, timeout=None)`) from its
 * arguments: positional first, then keywords NAMES (a tuple, or NULL). */
static unsigned mode_of(const enum value *v, uint32_t n, const char *names)
{
	enum value blocking = V_TRUE, timeout = V_MINUS_ONE;
	uint32_t nkw = 0;
	if (names) {
		int64_t size;
		memcpy(&size, names + 16, sizeof size);
		if (size < 0 || (uint64_t)size > n)
			return UNKNOWN;
		nkw = (uint32_t)size;
	}
	uint32_t npos = n - nkw;
	if (npos > 2)
		return UNKNOWN;
	if (npos > 0)
		blocking = v[0];
	if (npos > 1)
		timeout = v[1];
	for (uint32_t k = 0; k < nkw; k++) {
		const char *name = tuple_item(names, k);
		if (py_str_is(name, "blocking") || py_str_is(name, "block"))
			blocking = v[npos + k];
		else if (py_str_is(name, "timeout"))
			timeout = v[npos + k];
		else
			return UNKNOWN;
	}
	if (blocking == V_FALSE || blocking == V_NONE)
		return TRACE_SEM_CALL_TRY;
	if (blocking == V_UNKNOWN || timeout == V_UNKNOWN)
		return UNKNOWN;
	return timeout == V_MINUS_ONE || timeout == V_NONE ? TRACE_SEM_CALL_PLAIN : TRACE_SEM_CALL_TIMED;
}

/* The sources of the N values pushed by the instructions before IN[END]
 * (each a constant or a local), into SHAPE in push order; the index of the
 * first of those instructions, or -1. */
static int argument_sources(const struct py_opcodes *O, const struct instr *in, int end, uint32_t n,
			    struct shim_py_call *shape)
{
	int i = end;
	for (uint32_t got = 0; got < n;) {
		if (--i < 0)
			return -1;
		const struct instr *x = &in[i];
		uint32_t k = n - 1 - got;
		if (x->op == O->load_const || x->op == O->load_fast || x->op == O->load_fast_check) {
			shape->local[k] = x->op != O->load_const;
			shape->index[k] = (uint16_t)x->arg;
			got++;
		} else if (x->op == O->load_fast_load_fast && k >= 1) {  /* 3.13: two locals */
			shape->local[k] = shape->local[k - 1] = 1;
			shape->index[k] = (uint16_t)(x->arg & 15);
			shape->index[k - 1] = (uint16_t)(x->arg >> 4);
			got += 2;
		} else {
			return -1;
		}
		if (x->arg > UINT16_MAX)
			return -1;
	}
	return i;
}

/* True if IN is the load of a method or attribute named "acquire". */
static bool loads_acquire(const struct py_opcodes *O, const struct instr *in, const char *code)
{
	const char *names = py_ptr(code, 32);  /* co_names */
	if (in->op == O->load_method)
		return py_str_is(tuple_item(names, in->arg), "acquire");
	if (in->op == O->load_attr)  /* 3.12+: the name's index << 1 | method */
		return py_str_is(tuple_item(names, O->load_method == 0xff ? in->arg >> 1 : in->arg),
				 "acquire");
	return false;
}

/* Reads the call at unit AT of CODE into SHAPE (acquire 0 if it is not
 * `X.acquire(ARGS)` with plain arguments). */
static void shape_read(const struct py_opcodes *O, const char *code, uint32_t at,
		       struct shim_py_call *shape)
{
	const char *consts = py_ptr(code, 24);  /* co_consts, the same in 3.11-3.13 */
	*shape = (struct shim_py_call){ .code = code, .consts = consts, .at = at, .op = 0xff };
	struct instr in[RECENT], cur;
	int n = instructions_to(O, (const uint8_t *)code + py_rt.L.co_code_adaptive, at, in, &cur);
	shape->unread = n == -2;
	if (n < 0)
		return;
	shape->op = cur.op;
	if (cur.op == O->call && n && in[n - 1].op == O->precall)
		n--;  /* 3.11: the call's own PRECALL */
	if (cur.op == O->call_kw) {  /* 3.13: the keywords' tuple is pushed last */
		if (!n || in[n - 1].op != O->load_const)
			return;
		shape->names = tuple_item(consts, in[--n].arg);
	} else if (cur.op == O->call || cur.op == O->precall) {
		if (n && in[n - 1].op == O->kw_names)
			shape->names = tuple_item(consts, in[--n].arg);
	} else {
		return;
	}
	if (cur.arg > 2 || (shape->names && py_type(shape->names) != py_rt.tuple_type))
		return;
	shape->nargs = (uint8_t)cur.arg;
	int first = argument_sources(O, in, n, cur.arg, shape);
	shape->acquire = first >= 1 && loads_acquire(O, &in[first - 1], code);
}

unsigned shim_py_acquire_call(struct shim_thread *t)
{
	if (!atomic_load_explicit(&py_layout_ready, memory_order_acquire) || !py_rt.tuple_type)
		return UNKNOWN;
	const struct py_opcodes *O = opcodes_of(py_rt.L.version);
	const char *tstate = O ? py_rt.get_tstate() : NULL;
	const char *frame = tstate ? py_current_frame(tstate) : NULL;
	const char *code = frame ? py_frame_code(frame) : NULL;
	if (!code || py_type(code) != py_rt.code_type ||
	    (py_rt.L.cstack_frames && (uint8_t)frame[py_rt.L.fr_owner] == PY_OWNED_BY_CSTACK))
		return UNKNOWN;
	const uint8_t *units = (const uint8_t *)code + py_rt.L.co_code_adaptive;
	const uint8_t *instr = (const uint8_t *)py_ptr(frame, py_rt.L.fr_instr);
	int64_t size;  /* Py_SIZE of a code object: its code units */
	memcpy(&size, code + 16, sizeof size);
	if (instr < units || (instr - units) & 1 || (instr - units) / 2 >= size)
		return UNKNOWN;
	uint32_t at = (uint32_t)((instr - units) / 2);
	/* a site is read once: the same code object (with the same constants)
	 * and the same call, unspecialized */
	struct shim_py_call *shape =
		&t->pycalls[(((uintptr_t)code >> 4) ^ at * 0x9E3779B1u) % SHIM_PY_CALLS];
	if (shape->code != code || shape->at != at || shape->consts != py_ptr(code, 24) ||
	    shape->op != O->deopt[units[2 * at]])
		shape_read(O, code, at, shape);
	if (shape->unread)
		py_note_unread_calls(t);
	if (!shape->acquire)
		return UNKNOWN;
	const char *locals = frame + py_rt.L.fr_localsplus;
	enum value v[2];
	for (uint32_t i = 0; i < shape->nargs; i++)
		v[i] = value_of(shape->local[i] ? py_ptr(locals, 8 * (ptrdiff_t)shape->index[i])
						: tuple_item(shape->consts, shape->index[i]));
	return mode_of(v, shape->nargs, shape->names);
}
