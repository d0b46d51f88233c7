/* SPDX-License-Identifier: MIT */
/* ctf_source.c - the babeltrace2 source component "native": component and
 * message iterator life cycle, per-thread streams and packets, and the
 * message sequence. What an event looks like is ctf_schema.c's business. */
#include "ctf_source.h"

#include "ctf_schema.h"
#include "event_source.h"
#include "fnv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTF_PACKET_EVENTS 16384u /* events per packet before a new one starts */
#define CTF_PENDING_MAX   8u     /* messages one event can produce */

struct ctf_source {
	struct event_source own;        /* opened from the "path" parameter */
	struct event_source *src;       /* (weak) what is read: &own or the input's */
	bool owns_src;
	bool iterating;                 /* its one iterator exists */
	struct ctf_schema schema;
};

/* The open stream and packet of one thread (NULL after its THREAD_END). */
struct ctf_thread_stream {
	bt_stream *stream;              /* (owned) */
	bt_packet *packet;              /* (owned) */
	uint64_t packet_events;
	uint32_t opened;                /* streams opened for this thread so far */
};

struct ctf_iter {
	struct ctf_source *cs;          /* (weak) */
	bt_self_message_iterator *self; /* (weak) */
	bt_trace *trace;                /* (owned) */
	struct ctf_thread_stream *threads; /* (owned) indexed by thread id */
	uint32_t nthreads;
	uint64_t last_ts;               /* clock snapshots never go back */
	bool at_end;                    /* events done: closing streams */
	uint32_t close_next;            /* next thread to close */
	const bt_message *pending[CTF_PENDING_MAX]; /* (owned) not yet handed out */
	unsigned npending, pos;
};

/* ---- component ---- */

/* The trace directory: parameter "path", or "inputs" (one directory) as
 * babeltrace2 passes it after a babeltrace.support-info query. */
static const char *ctf_source_path_param(const bt_value *params)
{
	if (!params || !bt_value_is_map(params))
		return NULL;
	const bt_value *v = bt_value_map_borrow_entry_value_const(params, "path");
	const bt_value *in = bt_value_map_borrow_entry_value_const(params, "inputs");
	if (!v && in && bt_value_is_array(in) && bt_value_array_get_length(in) == 1)
		v = bt_value_array_borrow_element_by_index_const(in, 0);
	return v && bt_value_is_string(v) ? bt_value_string_get(v) : NULL;
}

/* Points cs->src at what the component reads. */
static int ctf_source_open_input(struct ctf_source *cs, bt_self_component *self,
				 const bt_value *params, const struct ctf_source_input *in)
{
	if (in && in->src) {
		cs->src = in->src;
		return 0;
	}
	const char *path = ctf_source_path_param(params);
	if (!path) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(self,
			"missing string parameter \"path\" (one ctrace trace directory)");
		return -EINVAL;
	}
	struct ct_error err = { 0 };
	int ret = event_source_open(&cs->own, path, &err);
	if (ret) {
		char buf[sizeof err.msg + sizeof err.file + 32];
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(self, "cannot read %s: %s",
			path, ct_error_format(&err, buf, sizeof buf));
		return ret;
	}
	cs->src = &cs->own;
	cs->owns_src = true;
	return 0;
}

static void ctf_source_free(struct ctf_source *cs)
{
	if (!cs)
		return;
	ctf_schema_release(&cs->schema);
	if (cs->owns_src)
		event_source_release(&cs->own);
	free(cs);
}

