/* SPDX-License-Identifier: MIT */
/* timeline_events.c - what each event means for the timeline: lock waits
 * and holds (with holders and release->acquire flows), condition variable
 * waits, other blocking calls, message queue sends and receives (pairing and
 * depth), thread ends, and where findings are placed. The span machinery is
 * in timeline.c. */
#include "timeline_priv.h"

#include <errno.h>
#include <string.h>

static enum tl_state wait_state(unsigned op)
{
	if (trace_op_is_lock_acquire(op))
		return TL_STATE_WAIT_LOCK;
	if (trace_op_is_join(op))
		return TL_STATE_WAIT_JOIN;
	switch (op) {
	case TRACE_OP_SEM_WAIT:
	case TRACE_OP_SEM_TIMEDWAIT:
	case TRACE_OP_SEM_CLOCKWAIT:
		return TL_STATE_WAIT_SEM;
	case TRACE_OP_BARRIER_WAIT:
		return TL_STATE_WAIT_BARRIER;
	case TRACE_OP_MQ_SEND:
	case TRACE_OP_MQ_TIMEDSEND:
	case TRACE_OP_MQ_RECEIVE:
	case TRACE_OP_MQ_TIMEDRECEIVE:
		return TL_STATE_WAIT_MQ;
	case TRACE_OP_ONCE:
	case TRACE_OP_CALL_ONCE:
		return TL_STATE_WAIT_OTHER;
	default:
		return TL_STATE_RUNNING; /* create, fork, exec: not shown as waits */
	}
}


static bool op_is_mq_receive(unsigned op)
{
	return op == TRACE_OP_MQ_RECEIVE || op == TRACE_OP_MQ_TIMEDRECEIVE;
}

static void waiters_changed(struct timeline *tl, uint32_t obj, uint64_t ts)
{
	if (tl_lock_is_hot(tl, obj))
		tl_counter_set(tl, obj, TL_COUNTER_WAITERS, ts, tl_obj(tl, obj)->waiters);
}

/* The innermost hold of OBJ that thread T has open, or -1. */
static int64_t find_hold(struct tl_thread_state *th, uint32_t obj)
{
	for (size_t i = th->nopen; i-- > 0;) {
		const struct tl_span *s = &th->spans[th->open[i].span];
		if (s->state == TL_STATE_HOLD && s->obj == obj)
			return th->open[i].span;
	}
	return -1;
}

static void on_begin(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	if (trace_op_is_cond_wait(ev->op)) {
		th->cond_stack = ev->stack;
		th->cond_op = ev->op;
		return;
	}
	enum tl_state state = wait_state(ev->op);
	if (state == TL_STATE_RUNNING)
		return;
	if (th->wait >= 0) /* a BEGIN without its END: the call never returned */
		tl_span_close(tl, t, (uint32_t)th->wait, ev->ts_ns, true);
	struct tl_span s = {
		.state = (uint8_t)state, .op = ev->op, .obj = ev->obj, .obj2 = ev->obj2,
		.peer = TRACE_NONE, .begin_ns = ev->ts_ns, .stack = ev->stack,
		.read = trace_op_is_read_lock(ev->op),
	};
	if (state == TL_STATE_WAIT_JOIN)
		s.peer = ev->peer_thread;
	if (state == TL_STATE_WAIT_LOCK && ev->obj) {
		struct tl_obj_state *os = tl_obj(tl, ev->obj);
		s.peer = os->readers > 1 ? TRACE_NONE : os->owner;
		os->waiters++;
	}
	th->wait = tl_span_open(tl, t, &s);
	if (state == TL_STATE_WAIT_LOCK && ev->obj)
		waiters_changed(tl, ev->obj, ev->ts_ns);
}

