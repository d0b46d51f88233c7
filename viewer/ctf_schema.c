/* SPDX-License-Identifier: MIT */
/* ctf_schema.c - the babeltrace2 trace IR of ctrace events (see ctf_schema.h
 * for the schema itself): classes built once per component, fields filled
 * once per event. No messages here. */
#include "ctf_schema.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CTF_NS_PER_S 1000000000ll

enum ctf_fc_type { CTF_FC_HEX64, CTF_FC_U64, CTF_FC_U32, CTF_FC_S32, CTF_FC_STRING };

struct ctf_field_desc {
	const char *name;         /* NULL: named per op (args) */
	enum ctf_fc_type type;
};

static const struct ctf_field_desc ctf_fields[CTF_FIELD_COUNT] = {
	[CTF_FIELD_OBJ]         = { "obj", CTF_FC_HEX64 },
	[CTF_FIELD_OBJ_ID]      = { "obj_id", CTF_FC_U32 },
	[CTF_FIELD_OBJ_KIND]    = { "obj_kind", CTF_FC_STRING },
	[CTF_FIELD_OBJ_NAME]    = { "obj_name", CTF_FC_STRING },
	[CTF_FIELD_OBJ2]        = { "obj2", CTF_FC_HEX64 },
	[CTF_FIELD_OBJ2_ID]     = { "obj2_id", CTF_FC_U32 },
	[CTF_FIELD_PEER_THREAD] = { "peer_thread", CTF_FC_S32 },
	[CTF_FIELD_PEER_TID]    = { "peer_tid", CTF_FC_S32 },
	[CTF_FIELD_RESULT]      = { "result", CTF_FC_S32 },
	[CTF_FIELD_STACK]       = { "stack", CTF_FC_U32 },
	[CTF_FIELD_IP]          = { "ip", CTF_FC_HEX64 },
	[CTF_FIELD_ARG0]        = { NULL, CTF_FC_U64 },
	[CTF_FIELD_ARG1]        = { NULL, CTF_FC_U64 },
	[CTF_FIELD_ARG2]        = { NULL, CTF_FC_U64 },
	[CTF_FIELD_STR]         = { "str", CTF_FC_STRING },
	[CTF_FIELD_PARENT_INDEX] = { "parent_index", CTF_FC_S32 },
};

/* Common context members, in order. */
enum { CTF_CTX_VPID, CTF_CTX_VTID, CTF_CTX_THREAD, CTF_CTX_PROCNAME };

/* Names of the args an op carries, where trace_ops.c and trace_event.h
 * document them; others are "arg<i>". */
static const char *ctf_arg_name(unsigned op, unsigned i)
{
	static const char *const mq[] = { "fd", "size", "prio" };
	static const char *const start[] = { NULL, "tid", "pthread" }; /* 0: its own field */

	switch (op) {
	case TRACE_OP_MQ_SEND: case TRACE_OP_MQ_TIMEDSEND:
	case TRACE_OP_MQ_RECEIVE: case TRACE_OP_MQ_TIMEDRECEIVE:
		return mq[i];
	case TRACE_OP_MQ_OPEN:
		return i == 0 ? "fd" : i == 1 ? "oflag" : NULL;
	case TRACE_OP_MQ_CLOSE: case TRACE_OP_MQ_NOTIFY:
		return i == 0 ? "fd" : NULL;
	case TRACE_OP_THREAD_START:
		return start[i];
	case TRACE_OP_THREAD_END:
		return "how";
	case TRACE_OP_DROPPED:
		return "count";
	case TRACE_OP_SIGNAL:
		return "signo";
	case TRACE_OP_MAPS:
		return "snapshot";
	case TRACE_OP_THREAD_ATTR:
		return "detached";
	case TRACE_OP_BARRIER_WAIT:
		return "serial";
	case TRACE_OP_MUTEX_INIT: case TRACE_OP_MTX_INIT:
		return "attr";
	case TRACE_OP_CREATE: case TRACE_OP_THRD_CREATE:
		return i == 0 ? "child_index" : "pthread";
	case TRACE_OP_PROC_EXIT: case TRACE_OP__EXIT:
		return "status";
	default:
		return NULL;
	}
}

