/* SPDX-License-Identifier: MIT */
/* timeline.c - the timeline model's engine: per-thread episodes of spans,
 * lane assignment, flushing to the sink, and the driver over an event
 * source. What each event means (locks, conds, queues) is in
 * timeline_events.c; labels are in timeline_label.c. */
#include "timeline.h"
#include "timeline_priv.h"

#include "lock_view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void *tl_grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 8;
	while (n < need)
		n *= 2;
	p = realloc(p, n * elem);
	if (!p)
		abort(); /* host tool: out of memory is fatal, as in strbuf */
	memset((char *)p + *cap * elem, 0, (n - *cap) * elem);
	*cap = n;
	return p;
}

struct tl_thread_state *tl_thread(struct timeline *tl, uint32_t t)
{
	if (t >= tl->nthreads) {
		size_t old = tl->capthreads;
		tl->threads = tl_grow(tl->threads, &tl->capthreads, (size_t)t + 1, sizeof *tl->threads);
		for (size_t i = old; i < tl->capthreads; i++) {
			tl->threads[i].wait = -1;
			tl->threads[i].cond = -1;
		}
		tl->nthreads = t + 1;
	}
	return &tl->threads[t];
}

struct tl_obj_state *tl_obj(struct timeline *tl, uint32_t obj)
{
	if (obj >= tl->nobjs) {
		size_t old = tl->capobjs;
		tl->objs = tl_grow(tl->objs, &tl->capobjs, (size_t)obj + 1, sizeof *tl->objs);
		for (size_t i = old; i < tl->capobjs; i++) {
			tl->objs[i].owner = TRACE_NONE;
			tl->objs[i].counter = -1;
		}
		tl->nobjs = obj + 1;
	}
	return &tl->objs[obj];
}

int tl_emit(struct timeline *tl, const struct tl_record *r)
{
	if (!tl->error && tl->sink && tl->sink->emit)
		tl->error = tl->sink->emit(tl->sink->ctx, r);
	return tl->error;
}

/* ---- counters ---- */

void tl_counter_set(struct timeline *tl, uint32_t obj, enum tl_counter_kind kind,
		    uint64_t ts, int64_t value)
{
	if (tl->opt.no_counters || !obj)
		return;
	struct tl_obj_state *os = tl_obj(tl, obj);
	if (os->counter < 0) {
		tl->counters = tl_grow(tl->counters, &tl->capcounters, tl->ncounters + 1,
				       sizeof *tl->counters);
		struct tl_counter *c = &tl->counters[tl->ncounters];
		c->id = (uint32_t)tl->ncounters;
		c->kind = (uint8_t)kind;
		c->obj = obj;
		const struct trace_object *o = trace_catalog_object(tl->cat, obj);
		c->process = o ? o->process : 0;
		os->counter = (int32_t)tl->ncounters++;
	}
	struct tl_record r = {
		.type = TL_REC_COUNTER, .ts_ns = ts, .thread = TRACE_NONE,
		.counter = &tl->counters[os->counter], .value = value,
	};
	tl_emit(tl, &r);
}

/* Whether waiters on OBJ are counted: the hottest locks of the scan, or
 * without a scan the first ones seen contended. */
bool tl_lock_is_hot(struct timeline *tl, uint32_t obj)
{
	struct tl_obj_state *os = tl_obj(tl, obj);
	if (os->hot || tl->scanned)
		return os->hot;
	if (tl->hot_left == 0)
		return false;
	tl->hot_left--;
	os->hot = true;
	return true;
}

/* ---- items and flushing ---- */

static void push_item(struct tl_thread_state *ts, uint8_t type, uint32_t idx)
{
	ts->items = tl_grow(ts->items, &ts->capitems, ts->nitems + 1, sizeof *ts->items);
	ts->items[ts->nitems].type = type;
	ts->items[ts->nitems].idx = idx;
	ts->nitems++;
}

