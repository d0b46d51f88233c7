/* SPDX-License-Identifier: MIT */
/* python_lock_name.c - where Python code made a lock, and the variable it
 * went into (python_lock_name.h). */
#include "python_lock_name.h"

#include "python_frames.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE_READ_MAX (8u << 20)  /* a .py file read no further than this */
#define TARGET_MAX 64               /* longer targets are not a name to show */
#define PYFRAMES_MAX 64             /* Python frames looked at, innermost first */

static bool is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = {
		"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
		"continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
		"if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
		"return", "try", "while", "with", "yield",
	};
	for (size_t i = 0; i < sizeof kw / sizeof *kw; i++)
		if (strlen(kw[i]) == n && !strncmp(kw[i], s, n))
			return true;
	return false;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A name, attributes and subscripts: "lock_a", "self.mutex", "locks[i]".
 * Returns the end, or P if there is none. */
static const char *scan_target(const char *p)
{
	const char *q = p;
	if (!isalpha((unsigned char)*q) && *q != '_')
		return p;
	for (;;) {
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		if (*q == '.' && (isalpha((unsigned char)q[1]) || q[1] == '_')) {
			q++;
			continue;
		}
		if (*q != '[')
			return q;
		const char *close = strchr(q, ']');
		if (!close || memchr(q, '=', (size_t)(close - q)) || memchr(q + 1, '[', (size_t)(close - q - 1)))
			return p;
		q = close + 1;
	}
}

/* An annotation ("lock: threading.Lock = ..."): a type expression, up to '='. */
static const char *skip_annotation(const char *p)
{
	const char *q = skip_blanks(p);
	const char *start = q;
	while (isalnum((unsigned char)*q) || strchr("_.[], |'\"", *q))
		q++;
	return q > start && *q ? q : p;
}

/* True if LINE holds more than one statement (a ';' outside strings):
 * "a = Lock(); b = Lock()" does not say which lock is whose. */
static bool several_statements(const char *line)
{
	char quote = 0;
	for (const char *p = line; *p; p++) {
		if (quote) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '#') {
			return false;   /* a comment to the end */
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == ';' && *skip_blanks(p + 1) && *skip_blanks(p + 1) != '#') {
			return true;
		}
	}
	return false;
}

const char *python_assignment_target(const char *line, char *buf, size_t size)
{
	if (several_statements(line))
		return NULL;
	const char *start = skip_blanks(line);
	const char *end = scan_target(start);
	size_t n = (size_t)(end - start);
	if (!n || n > TARGET_MAX || n >= size || is_keyword(start, n))
		return NULL;
	const char *p = skip_blanks(end);
	if (*p == ':')
		p = skip_annotation(p + 1);
	if (*p != '=' || p[1] == '=')
		return NULL;
	memcpy(buf, start, n);
	buf[n] = 0;
	return buf;
}

/* Line LINE (from 1) of PATH into BUF, without its newline; NULL if the
 * file is gone, unreadable, too big to reach it, or shorter. A relative
 * path (code from the program's working directory) is not read: it would
 * be relative to ours. */
static const char *source_line(const char *path, uint32_t line, char *buf, size_t size)
{
	FILE *f = line && path[0] == '/' ? fopen(path, "re") : NULL;
	if (!f)
		return NULL;
	char *text = NULL;
	size_t cap = 0, total = 0;
	ssize_t len = 0;
	uint32_t at = 0;
	while (at < line && total <= SOURCE_READ_MAX && (len = getline(&text, &cap, f)) >= 0) {
		total += (size_t)len;
		at++;
	}
	const char *out = NULL;
	if (at == line && len >= 0 && total <= SOURCE_READ_MAX) {
		snprintf(buf, size, "%.*s", (int)strcspn(text, "\r\n"), text);
		out = buf;
	}
	free(text);
	fclose(f);
	return out;
}

/* A constructor or a factory ("Queue.__init__", "RLock"): a lock made in
 * there belongs to the object the caller's line makes. */
static bool makes_object(const char *qualname)
{
	const char *dot = qualname ? strrchr(qualname, '.') : NULL;
	const char *last = dot ? dot + 1 : qualname;
	if (!last)
		return false;
	return !strcmp(last, "__init__") || !strcmp(last, "__new__") || isupper((unsigned char)*last);
}

/* "lock_a (demo.py:2)", "demo.py:2", "demo.py" (line unknown). */
static const char *format_name(const char *name, const char *path, uint32_t line, char *buf,
			       size_t size)
{
	const char *slash = strrchr(path, '/');
	const char *file = slash ? slash + 1 : path;
	char where[300];
	if (line)
		snprintf(where, sizeof where, "%s:%u", file, line);
	else
		snprintf(where, sizeof where, "%s", file);
	if (name)
		snprintf(buf, size, "%s (%s)", name, where);
	else
		snprintf(buf, size, "%s", where);
	return buf;
}

bool python_lock_may_be_named(const struct trace_object *o)
{
	return o && o->init_stack && !o->name && o->role == TRACE_ROLE_NONE &&
	       (o->kind == TRACE_OBJ_SEM || o->kind == TRACE_OBJ_MUTEX);
}

const char *python_lock_name(const struct trace_catalog *cat, const struct trace_object *o,
			     char *buf, size_t size)
{
	const struct trace_stack *s = python_lock_may_be_named(o) ? trace_catalog_stack(cat, o->init_stack) : NULL;
	if (!s)
		return NULL;
	char dir[512], text[1024], target[TARGET_MAX + 1];
	const char *lib = python_stdlib_dir(cat, s->process, dir, sizeof dir);
	bool made_here = true;   /* the library frames so far only made objects */
	for (uint32_t i = 0, seen = 0; i < s->depth && seen < PYFRAMES_MAX; i++) {
		if (!trace_pc_is_python(s->pc[i]))
			continue;
		seen++;
		const struct trace_pycode *code = trace_catalog_pycode(cat, trace_pyframe_code(s->pc[i]));
		if (!code || !code->filename)
			return NULL;
		if (python_path_is_library(code->filename, lib)) {
			if (seen == 1 && python_code_is_tstate_lock_taker(code))
				return snprintf(buf, size, "_tstate_lock (Thread.join)"), buf;
			made_here = made_here && makes_object(code->qualname);
			continue;
		}
		uint32_t line = trace_pyframe_line(s->pc[i]);
		const char *src = made_here ? source_line(code->filename, line, text, sizeof text) : NULL;
		const char *name = src ? python_assignment_target(src, target, sizeof target) : NULL;
		return format_name(name, code->filename, line, buf, size);
	}
	return NULL;
}
