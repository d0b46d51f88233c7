/* SPDX-License-Identifier: MIT */
/* test_timeline.c - the timeline model (viewer/timeline.c) on synthetic
 * traces: spans, holders, lanes for crossing holds, flows, cond waits,
 * queues, counters, findings, episodes longer than the buffer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "event_source.h"
#include "fake_trace.h"
#include "sample_trace.h"
#include "timeline.h"

/* ---- a sink that keeps copies of everything ---- */

struct rec {
	struct tl_record r;
	struct tl_span span;
	struct tl_instant inst;
	struct tl_counter counter;
	char fkind[32], fmsg[64];      /* the finding's strings (the timeline
	                                  frees its copies) */
};

struct collect {
	struct rec *v;
	size_t n, cap;
};

static int collect_emit(void *ctx, const struct tl_record *r)
{
	struct collect *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		assert_non_null(c->v);
	}
	struct rec *x = &c->v[c->n++];
	memset(x, 0, sizeof *x);
	x->r = *r;
	if (r->span)
		x->span = *r->span;
	if (r->instant)
		x->inst = *r->instant;
	if (r->counter)
		x->counter = *r->counter;
	if (r->instant && r->instant->finding) {
		const struct tl_finding *f = r->instant->finding;
		snprintf(x->fkind, sizeof x->fkind, "%s", f->kind ? f->kind : "");
		snprintf(x->fmsg, sizeof x->fmsg, "%s", f->message ? f->message : "");
		x->inst.finding = NULL;
	}
	x->r.span = NULL;
	x->r.instant = NULL;
	x->r.counter = NULL;
	return 0;
}

static void run(struct fake_trace *t, const struct timeline_options *opt, struct collect *c)
{
	struct event_source src;
	struct ct_error err = { 0 };
	event_source_from_array(&src, &t->cat, t->ev, t->nev);
	struct tl_sink sink = { c, collect_emit };
	assert_int_equal(timeline_run(&src, opt, &sink, &err), 0);
	event_source_release(&src);
}

/* The nth SPAN_END of THREAD in STATE on OBJ (complete spans). */
static const struct tl_span *span_of(const struct collect *c, uint32_t thread,
				     enum tl_state state, uint32_t obj, int nth)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct rec *x = &c->v[i];
		if (x->r.type == TL_REC_SPAN_END && x->span.thread == thread &&
		    x->span.state == state && x->span.obj == obj && nth-- == 0)
			return &x->span;
	}
	return NULL;
}

static size_t count_type(const struct collect *c, enum tl_record_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += c->v[i].r.type == type;
	return n;
}

/* Every span begins once and ends once, per thread times never go back, and
 * on each (thread, lane) the spans nest strictly. */
static void check_well_formed(const struct collect *c)
{
	enum { MAXT = 8, MAXL = 64, DEPTH = 256 };
	uint64_t stack[MAXT][MAXL][DEPTH];
	size_t depth[MAXT][MAXL] = { { 0 } };
	uint64_t last[MAXT] = { 0 };
	for (size_t i = 0; i < c->n; i++) {
		const struct rec *x = &c->v[i];
		uint32_t t = x->r.thread;
		if (t == TRACE_NONE)
			continue;
		assert_true(t < MAXT);
		assert_true(x->r.ts_ns >= last[t]);
		last[t] = x->r.ts_ns;
		if (x->r.type == TL_REC_SPAN_BEGIN) {
			uint32_t l = x->span.lane;
			assert_true(l < MAXL && depth[t][l] < DEPTH);
			stack[t][l][depth[t][l]++] = x->span.id;
		} else if (x->r.type == TL_REC_SPAN_END) {
			uint32_t l = x->span.lane;
			assert_true(depth[t][l] > 0);
			assert_int_equal(stack[t][l][depth[t][l] - 1], x->span.id);
			depth[t][l]--;
			assert_true(x->span.end_ns >= x->span.begin_ns);
		}
	}
	for (size_t t = 0; t < MAXT; t++)
		for (size_t l = 0; l < MAXL; l++)
			assert_int_equal(depth[t][l], 0);
}

static void release_all(struct fake_trace *t, struct collect *c)
{
	fake_trace_release(t);
	free(c->v);
}

