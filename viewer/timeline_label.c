/* SPDX-License-Identifier: MIT */
/* timeline_label.c - the names renderers print for states, objects, threads,
 * spans and stacks, so that every format says the same thing. */
#include "timeline.h"

#include <inttypes.h>

const char *tl_state_name(enum tl_state s)
{
	switch (s) {
	case TL_STATE_RUNNING: return "running";
	case TL_STATE_HOLD: return "hold";
	case TL_STATE_WAIT_LOCK: return "wait lock";
	case TL_STATE_WAIT_COND: return "wait cond";
	case TL_STATE_WAIT_SEM: return "wait sem";
	case TL_STATE_WAIT_BARRIER: return "wait barrier";
	case TL_STATE_WAIT_JOIN: return "wait join";
	case TL_STATE_WAIT_MQ: return "wait mq";
	case TL_STATE_WAIT_OTHER: return "wait";
	case TL_STATE_COUNT: break;
	}
	return "?";
}

const char *tl_instant_kind_name(enum tl_instant_kind k)
{
	switch (k) {
	case TL_INSTANT_SEND: return "send";
	case TL_INSTANT_RECEIVE: return "receive";
	case TL_INSTANT_FINDING: return "finding";
	}
	return "?";
}

void tl_object_label(const struct trace_catalog *cat, const struct tl_names *names,
		     uint32_t obj, struct strbuf *sb)
{
	const struct trace_object *o = trace_catalog_object(cat, obj);
	if (!o) {
		strbuf_addstr(sb, "?");
		return;
	}
	strbuf_addstr(sb, trace_obj_kind_name(o->kind));
	strbuf_addch(sb, ' ');
	const char *sym = names && names->object_symbol ? names->object_symbol(names->ctx, o) : NULL;
	if (o->name)
		strbuf_addstr(sb, o->name);
	else if (sym)
		strbuf_addstr(sb, sym);
	else
		strbuf_addf(sb, "0x%" PRIx64, o->key);
}

void tl_thread_label(const struct trace_catalog *cat, uint32_t t, struct strbuf *sb)
{
	const struct trace_thread *th = trace_catalog_thread(cat, t);
	if (th && th->name && th->name[0])
		strbuf_addstr(sb, th->name);
	else
		strbuf_addf(sb, "thread %" PRIu32, t);
}

void tl_stack_text(const struct trace_catalog *cat, const struct tl_names *names,
		   uint32_t stack, struct strbuf *sb)
{
	if (!stack)
		return;
	if (names && names->stack_text) {
		names->stack_text(names->ctx, stack, sb);
		return;
	}
	const struct trace_stack *s = trace_catalog_stack(cat, stack);
	for (uint32_t i = 0; s && i < s->depth; i++)
		strbuf_addf(sb, "%s0x%" PRIx64, i ? "\n" : "", s->pc[i]);
}

void tl_span_label(const struct trace_catalog *cat, const struct tl_names *names,
		   const struct tl_span *s, struct strbuf *sb)
{
	switch ((enum tl_state)s->state) {
	case TL_STATE_HOLD:
		strbuf_addstr(sb, s->read ? "hold (read) " : "hold ");
		tl_object_label(cat, names, s->obj, sb);
		return;
	case TL_STATE_WAIT_LOCK:
		strbuf_addstr(sb, s->read ? "wait (read) " : "wait ");
		tl_object_label(cat, names, s->obj, sb);
		return;
	case TL_STATE_WAIT_JOIN:
		strbuf_addstr(sb, "join ");
		tl_thread_label(cat, s->peer, sb);
		return;
	case TL_STATE_WAIT_COND:
	case TL_STATE_WAIT_SEM:
	case TL_STATE_WAIT_BARRIER:
	case TL_STATE_WAIT_MQ:
	case TL_STATE_WAIT_OTHER:
		strbuf_addstr(sb, "wait ");
		if (s->obj)
			tl_object_label(cat, names, s->obj, sb);
		else
			strbuf_addstr(sb, trace_op_desc(s->op) ? trace_op_desc(s->op)->name : "?");
		return;
	case TL_STATE_RUNNING:
	case TL_STATE_COUNT:
		break;
	}
	strbuf_addstr(sb, tl_state_name((enum tl_state)s->state));
}
