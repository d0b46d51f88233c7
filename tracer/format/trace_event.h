/* SPDX-License-Identifier: MIT */
/* trace_event.h - the decoded model every analyzer and exporter consumes:
 * one struct trace_event per record, and a catalog of the processes, threads,
 * objects and stacks the events refer to by id. The reader fills both; tests
 * may fill them by hand (tests/unit/fake_trace.h). */
#ifndef CTRACE_TRACE_EVENT_H
#define CTRACE_TRACE_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "trace_format.h"

#define TRACE_NONE UINT32_MAX  /* "no thread / no process" */

enum trace_phase {
	TRACE_PHASE_END   = 0, /* the call completed (or a non-call record) */
	TRACE_PHASE_BEGIN = 1, /* a blocking call was requested and may wait */
};

/* One record, in merged order: per object, the true order of operations;
 * per thread, program order; otherwise by time.
 *
 * Gaps. A TRACE_OP_DROPPED event on thread T (args[0] = events lost, 0 if
 * unknown) means T's stream lost events at that point: the shim could not
 * record them, or the trace is damaged there (a bad record, a missing or
 * zeroed chunk). What T did in between is unknown: it may have taken or
 * released any lock, ended a wait, and so on. Analyzers must not turn that
 * unknown into findings (a lock released in the gap is not "held at exit",
 * an unlock after the gap is not "not locked"). obj_gap says the same of one
 * object. */
struct trace_event {
	uint64_t ts_ns;         /* CLOCK_MONOTONIC ns when the operation took
	                           effect (lock: acquired; unlock: released) */
	uint64_t begin_ns;      /* END of a call: when it was requested (its
	                           BEGIN's ts_ns, or ts_ns if it never waited) */
	uint32_t thread;        /* trace-wide thread id (catalog index) */
	uint32_t process;       /* process index */
	uint8_t op;             /* enum trace_op, never with TRACE_OP_BEGIN */
	uint8_t phase;          /* enum trace_phase */
	uint8_t kind;           /* enum trace_obj_kind of obj */
	uint8_t had_begin;      /* END: a BEGIN record preceded it (the call was
	                           announced as possibly blocking) */
	uint8_t obj_gap;        /* enum trace_obj_gap: obj's order has a hole here */
	uint8_t call_op;        /* 0, or the op the program called when a view
	                           shows the call as another (a semaphore used
	                           as a lock: SEM_CLOCKWAIT shown as MUTEX_LOCK) */
	uint32_t obj;           /* object id (catalog), 0 = none (and for OBJ_ROLE:
	                           the role goes to the object's description) */
	uint32_t obj2;          /* second object: cond waits: the mutex;
	                           COND_RELEASE/REACQUIRE: the cond */
	int32_t result;         /* 0 = success, else an errno value (C11 codes
	                           are mapped: thrd_busy=EBUSY, thrd_timedout=
	                           ETIMEDOUT, thrd_nomem=ENOMEM, thrd_error=EINVAL) */
	uint32_t stack;         /* stack id (catalog), 0 = none */
	uint32_t peer_thread;   /* create/join/detach/cancel: the other thread,
	                           THREAD_START: the parent; else TRACE_NONE */
	uint64_t args[3];       /* per op, see trace_ops.c and docs/trace-format.md */
	const char *str;        /* per op (names); borrowed until the next event */
	uint64_t seq;           /* order stamp on obj in its order group; 0 = not ordered */
};

/* Holes in an object's order (trace_event.obj_gap). */
enum trace_obj_gap {
	TRACE_OBJ_GAP_NONE   = 0,
	TRACE_OBJ_GAP_BEFORE = 1, /* an operation on obj (some thread's) was lost
	                             just before this one: the merge skipped its
	                             order stamp, so obj's state before this event
	                             is unknown */
	TRACE_OBJ_GAP_LATE   = 2, /* this event comes after later ones of obj (its
	                             stamp was skipped as lost, then it came): obj's
	                             state after it is unknown, and analyses must
	                             not apply it to obj */
};

struct trace_process {
	uint32_t pid, ppid;
	uint32_t parent;            /* process index of the traced parent, or TRACE_NONE */
	uint32_t parent_thread;     /* thread id in the parent that forked, or TRACE_NONE */
	uint32_t exec_gen;          /* 0 = first image of this pid, 1 after one exec... */
	uint32_t prev_image;        /* process index of the image this one exec'd from, or TRACE_NONE */
	char *exe;                  /* (owned) */
	char **argv;                /* (owned) NULL-terminated */
	uint32_t argc;
	uint64_t start_ns, end_ns;  /* first and last event/calibration seen */
	uint32_t exit_flags;        /* enum trace_exit_flags */
	int32_t exit_status, exit_signal;
	uint64_t dropped;           /* all causes, from the header's live counter */
	uint64_t stacks_dropped;
	uint64_t accesses_seen;     /* memory accesses the hooks saw (ctrace cc) */
	uint64_t accesses_kept;     /* of those, recorded (trace_format.h, "Accesses") */
	uint64_t atomic_loads_merged; /* repeated atomic loads not recorded (trace_format.h) */
	uint32_t stack_depth;       /* configured maximum */
	char *file;                 /* (owned) events file path */
	char *maps_file;            /* (owned) maps file path (may not exist) */
	uint32_t first_thread;      /* trace-wide id of its thread index 0 */
	uint32_t nthreads;
	bool running;               /* still running when the trace was read */
	uint8_t runtime;            /* enum trace_runtime (TRACE_OP_RUNTIME), 0 = none */
	uint8_t runtime_support;    /* enum trace_runtime_support */
	uint32_t runtime_version;   /* CPython: PY_VERSION_HEX */
	char *runtime_note;         /* (owned) the RUNTIME record's note, or NULL */
	bool openmp_unordered;      /* it ran an OpenMP runtime whose order is not
	                               recorded (TRACE_RUNTIME_NO_ORDER) */
};

