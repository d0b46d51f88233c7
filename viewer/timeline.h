/* SPDX-License-Identifier: MIT */
/* timeline.h - THE timeline model: what each thread was doing, derived once
 * from the events and used by every renderer (Perfetto, Chrome JSON, the
 * terminal, the HTML page). Renderers only format what it emits.
 *
 * The model is a stream: it consumes events in merged order and emits
 * records (struct tl_record) to a sink. Per thread it keeps only the
 * records of the current "episode" (from the moment the thread opens a span
 * until it holds and waits on nothing), because a span's lane and flows are
 * only known when it closes. An episode longer than a few thousand records
 * is written early (a "cut": its open spans get distinct lanes, and their
 * SPAN_BEGIN has end_known false). Memory never grows with the length of
 * the trace.
 *
 * What it emits, per thread, in program order (per thread timestamps never
 * decrease; across threads records come in episode order, not time order):
 *   TL_REC_THREAD_BEGIN          the thread's first event: it is running
 *   TL_REC_SPAN_BEGIN / _END     a wait or a hold (struct tl_span), nested:
 *                                on one lane spans nest strictly
 *   TL_REC_INSTANT               message send/receive, finding
 *   TL_REC_THREAD_END            its end (or the end of the trace)
 * and, as they change, TL_REC_COUNTER values (waiters on the hottest locks,
 * depth of each message queue), in time order per counter.
 *
 * Spans:
 *   wait lock L   BEGIN of a contended acquisition (mutex, rwlock, spinlock,
 *                 C11 mtx) to its END; peer = the thread holding L when the
 *                 wait began (TRACE_NONE if unknown: not held by a traced
 *                 thread, or read-held by several threads).
 *   hold L        acquisition END (result 0 or EOWNERDEAD) to the unlock END,
 *                 or to the COND_RELEASE of a cond wait; a recursive relock is
 *                 a nested hold. Holds released out of LIFO order (lock A,
 *                 lock B, unlock A) cannot nest: such a span is moved to a
 *                 child lane (lane > 0) so that every lane nests strictly.
 *   wait cond     COND_RELEASE to COND_REACQUIRE of a cond wait (obj = the
 *                 cond, obj2 = the mutex; result = the wait's result)
 *   wait sem / barrier / join / mq / once: BEGIN to END of the call
 *                 (join: peer = the joined thread).
 * Flows: a release of L while threads wait for L gets a flow id (flow_out
 * of the hold span it ends); the next contended acquisition of L whose wait
 * began before that release is the one it unblocked (flow_in of the new hold
 * span). If instead the lock is taken by a thread that did not wait
 * (barging) or the waiter gives up, the release keeps no flow: the
 * releasing thread's records wait (like an open span) until that is known,
 * except at its end or a cut, where the flow is written and may end nowhere.
 * A message send (mq_send END, result 0) is an instant with a flow_out; a
 * successful receive is an instant whose flow_in is the send it got: per queue, the oldest pending message of the
 * received priority (and size, when one matches), i.e. POSIX order (highest
 * priority first, FIFO within a priority). Messages already in the queue when
 * tracing began, or sent by untraced processes, match nothing.
 * Spans still open at the end of a thread or of the run are closed there
 * with open_at_end set (a real deadlock shows as waits that never end: from
 * each request until the program ended, see timeline_run). */
#ifndef CTRACE_TIMELINE_H
#define CTRACE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct_error.h"
#include "event_source.h"
#include "strbuf.h"
#include "trace_event.h"

/* What a thread is doing during a span (or, for RUNNING, outside spans). */
enum tl_state {
	TL_STATE_RUNNING = 0,
	TL_STATE_HOLD,          /* holding a lock (may run meanwhile) */
	TL_STATE_WAIT_LOCK,     /* blocked acquiring a lock */
	TL_STATE_WAIT_COND,     /* in a condition variable wait */
	TL_STATE_WAIT_SEM,      /* blocked in sem_wait & co */
	TL_STATE_WAIT_BARRIER,
	TL_STATE_WAIT_JOIN,
	TL_STATE_WAIT_MQ,       /* blocked sending to / receiving from a queue */
	TL_STATE_WAIT_OTHER,    /* once, fork, exec: a blocking call */
	TL_STATE_COUNT
};

