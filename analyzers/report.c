/* SPDX-License-Identifier: MIT */
/* report.c - the findings model (see report.h): adding, folding identical
 * findings, deterministic sorting, lookups, names, freeing. No printing and
 * no symbolization here (report_resolve.c). */
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static void *report_grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return arr;
	size_t want = *cap ? *cap * 2 : 8;
	void *p = realloc(arr, want * elem);
	if (!p)
		abort();
	*cap = want;
	return p;
}

void report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->program.exit_status = -1;
}

static void report_deadlock_release(struct report_deadlock *d)
{
	free(d->note);
	free(d->cycle);
}

void report_race_release(struct report_race *x)
{
	free(x->symbol);
	free(x->function);
	free(x->accesses[0].locks_held);
	free(x->accesses[1].locks_held);
}

static void report_release_findings(struct report *r)
{
	for (size_t i = 0; i < r->ndeadlocks; i++)
		report_deadlock_release(&r->deadlocks[i]);
	for (size_t i = 0; i < r->nraces; i++)
		report_race_release(&r->races[i]);
	for (size_t i = 0; i < r->nlockstats; i++) {
		for (size_t j = 0; j < r->lockstats[i].nsites; j++)
			free(r->lockstats[i].sites[j].blamed);
		free(r->lockstats[i].sites);
	}
	for (size_t i = 0; i < r->nmisuses; i++)
		free(r->misuses[i].message);
	free(r->deadlocks);
	free(r->races);
	free(r->lockstats);
	free(r->misuses);
}

static void report_release_context(struct report *r)
{
	for (uint32_t i = 0; i < r->program.argc; i++)
		free(r->program.argv[i]);
	free(r->program.argv);
	for (size_t i = 0; i < r->nthreads; i++)
		free(r->threads[i].name);
	free(r->threads);
	for (size_t i = 0; i < r->nlocks; i++) {
		free(r->locks[i].symbol);
		free(r->locks[i].name);
	}
	free(r->locks);
	for (size_t i = 0; i < r->nstacks; i++) {
		for (size_t j = 0; j < r->stacks[i].nframes; j++) {
			free(r->stacks[i].frames[j].function);
			free(r->stacks[i].frames[j].file);
			free(r->stacks[i].frames[j].module);
		}
		free(r->stacks[i].frames);
	}
	free(r->stacks);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->trace.running_note);
}

void report_release(struct report *r)
{
	report_release_findings(r);
	report_release_context(r);
	report_init(r);
}

void report_keep_deadlocks(struct report *r, bool (*keep)(void *ctx, const struct report_deadlock *d),
			   void *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < r->ndeadlocks; i++) {
		if (keep(ctx, &r->deadlocks[i]))
			r->deadlocks[n++] = r->deadlocks[i];
		else
			report_deadlock_release(&r->deadlocks[i]);
	}
	r->ndeadlocks = n;
}

