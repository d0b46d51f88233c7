/* SPDX-License-Identifier: MIT */
/* export_chrome.c - the timeline as a Chrome JSON trace (formats.md B), one
 * event object per line: {"traceEvents": [...], "otherData": {...}}, with
 * traceEvents first (Perfetto ignores what follows an unknown key). It
 * formats; the timeline model decides. Layout: export.h. */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio_ext.h>
#include <string.h>

#include "json_writer.h"

struct ch {
	FILE *out;                        /* (borrowed) */
	struct event_source *src;         /* (borrowed) for its catalog */
	const struct tl_names *names;     /* (borrowed) */
	struct json_writer w;             /* the current event object */
	bool first;                       /* no event written yet */
	int error;                        /* a writer misuse */
	bool *proc_named;                 /* (owned) process_name written */
	size_t nproc;
	bool *thread_named;               /* (owned) thread_name written */
	size_t nthreads;
	struct strbuf name, val[3];
};

static const struct trace_catalog *cat_of(struct ch *ch)
{
	return event_source_catalog(ch->src);
}

/* ---- one event object per line ---- */

static void ev_open(struct ch *ch, const char *ph, const char *name, const char *cat)
{
	fputs(ch->first ? "\n" : ",\n", ch->out);
	ch->first = false;
	json_writer_init(&ch->w, ch->out);
	json_writer_begin_object(&ch->w);
	json_writer_key_string(&ch->w, "ph", ph);
	if (name)
		json_writer_key_string(&ch->w, "name", name);
	if (cat)
		json_writer_key_string(&ch->w, "cat", cat);
}

static void ev_close(struct ch *ch)
{
	json_writer_end_object(&ch->w);
	if (ch->w.error || ch->w.depth)
		ch->error = 1;
}

/* ts: µs since the trace's start, exact to the ns. */
static void ev_ts(struct ch *ch, uint64_t ts_ns)
{
	uint64_t start = cat_of(ch)->start_ns;
	uint64_t rel = ts_ns > start ? ts_ns - start : 0;
	char buf[48];
	snprintf(buf, sizeof buf, "%" PRIu64 ".%03" PRIu64, rel / 1000, rel % 1000);
	json_writer_key(&ch->w, "ts");
	json_writer_raw(&ch->w, buf);
}

static uint32_t thread_pid(struct ch *ch, uint32_t t)
{
	const struct trace_catalog *cat = cat_of(ch);
	const struct trace_thread *th = trace_catalog_thread(cat, t);
	uint32_t p = th ? th->process : 0;
	return p < cat->nprocesses ? cat->processes[p].pid : 0;
}

static int64_t thread_tid(struct ch *ch, uint32_t t)
{
	const struct trace_thread *th = trace_catalog_thread(cat_of(ch), t);
	return th && th->tid ? th->tid : 0x40000000 + (int64_t)t;
}

static void ev_thread(struct ch *ch, uint32_t t)
{
	json_writer_key_uint(&ch->w, "pid", thread_pid(ch, t));
	json_writer_key_int(&ch->w, "tid", thread_tid(ch, t));
}

static void ev_id(struct ch *ch, uint64_t id)
{
	char buf[24];
	snprintf(buf, sizeof buf, "0x%" PRIx64, id);
	json_writer_key_string(&ch->w, "id", buf);
}

/* ---- metadata, written before a process or thread is first used ---- */

static bool *flag_at(bool **v, size_t *n, size_t i)
{
	if (i >= *n) {
		*v = realloc(*v, (i + 1) * sizeof **v);
		if (!*v)
			abort();
		memset(*v + *n, 0, (i + 1 - *n) * sizeof **v);
		*n = i + 1;
	}
	return &(*v)[i];
}

static void name_process(struct ch *ch, uint32_t p)
{
	bool *done = flag_at(&ch->proc_named, &ch->nproc, p);
	if (*done)
		return;
	*done = true;
	const struct trace_catalog *cat = cat_of(ch);
	const struct trace_process *pr = p < cat->nprocesses ? &cat->processes[p] : NULL;
	const char *exe = pr && pr->exe ? pr->exe : "?";
	ev_open(ch, "M", "process_name", NULL);
	json_writer_key_uint(&ch->w, "pid", pr ? pr->pid : 0);
	json_writer_key(&ch->w, "args");
	json_writer_begin_object(&ch->w);
	json_writer_key_string(&ch->w, "name", strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe);
	json_writer_end_object(&ch->w);
	ev_close(ch);
}

