/* SPDX-License-Identifier: MIT */
/* races.h - the happens-before race analysis, shared by its files:
 *   races_hb.c      threads' vector clocks, gaps, held locks
 *   races_sync.c    what each synchronization event orders (the rules)
 *   races_shadow.c  per-address state: FastTrack-style epochs, checks
 *   races_heap.c    heap blocks (ALLOC / free), to name a race's block
 *   races_part.c    one part: sync replay + the addresses it owns
 *   races_parallel.c  N parts on N threads, batches of events
 *   races.c         the analyzer: parts -> report
 *
 * One part replays every synchronization event and checks the accesses to
 * the 8-byte words it owns (by hash): N parts on N cores give the same
 * races as one part over all words, since each word's state depends only
 * on the accesses to it and on the (replayed, identical) clocks. */
#ifndef CTRACE_RACES_H
#define CTRACE_RACES_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "id_table.h"
#include "trace_event.h"
#include "u64map.h"
#include "vclock.h"

#define RC_NONE UINT32_MAX

/* ARR grown to hold NEED elements of ELEM bytes, the new ones zeroed; its
 * capacity *CAP doubles, from FIRST. Out of memory aborts (host tools). */
void *rc_grow(void *arr, uint32_t *cap, uint32_t need, size_t elem, uint32_t first);
/* The same, the new room left as it is (untouched: not made resident). */
void *rc_grow_raw(void *arr, uint32_t *cap, uint32_t need, size_t elem, uint32_t first);

/* ---- happens-before state (races_hb.c) ---- */

struct rc_held {
	uint32_t lock;
	bool read;                 /* an rwlock held for reading */
};

struct rc_thread {
	struct vclock vc;          /* own entry = current epoch */
	struct vclock sent;        /* create in flight: what the child gets */
	uint32_t sent_to;          /* ... that child, TRACE_NONE: not known */
	struct vclock forked;      /* at its last fork: what the child process gets */
	struct vclock fence_acq;   /* clocks read by relaxed loads, for an acquire fence */
	struct vclock fence_rel;   /* the clock at its last release fence */
	uint32_t gap_epoch;        /* its epochs <= this precede everything after its gap */
	uint32_t end_epoch;        /* ended: its last epoch; vc (ticked) is what a join gets */
	bool started, has_sent, has_forked, fork_begun, ended, has_fence_rel;
	bool detached;             /* nobody will join it */
	bool released;             /* ended and joined (or detached): its clocks are let
	                              go, end_epoch stands for them (rc_thread_knowledge) */
	struct rc_held *held;
	uint32_t nheld, cap_held;
	uint32_t heldset;          /* interned held set, RC_NONE = not interned yet */
	uint64_t step;             /* with step_pending: the change from a known set
	                              that made heldset unknown (rc_heldset records it) */
	bool step_pending;
	uint64_t step_seen[2];     /* the last add [1] / remove [0] step known, + 1 */
	uint32_t step_to[2];       /* and the set it led to */
};

/* What one object orders: locks, conds, sems, barriers, once, mq, atomic
 * locations, annotation addresses. */
struct rc_sync {
	struct vclock clk;         /* released into, acquired from */
	struct vclock rclk;        /* rwlock: read unlocks release here */
	struct vclock arrive;      /* barrier: arrivals of the round filling up */
	uint32_t narrive, ndepart; /* barrier: arrivals so far, departures left */
	bool used;                 /* an object's entry in use (rc_hb.objs) */
};

struct rc_heldset {
	uint32_t n;
	uint32_t *locks;           /* (owned) sorted lock ids */
	uint32_t next;             /* hash chain */
};

struct rc_hb {
	struct rc_thread *threads;
	uint32_t nthreads;
	struct id_table objs;      /* struct rc_sync by catalog object id, while
	                              the object lives (until its destroy) */
	struct u64map addr_sync;   /* annotation addresses -> index into asyncs */
	struct rc_sync *asyncs;
	uint32_t nasyncs, cap_asyncs;
	struct rc_heldset *sets;
	uint32_t nsets, cap_sets;
	struct u64map set_map;
	struct u64map steps;       /* (set, lock, add) -> set: held sets change by one
	                              lock at a time, mostly the same ways */
	uint32_t scratch_cap;
	uint32_t *scratch;
};