struct report_deadlock *report_add_deadlock(struct report *r, enum report_deadlock_kind kind)
{
	r->deadlocks = report_grow(r->deadlocks, &r->cap_deadlocks, r->ndeadlocks, sizeof(*r->deadlocks));
	struct report_deadlock *d = &r->deadlocks[r->ndeadlocks++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->concurrent = true;
	return d;
}

struct report_edge *report_deadlock_add_edge(struct report_deadlock *d)
{
	struct report_edge *e = realloc(d->cycle, (d->ncycle + 1) * sizeof(*e));
	if (!e)
		abort();
	d->cycle = e;
	e = &d->cycle[d->ncycle++];
	memset(e, 0, sizeof(*e));
	e->owner = TRACE_NONE;
	e->waiting_for = TRACE_NONE;
	e->thread = TRACE_NONE;
	return e;
}

struct report_lockstat *report_add_lockstat(struct report *r, uint32_t lock)
{
	r->lockstats = report_grow(r->lockstats, &r->cap_lockstats, r->nlockstats, sizeof(*r->lockstats));
	struct report_lockstat *s = &r->lockstats[r->nlockstats++];
	memset(s, 0, sizeof(*s));
	s->lock = lock;
	return s;
}

struct report_site *report_lockstat_add_site(struct report_lockstat *s, uint32_t stack)
{
	struct report_site *p = realloc(s->sites, (s->nsites + 1) * sizeof(*p));
	if (!p)
		abort();
	s->sites = p;
	p = &s->sites[s->nsites++];
	memset(p, 0, sizeof(*p));
	p->stack = stack;
	return p;
}

void report_site_add_blame(struct report_site *site, uint32_t stack, uint64_t wait_ns)
{
	for (size_t i = 0; i < site->nblamed; i++) {
		if (site->blamed[i].stack == stack) {
			site->blamed[i].wait_ns += wait_ns;
			return;
		}
	}
	struct report_blame *b = realloc(site->blamed, (site->nblamed + 1) * sizeof(*b));
	if (!b)
		abort();
	site->blamed = b;
	site->blamed[site->nblamed++] = (struct report_blame){ stack, wait_ns };
}

struct report_race *report_add_race(struct report *r)
{
	r->races = report_grow(r->races, &r->cap_races, r->nraces, sizeof(*r->races));
	struct report_race *x = &r->races[r->nraces++];
	memset(x, 0, sizeof(*x));
	return x;
}

struct report_misuse *report_add_misuse(struct report *r, enum report_misuse_kind kind,
					uint32_t thread, uint32_t lock, uint32_t stack,
					const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	r->misuses = report_grow(r->misuses, &r->cap_misuses, r->nmisuses, sizeof(*r->misuses));
	struct report_misuse *m = &r->misuses[r->nmisuses++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->thread = thread;
	m->lock = lock;
	m->stack = stack;
	m->message = msg;
	m->count = 1;
	m->other_thread = TRACE_NONE;
	return m;
}

void report_add_note(struct report *r, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	for (size_t i = 0; i < r->nnotes; i++) {
		if (!strcmp(r->notes[i], msg)) {
			free(msg);
			return;
		}
	}
	r->notes = report_grow(r->notes, &r->cap_notes, r->nnotes, sizeof(*r->notes));
	r->notes[r->nnotes++] = msg;
}

/* Binary search of ARR (N elements of ELEM bytes, sorted by their first
 * field, a uint32_t id). */
static const void *find_by_id(const void *arr, size_t n, size_t elem, uint32_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = (const char *)arr + mid * elem;
		uint32_t at;
		memcpy(&at, e, sizeof at);
		if (at == id)
			return e;
		if (at < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

_Static_assert(offsetof(struct report_lock, id) == 0, "find_by_id needs the id first");
_Static_assert(offsetof(struct report_stack, id) == 0, "find_by_id needs the id first");

const struct report_lock *report_lock_find(const struct report *r, uint32_t id)
{
	return find_by_id(r->locks, r->nlocks, sizeof *r->locks, id);
}

const struct report_stack *report_stack_find(const struct report *r, uint32_t id)
{
	return find_by_id(r->stacks, r->nstacks, sizeof *r->stacks, id);
}

const struct report_thread *report_thread_find(const struct report *r, uint32_t id)
{
	if (id < r->nthreads && r->threads[id].id == id)
		return &r->threads[id];
	for (size_t i = 0; i < r->nthreads; i++)
		if (r->threads[i].id == id)
			return &r->threads[i];
	return NULL;
}

size_t report_note_findings(const struct report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nmisuses; i++)
		n += report_misuse_kind_severity(r->misuses[i].kind) == REPORT_SEVERITY_NOTE;
	return n;
}

size_t report_findings(const struct report *r)
{
	return r->ndeadlocks + r->nraces + r->nmisuses - report_note_findings(r);
}

static bool report_lock_is_omp(const struct report_lock *l)
{
	return l && l->kind == TRACE_OBJ_MUTEX && l->initialized && (l->attr & TRACE_MUTEX_OMP);
}

const char *report_lock_noun(const struct report_lock *l)
{
	return report_lock_is_omp(l) ? "omp lock" : trace_obj_kind_name(l->kind);
}

const char *report_lock_function(const struct report *r, unsigned op, uint32_t lock, char *buf,
				 size_t size)
{
	const struct report_lock *l = report_lock_find(r, lock);
	if (!report_lock_is_omp(l))
		return report_op_function(op, buf, size);
	const char *nest = (l->attr & TRACE_MUTEX_TYPE_MASK) == TRACE_MUTEX_RECURSIVE ? "nest_" : "";
	const char *verb = op == TRACE_OP_MUTEX_LOCK ? "set" : op == TRACE_OP_MUTEX_TRYLOCK ? "test"
			 : op == TRACE_OP_MUTEX_UNLOCK ? "unset" : op == TRACE_OP_MUTEX_INIT ? "init"
			 : op == TRACE_OP_MUTEX_DESTROY ? "destroy" : NULL;
	if (!verb)
		return report_op_function(op, buf, size);
	snprintf(buf, size, "omp_%s_%slock", verb, nest);
	return buf;
}

const char *report_lock_name(const struct report *r, uint32_t id, char *buf, size_t size)
{
	const struct report_lock *l = report_lock_find(r, id);
	if (!l)
		snprintf(buf, size, "object #%" PRIu32, id);
	else if (l->kind == TRACE_OBJ_THREAD && l->thread != TRACE_NONE)
		snprintf(buf, size, "thread T%" PRIu32, l->thread);
	else if (l->symbol)
		snprintf(buf, size, "%s '%s'", report_lock_noun(l), l->symbol);
	else if (l->name)
		snprintf(buf, size, "%s '%s'", report_lock_noun(l), l->name);
	else
		snprintf(buf, size, "%s 0x%" PRIx64, report_lock_noun(l), l->address);
	return buf;
}

unsigned report_hist_bucket(uint64_t ns)
{
	if (ns == 0)
		return 0;
	unsigned b = 64 - (unsigned)__builtin_clzll(ns);
	return b < REPORT_HIST_BUCKETS ? b : REPORT_HIST_BUCKETS - 1;
}
