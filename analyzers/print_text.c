/* SPDX-License-Identifier: MIT */
/* print_text.c - the report for people, in ThreadSanitizer's layout: one
 * block per finding between "==================" rules, symbolized stacks,
 * a SUMMARY line; then the contention table and notes. Colors only when the
 * caller asks (terminal or --color=always). */
#include "print.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "print_common.h"

struct text {
	FILE *out;
	const struct report *r;
	const char *red, *bold, *blue, *green, *reset;
	size_t top;
};

#define RULE "==================\n"

static void text_frame(struct text *t, size_t i, const struct report_frame *f)
{
	fprintf(t->out, "    #%zu %s%s%s", i, t->blue, f->function ? f->function : "<null>", t->reset);
	if (f->file) {
		fprintf(t->out, " %s", f->file);
		if (f->line)
			fprintf(t->out, ":%" PRIu32, f->line);
	}
	if (f->python)
		fputs(" (python)", t->out);
	else if (f->module && f->has_offset)
		fprintf(t->out, " (%s+0x%" PRIx64 ")", print_basename(f->module), f->module_offset);
	else if (f->module)
		fprintf(t->out, " (%s, pc 0x%" PRIx64 ")", print_basename(f->module), f->pc);
	else
		fprintf(t->out, " (pc 0x%" PRIx64 ")", f->pc);
	fputs(f->inlined ? " [inlined]\n" : "\n", t->out);
}

static void text_stack(struct text *t, uint32_t id)
{
	const struct report_stack *s = report_stack_find(t->r, id);
	if (!s || !s->nframes) {
		fprintf(t->out, "    <no stack recorded>\n");
		return;
	}
	for (size_t i = 0; i < s->nframes; i++)
		text_frame(t, i, &s->frames[i]);
}

/* THREAD: the finding's, whose process's pid is told (a child's in a
 * trace of several processes), TRACE_NONE: the program's. */
static void text_header(struct text *t, enum report_severity level, const char *title,
			const char *kind, uint32_t thread)
{
	const struct report_thread *th = thread != TRACE_NONE ? report_thread_find(t->r, thread) : NULL;
	fputs(RULE, t->out);
	fprintf(t->out, "%s%s: ctrace: %s%s", level == REPORT_SEVERITY_NOTE ? t->bold : t->red,
		level == REPORT_SEVERITY_NOTE ? "NOTE" : "WARNING", title, t->reset);
	if (kind)
		fprintf(t->out, " [%s]", kind);
	fprintf(t->out, " (pid=%" PRIu32 ")\n", th && th->pid ? th->pid : t->r->program.pid);
}

static void text_summary_line(struct text *t, const char *title, uint32_t stack)
{
	char where[512];
	fprintf(t->out, "%sSUMMARY: ctrace: %s %s%s\n", t->bold, title,
		print_stack_where(t->r, stack, where, sizeof(where)), t->reset);
	fputs(RULE, t->out);
}

/* Threads named by a finding, with their creation stacks, once each. */
static void text_threads(struct text *t, const uint32_t *ids, size_t n)
{
	char a[128], b[128];
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= ids[j] == ids[i];
		const struct report_thread *th = report_thread_find(t->r, ids[i]);
		if (seen || !th || th->parent == TRACE_NONE)
			continue;
		fprintf(t->out, "\n  Thread %s (tid=%" PRIu32 ") created by thread %s at:\n",
			print_thread_label(t->r, th->id, a, sizeof(a)), th->tid,
			print_thread_label(t->r, th->parent, b, sizeof(b)));
		text_stack(t, th->create_stack);
	}
}

static void text_lock_order(struct text *t, const struct report_deadlock *d)
{
	char a[160], b[160], th[128];
	fprintf(t->out, "  Cycle in lock order graph: ");
	for (size_t i = 0; i < d->ncycle; i++)
		fprintf(t->out, "%s => ", print_lock_label(t->r, d->cycle[i].holding, a, sizeof(a)));
	fprintf(t->out, "%s\n", print_lock_label(t->r, d->cycle[0].holding, a, sizeof(a)));
	for (size_t i = 0; i < d->ncycle; i++) {
		const struct report_edge *e = &d->cycle[i];
		fprintf(t->out, "\n  %s%s acquired%s here while holding %s%s in thread %s:\n",
			t->bold, print_lock_label(t->r, e->acquiring, a, sizeof(a)),
			e->acquiring_read ? " for reading" : "",
			print_lock_label(t->r, e->holding, b, sizeof(b)), t->reset,
			print_thread_label(t->r, e->thread, th, sizeof(th)));
		text_stack(t, e->acquiring_stack);
		fprintf(t->out, "\n  %s previously acquired%s by the same thread here:\n",
			print_lock_label(t->r, e->holding, b, sizeof(b)),
			e->holding_read ? " for reading" : "");
		text_stack(t, e->holding_stack);
	}
}

