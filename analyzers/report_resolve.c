/* SPDX-License-Identifier: MIT */
/* report_resolve.c - fills a report's context from the catalog: program,
 * threads, trace counters, the lock and stack tables (symbolized through
 * struct report_symbols), and misuse messages naming their objects. The
 * real symbolizer adapter is in report_symbolizer.c so tests can link
 * without libdw. */
#include "report_resolve.h"

#include "python_frames.h"
#include "python_lock_name.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct id_set {
	uint32_t *ids;
	size_t n, cap;
};

static void id_set_add(struct id_set *s, uint32_t id)
{
	if (!id || id == TRACE_NONE)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->ids = realloc(s->ids, s->cap * sizeof(*s->ids));
		if (!s->ids)
			abort();
	}
	s->ids[s->n++] = id;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void id_set_sort(struct id_set *s)
{
	if (!s->n)
		return;
	qsort(s->ids, s->n, sizeof(*s->ids), u32_cmp);
	size_t m = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!m || s->ids[m - 1] != s->ids[i])
			s->ids[m++] = s->ids[i];
	s->n = m;
}

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static void collect_ids(const struct report *r, struct id_set *locks, struct id_set *stacks)
{
	for (size_t i = 0; i < r->ndeadlocks; i++) {
		for (size_t j = 0; j < r->deadlocks[i].ncycle; j++) {
			const struct report_edge *e = &r->deadlocks[i].cycle[j];
			id_set_add(locks, e->holding);
			id_set_add(locks, e->acquiring);
			id_set_add(stacks, e->holding_stack);
			id_set_add(stacks, e->acquiring_stack);
		}
	}
	for (size_t i = 0; i < r->nmisuses; i++) {
		id_set_add(locks, r->misuses[i].lock);
		id_set_add(locks, r->misuses[i].other_lock);
		id_set_add(locks, r->misuses[i].cond);
		id_set_add(stacks, r->misuses[i].stack);
		id_set_add(stacks, r->misuses[i].other_stack);
	}
	for (size_t i = 0; i < r->nlockstats; i++) {
		const struct report_lockstat *s = &r->lockstats[i];
		id_set_add(locks, s->lock);
		for (size_t j = 0; j < s->nsites; j++) {
			id_set_add(stacks, s->sites[j].stack);
			for (size_t k = 0; k < s->sites[j].nblamed; k++)
				id_set_add(stacks, s->sites[j].blamed[k].stack);
		}
	}
	for (size_t i = 0; i < r->nraces; i++) {
		const struct report_race *x = &r->races[i];
		for (int a = 0; a < 2; a++) {
			id_set_add(stacks, x->accesses[a].stack);
			for (size_t k = 0; k < x->accesses[a].nlocks_held; k++)
				id_set_add(locks, x->accesses[a].locks_held[k]);
		}
		id_set_add(stacks, x->block_stack);
		id_set_add(stacks, x->free_stack);
		id_set_add(locks, x->object);
	}
}

/* A race's variable: a global or static names it (before any guess that
 * it was on a thread's stack); a heap block was named by the analyzer. */
/* A local on a thread's stack: from an access of the race by that thread,
 * whose frames lead from its start routine to the access. */
static void resolve_stack_variable(struct report_race *x, const struct trace_catalog *cat,
				   const struct report_symbols *sym)
{
	const struct trace_thread *th = x->stack_thread < cat->nthreads ? &cat->threads[x->stack_thread] : NULL;
	if (!th || !th->root_cfa || !sym || !sym->stack_variable)
		return;
	const uint64_t root[3] = { th->root_cfa, th->root_ret, th->root_fn };
	for (int a = 0; a < 2 && !x->symbol; a++) {
		const struct trace_stack *cs = x->accesses[a].thread == x->stack_thread ?
					       trace_catalog_stack(cat, x->accesses[a].stack) : NULL;
		const char *function = NULL;
		const char *name = cs ? sym->stack_variable(sym->ctx, x->process, cs->pc, cs->depth, root,
							    x->address, &function) : NULL;
		if (!name)
			continue;
		x->symbol = dup_or_null(name);
		x->function = dup_or_null(function);
	}
}

