/* SPDX-License-Identifier: MIT */
/* print_common.c - shared wording of the printers (see print_common.h). */
#include "print_common.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *print_basename(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path ? path : "";
}

const char *print_lock_label(const struct report *r, uint32_t id, char *buf, size_t size)
{
	const struct report_lock *l = report_lock_find(r, id);
	if (!l) {
		snprintf(buf, size, "object #%" PRIu32, id);
		return buf;
	}
	const char *kind = report_lock_noun(l);
	char th[96];
	if (l->kind == TRACE_OBJ_THREAD && l->thread != TRACE_NONE)
		snprintf(buf, size, "thread %s", print_thread_label(r, l->thread, th, sizeof(th)));
	else if (l->symbol)
		snprintf(buf, size, "%s '%s' (0x%" PRIx64 ")", kind, l->symbol, l->address);
	else if (l->name && l->kind == TRACE_OBJ_MQ)
		snprintf(buf, size, "%s '%s'", kind, l->name);
	else if (l->name)  /* names by creation site may repeat */
		snprintf(buf, size, "%s '%s' (0x%" PRIx64 ")", kind, l->name, l->address);
	else
		snprintf(buf, size, "%s M%" PRIu32 " (0x%" PRIx64 ")", kind, l->id, l->address);
	return buf;
}

const char *print_lockstat_label(const struct report *r, const struct report_lockstat *s, char *buf,
				 size_t size)
{
	const struct report_lock *l = report_lock_find(r, s->lock);
	if (!s->instances || !l)
		return print_lock_label(r, s->lock, buf, size);
	char where[512];
	if (!l->init_stack)   /* no stacks: a class is one address */
		snprintf(buf, size, "%s class of %" PRIu64 " instances at 0x%" PRIx64, report_lock_noun(l),
			 s->instances, l->address);
	else
		snprintf(buf, size, "%s class of %" PRIu64 " instances %s at %s", report_lock_noun(l),
			 s->instances, l->initialized ? "initialized" : "first used",
			 print_stack_where(r, l->init_stack, where, sizeof(where)));
	return buf;
}

const char *print_thread_label(const struct report *r, uint32_t id, char *buf, size_t size)
{
	if (id == TRACE_NONE) {
		snprintf(buf, size, "T?");
		return buf;
	}
	const struct report_thread *t = report_thread_find(r, id);
	if (t && t->name)
		snprintf(buf, size, "T%" PRIu32 " '%s'", id, t->name);
	else if (id == 0)
		snprintf(buf, size, "T0 (main thread)");
	else
		snprintf(buf, size, "T%" PRIu32, id);
	return buf;
}

const char *print_duration(uint64_t ns, char *buf, size_t size)
{
	if (ns < 1000)
		snprintf(buf, size, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%.1f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, size, "%.1f ms", (double)ns / 1e6);
	else
		snprintf(buf, size, "%.2f s", (double)ns / 1e9);
	return buf;
}

static bool has_file(const struct report_frame *f)
{
	return f->file != NULL;
}

static bool has_function(const struct report_frame *f)
{
	return f->function != NULL;
}

/* The innermost frame that has a name, or a place in a loaded object: the
 * program's own code even when it was built without debug information or
 * stripped (libc's frames above it have names); not an unknown pc. */
static bool has_place(const struct report_frame *f)
{
	return f->file || f->function || (f->module && f->has_offset);
}

/* A frame of a library's code: Python's own (threading.py's
 * Condition.wait...), or a system header's inlined into the program
 * (libstdc++'s std::mutex::lock and __gthread_mutex_lock in
 * /usr/include). */
static bool is_library_frame(const struct report_frame *f)
{
	return f->python_library || (f->file && !strncmp(f->file, "/usr/include/", 13));
}

/* The innermost frame of STACK that is WANTED, passing over a library's
 * code to the program's code that called it when there is such a frame. */
static const struct report_frame *top_frame(const struct report *r, uint32_t stack,
					    bool (*wanted)(const struct report_frame *))
{
	const struct report_stack *s = report_stack_find(r, stack);
	const struct report_frame *library = NULL;
	for (size_t i = 0; s && i < s->nframes; i++) {
		if (!wanted(&s->frames[i]))
			continue;
		if (!is_library_frame(&s->frames[i]))
			return &s->frames[i];
		if (!library)
			library = &s->frames[i];
	}
	return library;
}

const struct report_frame *print_top_frame_with_file(const struct report *r, uint32_t stack)
{
	return top_frame(r, stack, has_file);
}

const struct report_frame *print_top_frame_with_function(const struct report *r, uint32_t stack)
{
	return top_frame(r, stack, has_function);
}

