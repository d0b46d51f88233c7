/* SPDX-License-Identifier: MIT */
/* ctf_schema.h - ctrace events as babeltrace2 trace IR: the trace class, its
 * clock, one event class per op and phase, and how one struct trace_event
 * fills an event's fields. Internal to the CTF source (ctf_source.c); it
 * knows nothing of graphs, iterators or messages.
 *
 * The schema, which docs/ctf.md and viewer/tracecompass/ctrace-locks.xml rely on:
 *   event name      "ctrace:<op>" for a completed call or a record,
 *                   "ctrace:<op>_begin" for the request of a blocking call
 *                   that had to wait (op names of trace_ops.c: mutex_lock...)
 *   common context  vpid, vtid (kernel ids), thread (trace-wide id),
 *                   procname (thread name if set, else program name)
 *   payload         per op, in this order, only what the op has:
 *                   obj (address, hex), obj_id, obj_kind, obj_name (mq, sem),
 *                   obj2, obj2_id (second object), peer_thread, peer_tid
 *                   (thread ops), result (completed calls), stack, ip
 *                   (calls: stack id, innermost return address), the op's
 *                   args by name (fd, size, prio, ...), str. An arg that
 *                   may be "none" is signed, -1 for none, as peer_thread
 *                   is (thread_start's parent_index). */
#ifndef CTRACE_CTF_SCHEMA_H
#define CTRACE_CTF_SCHEMA_H

#include "trace_event.h"

#include <stdbool.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>

enum ctf_field {
	CTF_FIELD_OBJ, CTF_FIELD_OBJ_ID, CTF_FIELD_OBJ_KIND, CTF_FIELD_OBJ_NAME,
	CTF_FIELD_OBJ2, CTF_FIELD_OBJ2_ID, CTF_FIELD_PEER_THREAD, CTF_FIELD_PEER_TID,
	CTF_FIELD_RESULT, CTF_FIELD_STACK, CTF_FIELD_IP,
	CTF_FIELD_ARG0, CTF_FIELD_ARG1, CTF_FIELD_ARG2, CTF_FIELD_STR,
	CTF_FIELD_PARENT_INDEX,          /* thread_start's arg 0, signed: -1 = none */
	CTF_FIELD_COUNT
};

/* One event class and what its payload members are, in order. */
struct ctf_event_layout {
	bt_event_class *ec;              /* (weak: owned by the stream class), NULL = none */
	uint8_t nfields;
	uint8_t fields[CTF_FIELD_COUNT]; /* enum ctf_field of each payload member */
};

struct ctf_schema {
	bt_trace_class *tc;              /* (owned) */
	bt_stream_class *sc;             /* (weak: owned by tc) one stream per thread */
	bt_clock_class *cc;              /* (owned) CLOCK_MONOTONIC ns */
	struct ctf_event_layout ev[TRACE_OP_COUNT][2]; /* [op][enum trace_phase] */
};

/* Where the monotonic clock sits in wall-clock time. */
struct ctf_clock_origin {
	bool known;                      /* else the clock has no known origin */
	int64_t offset_ns;               /* CLOCK_REALTIME - CLOCK_MONOTONIC */
};

/* Reads the origin from the first process's trace file header (the
 * realtime reading at start against the chunk's monotonic calibration).
 * Never fails: unknown when the file cannot be read (in-memory traces). */
struct ctf_clock_origin ctf_schema_clock_origin(const struct trace_catalog *cat);

/* Creates the trace class, clock class, stream class and every event class
 * on SELF. Returns 0, or -ENOMEM (with a babeltrace2 error cause appended). */
int ctf_schema_init(struct ctf_schema *s, bt_self_component *self,
		    struct ctf_clock_origin origin);
void ctf_schema_release(struct ctf_schema *s);

/* The layout of EV's event class, or NULL for an op the schema lacks. */
const struct ctf_event_layout *ctf_schema_layout(const struct ctf_schema *s,
						  const struct trace_event *ev);

/* Fills EVENT's common context and payload from EV (catalog CAT, as known
 * when EV was read). Returns 0, or -ENOMEM. */
int ctf_schema_fill(const struct ctf_event_layout *l, bt_event *event,
		    const struct trace_event *ev, const struct trace_catalog *cat);

/* The program name of PROCESS: basename of argv[0], else of exe, else "?". */
const char *ctf_schema_procname(const struct trace_catalog *cat, uint32_t process);

#endif
