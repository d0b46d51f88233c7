/* SPDX-License-Identifier: MIT */
/* trace_writer.h - writes one process image's trace file: chunks allocated
 * from a file mapped MAP_SHARED (so every record survives SIGKILL in the page
 * cache), one stream per thread, the stack table and the order stamps.
 *
 * Async-signal-safe and malloc-free after trace_writer_open: it uses only
 * syscalls and atomics. It takes no lock on the event path; the stack table
 * takes a spinlock only to insert a stack never seen before. A stream belongs
 * to one thread; the caller guards against re-entry (signal handlers). */
#ifndef CTRACE_TRACE_WRITER_H
#define CTRACE_TRACE_WRITER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "trace_format.h"

/* For the few functions on every record's path: inlined whatever the
 * compiler's budget says (a call and its register saves cost more here). */
#define TRACE_HOT static inline __attribute__((always_inline))

#define TRACE_GROUPS_PRIVATE     (1u << 18)  /* groups of one object each */
#define TRACE_GROUPS_SHARED      4096u       /* groups shared once those are taken */
#define TRACE_GROUPS             (TRACE_GROUPS_PRIVATE + TRACE_GROUPS_SHARED)
/* The private groups are handed out in order, found by an index of
 * 4-byte slots placed by address (4 bytes of the program a slot): the
 * groups of objects near each other share pages, so a program's objects
 * touch few pages of both (a group a page, hashed, cost 4 KiB an object). */
#define TRACE_ORDER_INDEX        (2u * TRACE_GROUPS_PRIVATE)
#define TRACE_ORDER_BYTES        (TRACE_GROUPS * sizeof(struct trace_order) + \
				  TRACE_ORDER_INDEX * sizeof(uint32_t))
#define TRACE_WRITER_STACK_SLOTS (1u << 20)  /* the stack table at its largest (3/4 of it
                                                stay under the reader's RD_STACK_ID_MAX) */
#define TRACE_WRITER_STACK_SLOTS_MIN (1u << 10)  /* ... and at first */
#define TRACE_WRITER_STACK_LEVELS 11u /* its sizes: MIN << level */
#define TRACE_STACK_DEPTH_MAX    64u

struct trace_writer_config {
	const char *dir;           /* trace directory (must exist) */
	uint32_t pid, ppid;
	uint32_t parent_pid;       /* traced parent (fork) or 0 */
	uint32_t parent_thread;
	uint64_t parent_fork_tick;
	uint32_t stack_depth;
	enum trace_clock clock;
	const char *exe;           /* may be NULL */
	const char *argv;          /* NUL-separated, argv_len bytes, may be NULL */
	uint32_t argv_len;
};

/* An order group's counter (trace_format.h, "Order"). A private group also
 * remembers which stream holds its object exclusively (a mutex, spinlock or
 * write lock): the holder is the only thread that may stamp it then, so it
 * counts with a plain store instead of a locked instruction. One cache line
 * each: objects used by different threads must not share one. */
struct trace_order {
	_Atomic uint64_t key;      /* 0 = free (private groups) */
	_Atomic uint64_t seq;      /* last seq taken */
	_Atomic uint64_t holder;   /* 1 + index of the thread holding it exclusively, or 0 */
	_Atomic uint64_t stored;   /* seq of the last atomic store or RMW on it
	                              (private groups: shim/tsan_sync.c) */
	char pad[64 - 4 * sizeof(uint64_t)];
};

/* How an operation takes part in its object's order. */
enum trace_order_how {
	TRACE_ORDER_NONE,          /* an observation: no seq (a request, a failed try) */
	TRACE_ORDER_SHARED,        /* may run concurrently with others on the object */
	TRACE_ORDER_ACQUIRE,       /* the caller now holds the object exclusively */
	TRACE_ORDER_RELEASE,       /* the caller is about to release it */
};

struct trace_stack_slot {
	_Atomic uint64_t hash;     /* 0 = empty; written last */
	uint32_t id;
	uint32_t pad;
};