/* A thread-local variable: in the block of the thread of the process
 * whose pthread_t it lies past, the latest to start before the newer
 * access (a joined thread's pthread_t is given to a new thread). */
static bool resolve_tls_variable(struct report_race *x, const struct trace_catalog *cat,
				 const struct report_symbols *sym)
{
	uint32_t owner = TRACE_NONE;
	const char *name = NULL;
	for (uint32_t t = 0; sym && sym->tls_symbol && t < cat->nthreads; t++) {
		const struct trace_thread *th = &cat->threads[t];
		if (th->process != x->process || !th->handle || th->start_ns > x->accesses[0].ts_ns ||
		    (owner != TRACE_NONE && th->start_ns < cat->threads[owner].start_ns))
			continue;
		const char *n = sym->tls_symbol(sym->ctx, x->process, th->handle, x->address);
		if (n) {
			owner = t;
			name = n;
		}
	}
	if (!name)
		return false;
	free(x->symbol);
	free(x->function);
	x->symbol = dup_or_null(name);
	x->function = NULL;
	x->location = REPORT_LOCATION_TLS;
	x->stack_thread = owner;
	x->stack_lo = x->stack_hi = 0;
	return true;
}

static void resolve_race(struct report_race *x, const struct trace_catalog *cat,
			 const struct report_symbols *sym)
{
	if ((x->location == REPORT_LOCATION_STACK || x->location == REPORT_LOCATION_UNKNOWN) &&
	    resolve_tls_variable(x, cat, sym))
		return;
	if (x->location == REPORT_LOCATION_STACK) {
		resolve_stack_variable(x, cat, sym);
		return;
	}
	if (x->symbol || x->location == REPORT_LOCATION_HEAP || !sym || !sym->data_symbol)
		return;
	const char *name = sym->data_symbol(sym->ctx, x->process, x->address);
	if (!name)
		return;
	x->symbol = dup_or_null(name);
	if (x->location != REPORT_LOCATION_OBJECT)
		x->location = REPORT_LOCATION_GLOBAL;
}

static void resolve_locks(struct report *r, const struct trace_catalog *cat, const struct id_set *ids,
			  const struct report_symbols *sym, struct id_set *stacks)
{
	r->locks = calloc(ids->n + 1, sizeof(*r->locks));
	if (!r->locks)
		abort();
	for (size_t i = 0; i < ids->n; i++) {
		const struct trace_object *o = trace_catalog_object(cat, ids->ids[i]);
		struct report_lock *l = &r->locks[r->nlocks++];
		l->id = ids->ids[i];
		l->thread = TRACE_NONE;
		if (!o)
			continue;
		l->process = o->process;
		l->address = o->key;
		l->kind = (enum trace_obj_kind)o->kind;
		l->name = dup_or_null(o->name);
		l->init_stack = o->init_stack;
		l->attr = o->attr;
		l->initialized = o->initialized;
		l->thread = TRACE_NONE;
		for (uint32_t t = 0; o->kind == TRACE_OBJ_THREAD && t < cat->nthreads; t++)
			if (cat->threads[t].handle == o->key && cat->threads[t].process == o->process)
				l->thread = t;
		/* a recorded name ("GIL", "/jobs") says more than where it lives */
		if (sym && sym->data_symbol && o->kind != TRACE_OBJ_MQ && !o->name)
			l->symbol = dup_or_null(sym->data_symbol(sym->ctx, o->process, o->key));
		char python_name[256];
		if (!l->symbol && !l->name)
			l->name = dup_or_null(python_lock_name(cat, o, python_name, sizeof python_name));
		id_set_add(stacks, o->init_stack);
	}
}

/* Frames of ctrace's own preload library (its thread trampoline) are noise
 * in a user's stack. */
static bool is_shim_frame(const struct sym_frame *f)
{
	const char *slash = f->module ? strrchr(f->module, '/') : NULL;
	const char *base = slash ? slash + 1 : f->module;
	return base && !strncmp(base, "libctrace-shim", 14);
}

/* Without a symbol source, the raw pcs; Python frames come from the
 * catalog all the same. Returns the count (frames: owned by the caller). */