static void name_thread(struct ch *ch, uint32_t t)
{
	bool *done = flag_at(&ch->thread_named, &ch->nthreads, t);
	if (*done)
		return;
	*done = true;
	const struct trace_thread *th = trace_catalog_thread(cat_of(ch), t);
	name_process(ch, th ? th->process : 0);
	strbuf_reset(&ch->name);
	tl_thread_label(cat_of(ch), t, &ch->name);
	const char *keys[2] = { "thread_name", "thread_sort_index" };
	for (int i = 0; i < 2; i++) {
		ev_open(ch, "M", keys[i], NULL);
		ev_thread(ch, t);
		json_writer_key(&ch->w, "args");
		json_writer_begin_object(&ch->w);
		if (i == 0)
			json_writer_key_string(&ch->w, "name", ch->name.buf);
		else
			json_writer_key_uint(&ch->w, "sort_index", t);
		json_writer_end_object(&ch->w);
		ev_close(ch);
	}
}

/* ---- records ---- */

static void reset_values(struct ch *ch)
{
	strbuf_reset(&ch->name);
	for (size_t i = 0; i < 3; i++)
		strbuf_reset(&ch->val[i]);
}

static void flow_event(struct ch *ch, const char *ph, const char *name, uint64_t id,
		       uint32_t t, uint64_t ts)
{
	ev_open(ch, ph, name, "flow");
	ev_id(ch, id);
	ev_ts(ch, ts);
	ev_thread(ch, t);
	if (ph[0] == 'f')
		json_writer_key_string(&ch->w, "bp", "e");
	ev_close(ch);
}

static void span_args(struct ch *ch, const struct tl_span *s)
{
	const struct trace_catalog *cat = cat_of(ch);
	json_writer_key(&ch->w, "args");
	json_writer_begin_object(&ch->w);
	if (trace_op_desc(s->op))
		json_writer_key_string(&ch->w, "call", trace_op_desc(s->op)->name);
	if (s->state == TL_STATE_WAIT_LOCK) {
		if (s->peer != TRACE_NONE)
			tl_thread_label(cat, s->peer, &ch->val[0]);
		json_writer_key_string(&ch->w, "holder", s->peer != TRACE_NONE ? ch->val[0].buf : "unknown");
	}
	if (s->state == TL_STATE_WAIT_COND && s->obj2) {
		tl_object_label(cat, ch->names, s->obj2, &ch->val[1]);
		json_writer_key_string(&ch->w, "mutex", ch->val[1].buf);
	}
	if (s->state != TL_STATE_HOLD && s->stack) {
		tl_stack_text(cat, ch->names, s->stack, &ch->val[2]);
		json_writer_key_string(&ch->w, "stack", ch->val[2].buf);
	}
	json_writer_end_object(&ch->w);
}

static void end_args(struct ch *ch, int32_t result, bool open_at_end)
{
	if (!result && !open_at_end)
		return;
	json_writer_key(&ch->w, "args");
	json_writer_begin_object(&ch->w);
	if (result) {
		const char *en = strerrorname_np(result);
		json_writer_key_string(&ch->w, "result", en ? en : "error");
	}
	if (open_at_end)
		json_writer_key_bool(&ch->w, "open_at_end", 1);
	json_writer_end_object(&ch->w);
}

static const char *span_cat(const struct tl_span *s)
{
	return s->state == TL_STATE_HOLD ? "lock" : "wait";
}

/* Lane 0 nests as B/E; other lanes are async b/e (cat "lock", id = span). A
 * flow leaving a hold starts just before its end; one arriving at a hold
 * ends inside it (bp "e"). */
