/* SPDX-License-Identifier: MIT */
/* export_perfetto.c - the timeline as a Perfetto protobuf trace, one packet
 * per record, written by hand (protobuf.h). Layout and choices: export.h;
 * field numbers: formats.md A.2. It formats; the timeline model decides. */
#include "export.h"
#include "fnv.h"
#include "protobuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio_ext.h>
#include <string.h>

/* Field numbers (perfetto.protos), see tests/unit/viewer/perfetto_min.proto. */
enum pf_field {
	PF_TRACE_PACKET = 1,
	PF_PKT_TIMESTAMP = 8, PF_PKT_SEQ_ID = 10, PF_PKT_TRACK_EVENT = 11,
	PF_PKT_INTERNED = 12, PF_PKT_SEQ_FLAGS = 13, PF_PKT_TRACK_DESCRIPTOR = 60,
	PF_PKT_FIRST_ON_SEQ = 87,
	PF_TD_UUID = 1, PF_TD_NAME = 2, PF_TD_PROCESS = 3, PF_TD_THREAD = 4,
	PF_TD_PARENT = 5, PF_TD_COUNTER = 8,
	PF_PD_PID = 1, PF_PD_NAME = 6,
	PF_THD_PID = 1, PF_THD_TID = 2, PF_THD_NAME = 5,
	PF_TE_ANNOTATION = 4, PF_TE_TYPE = 9, PF_TE_NAME_IID = 10, PF_TE_TRACK = 11,
	PF_TE_COUNTER_VALUE = 30, PF_TE_FLOW_IDS = 47, PF_TE_TERMINATING_FLOW_IDS = 48,
	PF_DA_NAME_IID = 1, PF_DA_BOOL = 2, PF_DA_INT = 4, PF_DA_STRING = 6,
	PF_ID_EVENT_NAMES = 2, PF_ID_ANNOTATION_NAMES = 3, PF_IE_IID = 1, PF_IE_NAME = 2,
};

enum pf_event_type { PF_SLICE_BEGIN = 1, PF_SLICE_END = 2, PF_INSTANT = 3, PF_COUNTER = 4 };
enum pf_seq_flags { PF_SEQ_CLEARED = 1, PF_SEQ_NEEDS_STATE = 2 };

#define PF_SEQUENCE_ID 7
#define PF_MAX_ANNOS 6

/* Interned strings: string -> iid (1, 2, ... in order of first use). */
struct pf_intern {
	char **keys;
	uint64_t *iids;
	size_t cap, n;
};

enum pf_anno_type { PF_ANNO_STRING, PF_ANNO_INT, PF_ANNO_BOOL };

struct pf_anno {
	const char *name;
	uint8_t type;            /* enum pf_anno_type */
	int64_t i;
	const char *s;
};

/* One TrackEvent to write. */
struct pf_event {
	uint64_t ts, track;
	uint8_t type;            /* enum pf_event_type */
	const char *name;        /* BEGIN, INSTANT */
	struct pf_anno anno[PF_MAX_ANNOS];
	size_t nanno;
	uint64_t flow_out, flow_in;
	int64_t counter;
};

struct pf_thread {
	uint64_t *lane_uuid;     /* (owned) per lane, 0 = no descriptor yet */
	uint32_t nlanes;
};

struct pf {
	FILE *out;                        /* (borrowed) */
	struct event_source *src;         /* (borrowed) for its catalog */
	const struct tl_names *names;     /* (borrowed) */
	struct pb_buf pb;
	struct strbuf name, val[4];
	uint64_t next_uuid;
	uint64_t *proc_uuid;              /* (owned) per process index */
	size_t nproc;
	struct pf_thread *threads;        /* (owned) per thread id */
	size_t nthreads;
	uint64_t *counter_uuid;           /* (owned) per counter id */
	size_t ncounters;
	struct pf_intern event_names, anno_names;
};

static const struct trace_catalog *cat_of(struct pf *pf)
{
	return event_source_catalog(pf->src);
}

/* ---- interning ---- */

static uint64_t hash_str(const char *s)
{
	return fnv1a_str(FNV1A_INIT, s);
}