struct trace_writer {
	_Atomic int fd;
	uint64_t dev, ino;                    /* identity of our file (fd may be stolen) */
	atomic_flag fd_lock;
	enum trace_clock clock;
	uint32_t stack_depth;
	uint32_t pid;
	char path[TRACE_PATH_MAX];
	struct trace_process_header *hdr;     /* mapped first chunk */
	_Atomic uint64_t file_end;            /* next free file offset */
	struct trace_order *order;            /* TRACE_GROUPS, mmap'd, then their index
	                                         (trace_writer.c: order_index) */
	_Atomic uint32_t order_next;          /* private groups handed out */
	/* The stack table, one mapping per size it had; the last, at
	 * stack_level, is current. It doubles as it fills (under stack_lock),
	 * so a program with few stacks touches a few pages of it, not 4 MiB
	 * spread over all of them; an older one is kept mapped (a reader may
	 * still be probing it) but its pages are given back. */
	struct trace_stack_slot *stack_tables[TRACE_WRITER_STACK_LEVELS];
	_Atomic uint32_t stack_level;
	atomic_flag stack_lock;
	uint32_t stack_next_id;               /* under stack_lock */
	uint32_t pycode_next_id;              /* under stack_lock */
	uint8_t *stack_chunk, *stack_pos, *stack_end; /* under stack_lock */
	uint32_t stack_chunk_seq;
	_Atomic uint32_t next_thread;         /* thread indexes; 0 is the main thread */
};

struct trace_stream {
	struct trace_writer *w;
	uint8_t *chunk;            /* mapped chunk, or NULL */
	uint64_t chunk_off;        /* its offset in the file */
	uint8_t *pos, *limit;      /* next record; last start for a full record (in
	                              the part of the chunk populated so far) */
	uint32_t chunk_size, chunk_seq, next_size;
	uint32_t thread;           /* index in the process */
	uint64_t last_tick;
	uint64_t dropped;          /* lost, not yet reported by a DROPPED record */
	uint32_t retry_in;         /* drops before trying to allocate again */
	uint32_t reserved;         /* reservations not yet committed */
	bool owed;                 /* before_record must run before the next record */
	/* What the stream's owner buffers and must write before any other
	 * record (the shim's interval of memory accesses): called with the
	 * tick of the record about to be written, once owed is set. */
	void (*before_record)(struct trace_stream *s, uint64_t tick);
	uint64_t slot_key[TRACE_SLOTS];
	uint64_t slot_seq[TRACE_SLOTS];
	uint32_t slot_group[TRACE_SLOTS];
};

/* A record written before the call it describes returns (a release: its
 * order stamp must be taken before the real call, and its place in the
 * stream must match, or a signal handler's records written in between
 * would precede it). Everything but the result is encoded at once; the
 * record becomes visible at commit. */
struct trace_reservation {
	uint8_t *start;            /* NULL if the reservation failed (dropped) */
	uint8_t *result_at;        /* two-byte varint placeholder */
	uint8_t op;
};

/* One record to write; which fields are used is given by the op's
 * trace_op_desc and whether op carries TRACE_OP_BEGIN. */
struct trace_rec {
	uint8_t op;
	uint64_t tick;
	uint32_t stack;
	uint64_t key, seq;         /* TRACE_F_OBJ; seq 0: not ordered */
	uint64_t key2;             /* TRACE_F_OBJ2 */
	int64_t result;            /* calls, not in BEGIN */
	uint64_t args[3];
	const char *str;           /* TRACE_F_STR, truncated to TRACE_STR_MAX */
};

/* Creates DIR/proc-<pid>-<gen>.ctr with the first free gen and its process
 * header. Returns 0 or a negative errno. */
int trace_writer_open(struct trace_writer *w, const struct trace_writer_config *cfg);

/* FD (closed) moved out of the program's way, at or above
 * TRACE_WRITER_FD_FLOOR (lower under a low RLIMIT_NOFILE): a descriptor of
 * the tracer's own would take the lowest free number, and the program
 * would see other numbers than natively. The new fd, or FD if it cannot. */
#define TRACE_WRITER_FD_FLOOR 1000
int trace_writer_fd_out_of_the_way(int fd);

/* Records the exit of the process image in the header. */
void trace_writer_set_exit(struct trace_writer *w, uint32_t flag, int value);
/* Takes back an exit flag (an exec that failed after all). */
void trace_writer_clear_exit(struct trace_writer *w, uint32_t flag);

/* Unmaps everything without writing (a forked child abandons its parent's
 * writer before opening its own). */
void trace_writer_abandon(struct trace_writer *w);

uint64_t trace_mono_ns(void);
/* Where the writer reads CLOCK_MONOTONIC and CLOCK_REALTIME (NULL: libc's
 * clock_gettime). The shim reads the kernel's, past any library that
 * interposes clock_gettime (libfaketime: the trace's times stay true). */
void trace_writer_set_clock(int (*fn)(clockid_t, struct timespec *));

/* The clock every tick comes from (inline: it runs for every record). */
TRACE_HOT uint64_t trace_writer_tick(const struct trace_writer *w)
{
#if defined(__x86_64__) || defined(__i386__)
	if (w->clock == TRACE_CLOCK_TSC)
		return trace_tsc_tick();
#endif
	return trace_mono_ns();
}