/* The END of the call that T waits in: closes its wait span. */
static void on_wait_end(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	if (th->wait < 0)
		return;
	struct tl_span *s = &th->spans[th->wait];
	if (s->op != ev->op || s->obj != ev->obj)
		return;
	s->result = ev->result;
	s->end_stack = ev->stack;
	if (s->state == TL_STATE_WAIT_JOIN && ev->peer_thread != TRACE_NONE)
		s->peer = ev->peer_thread;
	bool lock = s->state == TL_STATE_WAIT_LOCK && ev->obj;
	tl_span_close(tl, t, (uint32_t)th->wait, ev->ts_ns, false);
	if (lock) {
		struct tl_obj_state *os = tl_obj(tl, ev->obj);
		if (os->waiters)
			os->waiters--;
		waiters_changed(tl, ev->obj, ev->ts_ns);
	}
}

static void open_hold(struct timeline *tl, uint32_t t, uint32_t obj, uint64_t ts,
		      unsigned op, uint32_t stack, bool read, uint64_t flow_in)
{
	struct tl_obj_state *os = tl_obj(tl, obj);
	if (read)
		os->readers++;
	os->owner = t;
	struct tl_span s = {
		.state = TL_STATE_HOLD, .op = (uint8_t)op, .obj = obj, .peer = TRACE_NONE,
		.begin_ns = ts, .stack = stack, .read = read, .flow_in = flow_in,
	};
	tl_span_open(tl, t, &s);
}

static void on_acquire(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	if (ev->had_begin)
		on_wait_end(tl, t, ev);
	if ((ev->result != 0 && ev->result != EOWNERDEAD) || !ev->obj)
		return;
	struct tl_obj_state *os = tl_obj(tl, ev->obj);
	uint64_t flow_in = 0;
	if (os->pending_flow) {
		/* Only a thread already waiting at the release was unblocked by it. */
		bool matched = ev->had_begin && ev->begin_ns <= os->pending_release_ns;
		if (matched)
			flow_in = os->pending_flow;
		tl_flow_resolve(tl, ev->obj, matched);
	}
	open_hold(tl, t, ev->obj, ev->ts_ns, ev->op, ev->stack,
		  trace_op_is_read_lock(ev->op), flow_in);
}

/* T releases OBJ at TS (an unlock, or a cond wait releasing its mutex). */
static void on_release(struct timeline *tl, uint32_t t, uint32_t obj, uint64_t ts, uint32_t stack)
{
	if (!obj)
		return;
	struct tl_thread_state *th = tl_thread(tl, t);
	struct tl_obj_state *os = tl_obj(tl, obj);
	int64_t idx = find_hold(th, obj);
	bool read = false;
	if (idx >= 0) {
		struct tl_span *s = &th->spans[idx];
		read = s->read;
		s->end_stack = stack;
		if (os->waiters) {
			if (os->pending_flow) /* two releases, no acquisition: rwlock readers */
				tl_flow_resolve(tl, obj, false);
			s = &th->spans[idx];
			s->flow_out = ++tl->next_flow_id;
			os->pending_flow = s->flow_out;
			os->pending_release_ns = ts;
			os->pending_thread = t;
			os->pending_span = (uint32_t)idx;
			os->pending_live = true;
			th->pending = tl_grow(th->pending, &th->cappending, th->npending + 1,
					      sizeof *th->pending);
			th->pending[th->npending++] = obj;
		}
		tl_span_close(tl, t, (uint32_t)idx, ts, false);
	}
	if (read) {
		if (os->readers)
			os->readers--;
		if (!os->readers || os->owner == t)
			os->owner = TRACE_NONE;
	} else {
		os->owner = find_hold(th, obj) >= 0 ? t : TRACE_NONE;
	}
}

static void on_cond_release(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	on_release(tl, t, ev->obj, ev->ts_ns, th->cond_stack);
	struct tl_span s = {
		.state = TL_STATE_WAIT_COND,
		.op = th->cond_op ? th->cond_op : TRACE_OP_COND_WAIT,
		.obj = ev->obj2, .obj2 = ev->obj, .peer = TRACE_NONE,
		.begin_ns = ev->ts_ns, .stack = th->cond_stack,
	};
	th->cond = tl_span_open(tl, t, &s);
	th->reacquired = false;
}