static void emit_item(struct timeline *tl, struct tl_thread_state *ts, uint32_t t,
		      const struct tl_item *it)
{
	struct tl_record r = { .thread = t };
	switch ((enum tl_item_type)it->type) {
	case TL_ITEM_BEGIN:
		r.type = TL_REC_SPAN_BEGIN;
		r.span = &ts->spans[it->idx];
		r.ts_ns = r.span->begin_ns;
		break;
	case TL_ITEM_END:
		r.type = TL_REC_SPAN_END;
		r.span = &ts->spans[it->idx];
		r.ts_ns = r.span->end_ns;
		break;
	case TL_ITEM_INSTANT:
		r.type = TL_REC_INSTANT;
		r.instant = &ts->inst[it->idx];
		r.ts_ns = r.instant->ts_ns;
		break;
	}
	tl_emit(tl, &r);
}

/* Emits every buffered item; spans still open move to the front of the
 * pool (their END item comes later). Unresolved flows of its releases are
 * emitted as they are (they may end nowhere). */
static void flush(struct timeline *tl, uint32_t t)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	for (size_t i = 0; i < ts->npending; i++)
		tl_obj(tl, ts->pending[i])->pending_live = false;
	ts->npending = 0;
	for (size_t i = 0; i < ts->nitems; i++)
		emit_item(tl, ts, t, &ts->items[i]);
	ts->nitems = 0;
	ts->ninst = 0;
	int64_t wait = -1, cond = -1;
	for (size_t i = 0; i < ts->nopen; i++) {
		uint32_t old = ts->open[i].span;
		ts->spans[i] = ts->spans[old];
		if ((int64_t)old == ts->wait)
			wait = (int64_t)i;
		if ((int64_t)old == ts->cond)
			cond = (int64_t)i;
		ts->open[i].span = (uint32_t)i;
	}
	ts->nspans = ts->nopen;
	ts->wait = wait;
	ts->cond = cond;
}

static uint32_t lowest_free_lane(uint64_t used)
{
	return ~used ? (uint32_t)__builtin_ctzll(~used) : TL_MAX_LANES - 1;
}

/* A long episode is flushed while spans are open: they get their lanes now,
 * pairwise distinct, so that whatever order they close in cannot make two
 * of them cross on one lane. */
static void cut(struct timeline *tl, uint32_t t)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	uint64_t used = 0;
	for (size_t i = 0; i < ts->nopen; i++) {
		struct tl_open *o = &ts->open[i];
		struct tl_span *s = &ts->spans[o->span];
		if (!o->fixed) {
			s->lane = lowest_free_lane(o->forbid | used);
			o->fixed = true;
		}
		used |= 1ull << s->lane;
	}
	flush(tl, t);
}

uint32_t tl_span_open(struct timeline *tl, uint32_t t, const struct tl_span *init)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	ts->spans = tl_grow(ts->spans, &ts->capspans, ts->nspans + 1, sizeof *ts->spans);
	uint32_t idx = (uint32_t)ts->nspans++;
	struct tl_span *s = &ts->spans[idx];
	*s = *init;
	s->id = ++tl->next_span_id;
	s->thread = t;
	ts->open = tl_grow(ts->open, &ts->capopen, ts->nopen + 1, sizeof *ts->open);
	ts->open[ts->nopen++] = (struct tl_open){ .span = idx };
	push_item(ts, TL_ITEM_BEGIN, idx);
	return idx;
}

/* Closes span IDX of thread T. Its lane is the lowest one it does not cross;
 * every span opened after it and still open crosses it (began inside it,
 * ends after it), so may not share its lane. */
void tl_span_close(struct timeline *tl, uint32_t t, uint32_t idx, uint64_t end_ns, bool open_at_end)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	size_t p = 0;
	while (p < ts->nopen && ts->open[p].span != idx)
		p++;
	if (p == ts->nopen)
		return;
	struct tl_span *s = &ts->spans[idx];
	if (!ts->open[p].fixed)
		s->lane = lowest_free_lane(ts->open[p].forbid);
	s->end_ns = end_ns < s->begin_ns ? s->begin_ns : end_ns;
	s->end_known = true;
	s->open_at_end = open_at_end;
	for (size_t q = p + 1; q < ts->nopen; q++)
		ts->open[q].forbid |= 1ull << s->lane;
	memmove(&ts->open[p], &ts->open[p + 1], (ts->nopen - p - 1) * sizeof *ts->open);
	ts->nopen--;
	if ((int64_t)idx == ts->wait)
		ts->wait = -1;
	push_item(ts, TL_ITEM_END, idx);
	tl_maybe_flush(tl, t);
}