bt_component_class_initialize_method_status
ctf_source_init(bt_self_component_source *self_src, bt_self_component_source_configuration *config,
		const bt_value *params, void *init_data)
{
	bt_self_component *self = bt_self_component_source_as_self_component(self_src);
	struct ctf_source *cs = calloc(1, sizeof *cs);
	(void)config;

	if (!cs)
		return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
	int ret = ctf_source_open_input(cs, self, params, init_data);
	if (!ret)
		ret = ctf_schema_init(&cs->schema, self,
				      ctf_schema_clock_origin(event_source_catalog(cs->src)));
	if (!ret && bt_self_component_source_add_output_port(self_src, "out", NULL, NULL) !=
	    BT_SELF_COMPONENT_ADD_PORT_STATUS_OK)
		ret = -ENOMEM;
	if (ret) {
		ctf_source_free(cs);
		return ret == -ENOMEM ? BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR :
					BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
	}
	bt_self_component_set_data(self, cs);
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

void ctf_source_finalize(bt_self_component_source *self_src)
{
	bt_self_component *self = bt_self_component_source_as_self_component(self_src);
	ctf_source_free(bt_self_component_get_data(self));
}

bt_component_class_source *ctf_source_class_create(void)
{
	bt_message_iterator_class *ic = bt_message_iterator_class_create(ctf_source_iter_next);
	if (!ic)
		return NULL;
	bt_component_class_source *cls = NULL;
	if (bt_message_iterator_class_set_initialize_method(ic, ctf_source_iter_init) ==
	    BT_MESSAGE_ITERATOR_CLASS_SET_METHOD_STATUS_OK &&
	    bt_message_iterator_class_set_finalize_method(ic, ctf_source_iter_finalize) ==
	    BT_MESSAGE_ITERATOR_CLASS_SET_METHOD_STATUS_OK)
		cls = bt_component_class_source_create("native", ic);
	bt_message_iterator_class_put_ref(ic);
	if (cls && (bt_component_class_source_set_initialize_method(cls, ctf_source_init) !=
		    BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK ||
		    bt_component_class_source_set_finalize_method(cls, ctf_source_finalize) !=
		    BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK)) {
		bt_component_class_source_put_ref(cls);
		cls = NULL;
	}
	return cls;
}

/* ---- the trace: name, uuid and environment ---- */

/* A uuid derived from the run (pid, start, program), so exporting the same
 * trace twice gives the same CTF trace. */
static void ctf_trace_uuid(const struct trace_catalog *cat, uint8_t uuid[16])
{
	uint64_t h[2] = { FNV1A_INIT, 0x84222325cbf29ce4ull };
	const struct trace_process *p = cat->nprocesses ? &cat->processes[0] : NULL;
	uint64_t in[3] = { p ? p->pid : 0, cat->start_ns, cat->nthreads };
	const char *exe = p && p->exe ? p->exe : "";

	for (unsigned k = 0; k < 2; k++)
		h[k] = fnv1a_str(fnv1a_bytes(h[k], in, sizeof in), exe);
	memcpy(uuid, h, 16);
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x50); /* name-based */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
}

static int ctf_trace_env(bt_trace *trace, const struct trace_catalog *cat)
{
	const struct trace_process *p = cat->nprocesses ? &cat->processes[0] : NULL;
	const char *procname = ctf_schema_procname(cat, 0);
	char name[96];
	uint8_t uuid[16];

	snprintf(name, sizeof name, "ctrace-%s-%u", procname, p ? p->pid : 0);
	ctf_trace_uuid(cat, uuid);
	bt_trace_set_uuid(trace, uuid);
	/* every *_STATUS_OK of babeltrace2 is 0 */
	if (bt_trace_set_name(trace, name) != BT_TRACE_SET_NAME_STATUS_OK ||
	    bt_trace_set_environment_entry_string(trace, "tracer_name", "ctrace") ||
	    bt_trace_set_environment_entry_integer(trace, "trace_format", TRACE_FORMAT_VERSION) ||
	    bt_trace_set_environment_entry_string(trace, "procname", procname) ||
	    bt_trace_set_environment_entry_integer(trace, "vpid", p ? p->pid : 0) ||
	    bt_trace_set_environment_entry_string(trace, "exe", p && p->exe ? p->exe : "") ||
	    bt_trace_set_environment_entry_integer(trace, "processes", cat->nprocesses) ||
	    bt_trace_set_environment_entry_integer(trace, "threads", cat->nthreads))
		return -ENOMEM;
	return 0;
}

/* ---- message iterator ---- */

static void ctf_push(struct ctf_iter *it, const bt_message *msg)
{
	it->pending[it->npending++] = msg;
}

static int ctf_open_packet(struct ctf_iter *it, struct ctf_thread_stream *ts, uint64_t now)
{
	ts->packet = bt_packet_create(ts->stream);
	if (!ts->packet)
		return -ENOMEM;
	ts->packet_events = 0;
	const bt_message *m = bt_message_packet_beginning_create_with_default_clock_snapshot(
		it->self, ts->packet, now);
	if (!m)
		return -ENOMEM;
	ctf_push(it, m);
	return 0;
}