static void intern_grow(struct pf_intern *t)
{
	struct pf_intern n = { .cap = t->cap ? t->cap * 2 : 64 };
	n.keys = calloc(n.cap, sizeof *n.keys);
	n.iids = calloc(n.cap, sizeof *n.iids);
	if (!n.keys || !n.iids)
		abort();
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->keys[i])
			continue;
		size_t j = hash_str(t->keys[i]) & (n.cap - 1);
		while (n.keys[j])
			j = (j + 1) & (n.cap - 1);
		n.keys[j] = t->keys[i];
		n.iids[j] = t->iids[i];
	}
	n.n = t->n;
	free(t->keys);
	free(t->iids);
	*t = n;
}

/* The iid of S; *fresh tells that it was just assigned (to be emitted). */
static uint64_t intern(struct pf_intern *t, const char *s, bool *fresh)
{
	if (2 * (t->n + 1) > t->cap)
		intern_grow(t);
	size_t j = hash_str(s) & (t->cap - 1);
	while (t->keys[j]) {
		if (!strcmp(t->keys[j], s)) {
			*fresh = false;
			return t->iids[j];
		}
		j = (j + 1) & (t->cap - 1);
	}
	t->keys[j] = strdup(s);
	if (!t->keys[j])
		abort();
	t->iids[j] = ++t->n;
	*fresh = true;
	return t->iids[j];
}

static void intern_release(struct pf_intern *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->iids);
}

/* ---- packets ---- */

static void packet_begin(struct pf *pf, uint64_t ts)
{
	pb_reset(&pf->pb);
	pb_begin(&pf->pb, PF_TRACE_PACKET);
	if (ts)
		pb_uint(&pf->pb, PF_PKT_TIMESTAMP, ts);
	pb_uint(&pf->pb, PF_PKT_SEQ_ID, PF_SEQUENCE_ID);
}

static int packet_end(struct pf *pf)
{
	pb_end(&pf->pb);
	if (pf->pb.error)
		return -EOVERFLOW;
	if (fwrite(pf->pb.data, 1, pf->pb.len, pf->out) != pf->pb.len)
		return -EIO;
	return 0;
}

static void interned_entry(struct pb_buf *pb, uint32_t field, uint64_t iid, const char *s)
{
	pb_begin(pb, field);
	pb_uint(pb, PF_IE_IID, iid);
	pb_string(pb, PF_IE_NAME, s);
	pb_end(pb);
}

static void write_annotation(struct pb_buf *pb, const struct pf_anno *a, uint64_t iid)
{
	pb_begin(pb, PF_TE_ANNOTATION);
	pb_uint(pb, PF_DA_NAME_IID, iid);
	switch ((enum pf_anno_type)a->type) {
	case PF_ANNO_STRING:
		pb_string(pb, PF_DA_STRING, a->s);
		break;
	case PF_ANNO_INT:
		pb_int(pb, PF_DA_INT, a->i);
		break;
	case PF_ANNO_BOOL:
		pb_bool(pb, PF_DA_BOOL, a->i != 0);
		break;
	}
	pb_end(pb);
}

/* The interned data this event needs first, then the event itself. */
static int write_event(struct pf *pf, const struct pf_event *e)
{
	bool fresh_name = false, fresh[PF_MAX_ANNOS] = { false }, any = false;
	uint64_t name_iid = e->name ? intern(&pf->event_names, e->name, &fresh_name) : 0;
	uint64_t iid[PF_MAX_ANNOS];
	for (size_t i = 0; i < e->nanno; i++) {
		iid[i] = intern(&pf->anno_names, e->anno[i].name, &fresh[i]);
		any |= fresh[i];
	}
	struct pb_buf *pb = &pf->pb;
	packet_begin(pf, e->ts);
	if (fresh_name || any) {
		pb_begin(pb, PF_PKT_INTERNED);
		if (fresh_name)
			interned_entry(pb, PF_ID_EVENT_NAMES, name_iid, e->name);
		for (size_t i = 0; i < e->nanno; i++)
			if (fresh[i])
				interned_entry(pb, PF_ID_ANNOTATION_NAMES, iid[i], e->anno[i].name);
		pb_end(pb);
	}
	if (name_iid || e->nanno)
		pb_uint(pb, PF_PKT_SEQ_FLAGS, PF_SEQ_NEEDS_STATE);
	pb_begin(pb, PF_PKT_TRACK_EVENT);
	pb_uint(pb, PF_TE_TYPE, e->type);
	pb_uint(pb, PF_TE_TRACK, e->track);
	if (name_iid)
		pb_uint(pb, PF_TE_NAME_IID, name_iid);
	for (size_t i = 0; i < e->nanno; i++)
		write_annotation(pb, &e->anno[i], iid[i]);
	if (e->type == PF_COUNTER)
		pb_int(pb, PF_TE_COUNTER_VALUE, e->counter);
	if (e->flow_out)
		pb_fixed64(pb, PF_TE_FLOW_IDS, e->flow_out);
	if (e->flow_in)
		pb_fixed64(pb, PF_TE_TERMINATING_FLOW_IDS, e->flow_in);
	pb_end(pb);
	return packet_end(pf);
}