void tl_instant_add(struct timeline *tl, uint32_t t, const struct tl_instant *in)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	ts->inst = tl_grow(ts->inst, &ts->capinst, ts->ninst + 1, sizeof *ts->inst);
	ts->inst[ts->ninst] = *in;
	ts->inst[ts->ninst].thread = t;
	push_item(ts, TL_ITEM_INSTANT, (uint32_t)ts->ninst++);
	tl_maybe_flush(tl, t);
}

void tl_maybe_flush(struct timeline *tl, uint32_t t)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	if (ts->nopen == 0 && ts->npending == 0 && ts->nitems)
		flush(tl, t);
}

void tl_flow_resolve(struct timeline *tl, uint32_t obj, bool matched)
{
	struct tl_obj_state *os = tl_obj(tl, obj);
	if (os->pending_live) {
		struct tl_thread_state *ts = tl_thread(tl, os->pending_thread);
		if (!matched)
			ts->spans[os->pending_span].flow_out = 0;
		for (size_t i = 0; i < ts->npending; i++) {
			if (ts->pending[i] == obj) {
				ts->pending[i] = ts->pending[--ts->npending];
				break;
			}
		}
		os->pending_live = false;
		tl_maybe_flush(tl, os->pending_thread);
	}
	os->pending_flow = 0;
}

/* Called after each event of T: bounds the episode buffer. */
void tl_thread_settle(struct timeline *tl, uint32_t t)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	if (ts->nitems >= TL_EPISODE_MAX)
		cut(tl, t);
}

/* Places T's remaining findings (inside the spans still open: a hang's
 * finding falls in the wait that never ends), closes everything T has open
 * at END_NS (innermost first) and ends it. */
void tl_thread_end(struct timeline *tl, uint32_t t, uint64_t end_ns, bool open_at_end)
{
	struct tl_thread_state *ts = tl_thread(tl, t);
	if (end_ns < ts->last_ns)
		end_ns = ts->last_ns;
	tl_findings_flush(tl, t, end_ns);
	while (ts->nopen)
		tl_span_close(tl, t, ts->open[ts->nopen - 1].span, end_ns, true);
	flush(tl, t);
	struct tl_record r = {
		.type = TL_REC_THREAD_END, .ts_ns = end_ns, .thread = t,
		.open_at_end = open_at_end,
	};
	tl_emit(tl, &r);
	ts->ended = true;
}

/* ---- life cycle ---- */

struct finding_order {
	struct tl_finding f;
	size_t idx;
};