/* The THREAD_END records of C, each checked: OPEN (open_at_end) and, if
 * TS, at TS. */
static size_t thread_ends(const struct collect *c, bool open, uint64_t ts)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].r.type == TL_REC_THREAD_END) {
			assert_int_equal(c->v[i].r.open_at_end, open);
			if (ts)
				assert_int_equal(c->v[i].r.ts_ns, ts);
			n++;
		}
	return n;
}

/* ---- tests ---- */

static void test_hold_nested_on_one_lane(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t a = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	uint32_t b = fake_object(&t, TRACE_OBJ_MUTEX, 0x2000);
	fake_lock(&t, 0, a, 0);
	fake_lock(&t, 0, b, 0);
	fake_unlock(&t, 0, b, 0);
	fake_unlock(&t, 0, a, 0);
	run(&t, NULL, &c);
	check_well_formed(&c);
	assert_int_equal(count_type(&c, TL_REC_THREAD_BEGIN), 1);
	assert_int_equal(count_type(&c, TL_REC_THREAD_END), 1);
	const struct tl_span *sa = span_of(&c, 0, TL_STATE_HOLD, a, 0);
	const struct tl_span *sb = span_of(&c, 0, TL_STATE_HOLD, b, 0);
	assert_non_null(sa);
	assert_non_null(sb);
	assert_int_equal(sa->lane, 0);
	assert_int_equal(sb->lane, 0);
	assert_int_equal(sa->begin_ns, 1000000);
	assert_int_equal(sa->end_ns, 1003000);
	assert_int_equal(sb->begin_ns, 1001000);
	assert_int_equal(sb->end_ns, 1002000);
	/* B's record begins after A's and ends before it. */
	assert_int_equal(c.v[1].r.type, TL_REC_SPAN_BEGIN);
	assert_int_equal(c.v[1].span.obj, a);
	assert_int_equal(c.v[3].r.type, TL_REC_SPAN_END);
	assert_int_equal(c.v[3].span.obj, b);
	release_all(&t, &c);
}

static void test_crossing_holds_get_child_lane(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t a = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	uint32_t b = fake_object(&t, TRACE_OBJ_MUTEX, 0x2000);
	fake_lock(&t, 0, a, 0);
	fake_lock(&t, 0, b, 0);
	fake_unlock(&t, 0, a, 0); /* not LIFO */
	fake_unlock(&t, 0, b, 0);
	run(&t, NULL, &c);
	check_well_formed(&c);
	assert_int_equal(span_of(&c, 0, TL_STATE_HOLD, a, 0)->lane, 0);
	assert_int_equal(span_of(&c, 0, TL_STATE_HOLD, b, 0)->lane, 1);
	release_all(&t, &c);
}

static void test_contended_lock_holder_and_flow(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t t1 = fake_thread(&t, 0, "worker");
	uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	fake_lock(&t, 0, m, 0);                                   /* 1000000 */
	fake_begin(&t, t1, TRACE_OP_MUTEX_LOCK, m);               /* 1001000 */
	fake_unlock(&t, 0, m, 0);                                 /* 1002000 */
	struct trace_event *e = fake_lock(&t, t1, m, 0);          /* 1003000 */
	e->had_begin = 1;
	e->begin_ns = 1001000;
	fake_unlock(&t, t1, m, 0);                                /* 1004000 */
	run(&t, NULL, &c);
	check_well_formed(&c);
	const struct tl_span *w = span_of(&c, t1, TL_STATE_WAIT_LOCK, m, 0);
	assert_non_null(w);
	assert_int_equal(w->peer, 0);
	assert_int_equal(w->begin_ns, 1001000);
	assert_int_equal(w->end_ns, 1003000);
	const struct tl_span *h0 = span_of(&c, 0, TL_STATE_HOLD, m, 0);
	const struct tl_span *h1 = span_of(&c, t1, TL_STATE_HOLD, m, 0);
	assert_true(h0->flow_out != 0);
	assert_int_equal(h1->flow_in, h0->flow_out);
	assert_int_equal(h1->flow_out, 0);
	/* the waiters counter of the (only, hence hottest) lock: 1 then 0 */
	int64_t vals[4];
	size_t nv = 0;
	for (size_t i = 0; i < c.n && nv < 4; i++)
		if (c.v[i].r.type == TL_REC_COUNTER) {
			assert_int_equal(c.v[i].counter.kind, TL_COUNTER_WAITERS);
			assert_int_equal(c.v[i].counter.obj, m);
			vals[nv++] = c.v[i].r.value;
		}
	assert_int_equal(nv, 2);
	assert_int_equal(vals[0], 1);
	assert_int_equal(vals[1], 0);
	release_all(&t, &c);
}