/* One interval on one lane of one thread. */
struct tl_span {
	uint64_t id;            /* unique in the timeline, > 0 (async ids) */
	uint32_t thread;
	uint32_t lane;          /* 0 = the thread's own track; > 0 = child lane */
	uint8_t state;          /* enum tl_state, never RUNNING */
	uint8_t op;             /* the call: enum trace_op */
	bool read;              /* a read (shared) hold or wait of an rwlock */
	bool open_at_end;       /* never ended: closed by the end of its thread
	                           or of the trace */
	uint32_t obj;           /* the lock / cond / sem / barrier / queue, 0 = none */
	uint32_t obj2;          /* cond wait: the mutex */
	uint32_t peer;          /* wait lock: holder when the wait began;
	                           join: the joined thread; else TRACE_NONE */
	uint64_t begin_ns;
	uint64_t end_ns;        /* valid at SPAN_END; at SPAN_BEGIN only when
	                           end_known (a long episode may be flushed
	                           while the span is still open) */
	bool end_known;
	uint32_t stack;         /* stack of the call that began it (hold: the
	                           acquiring call), 0 = none */
	uint32_t end_stack;     /* stack of the call that ended it (hold: the
	                           unlock), 0 = none or not yet known */
	int32_t result;         /* wait: the call's result (0, ETIMEDOUT...) */
	uint64_t flow_in;       /* flow arriving at its begin, 0 = none */
	uint64_t flow_out;      /* flow leaving at its end, 0 = none */
};

enum tl_instant_kind {
	TL_INSTANT_SEND,        /* a message was sent: obj = queue */
	TL_INSTANT_RECEIVE,     /* a message was received: obj = queue */
	TL_INSTANT_FINDING,     /* a finding (see struct tl_finding) */
};

/* A finding to show on the timeline, given by the caller (converted from
 * the analyzers' report). Strings are copied. */
struct tl_finding {
	const char *kind;       /* "deadlock", "lock-order-inversion", "race",
	                           "unlock-not-owner", ... (JSON kind names) */
	const char *message;    /* one line, may be NULL */
	uint32_t thread;        /* TRACE_NONE: the whole process */
	uint64_t ts_ns;         /* when; 0 = unknown: placed at the thread's
	                           first event with this stack (and obj, if
	                           set), else at the thread's end */
	uint64_t before_end_ns; /* with ts_ns 0: placed this long before the
	                           end of the run (a hang: the wait still open
	                           there began then), see timeline_set_end */
	uint32_t obj;           /* the lock concerned, 0 = none */
	uint32_t stack;         /* catalog stack id, 0 = none */
	const char *stack_text; /* or an already symbolized stack (one frame per
	                           line), NULL = none */
	uint64_t flow_in;       /* a flow arriving at it (a race's later access
	                           from its earlier one), 0 = none */
	uint64_t flow_out;      /* a flow leaving it, 0 = none */
};

struct tl_instant {
	uint8_t kind;           /* enum tl_instant_kind */
	uint32_t thread;        /* TRACE_NONE for process-wide findings */
	uint64_t ts_ns;
	uint8_t op;             /* SEND/RECEIVE: the call */
	uint32_t obj;
	uint32_t stack;
	uint64_t size, prio;    /* SEND/RECEIVE: message size and priority */
	uint64_t flow_in, flow_out;
	const struct tl_finding *finding; /* FINDING (owned by the timeline) */
};

enum tl_counter_kind {
	TL_COUNTER_WAITERS,     /* threads waiting for lock obj */
	TL_COUNTER_QUEUE_DEPTH, /* messages pending in queue obj (as seen) */
};

struct tl_counter {
	uint32_t id;            /* 0, 1, ... in order of first emission */
	uint8_t kind;           /* enum tl_counter_kind */
	uint32_t obj;
	uint32_t process;
};

enum tl_record_type {
	TL_REC_THREAD_BEGIN,
	TL_REC_THREAD_END,
	TL_REC_SPAN_BEGIN,
	TL_REC_SPAN_END,
	TL_REC_INSTANT,
	TL_REC_COUNTER,
};

/* What a sink receives. Pointers are borrowed for the duration of the call. */
struct tl_record {
	uint8_t type;                    /* enum tl_record_type */
	uint64_t ts_ns;
	uint32_t thread;                 /* TRACE_NONE for counters */
	bool open_at_end;                /* THREAD_END: the thread had not ended */
	const struct tl_span *span;      /* SPAN_BEGIN / SPAN_END */
	const struct tl_instant *instant;/* INSTANT */
	const struct tl_counter *counter;/* COUNTER */
	int64_t value;                   /* COUNTER */
};

/* The renderer's end. emit returns 0, or a negative errno to stop. */
struct tl_sink {
	void *ctx;
	int (*emit)(void *ctx, const struct tl_record *r);
};