static int finding_cmp(const void *a, const void *b)
{
	const struct finding_order *x = a, *y = b;
	if (x->f.thread != y->f.thread)
		return x->f.thread < y->f.thread ? -1 : 1;
	if (x->f.ts_ns != y->f.ts_ns)
		return x->f.ts_ns < y->f.ts_ns ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
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

void timeline_set_end(struct timeline *tl, uint64_t end)
{
	bool any = false;
	for (size_t i = 0; i < tl->nfindings; i++) {
		struct tl_finding *f = &tl->findings[i];
		if (f->ts_ns || !f->before_end_ns)
			continue;
		f->ts_ns = end > f->before_end_ns ? end - f->before_end_ns : 1;
		f->before_end_ns = 0;
		any = true;
	}
	if (any)
		timeline_add_findings(tl, NULL, 0);
}

/* Findings are kept sorted by thread, then time, then order of addition. */
void timeline_add_findings(struct timeline *tl, const struct tl_finding *f, size_t n)
{
	size_t total = tl->nfindings + n;
	if (!total)
		return;
	struct finding_order *v = calloc(total, sizeof *v);
	if (!v)
		abort();
	for (size_t i = 0; i < tl->nfindings; i++)
		v[i] = (struct finding_order){ tl->findings[i], i };
	for (size_t i = 0; i < n; i++) {
		struct tl_finding *d = &v[tl->nfindings + i].f;
		*d = f[i];
		d->kind = dup_or_null(f[i].kind);
		d->message = dup_or_null(f[i].message);
		d->stack_text = dup_or_null(f[i].stack_text);
		v[tl->nfindings + i].idx = tl->nfindings + i;
	}
	qsort(v, total, sizeof *v, finding_cmp);
	free(tl->findings);
	free(tl->fdone);
	tl->findings = calloc(total, sizeof *tl->findings);
	tl->fdone = calloc(total, sizeof *tl->fdone);
	if (!tl->findings || !tl->fdone)
		abort();
	for (size_t i = 0; i < total; i++)
		tl->findings[i] = v[i].f;
	tl->nfindings = total;
	free(v);
}

/* Each pass reads the events from the start: the lock view too. Python's
 * locks are drawn as locks and the GIL as one; a join stays a join. */
static void tl_locks_restart(struct timeline *tl)
{
	lock_view_free(tl->locks);
	tl->locks = lock_view_new(tl->cat);
	lock_view_keep_joins(tl->locks);
}

struct timeline *timeline_new(const struct trace_catalog *cat, const struct timeline_options *opt)
{
	struct timeline *tl = calloc(1, sizeof *tl);
	if (!tl)
		abort();
	tl->cat = cat;
	tl_locks_restart(tl);
	if (opt)
		tl->opt = *opt;
	if (!tl->opt.hot_locks)
		tl->opt.hot_locks = TL_DEFAULT_HOT_LOCKS;
	tl->hot_left = tl->opt.hot_locks;
	timeline_add_findings(tl, tl->opt.findings, tl->opt.nfindings);
	tl->opt.findings = NULL;
	tl->opt.nfindings = 0;
	return tl;
}

const struct tl_counter *timeline_counters(const struct timeline *tl, size_t *n)
{
	*n = tl->ncounters;
	return tl->counters;
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	lock_view_free(tl->locks);
	for (size_t i = 0; i < tl->nthreads; i++) {
		struct tl_thread_state *ts = &tl->threads[i];
		free(ts->spans);
		free(ts->inst);
		free(ts->items);
		free(ts->open);
		free(ts->pending);
	}
	for (size_t i = 0; i < tl->nobjs; i++) {
		free(tl->objs[i].msgs);
		free(tl->objs[i].sending);
	}
	for (size_t i = 0; i < tl->nfindings; i++) {
		free((char *)tl->findings[i].kind);
		free((char *)tl->findings[i].message);
		free((char *)tl->findings[i].stack_text);
	}
	free(tl->findings);
	free(tl->fdone);
	free(tl->threads);
	free(tl->objs);
	free(tl->counters);
	free(tl);
}

/* ---- pass 1: the hottest locks ---- */

static void tl_scan_one(void *ctx, const struct trace_event *ev, enum lock_view_source source)
{
	(void)source;
	struct timeline *tl = ctx;
	if (!ev->obj || !trace_op_is_lock_acquire(ev->op))
		return;
	struct tl_obj_state *os = tl_obj(tl, ev->obj);
	if (ev->phase == TRACE_PHASE_BEGIN)
		os->wait_ns++; /* a wait that never ends still counts */
	else if (ev->had_begin && ev->ts_ns > ev->begin_ns)
		os->wait_ns += ev->ts_ns - ev->begin_ns;
}

void timeline_scan(struct timeline *tl, const struct trace_event *ev)
{
	lock_view_feed(tl->locks, ev, tl_scan_one, tl);
}

void timeline_scan_done(struct timeline *tl)
{
	for (unsigned k = 0; k < tl->opt.hot_locks; k++) {
		uint32_t best = 0;
		for (uint32_t i = 1; i < tl->nobjs; i++) {
			const struct tl_obj_state *os = &tl->objs[i];
			if (os->hot || !os->wait_ns)
				continue;
			if (!best || os->wait_ns > tl->objs[best].wait_ns)
				best = i;
		}
		if (!best)
			break;
		tl->objs[best].hot = true;
	}
	tl->scanned = true;
}

/* ---- pass 2 ---- */

static void tl_feed_one(void *ctx, const struct trace_event *ev, enum lock_view_source source)
{
	(void)source;
	tl_event(ctx, ev);
}

int timeline_feed(struct timeline *tl, const struct trace_event *ev, const struct tl_sink *sink)
{
	tl->sink = sink;
	lock_view_feed(tl->locks, ev, tl_feed_one, tl);
	tl->sink = NULL;
	return tl->error;
}

/* Where thread T's lane ends when it recorded no end: at its process's
 * exit or exec, when that was recorded (the process is over there);
 * else at END_NS, open (still running, or killed: a deadlock the watchdog
 * ended shows as waits that never end). */
static uint64_t tl_lane_end(const struct timeline *tl, uint32_t t, uint64_t end_ns, bool *open)
{
	const struct trace_thread *th = trace_catalog_thread(tl->cat, t);
	const struct trace_process *p = th && th->process < tl->cat->nprocesses
						? &tl->cat->processes[th->process] : NULL;
	*open = !p || p->running || !(p->exit_flags & (TRACE_EXIT_STATUS | TRACE_EXIT_EXEC)) ||
		p->end_ns > end_ns;
	return *open ? end_ns : p->end_ns;
}

int timeline_finish(struct timeline *tl, uint64_t end_ns, const struct tl_sink *sink)
{
	tl->sink = sink;
	for (uint32_t t = 0; t < tl->nthreads; t++) {
		struct tl_thread_state *ts = &tl->threads[t];
		if (!ts->begun || ts->ended)
			continue;
		bool open;
		uint64_t end = tl_lane_end(tl, t, end_ns, &open);
		tl_thread_end(tl, t, end, open);
	}
	tl_findings_rest(tl, end_ns);
	tl->sink = NULL;
	return tl->error;
}

/* ---- the driver ---- */

static void progress(const struct timeline_options *opt, uint64_t done, uint64_t total)
{
	if (opt && opt->progress)
		opt->progress(opt->progress_ctx, done, total);
}

static int scan_pass(struct timeline *tl, struct event_source *src,
		     const struct timeline_options *opt, struct ct_error *err)
{
	struct trace_event ev;
	uint64_t n = 0, total = event_source_total(src);
	while (event_source_next(src, &ev)) {
		timeline_scan(tl, &ev);
		if (opt && opt->scan_event)
			opt->scan_event(opt->scan_ctx, &ev);
		if ((++n & 0xffff) == 0)
			progress(opt, n, total * 2);
	}
	timeline_scan_done(tl);
	if (opt && opt->scan_done) {
		const struct tl_finding *f = NULL;
		size_t nf = 0;
		opt->scan_done(opt->scan_ctx, &f, &nf);
		timeline_add_findings(tl, f, nf);
	}
	int rc = event_source_rewind(src, err);
	tl->cat = event_source_catalog(src);
	tl_locks_restart(tl);
	return rc;
}

int timeline_run(struct event_source *src, const struct timeline_options *opt,
		 const struct tl_sink *sink, struct ct_error *err)
{
	struct timeline *tl = timeline_new(event_source_catalog(src), opt);
	int rc = 0;
	bool two = event_source_can_rewind(src);
	if (two)
		rc = scan_pass(tl, src, opt, err);
	timeline_set_end(tl, event_source_end_ns(src));
	uint64_t base = two ? event_source_total(src) : 0;
	uint64_t total = two ? 2 * base : event_source_total(src);
	struct trace_event ev;
	while (!rc && event_source_next(src, &ev)) {
		rc = timeline_feed(tl, &ev, sink);
		uint64_t n = event_source_position(src);
		if ((n & 0xffff) == 0)
			progress(opt, base + n, total);
	}
	if (!rc)
		rc = timeline_finish(tl, event_source_end_ns(src), sink);
	if (!rc)
		progress(opt, total ? total : base + event_source_position(src), total);
	else if (err && !err->msg[0])
		ct_error_set(err, "", -1, "writing the timeline failed: %s", strerror(-rc));
	timeline_free(tl);
	return rc;
}