static void test_barging_gets_no_flow(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t t1 = fake_thread(&t, 0, "a");
	uint32_t t2 = fake_thread(&t, 0, "b");
	uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	fake_lock(&t, 0, m, 0);
	fake_begin(&t, t1, TRACE_OP_MUTEX_LOCK, m);
	fake_unlock(&t, 0, m, 0);
	fake_lock(&t, t2, m, 0);      /* never waited: barged in */
	fake_unlock(&t, t2, m, 0);    /* t1 still waits: a new flow */
	struct trace_event *e = fake_lock(&t, t1, m, 0);
	e->had_begin = 1;
	e->begin_ns = 1001000;
	fake_unlock(&t, t1, m, 0);
	run(&t, NULL, &c);
	check_well_formed(&c);
	const struct tl_span *h0 = span_of(&c, 0, TL_STATE_HOLD, m, 0);
	const struct tl_span *h2 = span_of(&c, t2, TL_STATE_HOLD, m, 0);
	const struct tl_span *h1 = span_of(&c, t1, TL_STATE_HOLD, m, 0);
	assert_int_equal(h0->flow_out, 0);      /* unblocked nobody: no flow */
	assert_int_equal(h2->flow_in, 0);
	assert_true(h2->flow_out != 0);
	assert_int_equal(h1->flow_in, h2->flow_out);
	assert_int_equal(span_of(&c, t1, TL_STATE_WAIT_LOCK, m, 0)->peer, 0);
	release_all(&t, &c);
}

/* Two readers release while a writer waits: only the last release is the
 * one that let it in. */
static void test_rwlock_last_reader_flows(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t r1 = fake_thread(&t, 0, "r1");
	uint32_t r2 = fake_thread(&t, 0, "r2");
	uint32_t w = fake_thread(&t, 0, "w");
	uint32_t rw = fake_object(&t, TRACE_OBJ_RWLOCK, 0x1000);
	fake_event(&t, r1, TRACE_OP_RWLOCK_RDLOCK, rw);
	fake_event(&t, r2, TRACE_OP_RWLOCK_RDLOCK, rw);
	uint64_t b = t.now;
	fake_begin(&t, w, TRACE_OP_RWLOCK_WRLOCK, rw);
	fake_event(&t, r1, TRACE_OP_RWLOCK_UNLOCK, rw);
	fake_event(&t, r2, TRACE_OP_RWLOCK_UNLOCK, rw);
	struct trace_event *e = fake_event(&t, w, TRACE_OP_RWLOCK_WRLOCK, rw);
	e->had_begin = 1;
	e->begin_ns = b;
	fake_event(&t, w, TRACE_OP_RWLOCK_UNLOCK, rw);
	run(&t, NULL, &c);
	check_well_formed(&c);
	const struct tl_span *h1 = span_of(&c, r1, TL_STATE_HOLD, rw, 0);
	const struct tl_span *h2 = span_of(&c, r2, TL_STATE_HOLD, rw, 0);
	const struct tl_span *hw = span_of(&c, w, TL_STATE_HOLD, rw, 0);
	assert_true(h1->read && h2->read && !hw->read);
	assert_int_equal(h1->flow_out, 0);
	assert_true(h2->flow_out != 0);
	assert_int_equal(hw->flow_in, h2->flow_out);
	/* the writer waited while both read-held it: no single holder */
	assert_int_equal(span_of(&c, w, TL_STATE_WAIT_LOCK, rw, 0)->peer, TRACE_NONE);
	release_all(&t, &c);
}

