/* SPDX-License-Identifier: MIT */
/* render_html.c - `ctrace view`'s page: runs the timeline model over the
 * events, keeps each thread's closed spans, then writes the template with the
 * CSS, the JS and the data (render_html_json.c) in place of its markers.
 * It computes no findings: they come from the caller's report. */
#include "render_html.h"
#include "render_html_priv.h"
#include "html_assets.h"
#include "timeline_support.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- collecting spans (the timeline's sink) ---- */

static int spans_push(struct html_spans *s, const struct html_span *sp)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct html_span *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *sp;
	return 0;
}

/* The lane of thread T, created on first use; NULL if out of memory. */
static struct html_lane *page_lane(struct html_page *pg, uint32_t t)
{
	if (t >= pg->nlanes) {
		uint32_t n = t + 1 > 2 * pg->nlanes ? t + 1 : 2 * pg->nlanes;
		struct html_lane *v = realloc(pg->lanes, (size_t)n * sizeof(*v));
		if (!v)
			return NULL;
		memset(v + pg->nlanes, 0, (size_t)(n - pg->nlanes) * sizeof(*v));
		pg->lanes = v;
		pg->nlanes = n;
	}
	return &pg->lanes[t];
}

static int page_span(struct html_page *pg, const struct tl_span *s)
{
	struct html_lane *l = page_lane(pg, s->thread);
	if (!l)
		return -ENOMEM;
	struct html_span sp = {
		.begin_ns = s->begin_ns,
		.end_ns = s->end_ns > s->begin_ns ? s->end_ns : s->begin_ns,
		.obj = s->obj, .stack = s->stack,
		.peer = s->peer == TRACE_NONE ? -1 : (int32_t)s->peer,
		.state = s->state,
	};
	if (sp.end_ns > l->end_ns)
		l->end_ns = sp.end_ns;
	if (s->state != TL_STATE_HOLD)
		return spans_push(&l->waits, &sp);
	sp.peer = -1;
	if (s->read)
		sp.state = HTML_STATE_READ_HOLD;
	return spans_push(&l->holds, &sp);
}

/* A finding's instant: its tl_finding message is the finding's key (the
 * page builds the findings it gives to its own timeline, see below). */