static int ctf_close_packet(struct ctf_iter *it, struct ctf_thread_stream *ts, uint64_t now)
{
	const bt_message *m = bt_message_packet_end_create_with_default_clock_snapshot(
		it->self, ts->packet, now);
	bt_packet_put_ref(ts->packet);
	ts->packet = NULL;
	if (!m)
		return -ENOMEM;
	ctf_push(it, m);
	return 0;
}

/* Opens a stream for THREAD (again, should it have events after its end). */
static int ctf_open_stream(struct ctf_iter *it, uint32_t thread, uint64_t now)
{
	const struct trace_catalog *cat = event_source_catalog(it->cs->src);
	const struct trace_thread *t = trace_catalog_thread(cat, thread);
	struct ctf_thread_stream *ts = &it->threads[thread];
	char name[64];

	ts->stream = bt_stream_create(it->cs->schema.sc, it->trace);
	if (!ts->stream)
		return -ENOMEM;
	/* sink.ctf.fs names files after streams: a second stream of the same
	 * thread must not overwrite the first */
	if (ts->opened++)
		snprintf(name, sizeof name, "thread-%u-%u-%u", thread, t ? t->tid : 0, ts->opened);
	else
		snprintf(name, sizeof name, "thread-%u-%u", thread, t ? t->tid : 0);
	if (bt_stream_set_name(ts->stream, name) != BT_STREAM_SET_NAME_STATUS_OK)
		return -ENOMEM;
	const bt_message *m = bt_message_stream_beginning_create(it->self, ts->stream);
	if (!m)
		return -ENOMEM;
	ctf_push(it, m);
	return ctf_open_packet(it, ts, now);
}

static int ctf_close_stream(struct ctf_iter *it, struct ctf_thread_stream *ts, uint64_t now)
{
	int ret = ctf_close_packet(it, ts, now);
	const bt_message *m = ret ? NULL : bt_message_stream_end_create(it->self, ts->stream);
	bt_stream_put_ref(ts->stream);
	ts->stream = NULL;
	if (!m)
		return -ENOMEM;
	ctf_push(it, m);
	return 0;
}

static int ctf_grow_threads(struct ctf_iter *it, uint32_t thread)
{
	if (thread < it->nthreads)
		return 0;
	uint32_t n = thread + 1 > 2 * it->nthreads ? thread + 1 : 2 * it->nthreads;
	struct ctf_thread_stream *t = realloc(it->threads, n * sizeof *t);
	if (!t)
		return -ENOMEM;
	memset(t + it->nthreads, 0, (n - it->nthreads) * sizeof *t);
	it->threads = t;
	it->nthreads = n;
	return 0;
}

/* The stream of EV's thread, ready for one more event at NOW. */
static int ctf_stream_for(struct ctf_iter *it, const struct trace_event *ev, uint64_t now)
{
	if (ctf_grow_threads(it, ev->thread))
		return -ENOMEM;
	struct ctf_thread_stream *ts = &it->threads[ev->thread];
	if (!ts->stream)
		return ctf_open_stream(it, ev->thread, now);
	if (ts->packet_events < CTF_PACKET_EVENTS)
		return 0;
	int ret = ctf_close_packet(it, ts, now);
	return ret ? ret : ctf_open_packet(it, ts, now);
}

/* Queues the messages of EV. Returns 1 if it queued any, 0 if EV has no
 * event class, or -ENOMEM. */
static int ctf_queue_event(struct ctf_iter *it, const struct trace_event *ev)
{
	const struct ctf_event_layout *l = ctf_schema_layout(&it->cs->schema, ev);
	if (!l)
		return 0;
	/* merged order is per object and per thread; times across threads may
	 * step back a little, which a message sequence must never do */
	uint64_t now = ev->ts_ns > it->last_ts ? ev->ts_ns : it->last_ts;
	it->last_ts = now;
	if (ctf_stream_for(it, ev, now))
		return -ENOMEM;
	struct ctf_thread_stream *ts = &it->threads[ev->thread];
	const bt_message *m = bt_message_event_create_with_packet_and_default_clock_snapshot(
		it->self, l->ec, ts->packet, now);
	if (!m)
		return -ENOMEM;
	ctf_push(it, m);
	ts->packet_events++;
	bt_event *event = bt_message_event_borrow_event((bt_message *)m);
	if (ctf_schema_fill(l, event, ev, event_source_catalog(it->cs->src)))
		return -ENOMEM;
	if ((ev->op & TRACE_OP_MASK) == TRACE_OP_THREAD_END)
		return ctf_close_stream(it, ts, now) ? -ENOMEM : 1;
	return 1;
}

