/* SPDX-License-Identifier: MIT */
/* timeline_findings.c - the analyzers' findings (a finalized report) as
 * timeline findings: one per thread involved, placed at its call site, with
 * a one-line message naming the locks as the report does. */
#include "timeline_support.h"
#include "analyzer.h"
#include "print_common.h"
#include "report_resolve.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void lock_label(const struct report *r, uint32_t id, struct strbuf *sb)
{
	const struct report_lock *l = report_lock_find(r, id);
	if (!l) {
		strbuf_addstr(sb, id ? "a lock" : "nothing");
		return;
	}
	strbuf_addf(sb, "%s ", trace_obj_kind_name(l->kind));
	if (l->name)
		strbuf_addstr(sb, l->name);
	else if (l->symbol)
		strbuf_addstr(sb, l->symbol);
	else
		strbuf_addf(sb, "0x%" PRIx64, l->address);
}

/* "name #3" (threads often share a name: the number tells them apart, as
 * the renderers' rows do), or "thread 3". */
static void thread_label(const struct report *r, uint32_t id, struct strbuf *sb)
{
	const struct report_thread *t = report_thread_find(r, id);
	if (t && t->name)
		strbuf_addf(sb, "%s #%" PRIu32, t->name, id);
	else
		strbuf_addf(sb, "thread %" PRIu32, id);
}

/* Adds a finding whose message is SB's text (taken). */
static int add(struct tl_findings *out, const struct tl_finding *f, struct strbuf *sb)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 16;
		struct tl_finding *v = realloc(out->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		out->v = v;
		char **s = realloc(out->strings, cap * sizeof *s);
		if (!s)
			return -ENOMEM;
		out->strings = s;
		out->cap = cap;
	}
	char *msg = strbuf_detach(sb);
	out->strings[out->nstrings++] = msg;
	out->v[out->n] = *f;
	out->v[out->n].message = msg;
	out->n++;
	return 0;
}

struct tl_finding tl_finding_from_edge(const struct report_deadlock *d,
					const struct report_edge *e)
{
	struct tl_finding f = {
		.kind = report_deadlock_kind_name(d->kind), .thread = e->thread,
		.obj = e->acquiring, .stack = e->acquiring_stack,
	};
	/* wait_ns runs to the end of the run, as timeline_set_end counts */
	if (d->kind != REPORT_DEADLOCK_LOCK_ORDER)
		f.before_end_ns = e->wait_ns ? e->wait_ns : 1;
	return f;
}

static int from_deadlock(struct tl_findings *out, const struct report *r,
			 const struct report_deadlock *d)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;
	for (size_t k = 0; k < d->ncycle && !rc; k++) {
		const struct report_edge *e = &d->cycle[k];
		struct tl_finding f = tl_finding_from_edge(d, e);
		bool blocked = d->kind != REPORT_DEADLOCK_LOCK_ORDER;
		if (e->holding) {
			strbuf_addstr(&sb, blocked ? "holds " : "holding ");
			lock_label(r, e->holding, &sb);
			strbuf_addstr(&sb, blocked ? ", waits for " : ", acquires ");
		} else {
			strbuf_addstr(&sb, blocked ? "waits for " : "acquires ");
		}
		lock_label(r, e->acquiring, &sb);
		if (e->owner != TRACE_NONE) {
			strbuf_addstr(&sb, " held by ");
			thread_label(r, e->owner, &sb);
		}
		rc = add(out, &f, &sb);
	}
	strbuf_release(&sb);
	return rc;
}

/* Flow ids of races: apart from the timeline's own (message and release
 * flows count up from 1). */
#define TL_RACE_FLOW (1ull << 62)

struct tl_finding tl_finding_from_race(const struct report_race *x, size_t i, size_t k)
{
	const struct report_access *a = &x->accesses[k];
	struct tl_finding f = {
		.kind = report_race_kind_name(x->kind), .thread = a->thread, .stack = a->stack,
		.ts_ns = a->ts_ns, .obj = x->object,
	};
	if (k == 0)
		f.flow_in = TL_RACE_FLOW + i;
	else
		f.flow_out = TL_RACE_FLOW + i;
	return f;
}