static void anno_str(struct pf_event *e, const char *name, const char *s)
{
	if (e->nanno < PF_MAX_ANNOS)
		e->anno[e->nanno++] = (struct pf_anno){ .name = name, .type = PF_ANNO_STRING, .s = s };
}

static void anno_int(struct pf_event *e, const char *name, int64_t v, uint8_t type)
{
	if (e->nanno < PF_MAX_ANNOS)
		e->anno[e->nanno++] = (struct pf_anno){ .name = name, .type = type, .i = v };
}

/* ---- track descriptors, written before their first use ---- */

static int process_track(struct pf *pf, uint32_t p, uint64_t *uuid)
{
	if (p >= pf->nproc) {
		size_t n = (size_t)p + 1;
		pf->proc_uuid = realloc(pf->proc_uuid, n * sizeof *pf->proc_uuid);
		if (!pf->proc_uuid)
			abort();
		memset(pf->proc_uuid + pf->nproc, 0, (n - pf->nproc) * sizeof *pf->proc_uuid);
		pf->nproc = n;
	}
	*uuid = pf->proc_uuid[p];
	if (*uuid)
		return 0;
	*uuid = pf->proc_uuid[p] = ++pf->next_uuid;
	const struct trace_catalog *cat = cat_of(pf);
	const struct trace_process *pr = p < cat->nprocesses ? &cat->processes[p] : NULL;
	strbuf_reset(&pf->name);
	if (pr && pr->exe && pr->exe[0])
		strbuf_addstr(&pf->name, strrchr(pr->exe, '/') ? strrchr(pr->exe, '/') + 1 : pr->exe);
	else
		strbuf_addf(&pf->name, "process %" PRIu32, p);
	packet_begin(pf, 0);
	pb_begin(&pf->pb, PF_PKT_TRACK_DESCRIPTOR);
	pb_uint(&pf->pb, PF_TD_UUID, *uuid);
	pb_begin(&pf->pb, PF_TD_PROCESS);
	pb_int(&pf->pb, PF_PD_PID, pr ? (int32_t)pr->pid : 0);
	pb_string(&pf->pb, PF_PD_NAME, pf->name.buf);
	pb_end(&pf->pb);
	pb_end(&pf->pb);
	return packet_end(pf);
}

static struct pf_thread *pf_thread(struct pf *pf, uint32_t t)
{
	if (t >= pf->nthreads) {
		size_t n = (size_t)t + 1;
		pf->threads = realloc(pf->threads, n * sizeof *pf->threads);
		if (!pf->threads)
			abort();
		memset(pf->threads + pf->nthreads, 0, (n - pf->nthreads) * sizeof *pf->threads);
		pf->nthreads = n;
	}
	return &pf->threads[t];
}

/* The kernel tid, or a made-up one (never 0, the idle task) if unknown. */
static int32_t thread_tid(const struct trace_thread *th, uint32_t t)
{
	return th && th->tid ? (int32_t)th->tid : (int32_t)(0x40000000u + t);
}