static void span_record(struct ch *ch, const struct tl_record *r)
{
	const struct tl_span *s = r->span;
	bool async = s->lane > 0;
	name_thread(ch, s->thread);
	reset_values(ch);
	tl_span_label(cat_of(ch), ch->names, s, &ch->name);
	if (r->type == TL_REC_SPAN_END && s->flow_out)
		flow_event(ch, "s", "release", s->flow_out, s->thread, r->ts_ns);
	bool begin = r->type == TL_REC_SPAN_BEGIN;
	if (async)
		ev_open(ch, begin ? "b" : "e", ch->name.buf, "lock");
	else
		ev_open(ch, begin ? "B" : "E", begin ? ch->name.buf : NULL, begin ? span_cat(s) : NULL);
	if (async)
		ev_id(ch, s->id);
	ev_ts(ch, r->ts_ns);
	ev_thread(ch, s->thread);
	if (begin)
		span_args(ch, s);
	else
		end_args(ch, s->result, s->open_at_end);
	ev_close(ch);
	if (begin && s->flow_in)
		flow_event(ch, "f", "release", s->flow_in, s->thread, r->ts_ns);
}

static void instant_args(struct ch *ch, const struct tl_instant *in)
{
	const struct trace_catalog *cat = cat_of(ch);
	json_writer_key(&ch->w, "args");
	json_writer_begin_object(&ch->w);
	if (in->kind != TL_INSTANT_FINDING) {
		json_writer_key_uint(&ch->w, "size", in->size);
		json_writer_key_uint(&ch->w, "prio", in->prio);
	} else {
		const struct tl_finding *f = in->finding;
		json_writer_key_string(&ch->w, "kind", f->kind ? f->kind : "finding");
		if (f->message)
			json_writer_key_string(&ch->w, "message", f->message);
		if (in->obj) {
			tl_object_label(cat, ch->names, in->obj, &ch->val[0]);
			json_writer_key_string(&ch->w, "lock", ch->val[0].buf);
		}
		if (!f->stack_text)
			tl_stack_text(cat, ch->names, in->stack, &ch->val[1]);
		if (f->stack_text || in->stack)
			json_writer_key_string(&ch->w, "stack", f->stack_text ? f->stack_text : ch->val[1].buf);
	}
	json_writer_end_object(&ch->w);
}

static void instant_record(struct ch *ch, const struct tl_record *r)
{
	const struct tl_instant *in = r->instant;
	bool global = r->thread == TRACE_NONE;
	if (global)
		name_process(ch, 0);
	else
		name_thread(ch, r->thread);
	reset_values(ch);
	if (in->kind == TL_INSTANT_FINDING) {
		strbuf_addf(&ch->name, "finding: %s", in->finding->kind ? in->finding->kind : "?");
	} else {
		strbuf_addf(&ch->name, "%s ", tl_instant_kind_name(in->kind));
		tl_object_label(cat_of(ch), ch->names, in->obj, &ch->name);
	}
	ev_open(ch, "i", ch->name.buf, in->kind == TL_INSTANT_FINDING ? "finding" : "mq");
	ev_ts(ch, r->ts_ns);
	if (global) {
		const struct trace_catalog *cat = cat_of(ch);
		json_writer_key_uint(&ch->w, "pid", cat->nprocesses ? cat->processes[0].pid : 0);
	} else {
		ev_thread(ch, r->thread);
	}
	json_writer_key_string(&ch->w, "s", global ? "p" : "t");
	instant_args(ch, in);
	ev_close(ch);
	const char *flow = in->kind == TL_INSTANT_FINDING ? "race" : "message";
	if (in->flow_out)
		flow_event(ch, "s", flow, in->flow_out, r->thread, r->ts_ns);
	if (in->flow_in)
		flow_event(ch, "f", flow, in->flow_in, r->thread, r->ts_ns);
}

static void counter_record(struct ch *ch, const struct tl_record *r)
{
	const struct tl_counter *c = r->counter;
	const struct trace_catalog *cat = cat_of(ch);
	name_process(ch, c->process);
	reset_values(ch);
	tl_object_label(cat, ch->names, c->obj, &ch->name);
	ev_open(ch, "C", ch->name.buf, "counter");
	ev_ts(ch, r->ts_ns);
	json_writer_key_uint(&ch->w, "pid", c->process < cat->nprocesses ? cat->processes[c->process].pid : 0);
	json_writer_key(&ch->w, "args");
	json_writer_begin_object(&ch->w);
	json_writer_key_int(&ch->w, c->kind == TL_COUNTER_WAITERS ? "waiters" : "depth", r->value);
	json_writer_end_object(&ch->w);
	ev_close(ch);
}