void rc_hb_init(struct rc_hb *hb);
void rc_hb_release(struct rc_hb *hb);
/* dst = a deep copy of src (splitting one part into several). */
void rc_hb_copy(struct rc_hb *dst, const struct rc_hb *src);
struct rc_thread *rc_thread_slow(struct rc_hb *hb, uint32_t id);
static inline struct rc_thread *rc_thread(struct rc_hb *hb, uint32_t id)
{
	if (id < hb->nthreads && hb->threads[id].started)
		return &hb->threads[id];
	return rc_thread_slow(hb, id);
}
struct rc_sync *rc_obj(struct rc_hb *hb, uint32_t obj);
/* Object obj was destroyed (or its memory freed): its state goes, so that
 * memory follows the objects alive, not all ever made. */
void rc_obj_forget(struct rc_hb *hb, uint32_t obj);
struct rc_sync *rc_addr_sync(struct rc_hb *hb, uint32_t process, uint64_t addr);

/* Thread t releases into s (join) and moves to a new epoch. */
void rc_release(struct rc_hb *hb, uint32_t t, struct vclock *s);
/* Thread t acquires clock c (what was released into an object). */
void rc_acquire(struct rc_hb *hb, uint32_t t, const struct vclock *c);
/* An operation on s was lost: s is taken as released by everything so far. */
void rc_sync_gap(struct rc_hb *hb, struct rc_sync *s);
/* Thread t acquires what every thread did so far (it may have, unseen). */
void rc_acquire_all(struct rc_hb *hb, uint32_t t);
/* A gap in t's stream: what it did there is unknown. */
void rc_thread_gap(struct rc_hb *hb, uint32_t t);
/* Does (thread u, epoch) happen before thread t's current point? */
static inline bool rc_hb_before(struct rc_hb *hb, uint32_t u, uint32_t epoch, const struct rc_thread *t)
{
	return epoch <= vclock_get(&t->vc, u) ||
	       (u < hb->nthreads && epoch <= hb->threads[u].gap_epoch);
}

void rc_held_add(struct rc_hb *hb, uint32_t t, uint32_t lock, bool read);
/* Removes one hold of lock; returns whether it was held, and how. */
bool rc_held_remove(struct rc_hb *hb, uint32_t t, uint32_t lock, bool *read);
uint32_t rc_heldset_slow(struct rc_hb *hb, uint32_t t);
/* A held set of one lock is that lock's id with this bit, not interned:
 * short-lived locks, each held alone, leave no set behind them. */
#define RC_SET_ONE (1u << 31)
static inline uint32_t rc_heldset(struct rc_hb *hb, uint32_t t)
{
	if (t < hb->nthreads && hb->threads[t].started && hb->threads[t].heldset != RC_NONE)
		return hb->threads[t].heldset;
	return rc_heldset_slow(hb, t);
}

/* ---- synchronization rules (races_sync.c) ---- */

/* A use of a sync object, for the races on the objects themselves:
 * init and destroy write it, every other call reads it. `use` is called
 * at the right point of the event's synchronization (after an acquire,
 * before a release). */
struct rc_objuse {
	uint32_t obj;              /* the object's id */
	bool write;                /* init, destroy */
	bool init;
	uint32_t heldset;          /* the locks its thread held when the call
	                              began (a lock's own acquisition not among them) */
	bool overlap_only;         /* rc_extra.unseen_order: only calls that
	                              overlapped in time are certainly unordered */
};
/* What the catalog says of an event, looked up by the thread that reads
 * the trace (the catalog grows as it reads: parts on other threads never
 * touch it). */
struct rc_extra {
	uint64_t obj_key;          /* ev->obj's address, 0 */
	uint32_t fork_parent;      /* the first event of a forked process's main
	                              thread: the thread that forked; else TRACE_NONE */
	bool unseen_order;         /* what orders its process's threads may go
	                              unrecorded (no instrumented code, whose
	                              atomics and flags the trace does not see; or
	                              an OpenMP runtime's): its objects' uses race
	                              only when the calls overlapped in time */
};
void rc_extra_of(const struct trace_catalog *cat, const struct trace_event *ev, bool first_of_thread,
		 struct rc_extra *x);

/* Applies ev's synchronization to hb. */
void rc_sync_event(struct rc_hb *hb, const struct trace_event *ev, const struct rc_extra *x,
		   void (*use)(void *ctx, const struct trace_event *ev, const struct rc_objuse *u),
		   void *ctx);