/* The field of OP's arg I: thread_start's parent index has its own, signed
 * (~0 = none becomes -1, not 18446744073709551615). */
static uint8_t ctf_arg_field(unsigned op, unsigned i)
{
	if (op == TRACE_OP_THREAD_START && i == 0)
		return CTF_FIELD_PARENT_INDEX;
	return (uint8_t)(CTF_FIELD_ARG0 + i);
}

/* The payload members of OP's events in PHASE (see ctf_schema.h). */
static uint8_t ctf_layout_fields(unsigned op, unsigned phase, uint8_t *out)
{
	const struct trace_op_desc *d = trace_op_desc(op);
	uint8_t n = 0;
	unsigned nargs = phase == TRACE_PHASE_BEGIN ? d->nargs_begin : d->nargs;

	if (d->flags & TRACE_F_OBJ) {
		out[n++] = CTF_FIELD_OBJ;
		out[n++] = CTF_FIELD_OBJ_ID;
		out[n++] = CTF_FIELD_OBJ_KIND;
		if (d->kind == TRACE_OBJ_MQ || d->kind == TRACE_OBJ_SEM)
			out[n++] = CTF_FIELD_OBJ_NAME;
	}
	if (d->flags & TRACE_F_OBJ2) {
		out[n++] = CTF_FIELD_OBJ2;
		out[n++] = CTF_FIELD_OBJ2_ID;
	}
	if (d->kind == TRACE_OBJ_THREAD || d->kind == TRACE_OBJ_SPAWN) {
		out[n++] = CTF_FIELD_PEER_THREAD;
		out[n++] = CTF_FIELD_PEER_TID;
	}
	if (d->flags & TRACE_F_CALL) {
		if (phase == TRACE_PHASE_END)
			out[n++] = CTF_FIELD_RESULT;
		out[n++] = CTF_FIELD_STACK;
		out[n++] = CTF_FIELD_IP;
	}
	for (unsigned i = 0; i < nargs && i < 3; i++)
		out[n++] = ctf_arg_field(op, i);
	if (d->flags & TRACE_F_STR)
		out[n++] = CTF_FIELD_STR;
	return n;
}

static bt_field_class *ctf_fc_create(bt_trace_class *tc, enum ctf_fc_type type)
{
	bt_field_class *fc;

	switch (type) {
	case CTF_FC_STRING:
		return bt_field_class_string_create(tc);
	case CTF_FC_S32:
		fc = bt_field_class_integer_signed_create(tc);
		if (fc)
			bt_field_class_integer_set_field_value_range(fc, 32);
		return fc;
	case CTF_FC_U32:
		fc = bt_field_class_integer_unsigned_create(tc);
		if (fc)
			bt_field_class_integer_set_field_value_range(fc, 32);
		return fc;
	case CTF_FC_U64:
		return bt_field_class_integer_unsigned_create(tc);
	case CTF_FC_HEX64:
		fc = bt_field_class_integer_unsigned_create(tc);
		if (fc)
			bt_field_class_integer_set_preferred_display_base(fc,
				BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL);
		return fc;
	}
	return NULL;
}

/* Appends a new member of TYPE to the structure field class ST. */
static int ctf_add_member(bt_trace_class *tc, bt_field_class *st, const char *name,
			  enum ctf_fc_type type)
{
	bt_field_class *fc = ctf_fc_create(tc, type);
	if (!fc)
		return -ENOMEM;
	bt_field_class_structure_append_member_status st_ok =
		bt_field_class_structure_append_member(st, name, fc);
	bt_field_class_put_ref(fc);
	return st_ok == BT_FIELD_CLASS_STRUCTURE_APPEND_MEMBER_STATUS_OK ? 0 : -ENOMEM;
}

static bt_field_class *ctf_context_class(bt_trace_class *tc)
{
	bt_field_class *st = bt_field_class_structure_create(tc);
	if (!st)
		return NULL;
	if (ctf_add_member(tc, st, "vpid", CTF_FC_S32) ||
	    ctf_add_member(tc, st, "vtid", CTF_FC_S32) ||
	    ctf_add_member(tc, st, "thread", CTF_FC_U32) ||
	    ctf_add_member(tc, st, "procname", CTF_FC_STRING)) {
		bt_field_class_put_ref(st);
		return NULL;
	}
	return st;
}