static size_t raw_frames(const struct trace_catalog *cat, const struct trace_stack *cs,
			 struct sym_frame **frames)
{
	*frames = calloc(cs->depth + 1, sizeof(**frames));
	if (!*frames)
		abort();
	for (uint32_t i = 0; i < cs->depth; i++)
		(*frames)[i] = trace_pc_is_python(cs->pc[i]) ? python_frame(cat, cs->pc[i]) :
			       (struct sym_frame){ .pc = cs->pc[i] };
	return python_frames_filter(*frames, cs->depth);
}

static void resolve_frames(struct report_stack *rs, const struct trace_catalog *cat,
			   const struct trace_stack *cs, const struct report_symbols *sym)
{
	const struct sym_frame *f = NULL;
	struct sym_frame *raw = NULL;
	size_t n = sym && sym->stack ? sym->stack(sym->ctx, rs->id, &f) : 0;
	if (!n || !f) {
		n = raw_frames(cat, cs, &raw);
		f = raw;
	}
	rs->frames = calloc(n + 1, sizeof(*rs->frames));
	if (!rs->frames)
		abort();
	char dir[512];
	const char *stdlib = NULL;
	for (size_t i = 0; i < n; i++)
		if (f[i].python) {
			stdlib = python_stdlib_dir(cat, cs->process, dir, sizeof dir);
			break;
		}
	for (size_t i = 0; i < n; i++) {
		if (is_shim_frame(&f[i]))
			continue;
		struct report_frame *d = &rs->frames[rs->nframes++];
		d->pc = f[i].pc;
		d->function = dup_or_null(f[i].function);
		d->file = dup_or_null(f[i].file);
		d->line = f[i].line;
		d->module = dup_or_null(f[i].module);
		d->module_offset = f[i].module_offset;
		d->has_offset = f[i].has_offset;
		d->inlined = f[i].inlined;
		d->python = f[i].python;
		d->python_library = f[i].python && python_path_is_library(f[i].file, stdlib);
	}
	free(raw);
}

static void resolve_stacks(struct report *r, const struct trace_catalog *cat, const struct id_set *ids,
			   const struct report_symbols *sym)
{
	r->stacks = calloc(ids->n + 1, sizeof(*r->stacks));
	if (!r->stacks)
		abort();
	for (size_t i = 0; i < ids->n; i++) {
		const struct trace_stack *cs = trace_catalog_stack(cat, ids->ids[i]);
		if (!cs)
			continue;
		struct report_stack *rs = &r->stacks[r->nstacks++];
		rs->id = ids->ids[i];
		rs->process = cs->process;
		resolve_frames(rs, cat, cs, sym);
	}
}

static char **dup_argv(char *const *argv, uint32_t argc)
{
	char **out = calloc(argc + 1, sizeof(*out));
	if (!out)
		abort();
	for (uint32_t i = 0; i < argc; i++)
		out[i] = dup_or_null(argv[i] ? argv[i] : "");
	return out;
}

static void resolve_program(struct report *r, const struct trace_catalog *cat)
{
	struct report_program *p = &r->program;
	const struct trace_process *first = cat->nprocesses ? &cat->processes[0] : NULL;
	if (cat->run.present) {
		p->argv = dup_argv(cat->run.argv, cat->run.argc);
		p->argc = cat->run.argc;
		p->pid = cat->run.pid;
		p->has_exit_status = cat->run.exit_status >= 0;
		p->exit_status = cat->run.exit_status;
		p->exit_signal = cat->run.exit_signal;
		p->ended_by_ctrace = cat->run.ended_by_ctrace;
		if (cat->run.end_ns > cat->run.start_ns)
			p->duration_ns = cat->run.end_ns - cat->run.start_ns;
	} else if (first) {
		p->argv = dup_argv(first->argv, first->argc);
		p->argc = first->argc;
		p->pid = first->pid;
		if (first->exit_flags & TRACE_EXIT_SIGNAL) {
			p->has_exit_status = true;
			p->exit_status = 128 + first->exit_signal;
			p->exit_signal = first->exit_signal;
		} else if (first->exit_flags & TRACE_EXIT_STATUS) {
			p->has_exit_status = true;
			p->exit_status = first->exit_status;
		}
	}
	if (!p->duration_ns && cat->end_ns > cat->start_ns)
		p->duration_ns = cat->end_ns - cat->start_ns;
}