/* ---- per-address state (races_shadow.c) ---- */

/* One access remembered for a word: who, when, which bytes, from where. */
struct rc_entry {
	uint32_t thread;
	uint32_t epoch;
	uint32_t site;             /* index into the part's sites */
	int32_t start;             /* access start - word base (bytes) */
	uint64_t ts_ns;
	uint8_t mask;              /* bytes of the word it covers */
	uint8_t flags;             /* RC_E_* */
	uint8_t holds;             /* a word's inline entry: what the word holds,
	                              RC_W_* (unused in an array of entries) */
	uint32_t wepoch;           /* RC_E_AFTER_ALLOC: its thread's epoch at the allocation */
};
enum { RC_W_NONE = 0, RC_W_ONE = 1, RC_W_MANY = 2,
       RC_W_UNIFORM = 3 /* a uniform page's word: its state is the page's (struct rc_page) */ };
enum {
	RC_E_WRITE = 1, RC_E_ATOMIC = 2,
	RC_E_ALLOC = 4,            /* a block's allocation (rc_shadow_allocated) */
	RC_E_AFTER_ALLOC = 8,      /* a read by the thread whose allocation of the block
	                              wrote these bytes (in epoch wepoch), nothing else
	                              since: one entry for the two (a calloc'd table its
	                              thread only reads) */
};

/* A word's state, 32 bytes. Its entry, when it has one (most words: the
 * last write, or one reader), is inline, and one.holds says whether it
 * has one; more entries are in an array from the shadow's slabs (one.holds
 * RC_W_MANY), told by `many` over the inline entry's first bytes. */
struct rc_word {
	union {
		struct rc_entry one;
		struct {
			struct rc_entry *e;
			uint32_t n, cap;
		} many;
	};
};
_Static_assert(sizeof(struct rc_word) == 32, "a word's state is one entry");

/* The words of 512 bytes of the program's memory, side by side: a loop,
 * a block copy or a scan touches them in order, and their state is then
 * in neighbouring lines that the cache prefetches, not a miss each.
 * A page whose words all hold the same entries, each with its start
 * shifted by the word's place (what a block copy, a read() into a buffer
 * or a block's allocation leaves), is uniform: those entries are kept
 * once, as the first word's, and an access to the whole page costs one
 * word's work. Its words are marked so (an access reads its word anyway)
 * and own no entry array, until an access to part of it writes them out. */
#define RC_PAGE_BITS 6u
#define RC_PAGE_WORDS (1u << RC_PAGE_BITS)
#define RC_PAGE_BYTES (RC_PAGE_WORDS * 8)
struct rc_page {
	struct rc_word same;       /* uniform: every word's state, as the first word's */
	char pad[64 - sizeof(struct rc_word)];
	struct rc_word w[RC_PAGE_WORDS];   /* uniform: each holds RC_W_UNIFORM */
};
_Static_assert(sizeof(struct rc_page) % 64 == 0, "a page's words start on a cache line");

struct rc_page_slot {
	uint64_t key;              /* rc_word_key >> RC_PAGE_BITS, U64MAP_EMPTY = free */
	struct rc_page *page;
};

/* Entry arrays of words with more than one entry, by size class (2 << k
 * entries), reused when a word's array grows; from the shadow's slabs. */
#define RC_ENTRY_CLASSES 26u

static inline struct rc_entry *rc_entries(struct rc_word *w)
{
	return w->one.holds == RC_W_MANY ? w->many.e : &w->one;
}

/* How many entries w has. */
static inline uint32_t rc_word_n(const struct rc_word *w)
{
	return w->one.holds == RC_W_MANY ? w->many.n : w->one.holds;
}

/* Sets how many of its entries w keeps (N <= 1 when they are inline). */
static inline void rc_word_set_n(struct rc_word *w, uint32_t n)
{
	if (w->one.holds == RC_W_MANY)
		w->many.n = n;
	else
		w->one.holds = (uint8_t)n;
}

/* Where an access comes from (interned: bounded by code sites). */
struct rc_site {
	uint32_t stack;
	uint32_t heldset;
	uint32_t size;
	uint8_t flags;             /* enum trace_access_flags, | RC_SITE_ATOMIC */
};
#define RC_SITE_ATOMIC 0x80u
#define RC_SITE_ALLOC  0x40u  /* the allocation of a block (rc_shadow_allocated) */

