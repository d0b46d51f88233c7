/* SPDX-License-Identifier: MIT */
/* races_objects.h - races on sync objects themselves (races_objects.c):
 * per object, its init (a write) and each thread's last use (a read). */
#ifndef CTRACE_RACES_OBJECTS_H
#define CTRACE_RACES_OBJECTS_H

#include "races.h"

/* One call on an object, as remembered. */
struct rc_objacc {
	uint32_t thread, epoch;
	uint32_t stack, heldset;
	uint64_t begin_ns, ts_ns;  /* the call's request and effect */
	uint8_t op;                /* enum trace_op */
	bool write;                /* init, destroy */
};

struct rc_objstate {
	struct rc_objacc init;
	bool has_init;
	uint32_t nreads, cap;
	struct rc_objacc *reads;   /* (owned) one per thread, the latest */
	struct rc_objacc destroy;  /* the last destroy; its op a barrier's: kept for
	                              the departures that follow it */
	bool used;                 /* the entry is in use */
};

struct rc_objraces {
	struct id_table v;         /* struct rc_objstate by object id, while the
	                              object lives (a barrier's past its destroy) */
};

/* CUR races with PREV (an earlier call of another thread, unordered). */
typedef void (*rc_objrace_fn)(void *ctx, const struct trace_event *ev, const struct rc_objuse *u,
			      const struct rc_objacc *cur, const struct rc_objacc *prev);

/* Checks and records use U of ev's object. */
void rc_objraces_use(struct rc_objraces *o, struct rc_hb *hb, const struct trace_event *ev,
		     const struct rc_objuse *u, rc_objrace_fn found, void *ctx);
void rc_objraces_release(struct rc_objraces *o);

#endif