struct trace_thread {
	uint32_t id;                /* trace-wide; the first process's main thread is 0 */
	uint32_t process;
	uint32_t index;             /* index within its process (0 = main thread) */
	uint32_t tid;               /* kernel tid, 0 if unknown */
	char *name;                 /* (owned) last name set, or NULL */
	uint32_t parent;            /* creating thread id, or TRACE_NONE */
	uint32_t create_stack;      /* stack of the pthread_create call, 0 = none */
	uint64_t handle;            /* pthread_t value */
	uint64_t stack_lo, stack_hi;  /* its stack (THREAD_STACK), 0 = unknown */
	uint64_t root_cfa, root_ret, root_fn;  /* its start routine's CFA, return
	                                 address and entry (THREAD_ROOT), 0 = unknown */
	uint64_t start_ns, end_ns;  /* first and last event */
	uint8_t end_how;            /* enum trace_thread_end, valid if ended */
	bool ended;
	uint64_t events;            /* records read */
	uint64_t dropped;           /* from this thread's DROPPED records */
	uint32_t gaps;              /* DROPPED events: places its stream lost events */
};

/* What an object is: its address, kind and how it was made. The
 * incarnations of a lock at one address (destroyed and initialized again)
 * are distinct objects, with ids of their own, that mostly look the same:
 * the catalog keeps each distinct description once, and an object id costs
 * a 4-byte index and a bit (millions of short-lived locks stay cheap). An
 * object's description changes once, when its INIT is seen after a first
 * use (initialized, attr, init_stack, name): look it up by id each time. */
struct trace_object {
	uint64_t key;               /* address (mq: TRACE_KEY_MQ_FLAG | name hash) */
	uint64_t attr;              /* INIT arg 0 (mutex: enum trace_mutex_attr bits) */
	uint64_t attr2;             /* INIT arg 1 (sem: pshared) */
	char *name;                 /* (owned) mq / named sem name, or NULL */
	uint32_t process;
	uint32_t init_stack;        /* stack of its init, or of its first use */
	uint8_t kind;               /* enum trace_obj_kind */
	uint8_t role;               /* enum trace_obj_role (OBJ_ROLE of its key) */
	bool initialized;           /* an INIT call was seen (vs static initializer) */
};

/* A stack's pcs may be Python frames: trace_format.h, TRACE_PYFRAME. The
 * reader turns their code ids into trace-wide ones (catalog pycodes). */

/* A Python code object: what a Python frame shows. */
struct trace_pycode {
	uint32_t process;
	uint32_t firstlineno;
	char *filename;             /* (owned) co_filename, the .py path */
	char *qualname;             /* (owned) co_qualname */
};

struct trace_stack {
	uint32_t process;
	uint32_t depth;
	uint64_t *pc;               /* (owned) innermost first */
};

/* What `ctrace run` recorded in DIR/run.info (absent for traces made by
 * preloading the shim by hand). */
struct trace_run {
	bool present;
	uint32_t pid;               /* the program's pid */
	int32_t exit_status;        /* as a shell reports it: 128+N for signal N; -1 unknown */
	int32_t exit_signal;        /* 0 if it exited */
	bool ended_by_ctrace;       /* the hang watchdog ended it */
	uint64_t start_ns, end_ns;  /* CLOCK_MONOTONIC */
	double tsc_hz;              /* TSC tick rate measured by ctrace run, 0 if unknown */
	bool have_usage;            /* the next three are known */
	uint64_t user_us, sys_us;   /* CPU time of the program (and the children it waited for) */
	uint64_t max_rss_kb;        /* its peak resident set, of its largest process */
	char **argv; uint32_t argc; /* (owned) */
};

/* The catalog: plain growable arrays, indexed by id. Index 0 of objects and
 * stacks is unused (id 0 = none). Objects are read through
 * trace_catalog_object(). */