#define RC_PAGE_CACHE 64u
#define RC_SITE_CACHE_BITS 12u
#define RC_SITE_CACHE (1u << RC_SITE_CACHE_BITS)
struct rc_shadow {
	struct rc_page_slot *table;   /* open addressing by page key */
	size_t mask, npages;       /* capacity - 1, pages in use */
	struct rc_page_slot cache[RC_PAGE_CACHE];   /* direct-mapped by page key */
	void *slabs;               /* (owned) the memory of pages and entry arrays */
	char *bump, *bump_end;     /* the current slab's free part */
	void *free_entries[RC_ENTRY_CLASSES];
	struct rc_site *sites;
	uint32_t nsites, cap_sites;
	struct u64map site_map;
	struct rc_site_slot {
		struct rc_site site;
		uint32_t id;           /* + 1, 0 = empty */
	} site_cache[RC_SITE_CACHE];   /* direct-mapped: most accesses repeat a site */
	struct rc_site_slot last_site; /* the last one: a loop's accesses, in a row */
	struct rc_fill {
		uint32_t n, cap;
		const struct rc_block **b;   /* (owned) a new page's live blocks */
	} fill;
	uint64_t unchecked;        /* accesses to words no page was made for:
	                              the shadows' memory was at its limit */
};

/* An access being checked. */
struct rc_access {
	uint32_t process, thread;
	uint64_t addr;
	uint64_t size;
	uint64_t ts_ns;
	uint32_t stack;
	uint32_t heldset;          /* rc_heldset of the thread at the access */
	uint8_t aflags;            /* enum trace_access_flags */
	bool write, atomic;
	uint64_t event;            /* its index in the stream (deterministic order) */
};

/* A race found: the current access and the entry it races with. */
struct rc_found {
	const struct rc_access *cur;
	uint64_t word;             /* word address (addr & ~7) */
	uint8_t overlap;           /* bytes of the word both touch */
	struct rc_entry prev;
	const struct rc_site *prev_site;
	uint32_t cur_heldset;
};

struct rc_heap;
struct rc_block;

void rc_shadow_init(struct rc_shadow *s);
void rc_shadow_release(struct rc_shadow *s);
/* The memory all shadows may map together: past it, no word is tracked
 * that was not already, and its accesses are counted as unchecked. */
void rc_shadow_set_limit(uint64_t bytes);
/* Whether pages may be uniform (on by default; off, every word is kept
 * on its own: the tests compare the two). */
void rc_shadow_set_uniform(bool on);
uint32_t rc_site(struct rc_shadow *s, uint32_t stack, uint32_t heldset, uint32_t size, uint8_t flags);
/* Checks and records access a for the words of [addr, addr+size) that
 * part PART of PARTS owns; calls found for each racing entry. A word seen
 * for the first time starts as the allocation of the live block of HEAP
 * holding it, if any (rc_shadow_allocated). */
void rc_shadow_access(struct rc_shadow *s, struct rc_hb *hb, struct rc_heap *heap,
		      const struct rc_access *a, uint32_t parts, uint32_t part,
		      void (*found)(void *ctx, const struct rc_found *f), void *ctx);
/* Forgets the state of the words of [addr, addr + size): memory another
 * object takes. */
void rc_shadow_reset(struct rc_shadow *s, uint32_t process, uint64_t addr, uint64_t size,
		     uint32_t parts, uint32_t part);
/* Block b was just made: whatever was in its bytes (its slack too) is
 * another object's. A block b->written: each byte is written by its
 * allocation, as TSan takes it; that is the write that a read of a byte
 * nobody wrote races with (calloc's zeroing, realloc's copy, malloc's
 * garbage). Only the words that have state are written here: a word seen
 * later starts so (rc_shadow_access). Any other block: the bytes its
 * thread accessed in its current epoch become one write by the
 * allocation. Either way that write stands for the accesses the shim
 * merged with the thread's accesses to an earlier block at the same
 * address, made in the same epoch (what races with them races with it). */
void rc_shadow_allocated(struct rc_shadow *s, const struct rc_block *b, uint32_t parts, uint32_t part);

static inline uint64_t rc_word_key(uint32_t process, uint64_t addr)
{
	return (uint64_t)process << 48 ^ (addr >> 3);
}
/* Which part owns a word: its page's (high hash bits: the table indexes
 * pages by the low ones). */