static void resolve_threads(struct report *r, const struct trace_catalog *cat, struct id_set *stacks)
{
	r->threads = calloc(cat->nthreads + 1, sizeof(*r->threads));
	if (!r->threads)
		abort();
	for (uint32_t i = 0; i < cat->nthreads; i++) {
		const struct trace_thread *t = &cat->threads[i];
		struct report_thread *rt = &r->threads[r->nthreads++];
		rt->id = t->id;
		rt->tid = t->tid;
		rt->pid = t->process < cat->nprocesses ? cat->processes[t->process].pid : 0;
		rt->name = dup_or_null(t->name);
		rt->parent = t->parent;
		rt->create_stack = t->create_stack;
		id_set_add(stacks, t->create_stack);
	}
}

/* The placeholders of a misuse message replaced by the names of its
 * objects (report.h). Text between them is copied as it is. */
static void resolve_message(const struct report *r, struct report_misuse *m)
{
	static const char *const keys[] = { "{lock}", "{other_lock}", "{cond}" };
	const uint32_t ids[] = { m->lock, m->other_lock, m->cond };
	if (!m->message || !strchr(m->message, '{'))
		return;
	struct strbuf sb = STRBUF_INIT;
	char name[192];
	for (const char *p = m->message; *p;) {
		size_t k = 0;
		while (k < 3 && strncmp(p, keys[k], strlen(keys[k])))
			k++;
		if (k == 3) {
			strbuf_addch(&sb, *p++);
			continue;
		}
		strbuf_addstr(&sb, report_lock_name(r, ids[k], name, sizeof(name)));
		p += strlen(keys[k]);
	}
	free(m->message);
	m->message = strbuf_detach(&sb);
}

/* "3.11.2", "3.14.0a1", from a PY_VERSION_HEX. */
static const char *python_version(uint32_t hex, char *buf, size_t size)
{
	static const char *const levels[] = { "a", "b", "rc" };
	unsigned major = hex >> 24, minor = hex >> 16 & 0xff, micro = hex >> 8 & 0xff;
	unsigned level = hex >> 4 & 0xf;
	if (level >= 0xa && level <= 0xc)
		snprintf(buf, size, "%u.%u.%u%s%u", major, minor, micro, levels[level - 0xa], hex & 0xf);
	else
		snprintf(buf, size, "%u.%u.%u", major, minor, micro);
	return buf;
}

/* Processes whose frames could not be read for the same reason. */
/* Q runs the CPython P runs, with the same support and note: one of the
 * processes a note of P's speaks for. A process with full support has a
 * note only when a call could not be read (python_call.c). */
static bool same_python_note(const struct trace_process *p, const struct trace_process *q)
{
	const char *a = p->runtime_note, *b = q->runtime_note;
	bool unreadable = q->runtime_support == TRACE_RUNTIME_UNKNOWN_LAYOUT;
	return q->runtime == TRACE_RUNTIME_CPYTHON &&
	       (unreadable || (q->runtime_support == TRACE_RUNTIME_FULL && b)) &&
	       q->runtime_support == p->runtime_support && q->runtime_version == p->runtime_version &&
	       (a == b || (a && b && !strcmp(a, b)));
}

/* Processes running a CPython whose frames the shim could not read, or
 * whose calls it could not: said once per interpreter version and reason,
 * with the pids it applies to. */