static void test_cond_wait(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t t1 = fake_thread(&t, 0, "signaller");
	uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	uint32_t cv = fake_object(&t, TRACE_OBJ_COND, 0x2000);
	uint32_t st = fake_stack(&t, 0x401000, 2);
	fake_lock(&t, 0, m, 0);                                          /* 1000000 */
	struct trace_event *e = fake_begin(&t, 0, TRACE_OP_COND_WAIT, cv); /* 1001000 */
	e->obj2 = m;
	e->stack = st;
	e = fake_event(&t, 0, TRACE_OP_COND_RELEASE, m);                 /* 1002000 */
	e->obj2 = cv;
	fake_lock(&t, t1, m, 0);                                         /* 1003000 */
	fake_event(&t, t1, TRACE_OP_COND_SIGNAL, cv);                    /* 1004000 */
	fake_unlock(&t, t1, m, 0);                                       /* 1005000 */
	e = fake_event(&t, 0, TRACE_OP_COND_REACQUIRE, m);               /* 1006000 */
	e->obj2 = cv;
	e = fake_event(&t, 0, TRACE_OP_COND_WAIT, cv); /* 1007000 */
	e->obj2 = m;
	e->had_begin = 1;
	e->begin_ns = 1001000;
	e->result = ETIMEDOUT;
	fake_unlock(&t, 0, m, 0);                                        /* 1008000 */
	run(&t, NULL, &c);
	check_well_formed(&c);
	const struct tl_span *h0 = span_of(&c, 0, TL_STATE_HOLD, m, 0);
	const struct tl_span *w = span_of(&c, 0, TL_STATE_WAIT_COND, cv, 0);
	const struct tl_span *h1 = span_of(&c, 0, TL_STATE_HOLD, m, 1);
	assert_non_null(h0);
	assert_non_null(w);
	assert_non_null(h1);
	assert_int_equal(h0->end_ns, 1002000);
	assert_int_equal(w->begin_ns, 1002000);
	assert_int_equal(w->end_ns, 1006000);
	assert_int_equal(w->obj2, m);
	assert_int_equal(w->stack, st);
	assert_int_equal(w->result, ETIMEDOUT);
	assert_int_equal(h1->begin_ns, 1006000);
	assert_int_equal(h1->end_ns, 1008000);
	assert_int_equal(h1->lane, 0);
	assert_int_equal(w->lane, 0);
	release_all(&t, &c);
}

static struct trace_event *mq_op(struct fake_trace *t, uint32_t th, unsigned op,
				 uint32_t q, uint64_t size, uint64_t prio)
{
	struct trace_event *e = fake_event(t, th, op, q);
	e->args[0] = 3;
	e->args[1] = size;
	e->args[2] = prio;
	return e;
}

static void test_mq_pairing_and_depth(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t rx = fake_thread(&t, 0, "rx");
	uint32_t q = fake_object(&t, TRACE_OBJ_MQ, 0x8000000000000001ull);
	mq_op(&t, 0, TRACE_OP_MQ_SEND, q, 10, 1);
	mq_op(&t, 0, TRACE_OP_MQ_SEND, q, 20, 5);
	mq_op(&t, 0, TRACE_OP_MQ_SEND, q, 30, 1);
	mq_op(&t, rx, TRACE_OP_MQ_RECEIVE, q, 20, 5);  /* the prio 5 message */
	mq_op(&t, rx, TRACE_OP_MQ_RECEIVE, q, 10, 1);  /* then FIFO within prio 1 */
	mq_op(&t, rx, TRACE_OP_MQ_RECEIVE, q, 30, 1);
	run(&t, NULL, &c);
	check_well_formed(&c);
	uint64_t sent[3] = { 0 }, got[3] = { 0 };
	int64_t depth[6];
	size_t ns = 0, ng = 0, nd = 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct rec *x = &c.v[i];
		if (x->r.type == TL_REC_INSTANT && x->inst.kind == TL_INSTANT_SEND)
			sent[ns++] = x->inst.flow_out;
		if (x->r.type == TL_REC_INSTANT && x->inst.kind == TL_INSTANT_RECEIVE)
			got[ng++] = x->inst.flow_in;
		if (x->r.type == TL_REC_COUNTER) {
			assert_int_equal(x->counter.kind, TL_COUNTER_QUEUE_DEPTH);
			depth[nd++] = x->r.value;
		}
	}
	assert_int_equal(ns, 3);
	assert_int_equal(ng, 3);
	assert_int_equal(got[0], sent[1]);
	assert_int_equal(got[1], sent[0]);
	assert_int_equal(got[2], sent[2]);
	assert_int_equal(nd, 6);
	int64_t want[6] = { 1, 2, 3, 2, 1, 0 };
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(depth[i], want[i]);
	release_all(&t, &c);
}

