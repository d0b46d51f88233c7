/* SPDX-License-Identifier: MIT */
/* timeline_priv.h - the timeline model's private state, shared by
 * timeline.c (engine: episodes, lanes, flushing, driver) and
 * timeline_events.c (what each event means). Not for renderers. */
#ifndef CTRACE_TIMELINE_PRIV_H
#define CTRACE_TIMELINE_PRIV_H

#include "timeline.h"

#define TL_EPISODE_MAX       8192  /* items buffered per thread before a cut */
#define TL_MAX_LANES         64    /* lanes per thread (a bit mask) */
#define TL_DEFAULT_HOT_LOCKS 4
#define TL_MQ_PENDING_MAX    65536 /* messages remembered per queue for pairing */

enum tl_item_type { TL_ITEM_BEGIN, TL_ITEM_END, TL_ITEM_INSTANT };

/* A buffered record of the current episode: a span's begin or end, or an
 * instant, by index into the thread's pools. */
struct tl_item {
	uint8_t type;                 /* enum tl_item_type */
	uint32_t idx;
};

/* An open span: lanes it may not take (spans it crosses used them). */
struct tl_open {
	uint32_t span;                /* index into spans */
	uint64_t forbid;              /* lane bit mask */
	bool fixed;                   /* lane decided by a cut */
};

struct tl_thread_state {
	bool begun, ended;
	uint64_t last_ns;             /* last event's time */
	struct tl_span *spans;        /* this episode's spans (open ones first
	                                 after a flush) */
	size_t nspans, capspans;
	struct tl_instant *inst;      /* this episode's instants */
	size_t ninst, capinst;
	struct tl_item *items;        /* in program order */
	size_t nitems, capitems;
	struct tl_open *open;         /* open spans, in opening order */
	size_t nopen, capopen;
	int64_t wait;                 /* span index of the open wait, -1 */
	int64_t cond;                 /* span index of the current cond wait, -1 */
	uint32_t cond_stack;          /* from the cond wait's BEGIN */
	uint8_t cond_op;
	bool reacquired;              /* COND_REACQUIRE seen, END not yet */
	uint64_t reacquire_ns;
	uint32_t *pending;            /* locks whose last release (a span in
	                                 this episode) has an unresolved flow */
	size_t npending, cappending;
	bool findings_located;        /* ffirst/fend computed */
	size_t ffirst, fend;          /* its findings: tl->findings[ffirst, fend) */
	size_t fpending;              /* of those, not yet placed */
};

/* A message in a queue, for send -> receive pairing. */
struct tl_msg {
	uint64_t prio, size;
	uint64_t flow;
	uint32_t thread;              /* sending: the sender */
	bool taken;                   /* sending: a receive got it already */
};

struct tl_obj_state {
	uint32_t owner;               /* holding thread (writer, or a reader), TRACE_NONE */
	uint32_t readers;             /* rwlock read holds */
	uint32_t waiters;             /* threads in a contended acquisition */
	uint64_t pending_flow;        /* flow of the last release seen by waiters */
	uint64_t pending_release_ns;
	uint32_t pending_thread;      /* who released */
	uint32_t pending_span;        /* the hold span it ended, in that thread's
	                                 pool while pending_live */
	bool pending_live;
	int32_t counter;              /* index into counters, -1 = none yet */
	bool hot;                     /* waiters are counted */
	uint64_t wait_ns;             /* pass 1: total waiting */
	int64_t depth;                /* queue: messages pending as seen */
	struct tl_msg *msgs;          /* queue: pending messages, oldest first */
	size_t nmsgs, capmsgs;
	struct tl_msg *sending;       /* queue: sends begun, not ended (a receiver
	                                 they wake can return before they do) */
	size_t nsending, capsending;
};

struct timeline {
	const struct trace_catalog *cat;  /* (borrowed) */
	struct timeline_options opt;      /* findings moved below */
	struct tl_thread_state *threads;
	size_t nthreads, capthreads;
	struct tl_obj_state *objs;
	size_t nobjs, capobjs;
	struct tl_counter *counters;
	size_t ncounters, capcounters;
	struct tl_finding *findings;      /* (owned) by thread, then time */
	bool *fdone;
	size_t nfindings;
	unsigned hot_left;                /* without a scan: counters left */
	bool scanned;
	uint64_t next_span_id, next_flow_id;
	const struct tl_sink *sink;       /* during feed/finish */
	int error;                        /* the sink's first error */
	struct lock_view *locks;          /* (owned) what a pass draws: what the
	                                     program uses as locks (lock_view.h) */
};

/* Grows an array to hold NEED elements (zeroing the new ones). */
void *tl_grow(void *p, size_t *cap, size_t need, size_t elem);
struct tl_thread_state *tl_thread(struct timeline *tl, uint32_t t);
struct tl_obj_state *tl_obj(struct timeline *tl, uint32_t obj);
int tl_emit(struct timeline *tl, const struct tl_record *r);

void tl_counter_set(struct timeline *tl, uint32_t obj, enum tl_counter_kind kind,
		    uint64_t ts, int64_t value);
bool tl_lock_is_hot(struct timeline *tl, uint32_t obj);

/* Opens a span on thread T from INIT (id and thread are set); returns its
 * index in the thread's pool, valid until the span closes. */
uint32_t tl_span_open(struct timeline *tl, uint32_t t, const struct tl_span *init);
void tl_span_close(struct timeline *tl, uint32_t t, uint32_t idx, uint64_t end_ns, bool open_at_end);
void tl_instant_add(struct timeline *tl, uint32_t t, const struct tl_instant *in);
/* Flushes T's episode if nothing in it is still undecided (no open span, no
 * release whose flow is unresolved). */
void tl_maybe_flush(struct timeline *tl, uint32_t t);
/* The flow of OBJ's last release is resolved: it reached an acquisition
 * (MATCHED) or not, in which case the release keeps no flow (if its span is
 * still buffered). */
void tl_flow_resolve(struct timeline *tl, uint32_t obj, bool matched);
void tl_thread_settle(struct timeline *tl, uint32_t t);
void tl_thread_end(struct timeline *tl, uint32_t t, uint64_t end_ns, bool open_at_end);

/* timeline_events.c */
void tl_event(struct timeline *tl, const struct trace_event *ev);
/* Places T's remaining findings at AT_NS (its end). */
void tl_findings_flush(struct timeline *tl, uint32_t t, uint64_t at_ns);
/* Findings of threads never seen, and process-wide ones. */
void tl_findings_rest(struct timeline *tl, uint64_t end_ns);

#endif
