/* SPDX-License-Identifier: MIT */
/* tsan_record.c - memory accesses of instrumented code into the trace: the
 * thread's recording state, the shadow call stack kept by the function
 * entry and exit hooks, and the interval table that keeps one read and one
 * write per (address, size) between two synchronization records.
 *
 * A new access is encoded at once into the thread's open ACCESSES record,
 * written in place in its stream; the stream's before_record hook closes
 * it (and the interval), so every other record the thread writes (a lock,
 * a join, its end, a fatal signal) comes after the accesses that preceded
 * it. The end of the process publishes every thread's (tsan_exit.c); what
 * is in the open record when the process is killed (SIGKILL) is lost: at
 * most one record's worth (about 100 accesses) per thread. */
#include "tsan_record.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emit.h"
#include "real_mem.h"
#include "stack.h"
#include "tsan_modules.h"
#include "tsan_thread.h"

#define RECORD_API __attribute__((visibility("protected")))

_Atomic bool tsan_on;

/* ---- the thread's state ---- */

/* The interval table's hot.shift at its smallest and largest size. */
#define SHIFT_SMALLEST (64 - TSAN_SLOT_BITS_MIN)
#define SHIFT_LARGEST  (64 - TSAN_SLOT_BITS_MAX)

static void table_clear(struct tsan_thread *ts);
static void table_restart_small(struct tsan_thread *ts);

static void before_record(struct trace_stream *s, uint64_t tick)
{
	struct shim_thread *t = (struct shim_thread *)((char *)s - offsetof(struct shim_thread, stream));
	tsan_flush(t, tick);
}

/* FRESH: the state was just mapped, all zeros: its caches are not
 * written over (16 KiB a thread, made resident for nothing). */
static void thread_reset(struct shim_thread *t, bool fresh)
{
	struct tsan_thread *ts = t->tsan;
	if (!ts)
		return;
	t->stream.before_record = before_record;
	t->stream.owed = false;
	if (fresh) {
		ts->hot.shift = SHIFT_SMALLEST;
		return;
	}
	table_restart_small(ts);
	ts->batch.count_at = NULL;  /* its chunk is gone with the old stream */
	ts->last_load.end = NULL;
	for (uint32_t i = 0; i < TSAN_ACQUIRED; i++)
		ts->acquired[i].key = 0;
	ts->ignore_sync = 0;
	for (uint32_t i = 0; i < TSAN_HELD; i++)
		ts->held[i] = (struct tsan_held){ 0, 0 };
	ts->hot.seen = ts->kept = 0;
	ts->hot.ignore = 0;
	ts->hot.depth = ts->hot.overflow = 0;
	for (uint32_t i = 0; i < TSAN_STACK_CACHE; i++)
		ts->stacks[i].key = 0;
	for (uint32_t i = 0; i < TSAN_STACK_RECENT; i++)
		ts->recent[i].key = 0;
}

void tsan_thread_reset(struct shim_thread *t)
{
	thread_reset(t, false);
}