/* Queues the end of the next stream still open: a thread that never ended
 * (still running, or blocked in a hang) lasts until the run ended, so its
 * last packet ends then, not at the trace's last event. Returns 1, or 0
 * when all are closed, or -ENOMEM. */
static int ctf_queue_close(struct ctf_iter *it)
{
	uint64_t end = event_source_end_ns(it->cs->src);
	if (end < it->last_ts)
		end = it->last_ts;
	while (it->close_next < it->nthreads) {
		struct ctf_thread_stream *ts = &it->threads[it->close_next++];
		if (ts->stream)
			return ctf_close_stream(it, ts, end) ? -ENOMEM : 1;
	}
	return 0;
}

/* Refills the pending queue. Returns 1, 0 at the very end, or -ENOMEM. */
static int ctf_refill(struct ctf_iter *it)
{
	struct trace_event ev;

	it->npending = it->pos = 0;
	while (!it->at_end) {
		if (!event_source_next(it->cs->src, &ev)) {
			it->at_end = true;
			break;
		}
		int ret = ctf_queue_event(it, &ev);
		if (ret)
			return ret;
	}
	return ctf_queue_close(it);
}

bt_message_iterator_class_next_method_status
ctf_source_iter_next(bt_self_message_iterator *self, bt_message_array_const msgs,
		     uint64_t capacity, uint64_t *count)
{
	struct ctf_iter *it = bt_self_message_iterator_get_data(self);
	uint64_t n = 0;

	while (n < capacity) {
		if (it->pos < it->npending) {
			msgs[n++] = it->pending[it->pos++];
			continue;
		}
		int ret = ctf_refill(it);
		if (ret < 0) {
			BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(self,
				"out of memory while converting event %llu",
				(unsigned long long)event_source_position(it->cs->src));
			for (uint64_t i = 0; i < n; i++)
				bt_message_put_ref(msgs[i]);
			return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_MEMORY_ERROR;
		}
		if (ret == 0)
			break;
	}
	*count = n;
	return n ? BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK :
		   BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_END;
}

static void ctf_iter_free(struct ctf_iter *it)
{
	for (unsigned i = it->pos; i < it->npending; i++)
		bt_message_put_ref(it->pending[i]);
	for (uint32_t i = 0; i < it->nthreads; i++) {
		bt_packet_put_ref(it->threads[i].packet);
		bt_stream_put_ref(it->threads[i].stream);
	}
	free(it->threads);
	bt_trace_put_ref(it->trace);
	it->cs->iterating = false;
	free(it);
}

bt_message_iterator_class_initialize_method_status
ctf_source_iter_init(bt_self_message_iterator *self,
		     bt_self_message_iterator_configuration *config,
		     bt_self_component_port_output *port)
{
	bt_self_component *comp = bt_self_message_iterator_borrow_component(self);
	struct ctf_source *cs = bt_self_component_get_data(comp);
	(void)config;
	(void)port;

	if (cs->iterating) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(self,
			"a ctrace source gives one message iterator");
		return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
	}
	struct ctf_iter *it = calloc(1, sizeof *it);
	if (!it)
		return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
	it->cs = cs;
	it->self = self;
	cs->iterating = true;
	const struct trace_catalog *cat = event_source_catalog(cs->src);
	it->trace = bt_trace_create(cs->schema.tc);
	if (!it->trace || ctf_trace_env(it->trace, cat) ||
	    ctf_grow_threads(it, cat->nthreads ? cat->nthreads - 1 : 0)) {
		ctf_iter_free(it);
		return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
	}
	bt_self_message_iterator_set_data(self, it);
	return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

void ctf_source_iter_finalize(bt_self_message_iterator *self)
{
	struct ctf_iter *it = bt_self_message_iterator_get_data(self);
	if (it)
		ctf_iter_free(it);
}