/* "write of size 4 at 0x601008 (global 'stats.hits'), racing with a read
 * by thread T2": what each marker of a race says. */
static int from_race(struct tl_findings *out, const struct report *r, size_t i)
{
	const struct report_race *race = &r->races[i];
	struct strbuf sb = STRBUF_INIT;
	char buf[512];
	int rc = 0;
	for (size_t k = 0; k < 2 && !rc; k++) {
		const struct report_access *a = &race->accesses[k], *o = &race->accesses[1 - k];
		struct tl_finding f = tl_finding_from_race(race, i, k);
		strbuf_addf(&sb, "%s: %s", report_race_kind_title(race->kind),
			    print_race_access(r, a, false, buf, sizeof(buf)));
		strbuf_addf(&sb, "; %s %s", k ? "before" : "after", print_race_access(r, o, false, buf, sizeof(buf)));
		strbuf_addf(&sb, "; location: %s", print_race_location(r, race, buf, sizeof(buf)));
		rc = add(out, &f, &sb);
	}
	strbuf_release(&sb);
	return rc;
}

int tl_findings_from_report(struct tl_findings *out, const struct report *r)
{
	memset(out, 0, sizeof *out);
	int rc = 0;
	for (size_t i = 0; i < r->ndeadlocks && !rc; i++)
		rc = from_deadlock(out, r, &r->deadlocks[i]);
	for (size_t i = 0; i < r->nmisuses && !rc; i++) {
		const struct report_misuse *m = &r->misuses[i];
		struct tl_finding f = {
			.kind = report_misuse_kind_name(m->kind), .thread = m->thread,
			.obj = m->lock, .stack = m->stack,
		};
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, m->message ? m->message : "");
		rc = add(out, &f, &sb);
		strbuf_release(&sb);
	}
	for (size_t i = 0; i < r->nraces && !rc; i++)
		rc = from_race(out, r, i);
	if (rc)
		tl_findings_release(out);
	return rc;
}

void tl_findings_release(struct tl_findings *f)
{
	for (size_t i = 0; i < f->nstrings; i++)
		free(f->strings[i]);
	free(f->strings);
	free(f->v);
	memset(f, 0, sizeof *f);
}

/* ---- the analyzers in the scan pass ---- */

struct tl_analysis {
	const struct trace_catalog *cat;  /* (borrowed) */
	struct tl_symbols *sym;           /* (borrowed) or NULL */
	struct analysis *an;              /* (owned) until the scan ends */
	struct report report;
	struct tl_findings findings;
};

struct tl_analysis *tl_analysis_new(const struct trace_catalog *cat, struct tl_symbols *sym)
{
	struct tl_analysis *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->cat = cat;
	a->sym = sym;
	report_init(&a->report);
	a->an = analysis_new(cat, ANALYZER_DEADLOCKS | ANALYZER_MISUSE | ANALYZER_RACES, NULL);
	if (!a->an) {
		free(a);
		return NULL;
	}
	return a;
}

void tl_analysis_scan_event(void *ctx, const struct trace_event *ev)
{
	struct tl_analysis *a = ctx;
	if (a->an)
		analysis_feed(a->an, ev);
}

void tl_analysis_scan_done(void *ctx, const struct tl_finding **f, size_t *n)
{
	struct tl_analysis *a = ctx;
	if (a->an) {
		struct report_symbols rs = { 0 };
		if (a->sym)
			report_symbols_from_symbolizer(&rs, tl_symbols_symbolizer(a->sym));
		analysis_finish(a->an, &a->report);
		analysis_free(a->an);
		a->an = NULL;
		report_resolve(&a->report, a->cat, a->sym ? &rs : NULL);
		report_finalize(&a->report);
		if (tl_findings_from_report(&a->findings, &a->report) < 0)
			memset(&a->findings, 0, sizeof a->findings);
	}
	*f = a->findings.v;
	*n = a->findings.n;
}

const struct report *tl_analysis_report(const struct tl_analysis *a)
{
	return &a->report;
}

void tl_analysis_free(struct tl_analysis *a)
{
	if (!a)
		return;
	if (a->an)
		analysis_free(a->an);
	tl_findings_release(&a->findings);
	report_release(&a->report);
	free(a);
}