/* A receiver blocked in mq_receive: the real mq_send wakes it, and it
 * returns (END) before the send's END. The receive gets the message whose
 * send had begun, the depth never counts it, and the send is placed at
 * its start (its flow goes forward in time). */
static void test_mq_receive_before_send_end(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t rx = fake_thread(&t, 0, "rx");
	uint32_t q = fake_object(&t, TRACE_OBJ_MQ, 0x8000000000000001ull);
	struct trace_event *b = fake_begin(&t, rx, TRACE_OP_MQ_RECEIVE, q);
	b = fake_begin(&t, 0, TRACE_OP_MQ_SEND, q);
	b->args[1] = 8;
	uint64_t send_begin = b->ts_ns;
	struct trace_event *e = mq_op(&t, rx, TRACE_OP_MQ_RECEIVE, q, 8, 0);
	e->had_begin = 1;
	uint64_t receive_end = e->ts_ns;
	e = mq_op(&t, 0, TRACE_OP_MQ_SEND, q, 8, 0);
	e->had_begin = 1;
	e->begin_ns = send_begin;
	mq_op(&t, 0, TRACE_OP_MQ_SEND, q, 8, 0);   /* a second one, no receiver */
	run(&t, NULL, &c);
	check_well_formed(&c);
	uint64_t sent[2] = { 0 }, sent_ns = 0, got = 0;
	int64_t depth_max = 0, depth_last = -1;
	size_t ns = 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct rec *x = &c.v[i];
		if (x->r.type == TL_REC_INSTANT && x->inst.kind == TL_INSTANT_SEND) {
			if (!ns)
				sent_ns = x->inst.ts_ns;
			sent[ns++] = x->inst.flow_out;
		}
		if (x->r.type == TL_REC_INSTANT && x->inst.kind == TL_INSTANT_RECEIVE)
			got = x->inst.flow_in;
		if (x->r.type == TL_REC_COUNTER) {
			depth_max = x->r.value > depth_max ? x->r.value : depth_max;
			depth_last = x->r.value;
		}
	}
	assert_int_equal(ns, 2);
	assert_true(got != 0);
	assert_int_equal(got, sent[0]);
	assert_true(sent[1] != sent[0]);
	assert_int_equal(sent_ns, send_begin);
	assert_true(sent_ns < receive_end);
	assert_int_equal(depth_max, 1);
	assert_int_equal(depth_last, 1);
	release_all(&t, &c);
}

static void test_deadlock_waits_stay_open(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t t1 = fake_thread(&t, 0, "t1");
	uint32_t a = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	uint32_t b = fake_object(&t, TRACE_OBJ_MUTEX, 0x2000);
	fake_lock(&t, 0, a, 0);
	fake_lock(&t, t1, b, 0);
	fake_begin(&t, 0, TRACE_OP_MUTEX_LOCK, b);
	fake_begin(&t, t1, TRACE_OP_MUTEX_LOCK, a);
	t.cat.end_ns = 5000000;
	run(&t, NULL, &c);
	check_well_formed(&c);
	const struct tl_span *w0 = span_of(&c, 0, TL_STATE_WAIT_LOCK, b, 0);
	const struct tl_span *w1 = span_of(&c, t1, TL_STATE_WAIT_LOCK, a, 0);
	assert_true(w0->open_at_end);
	assert_int_equal(w0->end_ns, 5000000);
	assert_int_equal(w0->peer, t1);
	assert_int_equal(w1->peer, 0);
	assert_true(span_of(&c, 0, TL_STATE_HOLD, a, 0)->open_at_end);
	size_t ends = 0;
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].r.type == TL_REC_THREAD_END) {
			assert_true(c.v[i].r.open_at_end);
			assert_int_equal(c.v[i].r.ts_ns, 5000000);
			ends++;
		}
	assert_int_equal(ends, 2);
	release_all(&t, &c);
}

