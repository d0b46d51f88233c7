/* SPDX-License-Identifier: MIT */
/* tsan_sync.c - atomic operations, fences and annotations of instrumented
 * code into the trace.
 *
 * An atomic operation is an ordered record on its location (object kind
 * ATOMIC): begin takes the location's stripe lock, the caller performs the
 * operation, end takes the location's order stamp and lets go, so the
 * stamps of the operations on one location (by instrumented code) follow
 * the order in which they took effect. Relaxed operations create no order
 * and do not end the thread's interval of accesses; every other order
 * does.
 *
 * A load that repeats what its thread recorded is merged, not written
 * (counted): it is first made without the lock, and only if it cannot be
 * merged made again between begin and end; so is a compare-exchange that
 * would fail (a load of what it sees: tsan_abi.c). A location's own order group
 * counts its stores (stored), marked STORING from begin to end, so a
 * lock-free load that read a store's value sees that the location was
 * stored. */
#include "tsan_record.h"

#include <sched.h>

#include "emit.h"
#include "tsan_thread.h"

#define RECORD_API __attribute__((visibility("protected")))
#define STRIPES 1024u
#define MO_RELAXED 0

/* One cache line each: locations hashed to different stripes never share one. */
static struct {
	atomic_flag busy;
	char pad[64 - sizeof(atomic_flag)];
} stripes[STRIPES] __attribute__((aligned(64)));

static inline uint32_t stripe_of(uint64_t addr)
{
	return (uint32_t)(((addr >> 3) * 0x9E3779B97F4A7C15ull) >> 54) % STRIPES;
}

/* The holder only performs one instruction and takes a stamp: short waits,
 * but it may have been preempted. */
static void stripe_lock(uint32_t i)
{
	unsigned spins = 0;
	while (atomic_flag_test_and_set_explicit(&stripes[i].busy, memory_order_acquire)) {
		if (++spins % 128 == 0)
			sched_yield();
		else
			__builtin_ia32_pause();
	}
}

/* A location's store count while an operation that may store holds it. */
#define STORING UINT64_MAX

/* Order group G if it is its location's own, else NULL. */
static inline struct trace_order *own_order(uint32_t g)
{
	return g < TRACE_GROUPS_PRIVATE ? &shim.writer.order[g] : NULL;
}

/* begin's token for end: the stripe held (+ 1, 0 = nothing to record) and
 * the location's order group, looked up once. */
#define TOKEN(stripe, g) ((uint64_t)(g) << 32 | ((stripe) + 1))
#define TOKEN_STRIPE(token) ((uint32_t)(token) - 1)
#define TOKEN_GROUP(token) ((uint32_t)((token) >> 32))

/* The thread stays "in the shim" from begin to end: a signal handler's
 * atomic operation there is performed but not recorded, never waiting for
 * a stripe its own thread holds. Until the end says what the operation
 * was, the location's store count says STORING, published before the
 * operation: a load made without the stripe (tsan_record_load_merged) that
 * reads what it stores is never merged. */
RECORD_API uint64_t tsan_record_atomic_begin(const volatile void *addr)
{
	struct shim_thread *t = tsan_thread_of_caller();
	if (!t || t->tsan->ignore_sync)
		return 0;
	t->in_shim++;
	atomic_signal_fence(memory_order_seq_cst);
	uint32_t i = stripe_of((uintptr_t)addr);
	stripe_lock(i);
	uint32_t g = trace_stream_group(&t->stream, (uintptr_t)addr);
	struct trace_order *o = own_order(g);
	if (o) {
		t->tsan->stored_before = atomic_load_explicit(&o->stored, memory_order_relaxed);
		atomic_store_explicit(&o->stored, STORING, memory_order_relaxed);
		atomic_thread_fence(memory_order_release);
	}
	return TOKEN(i, g);
}

/* The load being ended, as the thread's last load would say it. */
static struct tsan_last_load load_of(const struct tsan_thread *ts, uint64_t key, uintptr_t pc,
				     unsigned op, int mo, unsigned size)
{
	uint32_t d = ts->hot.depth;
	uint64_t where = tsan_hot_mix(d ? ts->hot.frames[d - 1].hash : TSAN_HASH_SEED, pc ^ 1);
	return (struct tsan_last_load){ .key = key, .where = where, .op = op, .size = size, .mo = mo };
}