/* The order group of KEY: found or claimed in the writer's table. */
uint32_t trace_writer_group(struct trace_writer *w, uint64_t key);

/* A seq on GROUP taken with a locked instruction: safe from any thread. */
TRACE_HOT uint64_t trace_writer_stamp_group(struct trace_writer *w, uint32_t group)
{
	return atomic_fetch_add_explicit(&w->order[group].seq, 1, memory_order_relaxed) + 1;
}

/* The seq for an operation on KEY that may run concurrently with others. */
static inline uint64_t trace_writer_stamp(struct trace_writer *w, uint64_t key)
{
	return trace_writer_stamp_group(w, trace_writer_group(w, key));
}

/* The order group of KEY, through stream S's slots. */
TRACE_HOT uint32_t trace_stream_group(const struct trace_stream *s, uint64_t key)
{
	uint32_t h = trace_slot_of(key);
	return s->slot_key[h] == key ? s->slot_group[h] : trace_writer_group(s->w, key);
}

/* The seq for an operation of stream S on KEY, taken HOW (0 for NONE): call
 * it at the moment the operation takes effect (before a release, after an
 * acquisition). The holder of a private group counts with plain loads and
 * stores: nobody else may stamp the object while it is held (a thread that
 * does anyway, unlocking what it does not hold, may cost one seq). */
TRACE_HOT uint64_t trace_stream_stamp(struct trace_stream *s, uint64_t key,
				     enum trace_order_how how)
{
	if (how == TRACE_ORDER_NONE)
		return 0;
	uint32_t g = trace_stream_group(s, key);
	struct trace_order *o = &s->w->order[g];
	uint64_t me = (uint64_t)s->thread + 1;  /* never reused in a process, unlike s */
	if (how == TRACE_ORDER_SHARED || g >= TRACE_GROUPS_PRIVATE)
		return trace_writer_stamp_group(s->w, g);
	if (how == TRACE_ORDER_RELEASE) {
		if (atomic_load_explicit(&o->holder, memory_order_relaxed) != me)
			return trace_writer_stamp_group(s->w, g);
		atomic_store_explicit(&o->holder, 0, memory_order_relaxed);
	} else {
		atomic_store_explicit(&o->holder, me, memory_order_relaxed);
	}
	uint64_t seq = atomic_load_explicit(&o->seq, memory_order_relaxed) + 1;
	atomic_store_explicit(&o->seq, seq, memory_order_relaxed);
	return seq;
}

/* The id of a stack (interned once per process). 0 if the table is full.
 * At most TRACE_ENTRY_WORDS_MAX pcs (native and Python frames). */
uint32_t trace_writer_intern_stack(struct trace_writer *w, const uint64_t *pc, uint32_t depth);

/* Writes the description of a Python code object and returns its id (>= 1,
 * per process), for TRACE_PYFRAME pcs of stacks interned after it; 0 if it
 * could not be stored. The caller keeps the ids (no interning here).
 * A filename longer than the format allows keeps its end. */
uint32_t trace_writer_add_pycode(struct trace_writer *w, uint32_t firstlineno,
				 const char *filename, size_t filename_len,
				 const char *qualname, size_t qualname_len);

/* Thread indexes: 0 for the main thread, then 1, 2, ... */
uint32_t trace_writer_new_thread(struct trace_writer *w);

void trace_stream_init(struct trace_stream *s, struct trace_writer *w, uint32_t thread);

/* Varint for the common small values, unrolled. */
TRACE_HOT uint8_t *trace_put_var_fast(uint8_t *p, uint64_t v)
{
	if (v < 0x80) {
		*p = (uint8_t)v;
		return p + 1;
	}
	if (v < 0x4000) {
		p[0] = (uint8_t)(v | 0x80);
		p[1] = (uint8_t)(v >> 7);
		return p + 2;
	}
	return trace_put_var(p, v);
}

/* The fast path for most records: a call on one object whose slot is
 * already defined, no args, no string, nothing owed. Writes all but the op
 * byte and the result after s->pos (tick, stack, slot, seq) and advances
 * the stream's deltas; returns where the result goes, or NULL when the
 * general path must be taken (nothing written then). */
TRACE_HOT uint8_t *trace_stream_put_simple(struct trace_stream *s, uint64_t tick, uint32_t stack,
					   uint64_t key, uint64_t seq)
{
	uint8_t *p = s->pos;
	uint32_t h = trace_slot_of(key);
	if (__builtin_expect(!p || p > s->limit || s->dropped || s->owed || s->slot_key[h] != key, 0))
		return NULL;
	uint8_t *q = trace_put_var_fast(p + 1, trace_zigzag((int64_t)(tick - s->last_tick)));
	q = trace_put_var_fast(q, stack);
	*q++ = (uint8_t)h;
	q = trace_put_var_fast(q, trace_seq_field(seq, s->slot_seq[h]));
	s->last_tick = tick;
	if (seq)
		s->slot_seq[h] = seq;
	return q;
}