static void text_blocked(struct text *t, const struct report_deadlock *d)
{
	char a[160], b[160], th[128], ow[128], dur[32], fn[48];
	for (size_t i = 0; i < d->ncycle; i++) {
		const struct report_edge *e = &d->cycle[i];
		fprintf(t->out, "\n  %sThread %s blocked for %s in %s on %s", t->bold,
			print_thread_label(t->r, e->thread, th, sizeof(th)),
			print_duration(e->wait_ns, dur, sizeof(dur)),
			report_lock_function(t->r, e->op, e->acquiring, fn, sizeof(fn)),
			print_lock_label(t->r, e->acquiring, a, sizeof(a)));
		if (e->owner != TRACE_NONE)
			fprintf(t->out, " held by thread %s", print_thread_label(t->r, e->owner, ow, sizeof(ow)));
		if (e->waiting_for != TRACE_NONE)
			fprintf(t->out, " (waiting for thread %s)",
				print_thread_label(t->r, e->waiting_for, ow, sizeof(ow)));
		fprintf(t->out, "%s:\n", t->reset);
		text_stack(t, e->acquiring_stack);
		if (e->holding) {
			fprintf(t->out, "\n  while holding %s%s, acquired at:\n",
				print_lock_label(t->r, e->holding, b, sizeof(b)),
				e->holding_read ? " for reading" : "");
			text_stack(t, e->holding_stack);
		}
	}
}

static void text_deadlock(struct text *t, const struct report_deadlock *d)
{
	uint32_t threads[64];
	size_t n = 0;
	text_header(t, REPORT_SEVERITY_WARNING, report_deadlock_kind_title(d->kind), NULL,
		    d->ncycle ? d->cycle[0].thread : TRACE_NONE);
	switch (d->kind) {
	case REPORT_DEADLOCK_LOCK_ORDER:
		text_lock_order(t, d);
		break;
	case REPORT_DEADLOCK_HANG:
	case REPORT_DEADLOCK_STALL:
		text_blocked(t, d);
		break;
	}
	for (size_t i = 0; i < d->ncycle && n < 64; i++)
		threads[n++] = d->cycle[i].thread;
	text_threads(t, threads, n);
	if (d->note)
		fprintf(t->out, "\n  %sNote:%s %s\n", t->green, t->reset, d->note);
	fputc('\n', t->out);
	text_summary_line(t, report_deadlock_kind_title(d->kind), d->ncycle ? d->cycle[0].acquiring_stack : 0);
}

/* The objects of a misuse besides its lock, and where they were created. */
static void text_misuse_objects(struct text *t, const struct report_misuse *m)
{
	char a[160], b[160];
	if (m->cond)
		fprintf(t->out, "\n  The mutex: %s\n  The condition variable: %s\n",
			print_lock_label(t->r, m->lock, a, sizeof(a)),
			print_lock_label(t->r, m->cond, b, sizeof(b)));
	if (m->other_lock)
		fprintf(t->out, "\n  The other mutex: %s\n", print_lock_label(t->r, m->other_lock, a, sizeof(a)));
	const uint32_t objs[] = { m->lock, m->cond };
	for (size_t i = 0; i < 2; i++) {
		const struct report_lock *l = objs[i] ? report_lock_find(t->r, objs[i]) : NULL;
		if (!l || !l->init_stack || l->init_stack == m->stack)
			continue;
		fprintf(t->out, "\n  %s created at:\n", print_lock_label(t->r, objs[i], a, sizeof(a)));
		text_stack(t, l->init_stack);
	}
}

static void text_misuse(struct text *t, const struct report_misuse *m)
{
	char th[128], a[160];
	enum report_severity level = report_misuse_kind_severity(m->kind);
	text_header(t, level, report_misuse_kind_title(m->kind), report_misuse_kind_name(m->kind), m->thread);
	fprintf(t->out, "  %s%s%s", t->bold, m->message, t->reset);
	if (m->count > 1)
		fprintf(t->out, " (%" PRIu64 " times)", m->count);
	fprintf(t->out, "\n  in thread %s at:\n", print_thread_label(t->r, m->thread, th, sizeof(th)));
	text_stack(t, m->stack);
	if (m->other_stack) {
		fprintf(t->out, "\n  %s acquired by thread %s at:\n",
			m->lock ? print_lock_label(t->r, m->lock, a, sizeof(a)) : "It",
			print_thread_label(t->r, m->other_thread, th, sizeof(th)));
		text_stack(t, m->other_stack);
	}
	text_misuse_objects(t, m);
	uint32_t ids[2] = { m->thread, m->other_thread };
	text_threads(t, ids, m->other_thread == TRACE_NONE ? 1 : 2);
	if (level == REPORT_SEVERITY_NOTE)
		fprintf(t->out, "\n  %sNote:%s POSIX allows this, so it is a note: it does not make the "
			"exit status 1.\n", t->green, t->reset);
	fputc('\n', t->out);
	text_summary_line(t, report_misuse_kind_name(m->kind), m->stack);
}