/* Whether load L (not yet stamped, its stripe held) repeats the thread's
 * last atomic record: the same load from the same place, nothing written
 * by the thread since (no record, no access) and no store on the location
 * since (its group is the location's own, and every store on it is
 * stamped under the same stripe). It then reads from the same store, so it
 * acquires what that load did and races with what it races with. A spin
 * on a flag is one record, not millions. */
static bool repeats_last_load(const struct shim_thread *t, const struct tsan_last_load *l,
			      uint64_t stored)
{
	const struct tsan_last_load *last = &t->tsan->last_load;
	return last->end == t->stream.pos && !t->tsan->batch.count_at && last->key == l->key &&
	       last->where == l->where && last->op == l->op && last->mo == l->mo &&
	       last->size == l->size && stored < last->seq;
}

static struct tsan_acquired *acquired_slot(struct tsan_thread *ts, uint64_t key)
{
	return &ts->acquired[((key >> 3) * 0x9E3779B97F4A7C15ull) >> (64 - TSAN_ACQUIRED_BITS)];
}

/* Whether an acquire load of KEY, whose location's store count is STORED,
 * can acquire nothing new: the thread's last recorded acquire load of it
 * saw the same count, so no store or read-modify-write changed what the
 * location releases since, and the thread's clock holds it already. It
 * is then kept as an access only (TRACE_ACCESS_ATOMIC: merged in the
 * interval as reads are), which races with plain accesses and orders
 * nothing: only the order of the location's own atomic operations is
 * lost, never a race. Read-heavy lock-free structures (a skip list's next
 * pointers) and flags polled between work are records no more. */
static bool acquires_nothing_new(struct tsan_thread *ts, uint64_t key, int mo, uint64_t stored)
{
	const struct tsan_acquired *a = acquired_slot(ts, key);
	return trace_mo_acquires((uint64_t)mo) && a->key == key && a->stored == stored;
}

/* Whether load L of key by T's thread acquires nothing it has not. */
enum load_merge {
	LOAD_RECORDED,   /* no: an `atomic` record */
	LOAD_REPEATS,    /* it repeats the thread's last record, with no store since */
	LOAD_AN_ACCESS,  /* the location's stores (STORED) are those its last acquire
	                    load read: an atomic read access */
};

static enum load_merge load_merges(const struct shim_thread *t, const struct tsan_last_load *l,
				   uint64_t key, int mo, uint64_t stored)
{
	return repeats_last_load(t, l, stored) ? LOAD_REPEATS
	       : acquires_nothing_new(t->tsan, key, mo, stored) ? LOAD_AN_ACCESS : LOAD_RECORDED;
}

/* A merged load: counted, and its interval owed, so that the thread's next
 * record (its end among them) adds the count (tsan_flush). */
static inline void count_merged(struct shim_thread *t)
{
	t->tsan->loads_merged++;
	t->stream.owed = true;
}

RECORD_API bool tsan_record_load_merged(uintptr_t pc, const volatile void *addr, unsigned op,
					int mo, unsigned size)
{
	struct shim_thread *t = shim_tls;
	if (atomic_load_explicit(&shim.state, memory_order_relaxed) != SHIM_ACTIVE)
		return true;   /* nothing records */
	if (!t || t == SHIM_THREAD_GONE || !t->tsan || t->tsan->owner != t || t->in_shim)
		return false;  /* begin and end decide (and make the thread's state) */
	if (t->tsan->ignore_sync)
		return true;   /* inside an annotated lock: orders nothing */
	/* the program's load came first: if it read what a store wrote, the
	 * store's mark (STORING, then its stamp) is seen now */
	atomic_thread_fence(memory_order_acquire);
	t->in_shim++;
	atomic_signal_fence(memory_order_seq_cst);
	struct tsan_thread *ts = t->tsan;
	uint64_t key = (uintptr_t)addr;
	struct trace_order *o = own_order(trace_stream_group(&t->stream, key));
	enum load_merge merged = LOAD_RECORDED;
	if (o) {
		uint64_t stored = atomic_load_explicit(&o->stored, memory_order_relaxed);
		struct tsan_last_load l = load_of(ts, key, pc, op, mo, size);
		merged = load_merges(t, &l, key, mo, stored);
		if (merged)
			count_merged(t);
	}
	atomic_signal_fence(memory_order_seq_cst);
	t->in_shim--;
	if (merged == LOAD_AN_ACCESS)
		tsan_access(t, pc, key, size, TRACE_ACCESS_ATOMIC);
	return merged != LOAD_RECORDED;
}