const char *print_stack_where(const struct report *r, uint32_t stack, char *buf, size_t size)
{
	const struct report_frame *f = top_frame(r, stack, has_place);
	const struct report_stack *s = report_stack_find(r, stack);
	const char *base = f && f->module ? print_basename(f->module) : NULL;
	if (f && f->file && f->function)
		snprintf(buf, size, "%s:%" PRIu32 " in %s", f->file, f->line, f->function);
	else if (f && f->file)
		snprintf(buf, size, "%s:%" PRIu32, f->file, f->line);
	else if (f && f->function && base)
		snprintf(buf, size, "%s (%s)", f->function, base);
	else if (f && f->function)
		snprintf(buf, size, "%s", f->function);
	else if (f)   /* stripped: the object and offset, as TSan prints them */
		snprintf(buf, size, "(%s+0x%" PRIx64 ")", base, f->module_offset);
	else if (s && s->nframes)
		snprintf(buf, size, "0x%" PRIx64, s->frames[0].pc);
	else
		snprintf(buf, size, "(no stack)");
	return buf;
}

const char *print_deadlock_headline(const struct report_deadlock *d)
{
	return report_deadlock_kind_title(d->kind);
}

const char *print_race_location(const struct report *r, const struct report_race *x, char *buf,
				size_t size)
{
	char th[128], lock[192];
	switch (x->location) {
	case REPORT_LOCATION_GLOBAL:
		snprintf(buf, size, "global '%s' at 0x%" PRIx64, x->symbol ? x->symbol : "?", x->address);
		break;
	case REPORT_LOCATION_HEAP:
		snprintf(buf, size, "%sheap block of size %" PRIu64 " at 0x%" PRIx64 " (offset %" PRIu64 ")",
			 x->block_freed ? "freed " : "", x->block_size, x->block, x->offset);
		break;
	case REPORT_LOCATION_STACK:
		if (x->symbol)
			snprintf(buf, size, "variable '%s' of %s on the stack of thread %s, at 0x%" PRIx64,
				 x->symbol, x->function ? x->function : "?",
				 print_thread_label(r, x->stack_thread, th, sizeof(th)), x->address);
		else if (x->stack_hi > x->address)
			snprintf(buf, size, "the stack of thread %s, at 0x%" PRIx64 " (0x%" PRIx64
				 " below its top 0x%" PRIx64 "; frame unknown)",
				 print_thread_label(r, x->stack_thread, th, sizeof(th)), x->address,
				 x->stack_hi - x->address, x->stack_hi);
		else
			snprintf(buf, size, "the stack of thread %s, at 0x%" PRIx64 " (frame unknown)",
				 print_thread_label(r, x->stack_thread, th, sizeof(th)), x->address);
		break;
	case REPORT_LOCATION_OBJECT:
		snprintf(buf, size, "%s", print_lock_label(r, x->object, lock, sizeof(lock)));
		break;
	case REPORT_LOCATION_TLS:
		snprintf(buf, size, "thread-local '%s' of thread %s, at 0x%" PRIx64, x->symbol ? x->symbol : "?",
			 print_thread_label(r, x->stack_thread, th, sizeof(th)), x->address);
		break;
	case REPORT_LOCATION_UNKNOWN:
		snprintf(buf, size, "0x%" PRIx64 " (not a global, nor a heap block seen allocated)", x->address);
		break;
	}
	return buf;
}

const char *print_race_access(const struct report *r, const struct report_access *a, bool cap,
			      char *buf, size_t size)
{
	char th[128], fn[64];
	const char *what = a->write ? (cap ? "Write" : "write") : (cap ? "Read" : "read");
	if (a->op)   /* a sync-object race: the call */
		snprintf(buf, size, "%s (%s) by thread %s", what, report_op_function(a->op, fn, sizeof(fn)),
			 print_thread_label(r, a->thread, th, sizeof(th)));
	else
		snprintf(buf, size, "%s%s of size %" PRIu32 " at 0x%" PRIx64 " by thread %s%s",
			 a->atomic ? (cap ? "Atomic " : "atomic ") : "",
			 a->atomic ? (a->write ? "write" : "read") : what, a->size, a->address,
			 print_thread_label(r, a->thread, th, sizeof(th)),
			 a->flags & TRACE_ACCESS_FREE ? " (free)"
			 : a->flags & REPORT_ACCESS_ALLOC ? " (allocation)" : "");
	return buf;
}

bool print_lockstat_is_lock(const struct report *r, const struct report_lockstat *s)
{
	const struct report_lock *l = report_lock_find(r, s->lock);
	return s->used_as_lock || (l && (l->kind == TRACE_OBJ_MUTEX || l->kind == TRACE_OBJ_RWLOCK ||
					 l->kind == TRACE_OBJ_SPINLOCK));
}

const char *print_race_access_locks(const struct report *r, const struct report_access *a, char *buf,
				    size_t size)
{
	char l[192];
	print_race_access(r, a, false, buf, size);
	size_t n = strlen(buf);
	for (size_t i = 0; i < a->nlocks_held && n < size; i++) {
		snprintf(buf + n, size - n, "%s%s", i ? ", " : ", holding ",
			 print_lock_label(r, a->locks_held[i], l, sizeof(l)));
		n += strlen(buf + n);
	}
	return buf;
}