/* A simple record with a result (END) or without (BEGIN), published at
 * once. False when the general path must be taken. */
TRACE_HOT bool trace_stream_write_simple(struct trace_stream *s, uint8_t op, uint64_t tick,
					 uint32_t stack, uint64_t key, uint64_t seq, int64_t result)
{
	uint8_t *p = s->pos, *q = trace_stream_put_simple(s, tick, stack, key, seq);
	if (!q)
		return false;
	if (!(op & TRACE_OP_BEGIN))
		q = trace_put_var_fast(q, trace_zigzag(result));
	__atomic_store_n(p, op, __ATOMIC_RELEASE);
	s->pos = q;
	return true;
}

/* Room a reservation leaves after it in its chunk, for the records its
 * thread makes before the commit (callbacks of the runtime the call went
 * into: OpenMP's mutex_released inside omp_unset_lock; a signal handler's
 * calls): while it is open no new chunk can be taken. */
#define TRACE_RESERVE_SLACK (8u * TRACE_RECORD_MAX)

/* Whether a reservation may be made in S's chunk (nested ones always). */
TRACE_HOT bool trace_stream_reserve_fits(const struct trace_stream *s)
{
	return s->reserved || !s->chunk ||
	       s->pos + TRACE_RESERVE_SLACK + TRACE_RECORD_MAX <= s->chunk + s->chunk_size;
}

/* The same, reserved (see struct trace_reservation): the result is a
 * two-byte placeholder and the op byte stays 0 until the commit. */
TRACE_HOT bool trace_stream_reserve_simple(struct trace_stream *s, uint8_t op, uint64_t tick,
					   uint32_t stack, uint64_t key, uint64_t seq,
					   struct trace_reservation *res)
{
	if (!trace_stream_reserve_fits(s))
		return false;   /* the general path takes a new chunk */
	uint8_t *p = s->pos, *q = trace_stream_put_simple(s, tick, stack, key, seq);
	if (!q)
		return false;
	res->start = p;
	res->result_at = q;
	res->op = op;
	s->pos = q + 2;
	s->reserved++;
	return true;
}

/* Fills in the result and publishes a reserved record. */
TRACE_HOT void trace_stream_commit(struct trace_stream *s, struct trace_reservation *res,
				   int64_t result)
{
	if (!res->start)
		return;
	uint64_t z = trace_zigzag(result);
	if (z > 0x3fff)
		z = trace_zigzag(-1);  /* out of range: say "failed" */
	res->result_at[0] = (uint8_t)(0x80 | (z & 0x7f));
	res->result_at[1] = (uint8_t)(z >> 7);
	__atomic_store_n(res->start, res->op, __ATOMIC_RELEASE);
	s->reserved--;
	res->start = NULL;
}

/* Writes one record. Returns 0, or -1 if it was dropped (no space: counted,
 * and reported by a DROPPED record once space is back). */
int trace_stream_write(struct trace_stream *s, const struct trace_rec *rec);

int trace_stream_reserve(struct trace_stream *s, const struct trace_rec *rec,
			 struct trace_reservation *res);

/* A record of the caller's own encoding (trace_accesses.c): makes room for
 * up to TRACE_RECORD_MAX bytes and writes the delta of TICK after the op
 * byte. Returns where the rest goes, or NULL (no room: the record is
 * dropped and counted). Runs no before_record: the caller is what it would
 * run. Finish with trace_stream_publish, or write nothing else before
 * another begin (the record is then abandoned). */
uint8_t *trace_stream_begin_record(struct trace_stream *s, uint64_t tick);

/* Makes the record begun at s->pos visible (OP goes last); TICK, the one
 * given to begin, is the stream's last from now on. */
void trace_stream_publish(struct trace_stream *s, uint8_t op, uint8_t *end, uint64_t tick);

/* Counts an event lost before reaching the writer (re-entry from a signal
 * handler): reported like other drops. */
void trace_stream_count_drop(struct trace_stream *s);

/* Forgets the current chunk without touching the file (a forked child
 * holding its parent's mappings). */
void trace_stream_abandon(struct trace_stream *s);

/* Leaves the current chunk: gives its unused tail back to the file system. */
void trace_stream_close(struct trace_stream *s);

#endif