static void resolve_runtime_notes(struct report *r, const struct trace_catalog *cat)
{
	for (uint32_t i = 0; i < cat->nprocesses; i++) {
		const struct trace_process *p = &cat->processes[i];
		bool said = !same_python_note(p, p);
		for (uint32_t j = 0; j < i && !said; j++)
			said = same_python_note(p, &cat->processes[j]);
		if (said)
			continue;
		struct strbuf pids = STRBUF_INIT;
		size_t npids = 0;
		for (uint32_t j = i; j < cat->nprocesses; j++) {
			if (!same_python_note(p, &cat->processes[j]))
				continue;
			if (npids < 4)
				strbuf_addf(&pids, "%s%u", npids ? ", " : "", cat->processes[j].pid);
			npids++;
		}
		if (npids > 4)
			strbuf_addf(&pids, " and %zu more", npids - 4);
		char version[32];
		if (p->runtime_support == TRACE_RUNTIME_FULL)
			report_add_note(r, "CPython %s (pid%s %s): %s",
					python_version(p->runtime_version, version, sizeof version),
					npids > 1 ? "s" : "", pids.buf, p->runtime_note);
		else
			report_add_note(r, "Python frames are not available for CPython %s (pid%s %s): %s",
					python_version(p->runtime_version, version, sizeof version),
					npids > 1 ? "s" : "", pids.buf,
					p->runtime_note ? p->runtime_note
							: "ctrace does not know this version's frame layout");
		strbuf_release(&pids);
	}
}

/* A use after a destroy is certain only where no new object can be: a
 * global or static (its memory is never reused); a mutex whose call failed
 * as glibc fails every call on a destroyed one (misuse_cond.c); an object
 * of a kind only an init call makes (a semaphore, a barrier), made by
 * one. A condition variable, a rwlock or a spinlock on the heap or a stack
 * may be a new one at a destroyed one's address, made without a call
 * (a static initializer, zeroed memory, std::condition_variable, which
 * libstdc++ destroys but never initializes by a call): those findings are
 * dropped. */
static bool use_after_destroy_certain(const struct report_lock *l)
{
	if (l->symbol || l->kind == TRACE_OBJ_MUTEX)
		return true;
	bool made_without_call = l->kind == TRACE_OBJ_COND || l->kind == TRACE_OBJ_RWLOCK ||
				 l->kind == TRACE_OBJ_SPINLOCK;
	return l->initialized && !made_without_call;
}

static void drop_uncertain_uses_after_destroy(struct report *r)
{
	size_t out = 0;
	for (size_t i = 0; i < r->nmisuses; i++) {
		struct report_misuse *m = &r->misuses[i];
		const struct report_lock *l =
			m->kind == REPORT_MISUSE_USE_AFTER_DESTROY ? report_lock_find(r, m->lock) : NULL;
		if (l && !use_after_destroy_certain(l)) {
			free(m->message);
			continue;
		}
		r->misuses[out++] = *m;
	}
	r->nmisuses = out;
}

void report_resolve(struct report *r, const struct trace_catalog *cat,
		    const struct report_symbols *sym)
{
	report_merge_race_places(r, sym);
	struct id_set locks = { 0 }, stacks = { 0 };
	collect_ids(r, &locks, &stacks);
	id_set_sort(&locks);
	resolve_locks(r, cat, &locks, sym, &stacks);
	drop_uncertain_uses_after_destroy(r);
	for (size_t i = 0; i < r->nmisuses; i++)
		resolve_message(r, &r->misuses[i]);
	for (size_t i = 0; i < r->nraces; i++)
		resolve_race(&r->races[i], cat, sym);
	resolve_program(r, cat);
	resolve_threads(r, cat, &stacks);
	id_set_sort(&stacks);
	resolve_stacks(r, cat, &stacks, sym);
	r->trace.events = cat->events;
	r->trace.dropped = cat->dropped;
	r->trace.stacks_dropped = cat->stacks_dropped;
	r->trace.bytes = cat->bytes;
	char running[256];
	if (trace_catalog_running_note(cat, running, sizeof running)) {
		report_add_note(r, "%s", running);
		free(r->trace.running_note);
		r->trace.running_note = strdup(running);
	}
	resolve_runtime_notes(r, cat);
	if (cat->dropped)
		report_add_note(r, "%llu events were dropped while tracing: findings may be incomplete",
				(unsigned long long)cat->dropped);
	const char *const *notes = NULL;
	size_t nnotes = sym && sym->notes ? sym->notes(sym->ctx, &notes) : 0;
	for (size_t i = 0; i < nnotes; i++)
		report_add_note(r, "%s", notes[i]);
	free(locks.ids);
	free(stacks.ids);
}