static void thread_record(struct ch *ch, const struct tl_record *r)
{
	bool begin = r->type == TL_REC_THREAD_BEGIN;
	name_thread(ch, r->thread);
	ev_open(ch, begin ? "B" : "E", begin ? tl_state_name(TL_STATE_RUNNING) : NULL,
		begin ? "thread" : NULL);
	ev_ts(ch, r->ts_ns);
	ev_thread(ch, r->thread);
	if (!begin)
		end_args(ch, 0, r->open_at_end);
	ev_close(ch);
}

static int ch_emit(void *ctx, const struct tl_record *r)
{
	struct ch *ch = ctx;
	switch ((enum tl_record_type)r->type) {
	case TL_REC_THREAD_BEGIN:
	case TL_REC_THREAD_END:
		thread_record(ch, r);
		break;
	case TL_REC_SPAN_BEGIN:
	case TL_REC_SPAN_END:
		span_record(ch, r);
		break;
	case TL_REC_INSTANT:
		instant_record(ch, r);
		break;
	case TL_REC_COUNTER:
		counter_record(ch, r);
		break;
	}
	return ferror(ch->out) ? -EIO : 0;
}

/* otherData: strings only (Perfetto keeps them as metadata). */
static void other_data(struct ch *ch)
{
	const struct trace_catalog *cat = cat_of(ch);
	struct json_writer w;
	json_writer_init(&w, ch->out);
	json_writer_begin_object(&w);
	json_writer_key_string(&w, "generator", "ctrace");
	strbuf_reset(&ch->name);
	const struct trace_process *p = cat->nprocesses ? &cat->processes[0] : NULL;
	for (uint32_t i = 0; p && i < p->argc; i++)
		strbuf_addf(&ch->name, "%s%s", i ? " " : "", p->argv[i]);
	json_writer_key_string(&w, "command", ch->name.buf);
	strbuf_reset(&ch->name);
	strbuf_addf(&ch->name, "%" PRIu64, cat->start_ns);
	json_writer_key_string(&w, "start_ns", ch->name.buf);
	json_writer_key_string(&w, "clock", "CLOCK_MONOTONIC, ts relative to start_ns");
	json_writer_end_object(&w);
	if (w.error || w.depth)
		ch->error = 1;
}

static void ch_release(struct ch *ch)
{
	free(ch->proc_named);
	free(ch->thread_named);
	strbuf_release(&ch->name);
	for (size_t i = 0; i < 3; i++)
		strbuf_release(&ch->val[i]);
}

int export_chrome(struct event_source *src, FILE *out, const struct export_options *opt,
		  struct ct_error *err)
{
	struct ch ch = { .out = out, .src = src, .names = opt ? opt->names : NULL, .first = true };
	ch.name = (struct strbuf)STRBUF_INIT;
	for (size_t i = 0; i < 3; i++)
		ch.val[i] = (struct strbuf)STRBUF_INIT;
	struct timeline_options to;
	export_timeline_options(opt, &to);
	struct tl_sink sink = { &ch, ch_emit };
	/* One writer thread: skip stdio's per-call locking (much of the time). */
	int locking = __fsetlocking(out, FSETLOCKING_BYCALLER);
	fputs("{\"traceEvents\":[", out);
	int rc = timeline_run(src, &to, &sink, err);
	fputs("\n],\n\"otherData\":", out);
	other_data(&ch);
	fputs("}\n", out);
	if (!rc && ch.error) {
		rc = -EINVAL;
		ct_error_set(err, "", -1, "internal error: malformed JSON event");
	}
	if (fflush(out) || ferror(out)) {
		rc = -EIO;
		ct_error_set(err, "", -1, "writing the Chrome JSON trace failed");
	}
	__fsetlocking(out, locking);
	ch_release(&ch);
	return rc;
}
