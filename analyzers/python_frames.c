/* SPDX-License-Identifier: MIT */
/* python_frames.c - Python pcs as frames, and the interpreter's native
 * frames left out of stacks that have Python frames (python_frames.h). */
#include "python_frames.h"

#include <ctype.h>
#include <string.h>

#define INTERPRETER_MODULES_MAX 8

struct sym_frame python_frame(const struct trace_catalog *cat, uint64_t pc)
{
	const struct trace_pycode *code = trace_catalog_pycode(cat, trace_pyframe_code(pc));
	return (struct sym_frame){
		.pc = pc,
		.function = code ? code->qualname : NULL,
		.file = code ? code->filename : NULL,
		.line = trace_pyframe_line(pc),
		.python = true,
	};
}

bool python_path_is_library(const char *path, const char *stdlib_dir)
{
	if (!path)
		return false;
	if (!strncmp(path, "<frozen ", 8))   /* importlib and friends, built in */
		return true;
	if (strstr(path, "-packages/"))      /* site-packages, dist-packages */
		return false;
	if (stdlib_dir) {
		size_t n = strlen(stdlib_dir);
		return !strncmp(path, stdlib_dir, n) && path[n] == '/';
	}
	return strstr(path, "/lib/python3") != NULL;
}

bool python_code_is_tstate_lock_taker(const struct trace_pycode *code)
{
	const char *slash = code && code->filename ? strrchr(code->filename, '/') : NULL;
	return slash && !strcmp(slash, "/threading.py") && code->qualname &&
	       (!strcmp(code->qualname, "Thread._set_tstate_lock") ||
		!strcmp(code->qualname, "Thread._reset_internal_locks"));
}

const char *python_stdlib_dir(const struct trace_catalog *cat, uint32_t process, char *buf,
			      size_t size)
{
	for (uint32_t i = 1; i < cat->npycodes; i++) {
		const char *f = cat->pycodes[i].filename;
		size_t n = f ? strlen(f) : 0;
		if (cat->pycodes[i].process != process || n < 13 || strcmp(f + n - 13, "/threading.py"))
			continue;
		if (n - 13 >= size)
			return NULL;
		memcpy(buf, f, n - 13);
		buf[n - 13] = 0;
		return buf;
	}
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* "python3.11", "python3", "libpython3.11.so.1.0": the interpreter by name,
 * for the frames the eval loop's position cannot tell (a stack cut before
 * the first eval frame). */
static bool is_interpreter_name(const char *module)
{
	const char *b = base_name(module);
	if (!strncmp(b, "lib", 3))
		b += 3;
	return !strncmp(b, "python", 6) && (!b[6] || isdigit((unsigned char)b[6]));
}

/* The C library and the dynamic loader: a thread's start and
 * __libc_start_main, outside the Python code. */
static bool is_libc(const char *module)
{
	static const char *const prefixes[] = {
		"libc.so", "libc-", "libc.musl", "libpthread.so", "libpthread-",
		"ld-linux", "ld-2.", "ld.so", "ld-musl",
	};
	const char *b = base_name(module);
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (!strncmp(b, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

struct interpreter {
	const char *modules[INTERPRETER_MODULES_MAX];
	size_t n;
};

static void interpreter_add(struct interpreter *in, const char *module)
{
	for (size_t i = 0; i < in->n; i++)
		if (!strcmp(in->modules[i], module))
			return;
	if (in->n < INTERPRETER_MODULES_MAX)
		in->modules[in->n++] = module;
}

static bool interpreter_has(const struct interpreter *in, const char *module)
{
	for (size_t i = 0; i < in->n; i++)
		if (!strcmp(in->modules[i], module))
			return true;
	return is_interpreter_name(module);
}

/* The native frame right after a run of Python frames is that run's eval
 * loop (the shim puts them there): its module is the interpreter, whatever
 * its file is called (an embedding program, a renamed binary). */
static bool is_eval_frame(const struct sym_frame *f, bool after_python)
{
	if (f->python)
		return false;
	return after_python || (f->function && !strcmp(f->function, "_PyEval_EvalFrameDefault"));
}

static bool is_interpreter_frame(const struct interpreter *in, const struct sym_frame *f,
				 bool after_python, bool outside_python)
{
	if (f->python)
		return false;
	if (!f->module)   /* no maps: only the eval loop's position tells */
		return is_eval_frame(f, after_python);
	return interpreter_has(in, f->module) || (outside_python && is_libc(f->module));
}

size_t python_frames_filter(struct sym_frame *frames, size_t n)
{
	size_t outermost = n;
	for (size_t i = 0; i < n; i++)
		if (frames[i].python)
			outermost = i;
	if (outermost == n)
		return n;
	struct interpreter in = { .n = 0 };
	for (size_t i = 0; i < n; i++)
		if (frames[i].module && is_eval_frame(&frames[i], i && frames[i - 1].python) &&
		    !is_libc(frames[i].module))
			interpreter_add(&in, frames[i].module);
	/* in place: frames[i] is read before anything is written over it */
	size_t kept = 0;
	bool after_python = false;
	for (size_t i = 0; i < n; i++) {
		struct sym_frame f = frames[i];
		if (!is_interpreter_frame(&in, &f, after_python, i > outermost))
			frames[kept++] = f;
		after_python = f.python;
	}
	return kept;
}