static int thread_descriptor(struct pf *pf, uint32_t t, uint64_t uuid)
{
	const struct trace_catalog *cat = cat_of(pf);
	const struct trace_thread *th = trace_catalog_thread(cat, t);
	uint32_t p = th ? th->process : 0;
	uint64_t parent;
	int rc = process_track(pf, p, &parent);
	if (rc)
		return rc;
	strbuf_reset(&pf->name);
	tl_thread_label(cat, t, &pf->name);
	packet_begin(pf, 0);
	pb_begin(&pf->pb, PF_PKT_TRACK_DESCRIPTOR);
	pb_uint(&pf->pb, PF_TD_UUID, uuid);
	pb_uint(&pf->pb, PF_TD_PARENT, parent);
	pb_begin(&pf->pb, PF_TD_THREAD);
	pb_int(&pf->pb, PF_THD_PID, p < cat->nprocesses ? (int32_t)cat->processes[p].pid : 0);
	pb_int(&pf->pb, PF_THD_TID, thread_tid(th, t));
	pb_string(&pf->pb, PF_THD_NAME, pf->name.buf);
	pb_end(&pf->pb);
	pb_end(&pf->pb);
	return packet_end(pf);
}

static int lane_descriptor(struct pf *pf, uint32_t t, uint32_t lane, uint64_t uuid)
{
	uint64_t parent = pf_thread(pf, t)->lane_uuid[0];
	strbuf_reset(&pf->name);
	tl_thread_label(cat_of(pf), t, &pf->name);
	strbuf_addf(&pf->name, " lane %" PRIu32, lane);
	packet_begin(pf, 0);
	pb_begin(&pf->pb, PF_PKT_TRACK_DESCRIPTOR);
	pb_uint(&pf->pb, PF_TD_UUID, uuid);
	pb_string(&pf->pb, PF_TD_NAME, pf->name.buf);
	pb_uint(&pf->pb, PF_TD_PARENT, parent);
	pb_end(&pf->pb);
	return packet_end(pf);
}

/* The track of lane LANE of thread T (0 = the thread track itself). */
static int lane_track(struct pf *pf, uint32_t t, uint32_t lane, uint64_t *uuid)
{
	struct pf_thread *pt = pf_thread(pf, t);
	if (lane >= pt->nlanes) {
		pt->lane_uuid = realloc(pt->lane_uuid, (lane + 1) * sizeof *pt->lane_uuid);
		if (!pt->lane_uuid)
			abort();
		memset(pt->lane_uuid + pt->nlanes, 0, (lane + 1 - pt->nlanes) * sizeof *pt->lane_uuid);
		pt->nlanes = lane + 1;
	}
	int rc = 0;
	if (lane && !pt->lane_uuid[0])
		rc = lane_track(pf, t, 0, uuid);
	pt = pf_thread(pf, t);
	if (!rc && !pt->lane_uuid[lane]) {
		pt->lane_uuid[lane] = ++pf->next_uuid;
		rc = lane ? lane_descriptor(pf, t, lane, pt->lane_uuid[lane])
			  : thread_descriptor(pf, t, pt->lane_uuid[lane]);
	}
	*uuid = pf_thread(pf, t)->lane_uuid[lane];
	return rc;
}

static int counter_track(struct pf *pf, const struct tl_counter *c, uint64_t *uuid)
{
	if (c->id >= pf->ncounters) {
		size_t n = (size_t)c->id + 1;
		pf->counter_uuid = realloc(pf->counter_uuid, n * sizeof *pf->counter_uuid);
		if (!pf->counter_uuid)
			abort();
		memset(pf->counter_uuid + pf->ncounters, 0, (n - pf->ncounters) * sizeof *pf->counter_uuid);
		pf->ncounters = n;
	}
	*uuid = pf->counter_uuid[c->id];
	if (*uuid)
		return 0;
	uint64_t parent;
	int rc = process_track(pf, c->process, &parent);
	if (rc)
		return rc;
	*uuid = pf->counter_uuid[c->id] = ++pf->next_uuid;
	strbuf_reset(&pf->name);
	strbuf_addstr(&pf->name, c->kind == TL_COUNTER_WAITERS ? "waiters " : "depth ");
	tl_object_label(cat_of(pf), pf->names, c->obj, &pf->name);
	packet_begin(pf, 0);
	pb_begin(&pf->pb, PF_PKT_TRACK_DESCRIPTOR);
	pb_uint(&pf->pb, PF_TD_UUID, *uuid);
	pb_string(&pf->pb, PF_TD_NAME, pf->name.buf);
	pb_uint(&pf->pb, PF_TD_PARENT, parent);
	pb_begin(&pf->pb, PF_TD_COUNTER);
	pb_end(&pf->pb);
	pb_end(&pf->pb);
	return packet_end(pf);
}