/* The wait got its mutex back: the cond span ends and a hold begins, both
 * at the reacquire time, but only once the call's END brings the result
 * (nothing of T comes in between). */
static void finish_reacquire(struct timeline *tl, uint32_t t, const struct trace_event *end)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	th->reacquired = false;
	if (th->cond < 0)
		return;
	struct tl_span *s = &th->spans[th->cond];
	uint32_t mutex = s->obj2;
	uint8_t op = s->op;
	if (end)
		s->result = end->result;
	tl_span_close(tl, t, (uint32_t)th->cond, th->reacquire_ns, false);
	th->cond = -1;
	open_hold(tl, t, mutex, th->reacquire_ns, op, th->cond_stack, false, 0);
}

static void on_cond_end(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	if (th->reacquired) {
		finish_reacquire(tl, t, ev);
	} else if (th->cond >= 0) { /* released but never got it back */
		th->spans[th->cond].result = ev->result;
		tl_span_close(tl, t, (uint32_t)th->cond, ev->ts_ns, false);
		th->cond = -1;
	}
	th->cond_op = 0;
	th->cond_stack = 0;
}

/* Of the N messages m, the one a receive of priority PRIO and SIZE got:
 * the oldest of that priority, preferring one of the same size (and not
 * taken); N if none. */
static size_t pick_message(const struct tl_msg *m, size_t n, uint64_t prio, uint64_t size)
{
	size_t pick = n;
	for (size_t i = 0; i < n; i++) {
		if (m[i].prio != prio || m[i].taken)
			continue;
		if (pick == n)
			pick = i;
		if (m[i].size == size)
			return i;
	}
	return pick;
}

static void drop_message(struct tl_msg *m, size_t *n, size_t i)
{
	memmove(&m[i], &m[i + 1], (*n - i - 1) * sizeof *m);
	(*n)--;
}

/* The flow of the message a receive of priority PRIO and SIZE got, or 0:
 * a pending one, else one whose send has begun and not ended yet (the
 * real call woke the receiver, which returned first). */
static uint64_t take_message(struct tl_obj_state *os, uint64_t prio, uint64_t size)
{
	size_t pick = pick_message(os->msgs, os->nmsgs, prio, size);
	if (pick < os->nmsgs) {
		uint64_t flow = os->msgs[pick].flow;
		drop_message(os->msgs, &os->nmsgs, pick);
		if (os->depth > 0)
			os->depth--;
		return flow;
	}
	pick = pick_message(os->sending, os->nsending, prio, size);
	if (pick == os->nsending)
		return 0;
	os->sending[pick].taken = true;
	return os->sending[pick].flow;
}

/* T begins a send of priority PRIO and SIZE on the queue. */
static void send_begun(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	struct tl_obj_state *os = tl_obj(tl, ev->obj);
	os->sending = tl_grow(os->sending, &os->capsending, os->nsending + 1, sizeof *os->sending);
	os->sending[os->nsending++] = (struct tl_msg){
		.prio = ev->args[2], .size = ev->args[1], .flow = ++tl->next_flow_id, .thread = t,
	};
}

/* T's send ends: the flow its BEGIN took (0 without one); *TAKEN whether
 * a receive got the message already. */
static uint64_t send_ended(struct tl_obj_state *os, uint32_t t, bool *taken)
{
	*taken = false;
	for (size_t i = 0; i < os->nsending; i++) {
		if (os->sending[i].thread != t)
			continue;
		uint64_t flow = os->sending[i].flow;
		*taken = os->sending[i].taken;
		drop_message(os->sending, &os->nsending, i);
		return flow;
	}
	return 0;
}

static void put_message(struct timeline *tl, struct tl_obj_state *os, uint64_t prio,
			uint64_t size, uint64_t flow)
{
	(void)tl;
	if (os->nmsgs == TL_MQ_PENDING_MAX) {
		memmove(&os->msgs[0], &os->msgs[1], (os->nmsgs - 1) * sizeof *os->msgs);
		os->nmsgs--;
	}
	os->msgs = tl_grow(os->msgs, &os->capmsgs, os->nmsgs + 1, sizeof *os->msgs);
	os->msgs[os->nmsgs++] = (struct tl_msg){ .prio = prio, .size = size, .flow = flow };
}