static bt_field_class *ctf_payload_class(bt_trace_class *tc, unsigned op,
					 const struct ctf_event_layout *l)
{
	bt_field_class *st = bt_field_class_structure_create(tc);
	if (!st)
		return NULL;
	for (unsigned i = 0; i < l->nfields; i++) {
		const struct ctf_field_desc *fd = &ctf_fields[l->fields[i]];
		const char *name = fd->name;
		char argname[8];
		if (!name) {
			unsigned a = l->fields[i] - CTF_FIELD_ARG0;
			name = ctf_arg_name(op, a);
			if (!name) {
				snprintf(argname, sizeof argname, "arg%u", a);
				name = argname;
			}
		}
		if (ctf_add_member(tc, st, name, fd->type)) {
			bt_field_class_put_ref(st);
			return NULL;
		}
	}
	return st;
}

static int ctf_event_class_init(struct ctf_schema *s, unsigned op, unsigned phase)
{
	const struct trace_op_desc *d = trace_op_desc(op);
	struct ctf_event_layout *l = &s->ev[op][phase];
	char name[64];

	snprintf(name, sizeof name, "ctrace:%s%s", d->name,
		 phase == TRACE_PHASE_BEGIN ? "_begin" : "");
	l->nfields = ctf_layout_fields(op, phase, l->fields);
	bt_event_class *ec = bt_event_class_create(s->sc);
	if (!ec)
		return -ENOMEM;
	bt_field_class *payload = ctf_payload_class(s->tc, op, l);
	int ret = -ENOMEM;
	if (payload && bt_event_class_set_name(ec, name) == BT_EVENT_CLASS_SET_NAME_STATUS_OK &&
	    bt_event_class_set_payload_field_class(ec, payload) ==
	    BT_EVENT_CLASS_SET_FIELD_CLASS_STATUS_OK)
		ret = 0;
	bt_field_class_put_ref(payload);
	/* the stream class keeps its event classes alive */
	l->ec = ret ? NULL : ec;
	bt_event_class_put_ref(ec);
	return ret;
}

static bt_clock_class *ctf_clock_class(bt_self_component *self, struct ctf_clock_origin origin)
{
	bt_clock_class *cc = bt_clock_class_create(self);
	if (!cc)
		return NULL;
	if (bt_clock_class_set_name(cc, "monotonic") != BT_CLOCK_CLASS_SET_NAME_STATUS_OK ||
	    bt_clock_class_set_description(cc, "CLOCK_MONOTONIC of the traced run, in ns") !=
	    BT_CLOCK_CLASS_SET_DESCRIPTION_STATUS_OK) {
		bt_clock_class_put_ref(cc);
		return NULL;
	}
	bt_clock_class_set_frequency(cc, (uint64_t)CTF_NS_PER_S);
	bt_clock_class_set_origin_is_unix_epoch(cc, origin.known ? BT_TRUE : BT_FALSE);
	if (origin.known) {
		int64_t s = origin.offset_ns / CTF_NS_PER_S;
		int64_t ns = origin.offset_ns % CTF_NS_PER_S;
		if (ns < 0) {
			s--;
			ns += CTF_NS_PER_S;
		}
		bt_clock_class_set_offset(cc, s, (uint64_t)ns);
	}
	return cc;
}

static int ctf_stream_class_init(struct ctf_schema *s)
{
	s->sc = bt_stream_class_create(s->tc);
	if (!s->sc)
		return -ENOMEM;
	/* the trace class keeps its stream classes alive */
	bt_stream_class_put_ref(s->sc);
	bt_field_class *ctx = ctf_context_class(s->tc);
	int ret = -ENOMEM;
	if (ctx && bt_stream_class_set_name(s->sc, "ctrace") == BT_STREAM_CLASS_SET_NAME_STATUS_OK &&
	    bt_stream_class_set_default_clock_class(s->sc, s->cc) ==
	    BT_STREAM_CLASS_SET_DEFAULT_CLOCK_CLASS_STATUS_OK &&
	    bt_stream_class_set_event_common_context_field_class(s->sc, ctx) ==
	    BT_STREAM_CLASS_SET_FIELD_CLASS_STATUS_OK)
		ret = 0;
	bt_field_class_put_ref(ctx);
	if (!ret)
		bt_stream_class_set_supports_packets(s->sc, BT_TRUE, BT_TRUE, BT_TRUE);
	return ret;
}