struct trace_catalog {
	struct trace_process *processes; uint32_t nprocesses;
	struct trace_thread *threads;    uint32_t nthreads;
	uint32_t *object_desc;           /* per object id: its description (descs) */
	uint64_t *object_destroyed;      /* per object id, a bit: a destroy ended it */
	uint32_t nobjects;               /* object ids, incl. unused 0 */
	struct trace_object *descs;      uint32_t ndescs;     /* incl. unused [0] */
	struct trace_stack *stacks;      uint32_t nstacks;    /* incl. unused [0] */
	struct trace_pycode *pycodes;    uint32_t npycodes;   /* incl. unused [0] */
	uint64_t start_ns, end_ns;       /* whole trace */
	uint64_t events, dropped;
	uint64_t stacks_dropped;         /* all processes: stacks not stored (their
	                                    table was full): their events have none */
	uint64_t accesses_seen, accesses_kept; /* all processes */
	uint64_t atomic_loads_merged;    /* all processes */
	uint64_t bytes;                  /* disk used by the trace directory */
	uint64_t record_bytes;           /* bytes of event records decoded */
	struct trace_run run;
	uint64_t by_op[TRACE_OP_COUNT];  /* completed calls (END) per op */
	bool running;                    /* a process was still running: the trace is
	                                    a snapshot (calls without END are in
	                                    progress, not stuck) */
	uint64_t read_ns;                /* CLOCK_MONOTONIC when it was opened */
};

/* The description of object ID, or NULL. Objects may share one: compare
 * ids, not pointers. Valid until the catalog grows. */
static inline const struct trace_object *
trace_catalog_object(const struct trace_catalog *c, uint32_t id)
{
	return id && id < c->nobjects ? &c->descs[c->object_desc[id]] : NULL;
}

/* Whether a successful destroy ended object ID (a later init at its
 * address is another object; a later use stays on this one). */
static inline bool trace_catalog_object_destroyed(const struct trace_catalog *c, uint32_t id)
{
	return id && id < c->nobjects && (c->object_destroyed[id / 64] >> (id % 64) & 1);
}

static inline const struct trace_stack *
trace_catalog_stack(const struct trace_catalog *c, uint32_t id)
{
	return id && id < c->nstacks ? &c->stacks[id] : NULL;
}

static inline const struct trace_pycode *
trace_catalog_pycode(const struct trace_catalog *c, uint32_t code)
{
	return code && code < c->npycodes ? &c->pycodes[code] : NULL;
}

static inline const struct trace_thread *
trace_catalog_thread(const struct trace_catalog *c, uint32_t id)
{
	return id < c->nthreads ? &c->threads[id] : NULL;
}

/* Names for printing: "mutex", "rwlock", "spinlock", "cond", "sem",
 * "barrier", "mq", "thread", "once" (the JSON lock kinds). */
const char *trace_obj_kind_name(enum trace_obj_kind kind);

/* Predicates over ops, so analyzers agree on what an op means. */
bool trace_op_is_lock_acquire(unsigned op);   /* lock, trylock, timed, clock, rd/wr, spin, mtx */
bool trace_op_is_lock_release(unsigned op);   /* unlock of mutex, rwlock, spin, mtx */
bool trace_op_is_trylock(unsigned op);
bool trace_op_is_read_lock(unsigned op);      /* rwlock rd variants */
bool trace_op_is_cond_wait(unsigned op);
bool trace_op_is_cond_signal(unsigned op);   /* signal or broadcast, pthread or C11 */
/* mq_send, mq_timedsend: a send takes effect from its BEGIN, stamped
 * before the real call (a receiver it wakes can return and record before
 * the send's END). */
bool trace_op_is_mq_send(unsigned op);
bool trace_op_is_init(unsigned op);
bool trace_op_is_destroy(unsigned op);
bool trace_op_is_join(unsigned op);
bool trace_op_is_create(unsigned op);
bool trace_op_is_timed(unsigned op);          /* a wait with a timeout: ends by itself */
/* Another process may use it (wake, post, unlock, send), traced or not:
 * initialized process-shared, a named semaphore, a message queue. */
bool trace_object_is_pshared(const struct trace_object *o);
/* A robust mutex: made for its owner to end holding it (the next lock
 * returns EOWNERDEAD). */
bool trace_object_is_robust(const struct trace_object *o);

/* Building the objects of a catalog (the reader; tests and benchmarks
 * build catalogs by hand). */
/* Reserves index 0 of objects and descs (id 0 = none): 0, or -ENOMEM. The
 * functions below do it if needed. */
int trace_catalog_init_objects(struct trace_catalog *c);
/* Adds description DESC (copied, its name too); returns its index in descs,
 * 0 when out of memory. */
uint32_t trace_catalog_add_desc(struct trace_catalog *c, const struct trace_object *desc);
/* A new object described by descs[DESC], not destroyed; returns its id,
 * 0 when out of memory. */
uint32_t trace_catalog_add_object(struct trace_catalog *c, uint32_t desc);

void trace_catalog_release(struct trace_catalog *c);

/* When a process of the trace was still running as it was read: "the
 * program is still running (pid N): the trace was read up to 1.234 s after
 * its start; calls without an end are in progress" into BUF; else NULL. */
const char *trace_catalog_running_note(const struct trace_catalog *c, char *buf, size_t size);

#endif