static void on_mq_end(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	if (!ev->obj || ev->result) {
		if (ev->obj && trace_op_is_mq_send(ev->op))
			send_ended(tl_obj(tl, ev->obj), t, &(bool){ false });
		if (ev->had_begin)
			on_wait_end(tl, t, ev);
		return;
	}
	struct tl_obj_state *os = tl_obj(tl, ev->obj);
	bool taken = false;
	uint64_t flow = trace_op_is_mq_send(ev->op) ? send_ended(os, t, &taken) : 0;
	struct tl_instant in = {
		.ts_ns = ev->ts_ns, .op = ev->op, .obj = ev->obj, .stack = ev->stack,
		.size = ev->args[1], .prio = ev->args[2],
	};
	if (trace_op_is_mq_send(ev->op)) {
		in.kind = TL_INSTANT_SEND;
		in.flow_out = flow ? flow : ++tl->next_flow_id;
		if (taken && ev->had_begin)
			in.ts_ns = ev->begin_ns;   /* delivered before the receive returned */
		if (!taken) {
			put_message(tl, os, in.prio, in.size, in.flow_out);
			os->depth++;
		}
	} else {
		in.kind = TL_INSTANT_RECEIVE;
		in.flow_in = take_message(os, in.prio, in.size);
	}
	int64_t depth = os->depth;
	tl_instant_add(tl, t, &in);   /* inside the call's wait, if it has one */
	if (ev->had_begin)
		on_wait_end(tl, t, ev);
	tl_counter_set(tl, ev->obj, TL_COUNTER_QUEUE_DEPTH, ev->ts_ns, depth);
}

static void on_end(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	unsigned op = ev->op;
	if (trace_op_is_lock_acquire(op))
		on_acquire(tl, t, ev);
	else if (trace_op_is_lock_release(op))
		on_release(tl, t, ev->result ? 0 : ev->obj, ev->ts_ns, ev->stack);
	else if (trace_op_is_cond_wait(op))
		on_cond_end(tl, t, ev);
	else if (trace_op_is_mq_send(op) || op_is_mq_receive(op))
		on_mq_end(tl, t, ev);
	else if (ev->had_begin)
		on_wait_end(tl, t, ev);
}

static void dispatch(struct timeline *tl, uint32_t t, const struct trace_event *ev)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	if (th->reacquired && !trace_op_is_cond_wait(ev->op))
		finish_reacquire(tl, t, NULL);
	if (ev->phase == TRACE_PHASE_BEGIN) {
		if (trace_op_is_mq_send(ev->op) && ev->obj)
			send_begun(tl, t, ev);
		on_begin(tl, t, ev);
		return;
	}
	switch (ev->op) {
	case TRACE_OP_THREAD_END:
		tl_thread_end(tl, t, ev->ts_ns, false);
		return;
	case TRACE_OP_COND_RELEASE:
		on_cond_release(tl, t, ev);
		return;
	case TRACE_OP_COND_REACQUIRE:
		tl_obj(tl, ev->obj)->owner = t;
		th->reacquired = th->cond >= 0;
		th->reacquire_ns = ev->ts_ns;
		return;
	default:
		on_end(tl, t, ev);
	}
}

/* ---- findings ---- */

static void locate_findings(struct timeline *tl, uint32_t t, struct tl_thread_state *th)
{
	th->findings_located = true;
	size_t i = 0;
	while (i < tl->nfindings && tl->findings[i].thread < t)
		i++;
	th->ffirst = i;
	while (i < tl->nfindings && tl->findings[i].thread == t)
		i++;
	th->fend = i;
	th->fpending = th->fend - th->ffirst;
}