/* ---- records ---- */

static void reset_values(struct pf *pf)
{
	strbuf_reset(&pf->name);
	for (size_t i = 0; i < 4; i++)
		strbuf_reset(&pf->val[i]);
}

static void span_begin_annotations(struct pf *pf, const struct tl_span *s, struct pf_event *e)
{
	const struct trace_catalog *cat = cat_of(pf);
	if (s->state == TL_STATE_WAIT_LOCK) {
		if (s->peer != TRACE_NONE)
			tl_thread_label(cat, s->peer, &pf->val[0]);
		else
			strbuf_addstr(&pf->val[0], "unknown");
		anno_str(e, "holder", pf->val[0].buf);
	}
	if (s->state == TL_STATE_WAIT_COND && s->obj2) {
		tl_object_label(cat, pf->names, s->obj2, &pf->val[1]);
		anno_str(e, "mutex", pf->val[1].buf);
	}
	if (s->state != TL_STATE_HOLD && s->stack) {
		tl_stack_text(cat, pf->names, s->stack, &pf->val[2]);
		anno_str(e, "stack", pf->val[2].buf);
	}
	if (trace_op_desc(s->op))
		anno_str(e, "call", trace_op_desc(s->op)->name);
}

static int span_record(struct pf *pf, const struct tl_record *r)
{
	const struct tl_span *s = r->span;
	struct pf_event e = { .ts = r->ts_ns };
	int rc = lane_track(pf, s->thread, s->lane, &e.track);
	if (rc)
		return rc;
	reset_values(pf);
	if (r->type == TL_REC_SPAN_BEGIN) {
		e.type = PF_SLICE_BEGIN;
		tl_span_label(cat_of(pf), pf->names, s, &pf->name);
		e.name = pf->name.buf;
		span_begin_annotations(pf, s, &e);
		e.flow_out = s->flow_out;
		e.flow_in = s->flow_in;
	} else {
		e.type = PF_SLICE_END;
		if (s->result) {
			const char *en = strerrorname_np(s->result);
			strbuf_addf(&pf->val[0], "%s", en ? en : "error");
			anno_str(&e, "result", pf->val[0].buf);
		}
		if (s->open_at_end)
			anno_int(&e, "open_at_end", 1, PF_ANNO_BOOL);
	}
	return write_event(pf, &e);
}

static void instant_annotations(struct pf *pf, const struct tl_instant *in, struct pf_event *e)
{
	const struct trace_catalog *cat = cat_of(pf);
	if (in->kind != TL_INSTANT_FINDING) {
		anno_int(e, "size", (int64_t)in->size, PF_ANNO_INT);
		anno_int(e, "prio", (int64_t)in->prio, PF_ANNO_INT);
		return;
	}
	const struct tl_finding *f = in->finding;
	anno_str(e, "kind", f->kind ? f->kind : "finding");
	if (f->message)
		anno_str(e, "message", f->message);
	if (in->obj) {
		tl_object_label(cat, pf->names, in->obj, &pf->val[0]);
		anno_str(e, "lock", pf->val[0].buf);
	}
	if (f->stack_text)
		anno_str(e, "stack", f->stack_text);
	else if (in->stack) {
		tl_stack_text(cat, pf->names, in->stack, &pf->val[1]);
		anno_str(e, "stack", pf->val[1].buf);
	}
}

static int instant_record(struct pf *pf, const struct tl_record *r)
{
	const struct tl_instant *in = r->instant;
	struct pf_event e = { .ts = r->ts_ns, .type = PF_INSTANT };
	int rc = r->thread == TRACE_NONE ? process_track(pf, 0, &e.track)
					 : lane_track(pf, r->thread, 0, &e.track);
	if (rc)
		return rc;
	reset_values(pf);
	if (in->kind == TL_INSTANT_FINDING) {
		strbuf_addf(&pf->name, "finding: %s", in->finding->kind ? in->finding->kind : "?");
	} else {
		strbuf_addf(&pf->name, "%s ", tl_instant_kind_name(in->kind));
		tl_object_label(cat_of(pf), pf->names, in->obj, &pf->name);
	}
	e.name = pf->name.buf;
	instant_annotations(pf, in, &e);
	e.flow_out = in->flow_out;
	e.flow_in = in->flow_in;
	return write_event(pf, &e);
}