static inline uint32_t rc_part_of(uint64_t key, uint32_t parts)
{
	return parts <= 1 ? 0 : (uint32_t)((u64map_hash(key >> RC_PAGE_BITS) >> 40) % parts);
}

/* ---- heap blocks (races_heap.c) ---- */

struct rc_block {
	uint64_t addr, size;
	uint64_t ts_ns;            /* its allocation's */
	uint32_t process, stack, thread;
	uint32_t epoch, heldset;   /* its thread's, at the allocation */
	uint32_t slack;            /* bytes the allocator gave past size (the program may use them) */
	bool written;              /* the program's (TRACE_ALLOC_INSTRUMENTED, its thread
	                              known): its allocation writes it all */
	uint32_t next;             /* (races_heap.c's index) the next block of its bucket, or RC_NONE */
	uint64_t freed;            /* 0 live, else the free's order (1, 2...) */
	uint32_t free_stack, free_thread;
	uint64_t free_ts_ns;
};

/* A block's bytes: those asked for and its slack (1 if none). */
static inline uint64_t rc_block_span(const struct rc_block *b)
{
	uint64_t span = b->size + b->slack;
	return span > b->size ? span : b->size ? b->size : 1;
}

/* Size classes of the containment index: class c holds the blocks of at
 * most 256 << 4c bytes, the last one any larger block (see races_heap.c). */
#define RC_HEAP_CLASSES 15

/* Every block seen allocated, by start address: the live ones, and the
 * freed ones until a new block starts at the same address (memory grows
 * with the addresses the heap used, as the shadow's does). */
struct rc_heap {
	struct rc_block *b;
	uint32_t n, cap;
	uint32_t holes;            /* 1 + the first entry of b forgotten (rc_heap_forget,
	                              addr 0), linked by next; 0: none */
	struct u64map by_addr;     /* (process, addr) -> index */
	bool indexed;              /* by_page is built (at the first rc_heap_find) */
	struct u64map by_page;     /* (process, class, page) -> first block of the bucket */
	uint32_t in_class[RC_HEAP_CLASSES];   /* blocks per class, to skip empty ones */
	uint64_t frees;            /* frees so far */
	uint64_t *scratch;         /* rc_heap_forget_in's */
	uint32_t nscratch, cap_scratch;
};

/* Block ev (an ALLOC) made by its thread in EPOCH, holding HELDSET;
 * NULL for address 0. */
const struct rc_block *rc_heap_alloc(struct rc_heap *h, const struct trace_event *ev, uint32_t epoch,
				    uint32_t heldset);
/* A block made at addr that the heap does not keep (another part's): the
 * one kept there before is replaced, so forgotten. */
void rc_heap_forget(struct rc_heap *h, uint32_t process, uint64_t addr);
/* The live block starting at addr, or NULL. */
const struct rc_block *rc_heap_get(const struct rc_heap *h, uint32_t process, uint64_t addr);
/* Marks the live block at addr freed by ev's thread at ev's stack;
 * returns its size, 0 if unknown. */
uint64_t rc_heap_free(struct rc_heap *h, const struct trace_event *ev, uint64_t addr);
/* The block holding addr: the live one, else the one freed last (builds
 * the index the first time). */
const struct rc_block *rc_heap_find(struct rc_heap *h, uint32_t process, uint64_t addr);
/* Calls fn for each live block of class MIN_CLASS or above (0: all)
 * with a byte (its slack's too) in [lo, hi). It reads the buckets of
 * every page of each class that [lo, hi) meets: a few for a page of the
 * shadow, thousands for a thread's stack in the smallest classes. */
void rc_heap_live_in(struct rc_heap *h, uint32_t process, uint64_t lo, uint64_t hi, unsigned min_class,
		     void (*fn)(void *ctx, const struct rc_block *b), void *ctx);
/* Forgets the live blocks of class MIN_CLASS or above with a byte in
 * [lo, hi): memory made again without their free seen. */
void rc_heap_forget_in(struct rc_heap *h, uint32_t process, uint64_t lo, uint64_t hi, unsigned min_class);
/* The smallest class that holds blocks of SIZE bytes (rc_heap_live_in). */
unsigned rc_heap_class(uint64_t size);
void rc_heap_release(struct rc_heap *h);
void rc_heap_copy(struct rc_heap *dst, const struct rc_heap *src);

#endif