static int page_instant(struct html_page *pg, const struct tl_record *r)
{
	const struct tl_instant *in = r->instant;
	if (in->kind != TL_INSTANT_FINDING || !in->finding || r->thread == TRACE_NONE)
		return 0;
	if (pg->nmarks == pg->capmarks) {
		size_t cap = pg->capmarks ? 2 * pg->capmarks : 16;
		struct html_mark *v = realloc(pg->marks, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		pg->marks = v;
		pg->capmarks = cap;
	}
	struct html_mark *m = &pg->marks[pg->nmarks];
	m->thread = r->thread;
	m->ts_ns = r->ts_ns;
	m->key = strdup(in->finding->message ? in->finding->message : "");
	m->label = strdup(in->finding->kind ? in->finding->kind : "");
	if (!m->key || !m->label) {
		free(m->key);
		free(m->label);
		return -ENOMEM;
	}
	pg->nmarks++;
	return 0;
}

static int page_emit(void *ctx, const struct tl_record *r)
{
	struct html_page *pg = ctx;
	struct html_lane *l;

	switch ((enum tl_record_type)r->type) {
	case TL_REC_THREAD_BEGIN:
	case TL_REC_THREAD_END:
		if (r->thread == TRACE_NONE)
			return 0;
		if (!(l = page_lane(pg, r->thread)))
			return -ENOMEM;
		if (!l->seen || r->ts_ns < l->begin_ns)
			l->begin_ns = r->ts_ns;
		if (!l->seen || r->ts_ns > l->end_ns)
			l->end_ns = r->ts_ns;
		l->seen = true;
		return 0;
	case TL_REC_SPAN_END:
		return page_span(pg, r->span);
	case TL_REC_INSTANT:
		return page_instant(pg, r);
	case TL_REC_SPAN_BEGIN:
	case TL_REC_COUNTER:
		return 0;
	}
	return 0;
}

/* ---- findings given to the timeline, to be placed in time ---- */

struct html_findings {
	struct tl_finding *v;   /* (owned) */
	char (*keys)[32];       /* (owned) one per entry of v */
	size_t n, cap;
};

/* Adds X (its message becomes the key "LIST:I"). */
static int findings_add(struct html_findings *f, const char *list, size_t i,
			const struct tl_finding *x)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct tl_finding *v = realloc(f->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		f->v = v;
		char (*k)[32] = realloc(f->keys, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		f->keys = k;
		f->cap = cap;
	}
	snprintf(f->keys[f->n], sizeof(f->keys[f->n]), "%s:%zu", list, i);
	f->v[f->n++] = *x;
	return 0;
}

/* One instant per thread involved: each deadlock edge (where it acquires;
 * a hang where its wait began), each misuse, each race access. */
static int findings_from_report(const struct report *r, struct html_findings *f)
{
	int rc = 0;
	if (!r)
		return 0;
	for (size_t i = 0; i < r->ndeadlocks && !rc; i++) {
		const struct report_deadlock *d = &r->deadlocks[i];
		for (size_t k = 0; k < d->ncycle && !rc; k++) {
			struct tl_finding x = tl_finding_from_edge(d, &d->cycle[k]);
			rc = findings_add(f, "deadlocks", i, &x);
		}
	}
	for (size_t i = 0; i < r->nmisuses && !rc; i++) {
		const struct report_misuse *m = &r->misuses[i];
		struct tl_finding x = { .kind = report_misuse_kind_name(m->kind),
			.thread = m->thread, .obj = m->lock, .stack = m->stack };
		rc = findings_add(f, "misuse", i, &x);
	}
	for (size_t i = 0; i < r->nraces && !rc; i++)
		for (size_t k = 0; k < 2 && !rc; k++) {
			struct tl_finding x = tl_finding_from_race(&r->races[i], i, k);
			rc = findings_add(f, "races", i, &x);
		}
	/* keys[] does not move once every finding is added */
	for (size_t k = 0; k < f->n; k++)
		f->v[k].message = f->keys[k];
	return rc;
}

/* ---- finishing the lanes ---- */

static int span_cmp(const void *a, const void *b)
{
	const struct html_span *x = a, *y = b;
	if (x->begin_ns != y->begin_ns)
		return x->begin_ns < y->begin_ns ? -1 : 1;
	if (x->end_ns != y->end_ns)
		return x->end_ns > y->end_ns ? -1 : 1;   /* outer first */
	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	return (int)x->state - (int)y->state;
}

/* The state row: the waits in time order with running between them, from
 * the thread's first to its last moment. Waits never overlap; if a damaged
 * trace makes them, the later one starts where the earlier ended. */
static int lane_state_row(struct html_lane *l)
{
	struct html_spans row = { 0 };
	if (l->waits.n > 1)
		qsort(l->waits.v, l->waits.n, sizeof(*l->waits.v), span_cmp);
	uint64_t at = l->begin_ns;
	int rc = 0;
	for (size_t i = 0; i <= l->waits.n && !rc; i++) {
		uint64_t next = i < l->waits.n ? l->waits.v[i].begin_ns : l->end_ns;
		if (next > at) {
			struct html_span run = { .begin_ns = at, .end_ns = next, .peer = -1,
				.state = TL_STATE_RUNNING };
			rc = spans_push(&row, &run);
			at = next;
		}
		if (i == l->waits.n || rc)
			break;
		struct html_span w = l->waits.v[i];
		if (w.begin_ns < at)
			w.begin_ns = at;
		if (w.end_ns < w.begin_ns)
			w.end_ns = w.begin_ns;
		rc = spans_push(&row, &w);
		at = w.end_ns;
	}
	free(l->waits.v);
	l->waits = row;
	return rc;
}

static int page_finish(struct html_page *pg)
{
	const struct trace_catalog *cat = pg->cat;
	pg->t0 = UINT64_MAX;
	pg->t1 = cat->end_ns;
	for (uint32_t t = 0; t < pg->nlanes; t++) {
		struct html_lane *l = &pg->lanes[t];
		if (!l->seen)
			continue;
		if (l->begin_ns < pg->t0)
			pg->t0 = l->begin_ns;
		if (l->end_ns > pg->t1)
			pg->t1 = l->end_ns;
		if (l->holds.n > 1)
			qsort(l->holds.v, l->holds.n, sizeof(*l->holds.v), span_cmp);
		if (lane_state_row(l) < 0)
			return -ENOMEM;
	}
	if (cat->start_ns && cat->start_ns < pg->t0)
		pg->t0 = cat->start_ns;
	if (pg->t0 == UINT64_MAX)
		pg->t0 = cat->start_ns;
	if (pg->t1 < pg->t0)
		pg->t1 = pg->t0;
	pg->nused_obj = cat->nobjects;
	pg->nused_stack = cat->nstacks;
	pg->used_obj = calloc(cat->nobjects + 1, 1);
	pg->used_stack = calloc(cat->nstacks + 1, 1);
	return pg->used_obj && pg->used_stack ? 0 : -ENOMEM;
}

static void page_release(struct html_page *pg)
{
	for (uint32_t t = 0; t < pg->nlanes; t++) {
		free(pg->lanes[t].waits.v);
		free(pg->lanes[t].holds.v);
	}
	free(pg->lanes);
	for (size_t i = 0; i < pg->nmarks; i++) {
		free(pg->marks[i].key);
		free(pg->marks[i].label);
	}
	free(pg->marks);
	free(pg->used_obj);
	free(pg->used_stack);
}

void html_use_obj(struct html_page *pg, uint32_t id)
{
	if (id && id < pg->nused_obj)
		pg->used_obj[id] = 1;
}

void html_use_stack(struct html_page *pg, uint32_t id)
{
	if (id && id < pg->nused_stack)
		pg->used_stack[id] = 1;
}

/* ---- the page ---- */

static void write_html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static void write_title(const struct html_page *pg, FILE *out)
{
	const struct trace_catalog *cat = pg->cat;
	if (pg->opt->title) {
		write_html_text(out, pg->opt->title);
		return;
	}
	char **argv = cat->run.present && cat->run.argc ? cat->run.argv :
		cat->nprocesses ? cat->processes[0].argv : NULL;
	for (size_t i = 0; argv && argv[i]; i++) {
		if (i)
			fputc(' ', out);
		write_html_text(out, argv[i]);
	}
}

static int write_marker(struct html_page *pg, const char *name, size_t len, FILE *out)
{
	if (len == 5 && !memcmp(name, "title", 5)) {
		write_title(pg, out);
	} else if (len == 3 && !memcmp(name, "css", 3)) {
		fwrite(html_asset_css, 1, html_asset_css_len, out);
	} else if (len == 2 && !memcmp(name, "js", 2)) {
		fwrite(html_asset_js, 1, html_asset_js_len, out);
	} else if (len == 4 && !memcmp(name, "data", 4)) {
		struct json_writer w;
		json_writer_init(&w, out);
		json_writer_set_flags(&w, JSON_WRITER_HTML_SAFE);
		html_write_data(pg, &w);
		if (w.error || w.depth)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* The template with each "<!--ctrace:NAME-->" replaced. */
static int write_page(struct html_page *pg, FILE *out, struct ct_error *err)
{
	static const char open[] = "<!--ctrace:";
	const char *p = html_asset_template, *end = p + html_asset_template_len;
	while (p < end) {
		const char *m = strstr(p, open);
		if (!m) {
			fwrite(p, 1, (size_t)(end - p), out);
			break;
		}
		fwrite(p, 1, (size_t)(m - p), out);
		const char *name = m + sizeof(open) - 1, *close = strstr(name, "-->");
		if (!close || write_marker(pg, name, (size_t)(close - name), out) < 0) {
			ct_error_set(err, "", -1, "view: bad page template near '%.20s'", m);
			return -EINVAL;
		}
		p = close + 3;
	}
	if (fflush(out) != 0 || ferror(out)) {
		ct_error_set(err, "", -1, "view: writing the page failed: %s",
			     strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}

/* One pass of the timeline (no counters, so no hot-lock scan). Spans still
 * open are closed when the run ended (event_source_end_ns): a real deadlock
 * lasts until the watchdog ended the program, not until the last event. */
static int page_timeline(struct event_source *src, const struct timeline_options *to,
			 const struct tl_sink *sink, struct ct_error *err)
{
	struct timeline *tl = timeline_new(event_source_catalog(src), to);
	struct trace_event ev;
	uint64_t total = event_source_total(src);
	int rc = 0;
	if (!tl) {
		ct_error_set(err, "", -1, "view: out of memory");
		return -ENOMEM;
	}
	timeline_set_end(tl, event_source_end_ns(src));
	while (!rc && event_source_next(src, &ev)) {
		rc = timeline_feed(tl, &ev, sink);
		uint64_t n = event_source_position(src);
		if (to->progress && (n & 0xffff) == 0)
			to->progress(to->progress_ctx, n, total);
	}
	if (!rc)
		rc = timeline_finish(tl, event_source_end_ns(src), sink);
	if (to->progress)
		to->progress(to->progress_ctx, total, total);
	if (rc)
		ct_error_set(err, "", -1, "view: %s", strerror(-rc));
	timeline_free(tl);
	return rc;
}

int render_html(struct event_source *src, const struct render_html_options *opt,
		FILE *out, struct ct_error *err)
{
	static const struct render_html_options none;
	struct html_page pg = { .opt = opt ? opt : &none };
	struct html_findings f = { 0 };
	int rc = findings_from_report(pg.opt->report, &f);
	struct timeline_options to = {
		.no_counters = true, .findings = f.v, .nfindings = f.n,
		.progress = pg.opt->progress, .progress_ctx = pg.opt->progress_ctx,
	};
	struct tl_sink sink = { .ctx = &pg, .emit = page_emit };
	if (rc)
		ct_error_set(err, "", -1, "view: out of memory");
	else
		rc = page_timeline(src, &to, &sink, err);
	pg.cat = event_source_catalog(src);
	if (!rc && (rc = page_finish(&pg)) < 0)
		ct_error_set(err, "", -1, "view: out of memory");
	if (!rc)
		rc = write_page(&pg, out, err);
	page_release(&pg);
	free(f.v);
	free(f.keys);
	return rc;
}