static void text_locks_held(struct text *t, const struct report_access *a)
{
	char l[192];
	if (!a->nlocks_held)
		return;
	fprintf(t->out, "    Mutexes held: ");
	for (size_t i = 0; i < a->nlocks_held; i++)
		fprintf(t->out, "%s%s", i ? ", " : "", print_lock_label(t->r, a->locks_held[i], l, sizeof(l)));
	fputc('\n', t->out);
}

static void text_race(struct text *t, const struct report_race *x)
{
	char buf[512], th[128];
	text_header(t, REPORT_SEVERITY_WARNING, report_race_kind_title(x->kind), NULL, x->accesses[0].thread);
	for (int a = 0; a < 2; a++) {
		const struct report_access *ac = &x->accesses[a];
		print_race_access(t->r, ac, !a, buf, sizeof(buf));
		fprintf(t->out, "  %s%s%s:\n", a ? "Previous " : "", buf, t->reset);
		text_locks_held(t, ac);
		text_stack(t, ac->stack);
		fputc('\n', t->out);
	}
	fprintf(t->out, "  Location is %s", print_race_location(t->r, x, buf, sizeof(buf)));
	if (x->location == REPORT_LOCATION_HEAP) {
		fprintf(t->out, ", allocated by thread %s:\n",
			print_thread_label(t->r, x->block_thread, th, sizeof(th)));
		text_stack(t, x->block_stack);
		if (x->block_freed) {
			fprintf(t->out, "  and freed by thread %s:\n",
				print_thread_label(t->r, x->free_thread, th, sizeof(th)));
			text_stack(t, x->free_stack);
		}
	} else {
		fputc('\n', t->out);
	}
	uint32_t ids[2] = { x->accesses[0].thread, x->accesses[1].thread };
	text_threads(t, ids, 2);
	fputc('\n', t->out);
	text_summary_line(t, report_race_kind_title(x->kind), x->accesses[0].stack);
}

/* What one wait on an object of KIND is (its plural adds an "s"). */
static const char *text_wait_noun(enum trace_obj_kind kind)
{
	switch (kind) {
	case TRACE_OBJ_MUTEX: case TRACE_OBJ_RWLOCK: case TRACE_OBJ_SPINLOCK:
		return "contended acquisition";
	case TRACE_OBJ_COND: return "condition wait";
	case TRACE_OBJ_SEM: return "semaphore wait";
	case TRACE_OBJ_BARRIER: return "barrier wait";
	case TRACE_OBJ_THREAD: return "join";
	case TRACE_OBJ_MQ: return "queue wait";
	case TRACE_OBJ_NONE: case TRACE_OBJ_ONCE: case TRACE_OBJ_SPAWN: case TRACE_OBJ_ATOMIC:
	case TRACE_OBJ_KIND_COUNT:
		break;
	}
	return "wait";
}

static void text_lockstat(struct text *t, const struct report_lockstat *s, bool lock)
{
	char a[768], d1[32], d2[32], d3[32], d4[32];
	const struct report_lock *l = report_lock_find(t->r, s->lock);
	/* a semaphore used as a lock is waited for as a lock is */
	const char *noun = text_wait_noun(lock ? TRACE_OBJ_MUTEX : l ? l->kind : TRACE_OBJ_NONE);
	fprintf(t->out, "\n  %s%s%s\n", t->bold, print_lockstat_label(t->r, s, a, sizeof(a)), t->reset);
	if (lock) {
		fprintf(t->out, "    acquisitions %" PRIu64 ", contended %" PRIu64 ", owner changes %" PRIu64 "\n",
			s->acquisitions, s->contended, s->owner_changes);
		fprintf(t->out, "    wait %s (max %s), hold %s (max %s)\n",
			print_duration(s->wait_ns, d1, sizeof(d1)), print_duration(s->max_wait_ns, d2, sizeof(d2)),
			print_duration(s->hold_ns, d3, sizeof(d3)), print_duration(s->max_hold_ns, d4, sizeof(d4)));
	} else {
		fprintf(t->out, "    waits %" PRIu64 ", of which %" PRIu64 " blocked; wait %s (max %s)\n",
			s->acquisitions + s->timeouts, s->contended, print_duration(s->wait_ns, d1, sizeof(d1)),
			print_duration(s->max_wait_ns, d2, sizeof(d2)));
	}
	for (size_t i = 0; i < s->nsites && i < 3; i++) {
		const struct report_site *site = &s->sites[i];
		fprintf(t->out, "\n    Waited %s in %" PRIu64 " %s%s at:\n", print_duration(site->wait_ns, d1, sizeof(d1)),
			site->contended, noun, site->contended == 1 ? "" : "s");
		text_stack(t, site->stack);
		if (!site->nblamed)
			continue;
		fprintf(t->out, "    %smost of it (%s) behind %s at:%s\n", t->green,
			print_duration(site->blamed[0].wait_ns, d1, sizeof(d1)),
			s->blame_at_release ? "the holder that released it"
					    : "the critical section acquired", t->reset);
		text_stack(t, site->blamed_holder_stack);
	}
	if (s->nsites > 3)
		fprintf(t->out, "    (%zu more waiting sites in the JSON report)\n", s->nsites - 3);
}