/* The instant of the finding of KIND on THREAD, or NULL. */
static const struct rec *finding_of(const struct collect *c, uint32_t thread, const char *kind)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct rec *x = &c->v[i];
		if (x->r.type == TL_REC_INSTANT && x->inst.kind == TL_INSTANT_FINDING &&
		    x->r.thread == thread && !strcmp(x->fkind, kind))
			return x;
	}
	return NULL;
}

/* A real deadlock the watchdog ended: the trace's last events are the two
 * requests, the run ended long after. Each thread waits from its request
 * until the end of the run (not the last event), and the hang's findings
 * are where the waits began. */
static void test_hang_waits_until_run_end(void **state)
{
	(void)state;
	struct fake_trace t;
	struct hang_ids id;
	struct collect c = { 0 };
	struct tl_finding f[4];
	hang_trace(&t, &id, f);
	assert_int_equal(t.cat.end_ns, 1004000);
	/* a finding due after its thread's last event keeps its time; one
	 * without time or call site goes to the thread's end, after it */
	f[2] = (struct tl_finding){ .kind = "stall", .thread = 0, .before_end_ns = 10000 };
	f[3] = (struct tl_finding){ .kind = "untimed", .thread = 0 };
	struct timeline_options opt = { .findings = f, .nfindings = 4 };
	run(&t, &opt, &c);
	check_well_formed(&c);
	const struct tl_span *wl = span_of(&c, id.left, TL_STATE_WAIT_LOCK, id.b, 0);
	const struct tl_span *wr = span_of(&c, id.right, TL_STATE_WAIT_LOCK, id.a, 0);
	const struct tl_span *wj = span_of(&c, 0, TL_STATE_WAIT_JOIN, 0, 0);
	assert_non_null(wl);
	assert_non_null(wr);
	assert_non_null(wj);
	assert_int_equal(wl->begin_ns, 1003000);
	assert_int_equal(wl->end_ns, HANG_RUN_END_NS);
	assert_true(wl->open_at_end);
	assert_int_equal(wl->peer, id.right);
	assert_int_equal(wr->begin_ns, 1004000);
	assert_int_equal(wr->end_ns, HANG_RUN_END_NS);
	assert_int_equal(wj->end_ns, HANG_RUN_END_NS);
	assert_int_equal(span_of(&c, id.left, TL_STATE_HOLD, id.a, 0)->end_ns, HANG_RUN_END_NS);
	assert_int_equal(thread_ends(&c, true, HANG_RUN_END_NS), 3);
	assert_int_equal(finding_of(&c, id.left, "deadlock")->r.ts_ns, 1003000);
	assert_int_equal(finding_of(&c, id.right, "deadlock")->r.ts_ns, 1004000);
	assert_int_equal(finding_of(&c, 0, "stall")->r.ts_ns, HANG_RUN_END_NS - 10000);
	assert_int_equal(finding_of(&c, 0, "untimed")->r.ts_ns, HANG_RUN_END_NS);
	release_all(&t, &c);
}

/* A process that exited (or exec'd) with a thread that recorded no end:
 * the thread's lane ends with its process, not at the end of the run (a
 * child process drawn as running until its parent ended). */
static void test_lane_ends_with_its_process(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t t1 = fake_thread(&t, 0, "worker");
	uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	fake_lock(&t, t1, m, 0);
	fake_unlock(&t, t1, m, 0);
	uint64_t exit_ns = fake_event(&t, 0, TRACE_OP_PROC_EXIT, 0)->ts_ns;
	t.cat.processes[0].exit_flags = TRACE_EXIT_STATUS;
	t.cat.processes[0].end_ns = exit_ns;
	t.cat.run.end_ns = exit_ns + 500000;   /* the run went on (another process) */
	run(&t, NULL, &c);
	check_well_formed(&c);
	assert_int_equal(thread_ends(&c, false, exit_ns), 2);
	release_all(&t, &c);
	c = (struct collect){ 0 };
	/* still running when the trace was read: open to the end of the run */
	fake_trace_init(&t);
	t1 = fake_thread(&t, 0, "worker");
	fake_event(&t, t1, TRACE_OP_MUTEX_INIT, fake_object(&t, TRACE_OBJ_MUTEX, 0x1000));
	t.cat.processes[0].running = true;
	t.cat.run.end_ns = t.now + 500000;
	run(&t, NULL, &c);
	assert_true(thread_ends(&c, true, 0) >= 1);
	release_all(&t, &c);
}