int ctf_schema_init(struct ctf_schema *s, bt_self_component *self,
		    struct ctf_clock_origin origin)
{
	memset(s, 0, sizeof *s);
	s->tc = bt_trace_class_create(self);
	s->cc = ctf_clock_class(self, origin);
	int ret = s->tc && s->cc ? ctf_stream_class_init(s) : -ENOMEM;
	for (unsigned op = 0; op < TRACE_OP_COUNT && !ret; op++) {
		const struct trace_op_desc *d = trace_op_desc(op);
		if (!d || op == TRACE_OP_OBJ_DEF)
			continue;
		ret = ctf_event_class_init(s, op, TRACE_PHASE_END);
		if (!ret && (d->flags & TRACE_F_BLOCKING))
			ret = ctf_event_class_init(s, op, TRACE_PHASE_BEGIN);
	}
	if (ret) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(self,
			"cannot create the ctrace trace class (out of memory)");
		ctf_schema_release(s);
	}
	return ret;
}

void ctf_schema_release(struct ctf_schema *s)
{
	bt_clock_class_put_ref(s->cc);
	bt_trace_class_put_ref(s->tc);
	memset(s, 0, sizeof *s);
}

const struct ctf_event_layout *ctf_schema_layout(const struct ctf_schema *s,
						  const struct trace_event *ev)
{
	unsigned op = ev->op & TRACE_OP_MASK;
	unsigned phase = ev->phase == TRACE_PHASE_BEGIN ? TRACE_PHASE_BEGIN : TRACE_PHASE_END;
	return s->ev[op][phase].ec ? &s->ev[op][phase] : NULL;
}

struct ctf_clock_origin ctf_schema_clock_origin(const struct trace_catalog *cat)
{
	struct ctf_clock_origin o = { false, 0 };
	struct trace_process_header ph;