static int thread_record(struct pf *pf, const struct tl_record *r)
{
	struct pf_event e = { .ts = r->ts_ns };
	int rc = lane_track(pf, r->thread, 0, &e.track);
	if (rc)
		return rc;
	if (r->type == TL_REC_THREAD_BEGIN) {
		e.type = PF_SLICE_BEGIN;
		e.name = tl_state_name(TL_STATE_RUNNING);
	} else {
		e.type = PF_SLICE_END;
		if (r->open_at_end)
			anno_int(&e, "open_at_end", 1, PF_ANNO_BOOL);
	}
	return write_event(pf, &e);
}

static int pf_emit(void *ctx, const struct tl_record *r)
{
	struct pf *pf = ctx;
	switch ((enum tl_record_type)r->type) {
	case TL_REC_THREAD_BEGIN:
	case TL_REC_THREAD_END:
		return thread_record(pf, r);
	case TL_REC_SPAN_BEGIN:
	case TL_REC_SPAN_END:
		return span_record(pf, r);
	case TL_REC_INSTANT:
		return instant_record(pf, r);
	case TL_REC_COUNTER: {
		struct pf_event e = { .ts = r->ts_ns, .type = PF_COUNTER, .counter = r->value };
		int rc = counter_track(pf, r->counter, &e.track);
		return rc ? rc : write_event(pf, &e);
	}
	}
	return 0;
}

/* The sequence starts with cleared incremental state (interning). */
static int first_packet(struct pf *pf)
{
	packet_begin(pf, 0);
	pb_uint(&pf->pb, PF_PKT_SEQ_FLAGS, PF_SEQ_CLEARED);
	pb_bool(&pf->pb, PF_PKT_FIRST_ON_SEQ, true);
	return packet_end(pf);
}

static void pf_release(struct pf *pf)
{
	pb_release(&pf->pb);
	strbuf_release(&pf->name);
	for (size_t i = 0; i < 4; i++)
		strbuf_release(&pf->val[i]);
	for (size_t i = 0; i < pf->nthreads; i++)
		free(pf->threads[i].lane_uuid);
	free(pf->threads);
	free(pf->proc_uuid);
	free(pf->counter_uuid);
	intern_release(&pf->event_names);
	intern_release(&pf->anno_names);
}

int export_perfetto(struct event_source *src, FILE *out, const struct export_options *opt,
		    struct ct_error *err)
{
	struct pf pf = { .out = out, .src = src, .names = opt ? opt->names : NULL };
	pb_init(&pf.pb);
	pf.name = (struct strbuf)STRBUF_INIT;
	for (size_t i = 0; i < 4; i++)
		pf.val[i] = (struct strbuf)STRBUF_INIT;
	struct timeline_options to;
	export_timeline_options(opt, &to);
	struct tl_sink sink = { &pf, pf_emit };
	/* One writer thread: skip stdio's per-call locking. */
	int locking = __fsetlocking(out, FSETLOCKING_BYCALLER);
	int rc = first_packet(&pf);
	if (!rc)
		rc = timeline_run(src, &to, &sink, err);
	if (fflush(out) || ferror(out))
		rc = -EIO;
	__fsetlocking(out, locking);
	if (rc == -EIO)
		ct_error_set(err, "", -1, "writing the Perfetto trace failed");
	pf_release(&pf);
	return rc;
}

/* Shared with export_chrome.c. */
void export_timeline_options(const struct export_options *opt, struct timeline_options *to)
{
	memset(to, 0, sizeof *to);
	if (!opt)
		return;
	to->hot_locks = opt->hot_locks;
	to->findings = opt->findings;
	to->nfindings = opt->nfindings;
	to->scan_event = opt->scan_event;
	to->scan_done = opt->scan_done;
	to->scan_ctx = opt->scan_ctx;
	to->progress = opt->progress;
	to->progress_ctx = opt->progress_ctx;
}