static void test_join_and_sem_waits(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t t1 = fake_thread(&t, 0, "child");
	uint32_t s = fake_object(&t, TRACE_OBJ_SEM, 0x3000);
	fake_begin(&t, 0, TRACE_OP_SEM_WAIT, s);
	fake_event(&t, t1, TRACE_OP_SEM_POST, s);
	struct trace_event *e = fake_event(&t, 0, TRACE_OP_SEM_WAIT, s);
	e->had_begin = 1;
	fake_begin(&t, 0, TRACE_OP_JOIN, 0);
	fake_event(&t, t1, TRACE_OP_THREAD_END, 0);
	e = fake_event(&t, 0, TRACE_OP_JOIN, 0);
	e->had_begin = 1;
	e->peer_thread = t1;
	run(&t, NULL, &c);
	check_well_formed(&c);
	const struct tl_span *ws = span_of(&c, 0, TL_STATE_WAIT_SEM, s, 0);
	assert_int_equal(ws->begin_ns, 1000000);
	assert_int_equal(ws->end_ns, 1002000);
	const struct tl_span *wj = span_of(&c, 0, TL_STATE_WAIT_JOIN, 0, 0);
	assert_int_equal(wj->peer, t1);
	assert_int_equal(wj->end_ns, 1005000);
	/* t1 ended by itself, not at the end of the trace */
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].r.type == TL_REC_THREAD_END && c.v[i].r.thread == t1) {
			assert_false(c.v[i].r.open_at_end);
			assert_int_equal(c.v[i].r.ts_ns, 1004000);
		}
	release_all(&t, &c);
}

static void test_findings_placed(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	uint32_t st = fake_stack(&t, 0x401000, 3);
	fake_lock(&t, 0, m, 0);                 /* 1000000 */
	fake_unlock(&t, 0, m, 0);               /* 1001000 */
	fake_unlock(&t, 0, m, st);              /* 1002000: the misuse */
	fake_lock(&t, 0, m, 0);                 /* 1003000 */
	struct tl_finding f[3] = {
		{ .kind = "unlock-not-locked", .message = "unlock of an unlocked mutex",
		  .thread = 0, .obj = m, .stack = st },
		{ .kind = "timed", .thread = 0, .ts_ns = 1000500 },
		{ .kind = "global", .thread = TRACE_NONE },
	};
	struct timeline_options opt = { .findings = f, .nfindings = 3 };
	run(&t, &opt, &c);
	check_well_formed(&c);
	int seen = 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct rec *x = &c.v[i];
		if (x->r.type != TL_REC_INSTANT || x->inst.kind != TL_INSTANT_FINDING)
			continue;
		const char *k = x->fkind;
		if (!strcmp(k, "unlock-not-locked")) {
			assert_int_equal(x->r.ts_ns, 1002000);
			assert_int_equal(x->inst.stack, st);
			assert_string_equal(x->fmsg, "unlock of an unlocked mutex");
			seen |= 1;
		} else if (!strcmp(k, "timed")) {
			assert_int_equal(x->r.ts_ns, 1000500);
			seen |= 2;
		} else if (!strcmp(k, "global")) {
			assert_int_equal(x->r.thread, TRACE_NONE);
			seen |= 4;
		}
	}
	assert_int_equal(seen, 7);
	release_all(&t, &c);
}