	if (!cat->nprocesses || !cat->processes[0].file)
		return o;
	int fd = open(cat->processes[0].file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return o;
	ssize_t n = pread(fd, &ph, sizeof ph, 0);
	close(fd);
	if (n != (ssize_t)sizeof ph || ph.h.magic != TRACE_CHUNK_MAGIC ||
	    ph.h.type != TRACE_CHUNK_PROCESS || !ph.start_realtime_ns || !ph.h.cal.mono_ns)
		return o;
	/* the header's calibration is taken right after the realtime reading */
	o.known = true;
	o.offset_ns = (int64_t)(ph.start_realtime_ns - ph.h.cal.mono_ns);
	return o;
}

const char *ctf_schema_procname(const struct trace_catalog *cat, uint32_t process)
{
	const struct trace_process *p = process < cat->nprocesses ? &cat->processes[process] : NULL;
	const char *path = NULL;

	if (p && p->argv && p->argv[0] && p->argv[0][0])
		path = p->argv[0];
	else if (p && p->exe && p->exe[0])
		path = p->exe;
	if (!path)
		return "?";
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

static uint64_t ctf_obj_key(const struct trace_catalog *cat, uint32_t id)
{
	const struct trace_object *o = trace_catalog_object(cat, id);
	return o ? o->key : 0;
}

static int32_t ctf_peer_tid(const struct trace_catalog *cat, uint32_t thread)
{
	const struct trace_thread *t = thread == TRACE_NONE ? NULL : trace_catalog_thread(cat, thread);
	return t ? (int32_t)t->tid : 0;
}

static int ctf_set_string(bt_field *f, const char *s)
{
	return bt_field_string_set_value(f, s ? s : "") == BT_FIELD_STRING_SET_VALUE_STATUS_OK ?
	       0 : -ENOMEM;
}

/* The innermost native pc (Trace Compass symbolizes it): a Python frame
 * (trace_event.h, TRACE_PYFRAME) is no address. */
static uint64_t ctf_native_ip(const struct trace_stack *st)
{
	for (uint32_t i = 0; st && i < st->depth; i++)
		if (!trace_pc_is_python(st->pc[i]))
			return st->pc[i];
	return 0;
}

static int ctf_fill_member(bt_field *f, enum ctf_field which, const struct trace_event *ev,
			   const struct trace_catalog *cat)
{
	const struct trace_object *o = trace_catalog_object(cat, ev->obj);
	const struct trace_stack *st = trace_catalog_stack(cat, ev->stack);

	switch (which) {
	case CTF_FIELD_OBJ:
		bt_field_integer_unsigned_set_value(f, o ? o->key : 0);
		return 0;
	case CTF_FIELD_OBJ_ID:
		bt_field_integer_unsigned_set_value(f, ev->obj);
		return 0;
	case CTF_FIELD_OBJ_KIND:
		return ctf_set_string(f, trace_obj_kind_name(o ? o->kind : ev->kind));
	case CTF_FIELD_OBJ_NAME:
		return ctf_set_string(f, o ? o->name : NULL);
	case CTF_FIELD_OBJ2:
		bt_field_integer_unsigned_set_value(f, ctf_obj_key(cat, ev->obj2));
		return 0;
	case CTF_FIELD_OBJ2_ID:
		bt_field_integer_unsigned_set_value(f, ev->obj2);
		return 0;
	case CTF_FIELD_PEER_THREAD:
		bt_field_integer_signed_set_value(f, ev->peer_thread == TRACE_NONE ?
						  -1 : (int64_t)ev->peer_thread);
		return 0;
	case CTF_FIELD_PEER_TID:
		bt_field_integer_signed_set_value(f, ctf_peer_tid(cat, ev->peer_thread));
		return 0;
	case CTF_FIELD_RESULT:
		bt_field_integer_signed_set_value(f, ev->result);
		return 0;
	case CTF_FIELD_STACK:
		bt_field_integer_unsigned_set_value(f, ev->stack);
		return 0;
	case CTF_FIELD_IP:
		bt_field_integer_unsigned_set_value(f, ctf_native_ip(st));
		return 0;
	case CTF_FIELD_ARG0: case CTF_FIELD_ARG1: case CTF_FIELD_ARG2:
		bt_field_integer_unsigned_set_value(f, ev->args[which - CTF_FIELD_ARG0]);
		return 0;
	case CTF_FIELD_STR:
		return ctf_set_string(f, ev->str);
	case CTF_FIELD_PARENT_INDEX:
		bt_field_integer_signed_set_value(f, ev->args[0] > INT32_MAX ? -1 : (int64_t)ev->args[0]);
		return 0;
	case CTF_FIELD_COUNT:
		break;
	}
	return 0;
}

static int ctf_fill_context(bt_field *ctx, const struct trace_event *ev,
			    const struct trace_catalog *cat)
{
	const struct trace_thread *t = trace_catalog_thread(cat, ev->thread);
	const struct trace_process *p = ev->process < cat->nprocesses ?
					&cat->processes[ev->process] : NULL;
	const char *name = t && t->name && t->name[0] ? t->name :
			   ctf_schema_procname(cat, ev->process);

	bt_field_integer_signed_set_value(
		bt_field_structure_borrow_member_field_by_index(ctx, CTF_CTX_VPID),
		p ? (int64_t)p->pid : 0);
	bt_field_integer_signed_set_value(
		bt_field_structure_borrow_member_field_by_index(ctx, CTF_CTX_VTID),
		t ? (int64_t)t->tid : 0);
	bt_field_integer_unsigned_set_value(
		bt_field_structure_borrow_member_field_by_index(ctx, CTF_CTX_THREAD), ev->thread);
	return ctf_set_string(bt_field_structure_borrow_member_field_by_index(ctx, CTF_CTX_PROCNAME),
			      name);
}

int ctf_schema_fill(const struct ctf_event_layout *l, bt_event *event,
		    const struct trace_event *ev, const struct trace_catalog *cat)
{
	if (ctf_fill_context(bt_event_borrow_common_context_field(event), ev, cat))
		return -ENOMEM;
	bt_field *payload = bt_event_borrow_payload_field(event);
	for (unsigned i = 0; i < l->nfields; i++) {
		bt_field *f = bt_field_structure_borrow_member_field_by_index(payload, i);
		if (ctf_fill_member(f, (enum ctf_field)l->fields[i], ev, cat))
			return -ENOMEM;
	}
	return 0;
}