static struct tsan_thread *make_state(struct shim_thread *t)
{
	void *p = mmap(NULL, sizeof(struct tsan_thread), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	struct tsan_thread *ts = p;
	ts->owner = t;
	t->tsan = ts;
	thread_reset(t, true);
	return ts;
}

/* The state of a thread that may have none yet (not adopted by the shim,
 * or no recording state): made if the shim is active (adopting the thread
 * only if ADOPT). */
static struct shim_thread *thread_with_state(bool adopt)
{
	struct shim_thread *t = shim_tls;
	if (t == SHIM_THREAD_GONE || (!t && !adopt) ||
	    atomic_load_explicit(&shim.state, memory_order_acquire) != SHIM_ACTIVE)
		return NULL;
	if (!t) {
		int saved = errno;
		t = shim_thread_self();
		errno = saved;
		if (!t)
			return NULL;
	}
	if (!t->tsan) {
		int saved = *t->errno_at;
		t->in_shim++;
		make_state(t);
		t->in_shim--;
		*t->errno_at = saved;
	}
	if (t->tsan && t->tsan->owner == t)
		__ctrace_tsan_thread_v2 = &t->tsan->hot;
	return t->tsan ? t : NULL;
}

struct shim_thread *tsan_thread_slow(void)
{
	struct shim_thread *t = thread_with_state(true);
	return t && !t->in_shim ? t : NULL;
}

struct shim_thread *tsan_thread_for_interceptor(uintptr_t pc)
{
	if (shim_stack_is_own(pc))
		return NULL;
	struct shim_thread *t = shim_tls;
	if (__builtin_expect(t && t != SHIM_THREAD_GONE && t->tsan && !t->in_shim, 1))
		return t;
	t = thread_with_state(false);
	return t && !t->in_shim ? t : NULL;
}

/* ---- the shadow call stack ---- */

/* A thread's frames for the entry and exit hooks, which run inside the
 * shim's own calls too (a signal handler): they must stay paired. */
TRACE_HOT struct tsan_thread *frames_of_caller(void)
{
	struct tsan_thread *ts = tsan_current();
	if (__builtin_expect(ts != NULL, 1))
		return ts;
	struct shim_thread *t = thread_with_state(true);
	return t ? t->tsan : NULL;
}

void tsan_thread_gone(void)
{
	struct tsan_thread *ts = tsan_current();
	__ctrace_tsan_thread_v2 = NULL;
	if (ts)  /* its state waits for another thread: not with a grown table */
		table_restart_small(ts);
}

/* SP: the frame address of the entry hook (tsan_hot.h). */
RECORD_API void tsan_record_func_entry(uintptr_t pc, uintptr_t sp)
{
	struct tsan_thread *ts = frames_of_caller();
	if (ts)
		tsan_hot_enter(&ts->hot, pc, sp);
}

RECORD_API void tsan_record_func_exit(void)
{
	struct tsan_thread *ts = frames_of_caller();
	if (ts)
		tsan_hot_exit(&ts->hot);
}

/* The top bits of the key: they depend on every bit of the shadow stack's
 * hash and the pc (lower ones do not: a loop's neighbouring sites collided). */
static inline uint32_t stack_cache_index(uint64_t key)
{
	return (uint32_t)(key >> (64 - TSAN_STACK_CACHE_BITS));
}

/* A stack id not in the caches: interned (the table may be locked). */
static __attribute__((noinline)) uint32_t stack_intern(struct tsan_thread *ts, uintptr_t pc,
						       uint64_t key, struct tsan_stack_slot *r)
{
	uint64_t pcs[TRACE_STACK_DEPTH_MAX];
	uint32_t n = 0, d = ts->hot.depth;
	pcs[n++] = pc;
	while (n < shim.stack_depth && d)
		pcs[n++] = ts->hot.frames[--d].pc;
	uint32_t id = trace_writer_intern_stack(&shim.writer, pcs, n);
	if (id) {
		struct tsan_stack_slot *e = &ts->stacks[stack_cache_index(key)];
		e->key = key;
		e->id = id;
		*r = *e;
	}
	return id;
}

uint32_t tsan_stack_id(struct tsan_thread *ts, uintptr_t pc)
{
	if (!shim.stack_depth)
		return 0;
	uint32_t d = ts->hot.depth;
	uint64_t key = tsan_hot_mix(d ? ts->hot.frames[d - 1].hash : TSAN_HASH_SEED, pc ^ 1) | 1;
	struct tsan_stack_slot *r = &ts->recent[(pc * 0x9E3779B97F4A7C15ull) >> (64 - TSAN_STACK_RECENT_BITS)];
	if (r->key == key)
		return r->id;
	struct tsan_stack_slot *e = &ts->stacks[stack_cache_index(key)];
	if (e->key != key)
		return stack_intern(ts, pc, key, r);
	*r = *e;
	return e->id;
}

uint32_t tsan_call_stack(struct shim_thread *t, uintptr_t pc)
{
	if (!tsan_module_has(pc))
		return UINT32_MAX;
	int saved = *t->errno_at;
	t->in_shim++;  /* interning may take the table's lock */
	uint32_t id = tsan_stack_id(t->tsan, pc);
	t->in_shim--;
	*t->errno_at = saved;
	return id;
}

/* ---- the interval ---- */

_Static_assert(TRACE_ACCESS_WRITE == 1 && TRACE_ACCESS_FREE == 8 && TRACE_ACCESS_ATOMIC == 32,
	       "tsan_hot_key's flags");

static inline uint32_t table_slots(const struct tsan_thread *ts)
{
	return 1u << (64 - ts->hot.shift);
}

/* The slot of KEY or the empty one where it goes; true if it is there. */
TRACE_HOT bool lookup(const struct tsan_thread *ts, uint64_t key, uint32_t *slot)
{
	uint32_t mask = table_slots(ts) - 1;
	for (uint32_t i = tsan_hot_slot(key, ts->hot.shift);; i = (i + 1) & mask) {
		uint64_t k = ts->hot.slot[i];
		if (k == key)
			return true;
		if (!k) {
			*slot = i;
			return false;
		}
	}
}

static void table_clear(struct tsan_thread *ts)
{
	for (uint32_t i = 0; i < ts->n; i++)
		ts->hot.slot[ts->used[i]] = 0;
	ts->n = 0;
}

static void table_insert(struct tsan_thread *ts, uint64_t key, uint32_t slot)
{
	ts->hot.slot[slot] = key;
	ts->used[ts->n++] = (uint16_t)slot;
}

/* What the tables of all threads take beyond their smallest size, and
 * how much that may be: a thousand threads scanning a shared array must
 * not each grow one (a table keeps its keys, their list, and the scratch
 * of its doubling: 11 bytes a slot). */
static _Atomic uint64_t grown_bytes;
#define TSAN_GROWN_BUDGET (32ull << 20)

static uint64_t table_bytes(uint32_t slots)
{
	return (uint64_t)slots * (sizeof(uint64_t) + sizeof(uint16_t) / 2 + sizeof(uint64_t) / 4);
}

/* The whole pages of [from, to) go back to the system (they read as
 * zeros again). */
static void pages_release(const void *from, const void *to)
{
	uintptr_t page = (uintptr_t)getpagesize();
	uintptr_t lo = ((uintptr_t)from + page - 1) & ~(page - 1), hi = (uintptr_t)to & ~(page - 1);
	int saved = errno;
	if (lo < hi)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	errno = saved;
}

/* An empty table down to 2^(64 - SHIFT) slots, the pages of the rest let
 * go, with those of the lists only a larger one used. */
static void table_shrink(struct tsan_thread *ts, uint32_t shift)
{
	uint32_t slots = 1u << (64 - shift), old = table_slots(ts);
	if (old <= slots)
		return;
	ts->hot.shift = shift;
	ts->sparse = 0;
	pages_release(&ts->hot.slot[slots], &ts->hot.slot[old]);
	pages_release(&ts->used[slots / 2], &ts->used[old / 2]);
	pages_release(&ts->moving[0], &ts->moving[old / 4]);
	atomic_fetch_sub_explicit(&grown_bytes, table_bytes(old) - table_bytes(slots),
				  memory_order_relaxed);
}

/* The table emptied and at its smallest. */
static void table_restart_small(struct tsan_thread *ts)
{
	table_clear(ts);
	table_shrink(ts, SHIFT_SMALLEST);
}

/* MORE bytes of growth taken from the budget, if it has them. */
static bool budget_take(uint64_t more)
{
	if (atomic_fetch_add_explicit(&grown_bytes, more, memory_order_relaxed) + more <=
	    TSAN_GROWN_BUDGET)
		return true;
	atomic_fetch_sub_explicit(&grown_bytes, more, memory_order_relaxed);
	return false;
}

/* The table is half full: twice the slots, or, at the largest or past
 * the budget, empty again (merging starts over). */
static void table_full(struct tsan_thread *ts)
{
	if (ts->hot.shift == SHIFT_LARGEST || !budget_take(table_bytes(table_slots(ts)))) {
		table_clear(ts);
		return;
	}
	uint32_t n = ts->n;
	for (uint32_t i = 0; i < n; i++)
		ts->moving[i] = ts->hot.slot[ts->used[i]];
	table_clear(ts);
	ts->hot.shift--;
	for (uint32_t i = 0, slot = 0; i < n; i++) {
		lookup(ts, ts->moving[i], &slot);
		table_insert(ts, ts->moving[i], slot);
	}
	ts->sparse = 0;
}

/* An interval ended, its table emptied. After many that used little of a
 * grown table, it is halved (its cache lines spread over fewer pages). */
static void table_fit(struct tsan_thread *ts, uint32_t used)
{
	if (ts->hot.shift == SHIFT_SMALLEST)
		return;
	if (used * 8 >= table_slots(ts)) {
		ts->sparse = 0;
		return;
	}
	if (++ts->sparse >= 64)
		table_shrink(ts, ts->hot.shift + 1);
}

/* The interval's counts so far into the header. */
static void add_counts(struct tsan_thread *ts)
{
	if (ts->hot.seen && shim.writer.hdr) {
		atomic_fetch_add((_Atomic uint64_t *)&shim.writer.hdr->accesses_seen, ts->hot.seen);
		atomic_fetch_add((_Atomic uint64_t *)&shim.writer.hdr->accesses_kept, ts->kept);
	}
	if (ts->loads_merged && shim.writer.hdr)
		atomic_fetch_add((_Atomic uint64_t *)&shim.writer.hdr->atomic_loads_merged,
				 ts->loads_merged);
	ts->hot.seen = ts->kept = ts->loads_merged = 0;
}

void tsan_flush(struct shim_thread *t, uint64_t tick)
{
	(void)tick;
	struct tsan_thread *ts = t->tsan;
	t->stream.owed = false;
	if (!ts)
		return;
	trace_access_batch_close(&t->stream, &ts->batch);
	uint32_t used = ts->n;
	table_clear(ts);
	table_fit(ts, used);
	add_counts(ts);
}

void tsan_publish(struct tsan_thread *ts)
{
	struct shim_thread *t = ts->owner;
	/* a signal handler inside the shim (which ends the batch itself), or
	 * a vfork child: the parent's batch is not its to end */
	if (t->in_shim || !shim_is_own_process())
		return;
	int saved = *t->errno_at;
	t->in_shim++;
	atomic_signal_fence(memory_order_seq_cst);
	trace_access_batch_close(&t->stream, &ts->batch);
	add_counts(ts);
	atomic_signal_fence(memory_order_seq_cst);
	t->in_shim--;
	*t->errno_at = saved;
}

/* Appends A to the open batch, opening one if needed. */
static void batch_add(struct shim_thread *t, const struct trace_access *a)
{
	struct tsan_thread *ts = t->tsan;
	if (ts->batch.count_at && trace_access_batch_add(&ts->batch, a))
		return;
	int saved = *t->errno_at;  /* a new chunk means syscalls */
	trace_access_batch_close(&t->stream, &ts->batch);
	if (trace_access_batch_open(&t->stream, &ts->batch, trace_writer_tick(&shim.writer)))
		trace_access_batch_add(&ts->batch, a);
	*t->errno_at = saved;
}

/* Keeps an access not found at its key's first slot, with STACK, or the
 * stack of PC if STACK is UINT32_MAX, unless the table has it further on.
 * The table is searched once the thread is marked in the shim, so a signal
 * handler cannot keep the same access between the search and the insert
 * (it is turned away, and counted, unless the table already merges it). */
static __attribute__((noinline)) void keep(struct tsan_thread *ts, uintptr_t pc, uint64_t addr,
					   uint64_t size, unsigned flags, uint32_t stack)
{
	struct shim_thread *t = ts->owner;
	uint64_t key = tsan_hot_key(addr, size, flags);
	uint32_t slot = 0;
	if (t->in_shim) {  /* a signal handler inside the shim */
		if (!key || !lookup(ts, key, &slot))
			trace_stream_count_drop(&t->stream);
		return;
	}
	t->in_shim++;
	atomic_signal_fence(memory_order_seq_cst);
	if (!key || !lookup(ts, key, &slot)) {
		if (stack == UINT32_MAX)
			stack = tsan_stack_id(ts, pc);
		struct trace_access a = { addr, size, flags, stack };
		batch_add(t, &a);
		ts->kept++;
		/* a free() is never merged: the block made at its address
		 * and freed again in the interval is another block */
		if (key && !(flags & TRACE_ACCESS_FREE)) {
			if (ts->n == table_slots(ts) / 2) {
				table_full(ts);
				lookup(ts, key, &slot);
			}
			table_insert(ts, key, slot);
		}
		t->stream.owed = true;
	}
	atomic_signal_fence(memory_order_seq_cst);
	t->in_shim--;
}

/* The path of every access: a leaf but for the tail call of keep when the
 * key is not at its first slot, so it saves no register and needs no frame. */
TRACE_HOT void access_of(struct tsan_thread *ts, uintptr_t pc, uint64_t addr, uint64_t size,
			 unsigned flags, uint32_t stack)
{
	if (__builtin_expect(ts->hot.ignore, 0))
		return;
	ts->hot.seen++;
	uint64_t key = tsan_hot_key(addr, size, flags);
	if (__builtin_expect(!key || ts->hot.slot[tsan_hot_slot(key, ts->hot.shift)] != key, 0))
		keep(ts, pc, addr, size, flags, stack);
}

/* A thread's first access (its state is made here), or one while the
 * shim is off. */
static __attribute__((noinline)) void access_slow(uintptr_t pc, uint64_t addr, uint64_t size,
						  unsigned flags)
{
	struct shim_thread *t = tsan_thread_of_caller();
	if (t)
		access_of(t->tsan, pc, addr, size, flags, UINT32_MAX);
}

RECORD_API __attribute__((optimize("omit-frame-pointer")))
void tsan_record_access(uintptr_t pc, const volatile void *addr, size_t size, unsigned flags)
{
	struct tsan_thread *ts = tsan_current();
	if (__builtin_expect(!ts, 0))
		access_slow(pc, (uintptr_t)addr, size, flags);
	else
		access_of(ts, pc, (uintptr_t)addr, size, flags, UINT32_MAX);
}

RECORD_API bool tsan_record_alive(void)
{
	return atomic_load_explicit(&shim.state, memory_order_relaxed) != SHIM_OFF;
}

/* The program's entry point (tsan_hooks.c) counted the access as seen and
 * did not find its key at the first slot; or the thread has no state yet. */
RECORD_API bool tsan_record_miss(uintptr_t pc, const volatile void *addr, size_t size,
				 unsigned flags)
{
	struct tsan_thread *ts = tsan_current();
	if (__builtin_expect(ts != NULL, 1)) {
		keep(ts, pc, (uintptr_t)addr, size, flags, UINT32_MAX);
		return true;
	}
	access_slow(pc, (uintptr_t)addr, size, flags);
	return tsan_record_alive();
}

void tsan_access(struct shim_thread *t, uintptr_t pc, uint64_t addr, uint64_t size,
		 unsigned flags)
{
	access_of(t->tsan, pc, addr, size, flags, UINT32_MAX);
}

void tsan_access_with_stack(struct shim_thread *t, uint64_t addr, uint64_t size, unsigned flags,
			    uint32_t stack)
{
	if (t->tsan)
		access_of(t->tsan, 0, addr, size, flags, stack);
}

void tsan_write(struct shim_thread *t, struct trace_rec *rec, uintptr_t pc, bool ends)
{
	int saved = *t->errno_at;
	t->in_shim++;  /* before the stack: interning may take the table's lock */
	if (pc)
		rec->stack = tsan_stack_id(t->tsan, pc);
	bool owed = t->stream.owed;
	if (!ends && owed) {  /* the interval goes on past this record */
		trace_access_batch_close(&t->stream, &t->tsan->batch);
		t->stream.owed = false;
	}
	trace_stream_write(&t->stream, rec);
	if (!ends)
		t->stream.owed = owed;
	t->in_shim--;
	*t->errno_at = saved;
}

/* ---- the rest of the hooks' state ---- */

RECORD_API void tsan_record_init(uintptr_t pc)
{
	if (!shim_start())
		return;
	tsan_module_add(pc);
	atomic_store(&tsan_on, true);
	shim_mem_record();
}

RECORD_API void tsan_record_ignore(bool begin)
{
	struct tsan_thread *ts = frames_of_caller();
	if (ts)
		tsan_ignore_step(ts, begin);
}
