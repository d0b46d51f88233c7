/* SPDX-License-Identifier: MIT */
/* trace_reader_priv.h - the reader's private state, shared by its files:
 * trace_reader.c (API, merge), _scan.c (files, chunks, stacks), _decode.c
 * (records), _emit.c (events -> catalog), _setup.c (directory, processes,
 * threads), _clock.c (ticks, run.info), _live.c (poll). Nothing outside
 * tracer/format/trace_reader*.c includes this file. */
#ifndef CTRACE_TRACE_READER_PRIV_H
#define CTRACE_TRACE_READER_PRIV_H

#include "trace_accesses.h"
#include "trace_reader.h"

#include <stdbool.h>
#include <stdint.h>

#define RD_BEGIN_DEPTH   8          /* nested BEGINs per thread (signal handlers) */
#define RD_STACK_ID_MAX  (1u << 20) /* larger process stack ids are corrupt */
#define RD_GROUPS_MAX    (1u << 24)
#define RD_CHUNK_MAX     (1u << 30)
#define RD_WAIT_NS       1000000000ull /* live: how long a gap may persist */

/* One chunk of a thread's stream. */
struct rd_chunk {
	uint64_t off;
	uint32_t size;
	uint32_t seq;
};

/* Where a cursor stands. */
enum rd_state {
	RD_READY,    /* head decoded, in the heap */
	RD_PARKED,   /* head decoded, its seq is not next in its order group yet */
	RD_EMITTED,  /* head yielded: decode the next one before anything else */
	RD_WAIT,     /* live: no record yet (or a seq gap not yet 1 s old) */
	RD_DONE,     /* stream ended */
};

/* A decoded record, one ahead per thread: the event as yielded, but for
 * what emit resolves in merged order (obj, obj2, stack, peer_thread). */
struct rd_head {
	struct trace_event ev;
	uint64_t key, key2;
	uint32_t stack;              /* process-local stack id */
	uint32_t group;              /* order group, if ordered */
	uint8_t slot, slot2;
	bool has_obj, has_obj2;
	bool ordered;                /* has a seq to wait for */
	char str[TRACE_STR_MAX + 1]; /* copied: the mapping may move (live) */
};

struct rd_begin {
	uint8_t op;
	uint64_t ts_ns;
};

/* An object slot of a chunk (trace-format.md): the key it holds, its
 * group, the last seq seen through it, and (emit side) its object. */
struct rd_slot {
	uint64_t key, seq;
	uint32_t group;
	uint32_t obj;                /* 0 = look up */
};

/* One thread's stream: its chunks in seq order and the decoding state. */
struct rd_cursor {
	struct rd_file *file;        /* (weak) */
	uint32_t thread;             /* trace-wide id, TRACE_NONE until assigned */
	uint32_t index;              /* in the process */
	struct rd_chunk *chunks;     /* (owned) sorted by seq */
	uint32_t nchunks, chunks_cap;
	uint32_t ci;                 /* in_chunk: current chunk; else the next one */
	bool in_chunk, entered_any;
	uint32_t last_seq;           /* seq of the last chunk entered */
	uint64_t pos, end;           /* file offsets: next record, chunk end */
	uint64_t tick;
	uint64_t wait_since;         /* live: reader clock when a chunk gap was seen */
	/* the chunk's object slots: those defined, and their state by rank
	 * (a thread uses a few of the 256: thousands of threads cost little) */
	uint64_t slot_defined[TRACE_SLOTS / 64];
	struct rd_slot *slots;       /* (owned) */
	uint32_t nslots, cap_slots;
	struct rd_begin begins[RD_BEGIN_DEPTH];
	uint32_t nbegins;
	/* the thread its open join's handle named at the BEGIN (+ 1; 0: none),
	 * and the handle: the END names the same thread, though glibc may have
	 * given the handle to a new thread by the time it is written */
	uint32_t join_peer;
	uint64_t join_key;
	enum rd_state state;
	uint32_t heap_pos;
	bool left_for_next;          /* the last chunk left says the thread went on
	                                in a next one */
	bool tail_checked;           /* the end of its stream was checked */
	uint64_t yielded;            /* events emitted */
	uint64_t limit;              /* events it may emit (reopen), UINT64_MAX */
	/* an ACCESSES batch being yielded, one access at a time (checked whole
	 * when its record was read; the record is consumed) */
	uint32_t batch_left;         /* accesses still to yield */
	uint64_t batch_at;           /* file offset of the next one */
	struct trace_access_state batch;
	struct rd_head head;
};