/* Locks first, then waits on other objects (both in total-wait order). */
static void text_contention_part(struct text *t, bool locks, const char *title)
{
	const struct report *r = t->r;
	size_t n = 0, shown = 0;
	for (size_t i = 0; i < r->nlockstats; i++)
		n += print_lockstat_is_lock(r, &r->lockstats[i]) == locks;
	if (!n)
		return;
	fprintf(t->out, "%s%s%s: %zu; top %zu by total wait:\n", t->bold, title, t->reset, n,
		n < t->top ? n : t->top);
	for (size_t i = 0; i < r->nlockstats && shown < t->top; i++) {
		if (print_lockstat_is_lock(r, &r->lockstats[i]) != locks)
			continue;
		text_lockstat(t, &r->lockstats[i], locks);
		shown++;
	}
	if (n > shown)
		fprintf(t->out, "\n  (%zu more, with less waiting: ctrace report --contention=all)\n", n - shown);
	fputc('\n', t->out);
}

static void text_contention(struct text *t)
{
	text_contention_part(t, true, "Lock contention (locks)");
	text_contention_part(t, false, "Waits (condition variables, semaphores, barriers, joins, queues)");
}

/* "ctrace: 1 stall, 0 races, 2 misuse findings": deadlocks by kind. */
static void text_totals(struct text *t)
{
	const struct report *r = t->r;
	size_t n[3] = { 0 };
	for (size_t i = 0; i < r->ndeadlocks; i++)
		n[r->deadlocks[i].kind]++;
	fprintf(t->out, "ctrace: ");
	if (!r->ndeadlocks)
		fprintf(t->out, "0 deadlocks, ");
	for (int k = 0; k < 3; k++)
		if (n[k])
			fprintf(t->out, "%zu %s%s, ", n[k], report_deadlock_kind_name((enum report_deadlock_kind)k),
				n[k] == 1 ? "" : "s");
	size_t notes = report_note_findings(r), misuses = r->nmisuses - notes;
	fprintf(t->out, "%zu race%s, %zu misuse finding%s", r->nraces, r->nraces == 1 ? "" : "s",
		misuses, misuses == 1 ? "" : "s");
	if (notes)
		fprintf(t->out, ", %zu note%s", notes, notes == 1 ? "" : "s");
}

int print_text(FILE *out, const struct report *r, const struct print_options *opt)
{
	bool color = opt && opt->color;
	struct text t = {
		.out = out, .r = r,
		.red = color ? "\033[1;31m" : "", .bold = color ? "\033[1m" : "",
		.blue = color ? "\033[34m" : "", .green = color ? "\033[32m" : "",
		.reset = color ? "\033[0m" : "",
		.top = opt && opt->contention_top ? opt->contention_top : PRINT_TEXT_CONTENTION_TOP,
	};
	for (size_t i = 0; i < r->ndeadlocks; i++)
		text_deadlock(&t, &r->deadlocks[i]);
	for (size_t i = 0; i < r->nraces; i++)
		text_race(&t, &r->races[i]);
	for (size_t i = 0; i < r->nmisuses; i++)
		text_misuse(&t, &r->misuses[i]);
	text_contention(&t);
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(out, "ctrace: note: %s\n", r->notes[i]);
	text_totals(&t);
	if (r->suppressed)
		fprintf(out, " (%" PRIu64 " suppressed)", r->suppressed);
	fprintf(out, "; %" PRIu64 " events, %" PRIu64 " dropped\n", r->trace.events, r->trace.dropped);
	return fflush(out) || ferror(out) ? -EIO : 0;
}