struct timeline_options {
	unsigned hot_locks;     /* waiter counters for the N locks with the most
	                           waiting time (0 = default 4) */
	bool no_counters;       /* emit no TL_REC_COUNTER at all */
	const struct tl_finding *findings; /* shown as instants (copied) */
	size_t nfindings;
	/* Optional observer of the scan pass (pass 1): sees every event, then
	 * scan_done may hand back findings to show (copied; e.g. from the
	 * analyzers run in the same pass). Not called for a source that cannot
	 * be rewound (one pass only). */
	void (*scan_event)(void *ctx, const struct trace_event *ev);
	void (*scan_done)(void *ctx, const struct tl_finding **f, size_t *n);
	void *scan_ctx;
	/* Called every few thousand events and at the end (optional). */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

struct timeline;

/* A model over CAT (borrowed; it may keep growing, as a reader's does). */
struct timeline *timeline_new(const struct trace_catalog *cat, const struct timeline_options *opt);

/* Adds findings (copied) to show; before the first timeline_feed. */
void timeline_add_findings(struct timeline *tl, const struct tl_finding *f, size_t n);

/* The end of the run (event_source_end_ns), once known and before pass 2:
 * findings given with before_end_ns get their time from it (without it they
 * are placed as untimed findings are). */
void timeline_set_end(struct timeline *tl, uint64_t end_ns);

/* Pass 1 (optional): scan every event once to pick the hottest locks. If
 * skipped, the first locks seen contended get the counters. */
void timeline_scan(struct timeline *tl, const struct trace_event *ev);
void timeline_scan_done(struct timeline *tl);

/* Pass 2: events in merged order; records go to SINK as they become final.
 * Returns 0 or the sink's negative error. */
int timeline_feed(struct timeline *tl, const struct trace_event *ev, const struct tl_sink *sink);

/* Closes every open span and thread at END_NS (at least each thread's last
 * event) and flushes. Returns 0 or the sink's error. */
int timeline_finish(struct timeline *tl, uint64_t end_ns, const struct tl_sink *sink);

/* The counters defined so far (for renderers that list them). */
const struct tl_counter *timeline_counters(const struct timeline *tl, size_t *n);

void timeline_free(struct timeline *tl);

/* The driver: both passes over SRC (rewinding it; a source that cannot be
 * rewound is read once, without the hot-lock scan), then finish at the end
 * of the run (event_source_end_ns: a thread blocked at the end waits until
 * the program ended, not until its last event). Returns 0, or a negative
 * errno with err filled. */
int timeline_run(struct event_source *src, const struct timeline_options *opt,
		 const struct tl_sink *sink, struct ct_error *err);

/* ---- shared naming for renderers (they must agree) ---- */

/* "running", "hold", "wait lock", "wait cond", "wait sem", "wait barrier",
 * "wait join", "wait mq", "wait". */
const char *tl_state_name(enum tl_state s);
/* "send", "receive", "finding". */
const char *tl_instant_kind_name(enum tl_instant_kind k);

/* Optional symbol lookups, provided by the command (which owns the
 * symbolizer); any member may be NULL. */
struct tl_names {
	void *ctx;
	/* The global variable holding object O ("g_lock", "forks[2]") or NULL. */
	const char *(*object_symbol)(void *ctx, const struct trace_object *o);
	/* Appends the text of catalog stack STACK to SB: one frame per line,
	 * "function file:line", innermost first, no trailing newline. */
	void (*stack_text)(void *ctx, uint32_t stack, struct strbuf *sb);
};

/* Appends a label for object OBJ: "mutex g_lock" with a symbol, "mutex
 * 0x7f00...", "mq /name", "thread 3"; "?" for an unknown id. */
void tl_object_label(const struct trace_catalog *cat, const struct tl_names *names,
		     uint32_t obj, struct strbuf *sb);
/* Appends "name" (or "thread N") for thread id T. */
void tl_thread_label(const struct trace_catalog *cat, uint32_t t, struct strbuf *sb);
/* Appends the text of STACK (symbolized through names, else "0x... " pcs
 * one per line); nothing for stack 0. */
void tl_stack_text(const struct trace_catalog *cat, const struct tl_names *names,
		   uint32_t stack, struct strbuf *sb);
/* A span's display name: "hold g_lock", "wait mutex 0x...", "wait cond c". */
void tl_span_label(const struct trace_catalog *cat, const struct tl_names *names,
		   const struct tl_span *s, struct strbuf *sb);

#endif