static void place_finding(struct timeline *tl, uint32_t t, size_t i, uint64_t ts)
{
	const struct tl_finding *f = &tl->findings[i];
	struct tl_instant in = {
		.kind = TL_INSTANT_FINDING, .ts_ns = ts, .obj = f->obj, .stack = f->stack,
		.finding = f, .flow_in = f->flow_in, .flow_out = f->flow_out,
	};
	tl->fdone[i] = true;
	tl_thread(tl, t)->fpending--;
	tl_instant_add(tl, t, &in);
}

/* Timed findings due before EV; or (after it) untimed ones that EV's call
 * site identifies. */
static void place_findings(struct timeline *tl, uint32_t t, const struct trace_event *ev, bool after)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	for (size_t i = th->ffirst; i < th->fend && th->fpending; i++) {
		const struct tl_finding *f = &tl->findings[i];
		if (tl->fdone[i])
			continue;
		if (!after && f->ts_ns && f->ts_ns <= ev->ts_ns)
			place_finding(tl, t, i, f->ts_ns);
		else if (after && !f->ts_ns && f->stack && f->stack == ev->stack &&
			 (!f->obj || f->obj == ev->obj || f->obj == ev->obj2))
			place_finding(tl, t, i, ev->ts_ns);
	}
}

/* Timed findings not yet due (a hang that began after the thread's last
 * event) keep their time, in order and kept between that event and AT_NS
 * (the thread's end) so that its times never go back; then the untimed
 * ones, at AT_NS. */
void tl_findings_flush(struct timeline *tl, uint32_t t, uint64_t at_ns)
{
	struct tl_thread_state *th = tl_thread(tl, t);
	if (!th->findings_located)
		locate_findings(tl, t, th);
	for (int timed = 1; timed >= 0; timed--) {
		for (size_t i = th->ffirst; i < th->fend && th->fpending; i++) {
			uint64_t ts = tl->findings[i].ts_ns;
			if (tl->fdone[i] || (ts != 0) != timed)
				continue;
			if (ts < th->last_ns)
				ts = th->last_ns;
			place_finding(tl, t, i, timed && ts < at_ns ? ts : at_ns);
		}
	}
}

void tl_findings_rest(struct timeline *tl, uint64_t end_ns)
{
	for (size_t i = 0; i < tl->nfindings; i++) {
		if (tl->fdone[i])
			continue;
		const struct tl_finding *f = &tl->findings[i];
		struct tl_instant in = {
			.kind = TL_INSTANT_FINDING, .thread = f->thread,
			.ts_ns = f->ts_ns ? f->ts_ns : end_ns, .obj = f->obj,
			.stack = f->stack, .finding = f, .flow_in = f->flow_in,
			.flow_out = f->flow_out,
		};
		struct tl_record r = {
			.type = TL_REC_INSTANT, .ts_ns = in.ts_ns, .thread = f->thread,
			.instant = &in,
		};
		tl->fdone[i] = true;
		tl_emit(tl, &r);
	}
}

void tl_event(struct timeline *tl, const struct trace_event *ev)
{
	uint32_t t = ev->thread;
	if (t == TRACE_NONE)
		return;
	struct tl_thread_state *th = tl_thread(tl, t);
	if (th->ended)
		return; /* nothing of a thread is shown after its end */
	if (!th->begun) {
		th->begun = true;
		th->last_ns = ev->begin_ns && ev->begin_ns < ev->ts_ns ? ev->begin_ns : ev->ts_ns;
		locate_findings(tl, t, th);
		struct tl_record r = { .type = TL_REC_THREAD_BEGIN, .ts_ns = th->last_ns, .thread = t };
		tl_emit(tl, &r);
	}
	if (ev->ts_ns > th->last_ns)
		th->last_ns = ev->ts_ns;
	if (th->fpending)
		place_findings(tl, t, ev, false);
	dispatch(tl, t, ev);
	th = tl_thread(tl, t);
	if (th->fpending && !th->ended)
		place_findings(tl, t, ev, true);
	tl_thread_settle(tl, t);
}