static inline bool rd_slot_defined(const struct rd_cursor *c, unsigned slot)
{
	return c->slot_defined[slot / 64] >> (slot % 64) & 1;
}

/* Bits set in X, inline: the builtin is a call into libgcc on the
 * baseline x86-64, which has no popcnt instruction. */
static inline unsigned rd_popcount(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* The state of defined slot SLOT: its rank among the defined ones. */
static inline struct rd_slot *rd_slot(const struct rd_cursor *c, unsigned slot)
{
	unsigned rank = 0;
	for (unsigned w = 0; w < slot / 64; w++)
		rank += rd_popcount(c->slot_defined[w]);
	rank += rd_popcount(c->slot_defined[slot / 64] & ((1ull << (slot % 64)) - 1));
	return &c->slots[rank];
}

/* Defines SLOT (again): its state, cleared; NULL without memory. */
struct rd_slot *rd_slot_define(struct rd_cursor *c, unsigned slot);

/* The cursors parked on one order group, a min-heap by their head's seq: only the
 * smallest can be next, so waking costs O(log n) even with thousands of
 * threads contending for one lock. */
struct rd_park {
	struct rd_cursor **v;        /* (owned) */
	uint32_t n, cap;
};

struct rd_known {                /* a chunk already accounted for */
	uint64_t off;
	uint32_t size;
};

struct rd_stack_chunk {
	uint64_t pos, end;           /* next entry, chunk end */
	bool done;
};

/* Ticks -> CLOCK_MONOTONIC ns: anchor + (tick - anchor_tick) * mult / 2^32. */
struct rd_clock {
	bool identity;
	uint64_t anchor_tick, anchor_ns;
	uint64_t mult;
	bool fitted;                 /* from this process's own points (>= 1 ms) */
	double ns_per_tick;
};

/* One process image: its events file. */
struct rd_file {
	char *path;                  /* (owned) */
	char *name;                  /* (weak) basename inside path */
	int fd;
	const uint8_t *map;          /* read-only mapping of [0, map_size) */
	uint64_t map_size;
	uint64_t st_size;
	struct trace_process_header hdr; /* copy, live fields refreshed */
	uint32_t process;            /* catalog index, TRACE_NONE until assigned */
	uint32_t groups;             /* order groups; 0 = no usable order stamps */
	uint64_t *last_seq;          /* (owned) per group: the last seq yielded */
	struct rd_park *parked;      /* (owned) per group: parked cursors by seq */
	uint32_t *park_groups;       /* (owned) the groups whose parked array is allocated */
	uint32_t npark_groups, park_groups_cap;
	struct rd_cursor **threads;  /* (owned array) sorted by index */
	uint32_t nthreads, threads_cap;
	struct rd_known *known;      /* (owned) sorted by offset */
	uint32_t nknown, known_cap;
	uint64_t walk_from;          /* first offset the next walk starts at */
	struct rd_stack_chunk *stack_chunks;
	uint32_t nstack_chunks, stack_chunks_cap;
	uint32_t *stack_map;         /* (owned) process stack id -> catalog id */
	uint32_t stack_map_len;
	uint32_t stack_max_id;
	uint32_t *pycode_map;        /* (owned) process code id -> catalog pycode id */
	uint32_t pycode_map_len;
	bool running;                /* snapshot: its image is still writing it */
	struct trace_calibration cal_lo, cal_hi; /* earliest and latest points */
	uint32_t ncal;
	struct rd_clock clock;
};

/* (process, key) -> value, open addressing; value 0 = absent. */
struct rd_map_ent {
	uint64_t key;
	uint32_t process;
	uint32_t val;
};

struct rd_map {
	struct rd_map_ent *ent;
	uint32_t cap, n;
};

/* The unnamed descriptions of the catalog by content, so objects that look
 * alike share one: open addressing over desc indices, 0 = free. */
struct rd_descs {
	uint32_t *slot;
	uint32_t cap, n;
};

enum rd_life {                  /* what an op does to its object's lifetime */
	RD_LIFE_USE = 0,
	RD_LIFE_INIT,
	RD_LIFE_DESTROY,
};

/* An OBJ_ROLE record: what a runtime's object is (trace_reader_runtime.c). */
struct rd_role {
	uint8_t role;                /* enum trace_obj_role */
	char *name;                  /* (owned) */
};

struct trace_reader {
	struct trace_catalog cat;
	uint8_t op_life[TRACE_OP_COUNT]; /* enum rd_life, from trace_op_is_init/destroy */
	char *dir;                   /* (owned) */
	unsigned flags;
	struct rd_file **files;      /* (owned) in process order */
	uint32_t nfiles, files_cap;
	char **pending;              /* (owned) live: files whose header is not written yet */
	uint32_t npending;
	char **ignored;              /* (owned) live: files found unusable for good */
	uint32_t nignored;
	struct rd_cursor **cursors;  /* (weak: owned by files) indexed by thread id */
	struct rd_cursor **heap;     /* ready cursors, by (ts_ns, thread) */
	uint32_t nheap, cursors_cap;
	uint32_t nparked;
	struct rd_cursor *emitted;   /* the cursor whose head was yielded last */
	struct rd_map objects;       /* (process, key) -> current object id */
	struct rd_map handles;       /* (process, pthread_t) -> thread id + 1 */
	struct rd_map early_parent;  /* live: (process, index) of a thread created */
	struct rd_map early_stack;   /*   before it appeared -> parent + 1, stack */
	uint64_t *obj_replaced;      /* per object id, a bit: a later incarnation at
	                                its key exists (objects holds the current one) */
	uint32_t replaced_cap;       /* words of obj_replaced */
	struct rd_descs descs;       /* the catalog's descriptions, by content */
	struct rd_map roles;         /* (process, key) -> index + 1 in role_list */
	struct rd_role *role_list;   /* (owned) */
	uint32_t nroles, roles_cap;
	uint32_t stacks_cap, threads_cap, processes_cap, pycodes_cap;
	struct ct_error err;
	unsigned nerr;
	uint64_t gaps;
	uint64_t dropped_records;
	uint64_t stuck_since;        /* live: reader clock when the merge got stuck */
	bool run_info_reported;      /* a bad run.info is reported once, not per poll */
	uint64_t withheld;           /* snapshot: parked events never yielded */
	const struct trace_reader *model; /* reopen: read no more than it (weak) */
};

static inline bool rd_live(const struct trace_reader *r)
{
	return r->flags & TRACE_READER_LIVE;
}

static inline bool rd_snapshot(const struct trace_reader *r)
{
	return r->flags & TRACE_READER_SNAPSHOT;
}

static inline uint64_t rd_ticks_to_ns(const struct rd_clock *k, uint64_t tick)
{
	if (k->identity)
		return tick;
	int64_t d = (int64_t)(tick - k->anchor_tick);
	return k->anchor_ns + (uint64_t)(int64_t)(((__int128)d * (__int128)k->mult) >> 32);
}

/* Internal functions stay out of the symbols of a shared object the reader
 * is linked into (the babeltrace2 plugin). */
#pragma GCC visibility push(hidden)

/* trace_reader.c */
void rd_problem(struct trace_reader *r, const char *file, int64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
uint64_t rd_clock_now(void);
void *rd_grow(void *arr, uint32_t *cap, uint32_t need, size_t elem);
void rd_classify(struct trace_reader *r, struct rd_cursor *c);
void rd_heap_push(struct trace_reader *r, struct rd_cursor *c);
int rd_open_files(struct trace_reader *r, char **names, uint32_t n, struct rd_file ***files,
		  uint32_t *nfiles);

/* trace_reader_scan.c */
struct rd_file *rd_file_open(struct trace_reader *r, const char *name, bool *retry);
void rd_file_free(struct rd_file *f);
int rd_file_remap(struct trace_reader *r, struct rd_file *f);
void rd_file_walk(struct trace_reader *r, struct rd_file *f);
void rd_file_read_live_fields(struct rd_file *f);
void rd_stacks_parse(struct trace_reader *r, struct rd_file *f);
void rd_file_limit(struct rd_file *f, const struct rd_file *m);
struct rd_cursor *rd_file_thread(const struct rd_file *f, uint32_t index);

/* trace_reader_decode.c */
int rd_decode(struct trace_reader *r, struct rd_cursor *c);

/* trace_reader_emit.c */
void rd_emit(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev);
/* The fast way through a batch of accesses (most events of a `ctrace cc`
 * program): once c's head, just emitted, is one of a batch, the next one
 * has its tick and so comes next too (nothing else changed the heap), and
 * only its args and stack differ. */
bool rd_access_continues(const struct rd_cursor *c);
void rd_decode_access(struct rd_cursor *c);
void rd_emit_access(struct trace_reader *r, struct rd_cursor *c, struct trace_event *ev);
/* Up to MAX more accesses of c's batch (rd_access_continues), yielded;
 * then their stacks mapped to catalog ids and counted. */
size_t rd_decode_accesses(struct rd_cursor *c, struct trace_access *out, size_t max);
void rd_emit_accesses(struct trace_reader *r, struct rd_cursor *c, struct trace_access *a, size_t n);
/* TRACE_READER_NO_ACCESSES: a batch of N accesses at c's tick, counted in
 * the catalog as if yielded. */
void rd_count_accesses(struct trace_reader *r, struct rd_cursor *c, uint32_t n);
uint32_t rd_map_get(const struct rd_map *m, uint32_t process, uint64_t key);
/* The current object at a key of r->objects, 0 if none: one freed with its
 * block is RD_OBJECT_FREED there (a value, since 0 would end the map's
 * probe chains). */
#define RD_OBJECT_FREED UINT32_MAX
static inline uint32_t rd_object_at(const struct rd_map *objects, uint32_t process, uint64_t key)
{
	uint32_t id = rd_map_get(objects, process, key);
	return id == RD_OBJECT_FREED ? 0 : id;
}
void rd_map_put(struct rd_map *m, uint32_t process, uint64_t key, uint32_t val);
void rd_map_release(struct rd_map *m);
void rd_descs_release(struct rd_descs *d);
void rd_object_describe(struct trace_reader *r, uint32_t id, const struct rd_role *role);

/* trace_reader_runtime.c */
bool rd_runtime_op(struct trace_reader *r, struct rd_cursor *c, uint32_t process);
void rd_role_apply(const struct trace_reader *r, uint32_t process, uint64_t key,
		   struct trace_object *d);
void rd_roles_release(struct trace_reader *r);

/* trace_reader_setup.c */
int rd_list_dir(struct trace_reader *r, char ***names, uint32_t *n);
void rd_dir_usage(struct trace_reader *r);
int rd_setup_files(struct trace_reader *r, struct rd_file **files, uint32_t n);
void rd_setup_threads(struct trace_reader *r, struct rd_file *f);
void rd_update_process_facts(struct trace_reader *r);
bool rd_file_running(const struct rd_file *f);

/* trace_reader_clock.c */
void rd_setup_clocks(struct trace_reader *r);
void rd_read_run_info(struct trace_reader *r);

/* trace_reader_live.c */
void rd_file_refresh(struct trace_reader *r, struct rd_file *f);

#pragma GCC visibility pop

#endif