RECORD_API void tsan_record_atomic_end(uint64_t token, uintptr_t pc, const volatile void *addr,
				       unsigned op, int mo, unsigned size)
{
	if (!token)
		return;
	struct shim_thread *t = shim_tls;
	struct tsan_thread *ts = t->tsan;
	uint64_t key = (uintptr_t)addr;
	uint32_t g = TOKEN_GROUP(token);
	bool load = op == TRACE_ATOMIC_LOAD || op == TRACE_ATOMIC_CAS_FAIL;
	/* merged only on a location's own group: every store on it is counted
	 * under the same stripe */
	struct trace_order *o = own_order(g);
	uint64_t stored = o ? ts->stored_before : 0;
	struct tsan_last_load l = load ? load_of(ts, key, pc, op, mo, size) : (struct tsan_last_load){ 0 };
	enum load_merge merged = load && o ? load_merges(t, &l, key, mo, stored) : LOAD_RECORDED;
	if (merged) {
		atomic_store_explicit(&o->stored, stored, memory_order_relaxed);
		atomic_flag_clear_explicit(&stripes[TOKEN_STRIPE(token)].busy, memory_order_release);
		count_merged(t);
		atomic_signal_fence(memory_order_seq_cst);
		t->in_shim--;
		if (merged == LOAD_AN_ACCESS)
			tsan_access(t, pc, key, size, TRACE_ACCESS_ATOMIC);
		return;
	}
	uint64_t seq = trace_writer_stamp_group(&shim.writer, g);
	if (o)
		atomic_store_explicit(&o->stored, load ? stored : seq, memory_order_relaxed);
	atomic_flag_clear_explicit(&stripes[TOKEN_STRIPE(token)].busy, memory_order_release);
	struct trace_rec rec = {
		.op = TRACE_OP_ATOMIC, .tick = trace_writer_tick(&shim.writer), .key = key,
		.seq = seq,
		.args = { op | (ts->hot.ignore ? TRACE_ATOMIC_UNCHECKED : 0u), (uint64_t)(unsigned)mo, size },
	};
	atomic_signal_fence(memory_order_seq_cst);
	tsan_write(t, &rec, pc, mo != MO_RELAXED);
	/* still in the shim: a signal handler's record cannot come between */
	l.seq = seq;
	l.end = load ? t->stream.pos : NULL;
	ts->last_load = l;
	if (load && o && trace_mo_acquires((uint64_t)mo))
		*acquired_slot(ts, key) = (struct tsan_acquired){ key, stored };
	atomic_signal_fence(memory_order_seq_cst);
	t->in_shim--;
}

void tsan_sync_after_fork(void)
{
	if (!atomic_load_explicit(&tsan_on, memory_order_relaxed))
		return;  /* never touched: its pages stay unmapped */
	for (uint32_t i = 0; i < STRIPES; i++)
		atomic_flag_clear_explicit(&stripes[i].busy, memory_order_relaxed);
}

RECORD_API void tsan_record_fence(uintptr_t pc, int mo)
{
	struct shim_thread *t = tsan_thread_of_caller();
	if (!t || t->tsan->ignore_sync)
		return;
	struct trace_rec rec = {
		.op = TRACE_OP_FENCE, .tick = trace_writer_tick(&shim.writer),
		.args = { (uint64_t)(unsigned)mo },
	};
	tsan_write(t, &rec, pc, mo != MO_RELAXED);
}

RECORD_API void tsan_record_annotate(uintptr_t pc, unsigned kind, const volatile void *addr,
				     size_t size, const char *name)
{
	struct shim_thread *t = tsan_thread_of_caller();
	if (!t || (t->tsan->ignore_sync && (kind == TRACE_ANN_HAPPENS_BEFORE ||
					    kind == TRACE_ANN_HAPPENS_AFTER)))
		return;
	struct trace_rec rec = {
		.op = TRACE_OP_ANNOTATE, .tick = trace_writer_tick(&shim.writer),
		.args = { kind, (uintptr_t)addr, size }, .str = name,
	};
	tsan_write(t, &rec, pc, true);
}