static void test_hot_locks_by_wait_time(void **state)
{
	(void)state;
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t t1 = fake_thread(&t, 0, "t1");
	uint32_t cold = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000);
	uint32_t hot = fake_object(&t, TRACE_OBJ_MUTEX, 0x2000);
	uint32_t locks[2] = { cold, hot };
	uint64_t waits[2] = { 1000, 50000 };
	for (int i = 0; i < 2; i++) {
		fake_lock(&t, 0, locks[i], 0);
		fake_begin(&t, t1, TRACE_OP_MUTEX_LOCK, locks[i]);
		uint64_t b = t.now - 1000;
		fake_trace_at(&t, t.now + waits[i]);
		fake_unlock(&t, 0, locks[i], 0);
		struct trace_event *e = fake_lock(&t, t1, locks[i], 0);
		e->had_begin = 1;
		e->begin_ns = b;
		fake_unlock(&t, t1, locks[i], 0);
	}
	struct timeline_options opt = { .hot_locks = 1 };
	run(&t, &opt, &c);
	check_well_formed(&c);
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].r.type == TL_REC_COUNTER)
			assert_int_equal(c.v[i].counter.obj, hot);
	assert_int_equal(count_type(&c, TL_REC_COUNTER), 2);
	release_all(&t, &c);
}

/* A tiny deterministic generator (no libc rand: same sequence everywhere). */
static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random lock/unlock orders, with one lock held throughout so that the
 * episode exceeds the buffer and is cut: every lane must still nest. */
static void test_random_orders_nest_per_lane(void **state)
{
	(void)state;
	enum { NLOCKS = 6 };
	struct fake_trace t;
	struct collect c = { 0 };
	fake_trace_init(&t);
	uint32_t big = fake_object(&t, TRACE_OBJ_MUTEX, 0x100);
	uint32_t lk[NLOCKS];
	bool held[NLOCKS] = { false };
	for (int i = 0; i < NLOCKS; i++)
		lk[i] = fake_object(&t, TRACE_OBJ_MUTEX, 0x1000 + 0x40 * i);
	uint32_t seed = 12345;
	fake_lock(&t, 0, big, 0);
	for (int n = 0; n < 30000; n++) {
		int i = (int)(xorshift(&seed) % NLOCKS);
		if (held[i])
			fake_unlock(&t, 0, lk[i], 0);
		else
			fake_lock(&t, 0, lk[i], 0);
		held[i] = !held[i];
	}
	fake_unlock(&t, 0, big, 0);
	run(&t, NULL, &c);
	check_well_formed(&c);
	size_t begins = count_type(&c, TL_REC_SPAN_BEGIN);
	assert_int_equal(begins, count_type(&c, TL_REC_SPAN_END));
	size_t holds = 0;
	for (size_t i = 0; i < t.nev; i++)
		holds += t.ev[i].op == TRACE_OP_MUTEX_LOCK;
	assert_int_equal(begins, holds);
	/* the big hold was flushed before its end (a cut), and crossings moved
	 * some holds to child lanes */
	bool cut = false, child = false;
	for (size_t i = 0; i < c.n; i++) {
		const struct rec *x = &c.v[i];
		if (x->r.type == TL_REC_SPAN_BEGIN && x->span.obj == big)
			cut = !x->span.end_known;
		if (x->r.type == TL_REC_SPAN_END && x->span.lane > 0)
			child = true;
	}
	assert_true(cut);
	assert_true(child);
	release_all(&t, &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hold_nested_on_one_lane),
		cmocka_unit_test(test_crossing_holds_get_child_lane),
		cmocka_unit_test(test_contended_lock_holder_and_flow),
		cmocka_unit_test(test_barging_gets_no_flow),
		cmocka_unit_test(test_rwlock_last_reader_flows),
		cmocka_unit_test(test_mq_receive_before_send_end),
		cmocka_unit_test(test_cond_wait),
		cmocka_unit_test(test_mq_pairing_and_depth),
		cmocka_unit_test(test_deadlock_waits_stay_open),
		cmocka_unit_test(test_hang_waits_until_run_end),
		cmocka_unit_test(test_join_and_sem_waits),
		cmocka_unit_test(test_lane_ends_with_its_process),
		cmocka_unit_test(test_findings_placed),
		cmocka_unit_test(test_hot_locks_by_wait_time),
		cmocka_unit_test(test_random_orders_nest_per_lane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
