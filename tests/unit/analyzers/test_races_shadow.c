/* SPDX-License-Identifier: MIT */
/* test_races_shadow.c - what the per-address state finds: byte-exact
 * overlaps, sizes and unaligned accesses, ranges, free() and heap blocks,
 * races far apart in time, one report per pair of code sites, gaps that
 * never make races, races on sync objects, the locks held, and the same
 * races whatever the number of parts. */
#include <stdio.h>
#include <string.h>

#include "race_test.h"
#include "races.h"
#include "report_resolve.h"

static size_t two_writes(uint64_t a1, uint64_t n1, uint64_t a2, uint64_t n2)
{
	struct rt x;
	rt_init(&x);
	rt_write(&x, x.t1, a1, n1, x.s1);
	rt_write(&x, x.t2, a2, n2, x.s2);
	return rt_count(&x);
}

static void test_bytes(void **state)
{
	(void)state;
	assert_int_equal(two_writes(RT_X, 1, RT_X + 1, 1), 0);      /* adjacent bytes */
	assert_int_equal(two_writes(RT_X, 4, RT_X + 3, 1), 1);
	assert_int_equal(two_writes(RT_X, 4, RT_X + 4, 4), 0);      /* struct fields */
	assert_int_equal(two_writes(RT_X, 2, RT_X + 1, 2), 1);
	assert_int_equal(two_writes(RT_X, 8, RT_X, 8), 1);
	assert_int_equal(two_writes(RT_X, 16, RT_X + 12, 4), 1);   /* 16-byte */
	assert_int_equal(two_writes(RT_X + 5, 8, RT_X + 12, 1), 1); /* unaligned, across words */
	assert_int_equal(two_writes(RT_X + 5, 8, RT_X + 13, 1), 0);
	assert_int_equal(two_writes(RT_X, 100, RT_X + 64, 4), 1);  /* a range */
	/* reads do not race with reads */
	struct rt x;
	rt_init(&x);
	rt_read(&x, x.t1, RT_X, 4, x.s1);
	rt_read(&x, x.t2, RT_X, 4, x.s2);
	assert_int_equal(rt_count(&x), 0);
}

/* At its memory limit the analysis tracks no new memory: a race on a word
 * it tracked already is still found; one on memory first met past the
 * limit is not, and the report says how many accesses went unchecked. */
static void test_memory_limit(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	rt_write(&x, x.t1, RT_X, 4, x.s1);           /* its page: the first slab */
	rt_write(&x, x.t1, RT_X + (1 << 20), 4, x.s1);  /* past the limit */
	rt_write(&x, x.t2, RT_X, 4, x.s2);
	rt_write(&x, x.t2, RT_X + (1 << 20), 4, x.s2);
	struct report r;
	report_init(&r);
	struct analysis_options opt = { .race_parts = 1, .race_memory = 1 };
	const struct analyzer *a = &analyzer_races;
	void *s = a->begin(&x.t.cat, &opt);
	for (size_t i = 0; i < x.t.nev; i++)
		a->feed(s, &x.t.ev[i]);
	a->finish(s, &r);
	a->free(s);
	assert_int_equal(r.nraces, 1);
	assert_int_equal(r.races[0].address, RT_X);
	assert_int_equal(r.nnotes, 1);
	assert_non_null(strstr(r.notes[0], "2 accesses to memory it was not tracking yet"));
	rt_release(&x, &r);
}

/* The race's address and sizes: the overlap, each access its own. */
static void test_race_fields(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint32_t m1 = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	uint32_t m2 = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601140);
	fake_lock(&x.t, x.t1, m1, 0);
	rt_write(&x, x.t1, RT_X + 2, 2, x.s1)->ts_ns = 7000000;
	fake_unlock(&x.t, x.t1, m1, 0);
	fake_lock(&x.t, x.t2, m2, 0);
	rt_read(&x, x.t2, RT_X, 8, x.s2);
	fake_unlock(&x.t, x.t2, m2, 0);
	struct report r;
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	const struct report_race *k = &r.races[0];
	assert_int_equal(k->kind, REPORT_RACE_DATA);
	assert_int_equal(k->address, RT_X + 2);
	assert_int_equal(k->size, 2);
	assert_int_equal(k->accesses[0].thread, x.t2);
	assert_false(k->accesses[0].write);
	assert_int_equal(k->accesses[0].address, RT_X);
	assert_int_equal(k->accesses[0].size, 8);
	assert_int_equal(k->accesses[0].stack, x.s2);
	assert_int_equal(k->accesses[0].nlocks_held, 1);
	assert_int_equal(k->accesses[0].locks_held[0], m2);
	assert_int_equal(k->accesses[1].thread, x.t1);
	assert_true(k->accesses[1].write);
	assert_int_equal(k->accesses[1].address, RT_X + 2);
	assert_int_equal(k->accesses[1].size, 2);
	assert_int_equal(k->accesses[1].ts_ns, 7000000);
	assert_int_equal(k->accesses[1].nlocks_held, 1);
	assert_int_equal(k->accesses[1].locks_held[0], m1);
	rt_release(&x, &r);
}

/* A race's size is every byte both accesses touch, across words: a
 * 16-byte access, an unaligned one, a range. */
static uint32_t race_size(uint64_t a1, uint64_t n1, uint64_t a2, uint64_t n2, uint64_t *addr)
{
	struct rt x;
	rt_init(&x);
	rt_write(&x, x.t1, a1, n1, x.s1);
	rt_read(&x, x.t2, a2, n2, x.s2);
	struct report r;
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	uint32_t size = r.races[0].size;
	*addr = r.races[0].address;
	rt_release(&x, &r);
	return size;
}

static void test_race_size(void **state)
{
	(void)state;
	uint64_t addr;
	assert_int_equal(race_size(RT_X, 16, RT_X, 16, &addr), 16);
	assert_int_equal(addr, RT_X);
	assert_int_equal(race_size(RT_X, 16, RT_X + 4, 8, &addr), 8);   /* across the words */
	assert_int_equal(addr, RT_X + 4);
	assert_int_equal(race_size(RT_X + 5, 8, RT_X, 16, &addr), 8);   /* unaligned */
	assert_int_equal(addr, RT_X + 5);
	assert_int_equal(race_size(RT_X, 100, RT_X + 60, 20, &addr), 20);   /* ranges */
	assert_int_equal(addr, RT_X + 60);
	assert_int_equal(race_size(RT_X, 20, RT_X + 16, 8, &addr), 4);
	assert_int_equal(addr, RT_X + 16);
}

/* No eviction: a write is remembered however many accesses come after. */
static void test_far_apart(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	for (uint64_t i = 0; i < 20000; i++) {
		rt_write(&x, x.t1, 0x700000 + 8 * i, 8, x.s3);
		rt_read(&x, i % 2 ? x.t1 : 0, RT_X + 4, 4, x.s3);
	}
	rt_write(&x, x.t2, RT_X, 4, x.s2);
	assert_int_equal(rt_count(&x), 1);
}

/* One report per pair of code sites, unordered; another pair is another. */
static void test_dedup(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	for (uint64_t i = 0; i < 10; i++) {
		rt_write(&x, x.t1, RT_X + 8 * i, 8, x.s1);
		rt_write(&x, x.t2, RT_X + 8 * i, 8, x.s2);
	}
	rt_write(&x, x.t1, RT_X + 800, 8, x.s2);
	rt_write(&x, x.t2, RT_X + 800, 8, x.s1);   /* the same pair the other way */
	rt_write(&x, x.t1, RT_X + 900, 8, x.s1);
	rt_write(&x, x.t2, RT_X + 900, 8, x.s3);   /* another pair */
	assert_int_equal(rt_count(&x), 2);
}

/* free() is a write to its whole block, checked then forgotten; a block
 * allocated again at the same address is a new object. */
static void test_heap_free(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint64_t blk = 0x10000040;
	uint32_t s_alloc = fake_stack(&x.t, 0x405000, 2);
	fake_alloc(&x.t, 0, blk, 40, s_alloc);
	rt_write(&x, x.t1, blk + 12, 4, x.s1);
	fake_access(&x.t, x.t2, blk, 0, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, x.s2);
	struct report r;
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	const struct report_race *k = &r.races[0];
	assert_int_equal(k->location, REPORT_LOCATION_HEAP);
	assert_int_equal(k->block, blk);
	assert_int_equal(k->block_size, 40);
	assert_int_equal(k->block_stack, s_alloc);
	assert_int_equal(k->block_thread, 0);
	assert_int_equal(k->offset, 12);
	assert_int_equal(k->accesses[0].flags & TRACE_ACCESS_FREE, TRACE_ACCESS_FREE);
	assert_int_equal(k->accesses[0].size, 40);
	assert_true(k->block_freed);   /* by the race's own access */
	assert_int_equal(k->free_thread, x.t2);
	assert_int_equal(k->free_stack, x.s2);
	rt_release(&x, &r);

	/* use after an unordered free: the freed block is named, with its free */
	rt_init(&x);
	s_alloc = fake_stack(&x.t, 0x405000, 2);
	fake_alloc(&x.t, 0, blk, 40, s_alloc);
	fake_access(&x.t, x.t1, blk, 40, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, x.s1);
	rt_read(&x, x.t2, blk + 8, 4, x.s2);
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	k = &r.races[0];
	assert_int_equal(k->location, REPORT_LOCATION_HEAP);
	assert_int_equal(k->block, blk);
	assert_int_equal(k->block_size, 40);
	assert_int_equal(k->block_stack, s_alloc);
	assert_int_equal(k->offset, 8);
	assert_int_equal(k->size, 4);
	assert_true(k->block_freed);
	assert_int_equal(k->free_thread, x.t1);
	assert_int_equal(k->free_stack, x.s1);
	rt_release(&x, &r);

	/* a block never seen allocated (made before the trace, or by an
	 * allocation not recorded): its free proves nothing */
	rt_init(&x);
	rt_write(&x, x.t1, blk + 8, 4, x.s1);
	fake_access(&x.t, x.t2, blk, 40, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, x.s2);
	assert_int_equal(rt_count(&x), 0);

	/* a free covers the allocator's usable size (40), the block is what
	 * the program asked for (16): the tail of two blocks made one after
	 * the other at one address is nobody's */
	rt_init(&x);
	fake_alloc(&x.t, x.t1, blk, 16, s_alloc);
	fake_access(&x.t, x.t1, blk, 40, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, x.s1);
	fake_alloc(&x.t, x.t2, blk, 16, s_alloc);
	fake_access(&x.t, x.t2, blk, 40, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, x.s2);
	assert_int_equal(rt_count(&x), 0);

	/* freed, allocated again by the other thread: no race with the old */
	rt_init(&x);
	fake_alloc(&x.t, x.t1, blk, 40, s_alloc);
	rt_write(&x, x.t1, blk + 8, 4, x.s1);
	fake_access(&x.t, x.t1, blk, 40, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, x.s1);
	fake_alloc(&x.t, x.t2, blk, 16, s_alloc);
	rt_write(&x, x.t2, blk + 8, 4, x.s2);
	assert_int_equal(rt_count(&x), 0);
}

/* An address just below a thread's pthread_t is on its stack (glibc). */
static void test_stack_location(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint64_t h = x.t.cat.threads[x.t1].handle;
	rt_write(&x, x.t1, h - 0x200, 4, x.s1);
	rt_write(&x, x.t2, h - 0x200, 4, x.s2);
	struct report r;
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	assert_int_equal(r.races[0].location, REPORT_LOCATION_STACK);
	assert_int_equal(r.races[0].stack_thread, x.t1);
	rt_release(&x, &r);
}

/* With recorded stack bounds (THREAD_STACK): the thread whose stack holds
 * the address, the main thread's too; a stack reused by a later thread is
 * that thread's; a freed block's memory that a thread started since uses
 * as its stack is that stack, not the block. */
static void test_stack_bounds(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint64_t top = 0x7ffc00000000ull;
	x.t.cat.threads[0].stack_lo = top - (8u << 20);
	x.t.cat.threads[0].stack_hi = top;
	rt_write(&x, x.t1, top - 0x1e4, 4, x.s1);
	rt_read(&x, x.t2, top - 0x1e4, 4, x.s2);
	struct report r;
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	assert_int_equal(r.races[0].location, REPORT_LOCATION_STACK);
	assert_int_equal(r.races[0].stack_thread, 0);
	assert_int_equal(r.races[0].stack_lo, top - (8u << 20));
	assert_int_equal(r.races[0].stack_hi, top);
	rt_release(&x, &r);

	/* t1 ended; t3 got its stack */
	rt_init(&x);
	uint64_t lo = 0x7f0000200000ull, hi = 0x7f0000a00000ull;
	x.t.cat.threads[x.t1].stack_lo = lo;
	x.t.cat.threads[x.t1].stack_hi = hi;
	rt_write(&x, x.t1, hi - 0x100, 4, x.s1);
	an_end_thread(&x.t, x.t1);
	x.t.cat.threads[x.t1].ended = true;
	uint32_t t3 = an_spawn(&x.t, 0, "w3");
	x.t.cat.threads[t3].stack_lo = lo;
	x.t.cat.threads[t3].stack_hi = hi;
	rt_write(&x, t3, hi - 0x200, 4, x.s3);
	rt_read(&x, x.t2, hi - 0x200, 4, x.s2);
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	assert_int_equal(r.races[0].location, REPORT_LOCATION_STACK);
	assert_int_equal(r.races[0].stack_thread, t3);
	rt_release(&x, &r);

	/* a large block freed, its memory then t3's stack */
	rt_init(&x);
	uint32_t s_alloc = fake_stack(&x.t, 0x405000, 2);
	fake_alloc(&x.t, 0, lo, hi - lo, s_alloc);
	fake_access(&x.t, 0, lo, hi - lo, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, s_alloc);
	t3 = an_spawn(&x.t, 0, "w3");
	x.t.cat.threads[t3].stack_lo = lo;
	x.t.cat.threads[t3].stack_hi = hi;
	rt_write(&x, t3, hi - 0x200, 4, x.s3);
	rt_read(&x, x.t2, hi - 0x200, 4, x.s2);
	rt_report(&x, &r);
	assert_true(r.nraces >= 1);
	for (size_t i = 0; i < r.nraces; i++) {
		assert_int_equal(r.races[i].location, REPORT_LOCATION_STACK);
		assert_int_equal(r.races[i].stack_thread, t3);
		assert_false(r.races[i].block_freed);
	}
	rt_release(&x, &r);
}

/* A local's name comes from the symbol source, asked only with a stack
 * of the thread whose stack holds it and that thread's start-routine
 * frame (THREAD_ROOT); a race between two other threads names none. */
struct sv_ctx {
	int calls;
	uint64_t root[3], pc0, addr;
};

static const char *fake_stack_variable(void *ctx, uint32_t process, const uint64_t *pcs, size_t n,
				       const uint64_t root[3], uint64_t addr, const char **function)
{
	struct sv_ctx *c = ctx;
	(void)process;
	c->calls++;
	memcpy(c->root, root, sizeof c->root);
	c->pc0 = n ? pcs[0] : 0;
	c->addr = addr;
	*function = "worker";
	return "buf[1]";
}

static void sv_setup(struct rt *x, uint64_t lo, uint64_t hi)
{
	rt_init(x);
	struct trace_thread *th = &x->t.cat.threads[x->t1];
	th->stack_lo = lo;
	th->stack_hi = hi;
	th->root_cfa = hi - 0x40;
	th->root_ret = 0x7f0000500010ull;
	th->root_fn = 0x401000;
}

static void test_stack_variable(void **state)
{
	(void)state;
	uint64_t lo = 0x7f0000200000ull, hi = 0x7f0000a00000ull;
	struct rt x;
	sv_setup(&x, lo, hi);
	rt_write(&x, x.t1, hi - 0x100, 4, x.s1);
	rt_read(&x, x.t2, hi - 0x100, 4, x.s2);
	struct report r;
	rt_report(&x, &r);
	struct sv_ctx c = { 0 };
	struct report_symbols sym = { .ctx = &c, .stack_variable = fake_stack_variable };
	report_resolve(&r, &x.t.cat, &sym);
	assert_int_equal(r.nraces, 1);
	assert_int_equal(r.races[0].location, REPORT_LOCATION_STACK);
	assert_string_equal(r.races[0].symbol, "buf[1]");
	assert_string_equal(r.races[0].function, "worker");
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.root[0], hi - 0x40);
	assert_int_equal(c.root[1], 0x7f0000500010ull);
	assert_int_equal(c.root[2], 0x401000);
	assert_int_equal(c.pc0, 0x402000);   /* t1's stack, s1 */
	assert_int_equal(c.addr, hi - 0x100);
	rt_release(&x, &r);

	sv_setup(&x, lo, hi);
	rt_write(&x, 0, hi - 0x100, 4, x.s1);
	rt_read(&x, x.t2, hi - 0x100, 4, x.s2);
	rt_report(&x, &r);
	c = (struct sv_ctx){ 0 };
	report_resolve(&r, &x.t.cat, &sym);
	assert_int_equal(r.nraces, 1);
	assert_int_equal(r.races[0].location, REPORT_LOCATION_STACK);
	assert_int_equal(r.races[0].stack_thread, x.t1);
	assert_null(r.races[0].symbol);
	assert_null(r.races[0].function);
	assert_int_equal(c.calls, 0);
	rt_release(&x, &r);
}

/* ---- gaps ---- */

static size_t gap_case(int where)
{
	struct rt x;
	rt_init(&x);
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	if (where == 3) {   /* an atomic location whose order lost an operation */
		uint32_t flag = fake_object(&x.t, TRACE_OBJ_ATOMIC, 0x601140);
		rt_write(&x, x.t1, RT_X, 4, x.s1);
		fake_atomic(&x.t, x.t2, flag, TRACE_ATOMIC_LOAD, 2, 4, x.s3)->obj_gap = TRACE_OBJ_GAP_BEFORE;
		rt_write(&x, x.t2, RT_X, 4, x.s2);
		/* a third thread acquiring it later gets what the hole may have released */
		uint32_t t3 = an_spawn(&x.t, 0, "w3");
		fake_atomic(&x.t, t3, flag, TRACE_ATOMIC_LOAD, 2, 4, x.s3);
		rt_write(&x, t3, RT_X + 4, 4, x.s3);
		rt_write(&x, x.t1, RT_X + 4, 4, x.s1);   /* after the hole: a race */
		return rt_count(&x);
	}
	if (where == 2) {
		rt_section(&x, x.t1, TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK, m, true, x.s1);
		/* t2's lock: an operation before it was lost */
		fake_lock(&x.t, x.t2, m, 0)->obj_gap = TRACE_OBJ_GAP_BEFORE;
		rt_write(&x, x.t2, RT_X, 4, x.s2);
		return rt_count(&x);
	}
	rt_write(&x, x.t1, RT_X, 4, x.s1);
	if (where == 0)
		fake_event(&x.t, x.t1, TRACE_OP_DROPPED, 0)->args[0] = 5;  /* t1 lost events after */
	if (where == 1)
		fake_event(&x.t, x.t2, TRACE_OP_DROPPED, 0)->args[0] = 5;  /* t2 lost events before */
	rt_write(&x, x.t2, RT_X, 4, x.s2);
	return rt_count(&x);
}

static void test_gaps(void **state)
{
	(void)state;
	assert_int_equal(gap_case(-1), 1);
	assert_int_equal(gap_case(0), 0);
	assert_int_equal(gap_case(1), 0);
	assert_int_equal(gap_case(2), 0);
	assert_int_equal(gap_case(3), 1);
}

/* ---- sync objects ---- */

static void test_object_init_race(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = 1;   /* built with ctrace cc: its order is all recorded */
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	uint32_t s_init = fake_stack(&x.t, 0x406000, 2);
	an_call(&x.t, x.t1, TRACE_OP_MUTEX_INIT, m, s_init, 0);
	rt_lock_unlock(&x.t, x.t2, m, x.s2);
	struct report r;
	rt_report(&x, &r);
	assert_int_equal(r.nraces, 1);
	const struct report_race *k = &r.races[0];
	assert_int_equal(k->kind, REPORT_RACE_OBJECT);
	assert_int_equal(k->object, m);
	assert_int_equal(k->location, REPORT_LOCATION_OBJECT);
	assert_int_equal(k->address, 0x601100);
	assert_int_equal(k->accesses[0].op, TRACE_OP_MUTEX_LOCK);
	assert_false(k->accesses[0].write);
	assert_int_equal(k->accesses[0].nlocks_held, 0);   /* not the lock it takes */
	assert_int_equal(k->accesses[1].op, TRACE_OP_MUTEX_INIT);
	assert_true(k->accesses[1].write);
	assert_true(k->size > 0);
	rt_release(&x, &r);

	/* initialized before the thread was created: ordered */
	fake_trace_init(&x.t);
	m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	an_call(&x.t, 0, TRACE_OP_MUTEX_INIT, m, 0, 0);
	uint32_t w = an_spawn(&x.t, 0, "w");
	rt_lock_unlock(&x.t, w, m, 0);
	an_end_thread(&x.t, w);
	an_join(&x.t, 0, w);
	an_call(&x.t, 0, TRACE_OP_MUTEX_DESTROY, m, 0, 0);
	assert_int_equal(rt_count(&x), 0);
}

/* A lock freed with its heap block (no destroy: a std::mutex) while
 * another thread's use of it is unordered with the free: a race, when the
 * program's own code freed it (FREED's arg 2); not when a library did
 * (its own atomics, unseen, may order the free), nor once ordered. */
static size_t freed_lock(bool program_freed, bool ordered)
{
	struct rt x;
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = 1;
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	rt_lock_unlock(&x.t, x.t1, m, x.s1);
	if (ordered)
		rt_lock_unlock(&x.t, x.t2, m, x.s2);
	struct trace_event *e = fake_event(&x.t, x.t2, TRACE_OP_FREED, 0);
	e->args[0] = 0x6010f0;
	e->args[1] = 64;
	e->args[2] = program_freed;
	e->stack = x.s2;
	return rt_count(&x);
}

static void test_object_freed(void **state)
{
	(void)state;
	assert_int_equal(freed_lock(true, false), 1);
	assert_int_equal(freed_lock(false, false), 0);
	assert_int_equal(freed_lock(true, true), 0);
}

/* A lock whose block a library freed (unchecked: its own atomics may
 * order the free) is gone all the same: another thread's program free of
 * a block made at the same place later (glibc's copy of a thread's
 * attributes, freed as the thread starts) does not end it again, and is
 * no race with the lock's last use (marl's unit tests, one run in three). */
static void test_object_gone_with_unchecked_free(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = 1;
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	rt_lock_unlock(&x.t, x.t1, m, x.s1);
	struct trace_event *e = fake_event(&x.t, x.t1, TRACE_OP_FREED, 0);
	e->args[0] = 0x6010f0, e->args[1] = 64, e->args[2] = 0;   /* a library's */
	e = fake_event(&x.t, x.t2, TRACE_OP_FREED, 0);
	e->args[0] = 0x601100, e->args[1] = 32, e->args[2] = 1;   /* the program's */
	e->stack = x.s2;
	assert_int_equal(rt_count(&x), 0);
}

/* Without instrumented code, the program may order its threads by what
 * the trace does not see (a plain flag a thread spins on): an init and a
 * use race only when the calls overlapped in time. */
static void test_object_race_uninstrumented(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	an_call(&x.t, x.t1, TRACE_OP_MUTEX_INIT, m, 0, 0);
	rt_lock_unlock(&x.t, x.t2, m, x.s2);          /* after it, maybe ordered */
	assert_int_equal(rt_count(&x), 0);
	rt_init(&x);
	m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	fake_begin(&x.t, x.t2, TRACE_OP_MUTEX_LOCK, m);   /* t2's lock call began... */
	an_call(&x.t, x.t1, TRACE_OP_MUTEX_INIT, m, 0, 0);
	struct trace_event *e = fake_lock(&x.t, x.t2, m, x.s2);   /* ...and ended after */
	e->had_begin = 1;
	e->begin_ns = x.t.ev[x.t.nev - 3].ts_ns;
	assert_int_equal(rt_count(&x), 1);
}

/* A condition variable destroyed after its broadcast, while the woken
 * waiter returns from its wait (legal): its use was the wait's start,
 * before the broadcaster took the mutex. */
static void test_cond_destroy_after_broadcast(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	uint32_t c = fake_object(&x.t, TRACE_OBJ_COND, 0x601200);
	fake_lock(&x.t, x.t1, m, x.s1);
	fake_begin(&x.t, x.t1, TRACE_OP_COND_WAIT, c)->obj2 = m;
	fake_event(&x.t, x.t1, TRACE_OP_COND_RELEASE, m)->obj2 = c;
	fake_lock(&x.t, x.t2, m, x.s2);
	fake_event(&x.t, x.t2, TRACE_OP_COND_BROADCAST, c);
	fake_unlock(&x.t, x.t2, m, x.s2);
	fake_event(&x.t, x.t1, TRACE_OP_COND_REACQUIRE, m)->obj2 = c;
	struct trace_event *e = fake_event(&x.t, x.t1, TRACE_OP_COND_WAIT, c);
	e->obj2 = m;
	e->had_begin = 1;
	fake_unlock(&x.t, x.t1, m, x.s1);
	an_call(&x.t, x.t2, TRACE_OP_COND_DESTROY, c, x.s2, 0);
	assert_int_equal(rt_count(&x), 0);
}

/* A waiter woken by a signal destroys the condition at once. Sent after
 * the signaller's unlock, the signal may still be running: the wake
 * orders what came before the call, not the call (a race). Sent holding
 * the mutex, the unlock after it orders it before the waiter's return. */
static size_t cond_destroy_after_signal(bool under_lock)
{
	struct rt x;
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = 1;   /* its order all recorded */
	uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	uint32_t c = fake_object(&x.t, TRACE_OBJ_COND, 0x601200);
	fake_lock(&x.t, x.t1, m, x.s1);
	fake_begin(&x.t, x.t1, TRACE_OP_COND_WAIT, c)->obj2 = m;
	fake_event(&x.t, x.t1, TRACE_OP_COND_RELEASE, m)->obj2 = c;
	fake_lock(&x.t, x.t2, m, x.s2);
	if (under_lock)
		fake_event(&x.t, x.t2, TRACE_OP_COND_SIGNAL, c);
	fake_unlock(&x.t, x.t2, m, x.s2);
	if (!under_lock)
		fake_event(&x.t, x.t2, TRACE_OP_COND_SIGNAL, c);
	fake_event(&x.t, x.t1, TRACE_OP_COND_REACQUIRE, m)->obj2 = c;
	struct trace_event *e = fake_event(&x.t, x.t1, TRACE_OP_COND_WAIT, c);
	e->obj2 = m;
	e->had_begin = 1;
	fake_unlock(&x.t, x.t1, m, x.s1);
	an_call(&x.t, x.t1, TRACE_OP_COND_DESTROY, c, x.s1, 0);
	return rt_count(&x);
}

static void test_cond_destroy_after_signal(void **state)
{
	(void)state;
	assert_int_equal(cond_destroy_after_signal(false), 1);
	assert_int_equal(cond_destroy_after_signal(true), 0);
}

/* A lock destroyed (or just used) by one thread, its memory freed and
 * allocated again by another (untraced allocator), initialized there: a
 * new object, no race with the old one's uses; but a use of the new one
 * unordered with its init is one. */
static void test_object_reuse(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = 1;   /* its order all recorded */
	uint32_t old = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	rt_lock_unlock(&x.t, x.t1, old, x.s1);
	an_call(&x.t, x.t1, TRACE_OP_MUTEX_DESTROY, old, x.s1, 0);
	uint32_t fresh = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	an_call(&x.t, x.t2, TRACE_OP_MUTEX_INIT, fresh, x.s2, 0);
	assert_int_equal(rt_count(&x), 0);
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = 1;   /* its order all recorded */
	old = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	rt_lock_unlock(&x.t, x.t1, old, x.s1);
	fresh = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	an_call(&x.t, x.t2, TRACE_OP_MUTEX_INIT, fresh, x.s2, 0);
	assert_int_equal(rt_count(&x), 0);
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = 1;   /* its order all recorded */
	old = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	an_call(&x.t, x.t1, TRACE_OP_MUTEX_DESTROY, old, x.s1, 0);
	fresh = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x601100);
	an_call(&x.t, x.t2, TRACE_OP_MUTEX_INIT, fresh, x.s2, 0);
	fake_lock(&x.t, 0, fresh, x.s3);
	assert_int_equal(rt_count(&x), 1);
}

/* A named semaphore opened and closed by each thread: no init, no destroy. */
static void test_named_sem(void **state)
{
	(void)state;
	struct rt x;
	rt_init(&x);
	uint32_t sem = fake_object(&x.t, TRACE_OBJ_SEM, 0x7f0000200000ull);
	an_call(&x.t, x.t1, TRACE_OP_SEM_OPEN, sem, x.s1, 0);
	an_call(&x.t, x.t2, TRACE_OP_SEM_OPEN, sem, x.s2, 0);
	an_call(&x.t, x.t1, TRACE_OP_SEM_POST, sem, x.s1, 0);
	an_call(&x.t, x.t2, TRACE_OP_SEM_WAIT, sem, x.s2, 0);
	an_call(&x.t, x.t1, TRACE_OP_SEM_CLOSE, sem, x.s3, 0);
	assert_int_equal(rt_count(&x), 0);
}

/* A barrier destroyed while a thread may still be inside it: t1 leaves
 * it before the destroy in the trace, or (LEAVES_AFTER) after it, as it
 * does when the destroyer is the serial thread and t1 slept in the wait;
 * JOIN: t1 is joined before the destroy (no race). INSTRUMENTED: the
 * program's order is all recorded; else only a wait the destroy fell in
 * (it left after) certainly races. */
static size_t barrier_destroy(bool join, bool leaves_after, bool instrumented)
{
	struct rt x;
	rt_init(&x);
	x.t.cat.processes[0].accesses_seen = instrumented;
	uint32_t b = fake_object(&x.t, TRACE_OBJ_BARRIER, 0x601100);
	struct trace_event *arrive = fake_begin(&x.t, x.t1, TRACE_OP_BARRIER_WAIT, b);
	arrive->stack = x.s1;
	uint64_t arrived = arrive->ts_ns;
	fake_begin(&x.t, 0, TRACE_OP_BARRIER_WAIT, b)->stack = x.s2;
	fake_event(&x.t, 0, TRACE_OP_BARRIER_WAIT, b)->stack = x.s2;
	struct trace_event *leave;
	if (!leaves_after) {
		leave = fake_event(&x.t, x.t1, TRACE_OP_BARRIER_WAIT, b);
		leave->stack = x.s1;
		leave->begin_ns = arrived;
	}
	if (join) {
		an_end_thread(&x.t, x.t1);
		an_join(&x.t, 0, x.t1);
	}
	an_call(&x.t, 0, TRACE_OP_BARRIER_DESTROY, b, x.s3, 0);
	if (leaves_after) {
		leave = fake_event(&x.t, x.t1, TRACE_OP_BARRIER_WAIT, b);
		leave->stack = x.s1;
		leave->begin_ns = arrived;
	}
	return rt_count(&x);
}

static void test_barrier_destroy(void **state)
{
	(void)state;
	assert_int_equal(barrier_destroy(false, false, true), 1);
	assert_int_equal(barrier_destroy(false, true, true), 1);
	assert_int_equal(barrier_destroy(true, false, true), 0);
	assert_int_equal(barrier_destroy(false, false, false), 0);
	assert_int_equal(barrier_destroy(false, true, false), 1);
}

/* ---- parts ---- */

static void race_key(const struct report_race *k, char *buf, size_t size)
{
	snprintf(buf, size, "%d %llx %u %u/%u/%d/%llx %u/%u/%d/%llx block %llx+%llu", k->kind,
		 (unsigned long long)k->address, k->size, k->accesses[0].thread, k->accesses[0].stack,
		 k->accesses[0].write, (unsigned long long)k->accesses[0].address, k->accesses[1].thread,
		 k->accesses[1].stack, k->accesses[1].write, (unsigned long long)k->accesses[1].address,
		 (unsigned long long)k->block, (unsigned long long)k->block_size);
}

/* Worker w of 4 (threads th, holding held[]) unlocks the mutex it holds,
 * or locks mutex m if no other worker holds it. */
static void random_lock_step(struct fake_trace *t, const uint32_t th[4], uint32_t w, uint32_t held[4], uint32_t m)
{
	if (held[w]) {
		fake_unlock(t, th[w], held[w], 0);
		held[w] = 0;
		return;
	}
	for (uint32_t k = 0; k < 4; k++)
		if (held[k] == m)
			return;
	held[w] = m;
	fake_lock(t, th[w], m, 0);
}

/* A pseudo-random program: 4 workers, 3 mutexes, 64 sites, 300 bytes of
 * globals and 8 heap blocks made and freed again and again at the same
 * addresses, of sizes over one to nine pages of the parts' (each part
 * keeps the blocks on its pages: the blocks named must not depend on it). */
static void test_parts_equal(void **state)
{
	(void)state;
	struct fake_trace t;
	fake_trace_init(&t);
	uint32_t th[4], m[3], s[64];
	for (int i = 0; i < 4; i++)
		th[i] = an_spawn(&t, 0, "w");
	for (int i = 0; i < 3; i++)
		m[i] = fake_object(&t, TRACE_OBJ_MUTEX, 0x601100 + 0x40 * (uint64_t)i);
	for (int i = 0; i < 64; i++)
		s[i] = fake_stack(&t, 0x410000 + 0x100 * (uint64_t)i, 2);
	uint32_t held[4] = { 0 };
	uint64_t seed = 12345;
	for (int i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t r = (uint32_t)(seed >> 33);
		uint32_t w = r % 4;
		if (r % 7 == 0) {
			random_lock_step(&t, th, w, held, m[(r >> 4) % 3]);
			continue;
		}
		uint64_t heap = 0x10000000 + 0x1000 * ((r >> 9) % 8);
		if (r % 11 == 0) {   /* with a slack; the program's (written) or a library's */
			fake_alloc(&t, th[w], heap, 16 + (r >> 13) % 4096, s[(r >> 16) % 64])->args[2] =
				(uint64_t)((r >> 3) % 16) << 1 | ((r >> 7) & TRACE_ALLOC_INSTRUMENTED);
			continue;
		}
		if (r % 13 == 0) {
			fake_access(&t, th[w], heap, 0, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE,
				    s[(r >> 16) % 64]);
			continue;
		}
		uint64_t addr = (r >> 20) & 1 ? heap + (r >> 8) % 4096 : RT_X + (r >> 8) % 300;
		uint64_t size = 1u << ((r >> 5) % 4);
		fake_access(&t, th[w], addr, size, (r >> 12) & 1 ? TRACE_ACCESS_WRITE : 0, s[(r >> 16) % 64]);
	}
	struct report one, four;
	report_init(&one);
	report_init(&four);
	rt_run(&t, &one, 1);
	rt_run(&t, &four, 4);
	assert_true(one.nraces > 10);
	assert_int_equal(one.nraces, four.nraces);
	size_t in_blocks = 0;
	for (size_t i = 0; i < one.nraces; i++)
		in_blocks += one.races[i].block != 0;
	assert_true(in_blocks > 10);
	for (size_t i = 0; i < one.nraces; i++) {
		char a[256], b[256];
		race_key(&one.races[i], a, sizeof a);
		race_key(&four.races[i], b, sizeof b);
		assert_string_equal(a, b);
	}
	report_release(&one);
	report_release(&four);
	fake_trace_release(&t);
}

/* ---- uniform pages ---- */

/* A pseudo-random program on four 16 KiB buffers: whole and partial
 * ranges (block copies, read() and write() of buffers), small accesses,
 * blocks made over the buffers and freed, locks. Pages kept uniform must
 * find exactly the races that words kept one by one find. */
static void uniform_case(struct fake_trace *t, uint64_t seed)
{
	fake_trace_init(t);
	uint32_t th[4], m[3], s[16];
	for (int i = 0; i < 4; i++)
		th[i] = an_spawn(t, 0, "w");
	for (int i = 0; i < 3; i++)
		m[i] = fake_object(t, TRACE_OBJ_MUTEX, 0x601100 + 0x40 * (uint64_t)i);
	for (int i = 0; i < 16; i++)
		s[i] = fake_stack(t, 0x410000 + 0x100 * (uint64_t)i, 2);
	uint32_t held[4] = { 0 };
	for (int i = 0; i < 6000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t r = (uint32_t)(seed >> 33), w = r % 4;
		uint64_t buf = 0x20000000 + 0x8000 * (uint64_t)((r >> 2) % 4);
		/* most accesses a site of their own: each of their races is
		 * reported, not only the first of its pair of sites */
		uint32_t site = (r >> 16) % 4 ? fake_stack(t, 0x500000 + 0x10 * (uint64_t)i, 2) : s[(r >> 18) % 16];
		unsigned what = (r >> 4) % 16;
		if (what < 3) {
			random_lock_step(t, th, w, held, m[(r >> 8) % 3]);
		} else if (what == 3) {   /* a block over the buffer, or part of it */
			uint64_t at = (r >> 9) & 1 ? buf : buf + 512 * ((r >> 10) % 8) + 8 * ((r >> 13) % 3);
			fake_alloc(t, th[w], at, 16 + (r >> 20) % 8192, site)->args[2] =
				(uint64_t)((r >> 3) % 16) << 1 | ((r >> 7) & TRACE_ALLOC_INSTRUMENTED);
		} else if (what == 4) {
			fake_access(t, th[w], (r >> 9) & 1 ? buf : buf + 512 * ((r >> 10) % 8) + 8 * ((r >> 13) % 3),
				    0, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, site);
		} else if (what < 11) {   /* a range: the buffer, whole pages of it, or not */
			uint64_t at = buf, size = 0x4000;
			if ((r >> 9) % 3 == 1) {
				at = buf + 512 * ((r >> 11) % 16);
				size = 512 * (1 + (r >> 15) % 12);
			} else if ((r >> 9) % 3 == 2) {
				at = buf + (r >> 11) % 8192;
				size = 1 + (r >> 24) % 6000;
			}
			unsigned flags = (r >> 27) & 1 ? TRACE_ACCESS_WRITE : 0;
			if ((r >> 28) % 8 == 0)
				flags |= TRACE_ACCESS_ATOMIC;
			fake_access(t, th[w], at, size, flags, site);
		} else {   /* a small access */
			fake_access(t, th[w], buf + (r >> 9) % 0x4000, 1u << ((r >> 23) % 4),
				    (r >> 27) & 1 ? TRACE_ACCESS_WRITE : 0, site);
		}
	}
}

static void assert_same_races(const struct report *x, const struct report *y)
{
	assert_int_equal(x->nraces, y->nraces);
	for (size_t i = 0; i < x->nraces; i++) {
		char a[256], b[256];
		race_key(&x->races[i], a, sizeof a);
		race_key(&y->races[i], b, sizeof b);
		assert_string_equal(a, b);
		assert_int_equal(x->races[i].accesses[0].size, y->races[i].accesses[0].size);
		assert_int_equal(x->races[i].accesses[1].size, y->races[i].accesses[1].size);
		assert_int_equal(x->races[i].accesses[1].ts_ns, y->races[i].accesses[1].ts_ns);
	}
}

static void test_uniform_pages_equal(void **state)
{
	(void)state;
	size_t total = 0;
	for (uint64_t seed = 1; seed <= 12; seed++) {
		struct fake_trace t;
		uniform_case(&t, seed);
		struct report on, off, parts;
		report_init(&on);
		report_init(&off);
		report_init(&parts);
		rt_run(&t, &on, 1);
		rt_run(&t, &parts, 3);
		rc_shadow_set_uniform(false);
		rt_run(&t, &off, 1);
		rc_shadow_set_uniform(true);
		assert_same_races(&on, &off);
		assert_same_races(&on, &parts);
		total += on.nraces;
		report_release(&on);
		report_release(&off);
		report_release(&parts);
		fake_trace_release(&t);
	}
	assert_true(total > 1000);
}

/* The pages of the shadow s that are uniform. */
static uint32_t uniform_pages(const struct rc_shadow *s)
{
	uint32_t n = 0;
	for (size_t i = 0; s->table && i <= s->mask; i++)
		n += s->table[i].key != U64MAP_EMPTY && s->table[i].page->w[0].one.holds == RC_W_UNIFORM;
	return n;
}

static uint32_t shadow_found;
static void count_found(void *ctx, const struct rc_found *f)
{
	(void)ctx;
	(void)f;
	shadow_found++;
}

/* A copy into a buffer leaves its whole pages uniform, and so do later
 * copies ordered after it; an access to part of a page writes its words
 * out; a race is still found at every word it is on. */
static void test_uniform_whole_page(void **state)
{
	(void)state;
	struct rc_hb hb;
	struct rc_shadow sh;
	rc_hb_init(&hb);
	rc_shadow_init(&sh);
	rc_thread(&hb, 1);
	rc_thread(&hb, 2);
	struct rc_access a = { .thread = 1, .addr = 0x20000000 + 100, .size = 4096, .write = true, .ts_ns = 5 };
	rc_shadow_access(&sh, &hb, NULL, &a, 1, 0, count_found, NULL);
	assert_int_equal(uniform_pages(&sh), 7);   /* 9 pages touched, the first and last in part */
	a.write = false;
	rc_shadow_access(&sh, &hb, NULL, &a, 1, 0, count_found, NULL);
	assert_int_equal(uniform_pages(&sh), 7);   /* its own write covers the read */
	a.addr += 1024;
	a.size = 8;
	a.write = true;
	rc_shadow_access(&sh, &hb, NULL, &a, 1, 0, count_found, NULL);
	assert_int_equal(uniform_pages(&sh), 6);
	assert_int_equal(shadow_found, 0);
	struct rc_access b = { .thread = 2, .addr = 0x20000000 + 512, .size = 1024, .write = false, .ts_ns = 9 };
	rc_shadow_access(&sh, &hb, NULL, &b, 1, 0, count_found, NULL);
	/* each word of the two pages, and the two words the small write
	 * split (the copy's entry has their other bytes) */
	assert_int_equal(shadow_found, 130);
	assert_int_equal(uniform_pages(&sh), 5);   /* the second was written out already */
	rc_shadow_release(&sh);
	rc_hb_release(&hb);
}

/* A block the program made, read whole by its thread and then by another
 * that nothing orders after the allocation: the second read races with
 * the allocation (its write), whole pages or not. */
static size_t uniform_alloc_read(bool uniform)
{
	struct rt x;
	rt_init(&x);
	const uint64_t blk = 0x30000000;
	fake_alloc(&x.t, x.t1, blk, 4096, x.s3)->args[2] = TRACE_ALLOC_INSTRUMENTED;
	rt_read(&x, x.t1, blk, 4096, x.s1);
	rt_read(&x, x.t2, blk, 4096, x.s2);
	rc_shadow_set_uniform(uniform);
	size_t n = rt_count(&x);
	rc_shadow_set_uniform(true);
	return n;
}

static void test_uniform_alloc_read(void **state)
{
	(void)state;
	assert_int_equal(uniform_alloc_read(false), 1);
	assert_int_equal(uniform_alloc_read(true), 1);
}

/* A block made by a thread over bytes it accessed in the same epoch (it
 * freed a block there and got it back): the shim may have merged its
 * accesses to the new block with those, so the allocation stands for
 * them, as a write (TSan's reading of every allocation); a write of the
 * thread then takes over its bytes. In another epoch (the shim's table
 * was emptied since), or by another thread, the block is new memory. */
static void test_alloc_stands_in(void **state)
{
	(void)state;
	uint64_t blk = 0x10000040;
	for (int how = 0; how < 4; how++) {
		struct rt x;
		rt_init(&x);
		uint32_t s_alloc = fake_stack(&x.t, 0x405000, 2), m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x7000);
		fake_alloc(&x.t, 0, blk, 32, s_alloc);
		rt_write(&x, x.t1, blk + 12, 4, x.s1);
		fake_access(&x.t, x.t1, blk, 32, TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE, x.s1);
		if (how == 1)   /* a release: a new epoch */
			rt_lock_unlock(&x.t, x.t1, m, x.s3);
		fake_alloc(&x.t, how == 2 ? x.t2 : x.t1, blk, 32, s_alloc);
		if (how == 3)   /* the new block's write, recorded */
			rt_write(&x, x.t1, blk + 12, 4, x.s3);
		rt_read(&x, x.t2, blk + 12, 4, x.s2);
		struct report r;
		rt_report(&x, &r);
		if (how == 1 || how == 2) {
			assert_int_equal(r.nraces, 0);
		} else {
			assert_int_equal(r.nraces, 1);
			const struct report_access *prev = &r.races[0].accesses[1];
			assert_int_equal(prev->thread, x.t1);
			assert_true(prev->write);
			if (how == 0) {
				assert_true(prev->flags & REPORT_ACCESS_ALLOC);
				assert_int_equal(prev->stack, s_alloc);
				assert_int_equal(prev->address, blk);
				assert_int_equal(prev->size, 32);
			} else {
				assert_false(prev->flags & REPORT_ACCESS_ALLOC);
				assert_int_equal(prev->stack, x.s3);
			}
			assert_int_equal(r.races[0].block, blk);
		}
		rt_release(&x, &r);
	}
}

/* The earlier access of a race is the allocation of block BLK, of SIZE
 * bytes, by THREAD at STACK. */
static void assert_allocation(const struct report_access *prev, uint32_t thread, uint32_t stack,
			      uint64_t blk, uint32_t size)
{
	assert_int_equal(prev->thread, thread);
	assert_true(prev->write);
	assert_true(prev->flags & REPORT_ACCESS_ALLOC);
	assert_int_equal(prev->stack, stack);
	assert_int_equal(prev->address, blk);
	assert_int_equal(prev->size, size);
}

/* A block the program made (TRACE_ALLOC_INSTRUMENTED) is written by its
 * allocation, its slack too: a read by another thread that nothing
 * orders after it races with it, whether the word had state before the
 * block (how 1) or is first seen after (0, 4: the page is made then);
 * not once ordered (2), not for a library's block (3), and not where a
 * large block whose free was not seen lay, for a thread that starts there
 * (5: its stack) or a block made there since (6: a library's). */
static void test_alloc_written(void **state)
{
	(void)state;
	const uint64_t blk = 0x10000000;
	for (int how = 0; how < 7; how++) {
		struct rt x;
		rt_init(&x);
		uint32_t s_alloc = fake_stack(&x.t, 0x405000, 2), m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x7000);
		uint64_t size = how >= 5 ? 1 << 20 : 20, at = how == 4 ? 20 : how == 5 ? 0x8000 : 12;
		if (how == 1)   /* the page has state before the block */
			rt_write(&x, x.t2, blk + 200, 4, x.s2);
		fake_alloc(&x.t, x.t1, blk, size, s_alloc)->args[2] = 4 << 1 | (how != 3);
		if (how == 2) {
			rt_lock_unlock(&x.t, x.t1, m, x.s3);
			rt_lock_unlock(&x.t, x.t2, m, x.s3);
		}
		if (how == 6) {   /* a library's block made in it: its free was not seen */
			fake_alloc(&x.t, x.t1, blk + 0x10000, 64, s_alloc);
			at = 0x10008;
		}
		uint32_t reader = x.t2;
		if (how == 5) {
			reader = an_spawn(&x.t, 0, "w3");
			struct trace_event *e = fake_event(&x.t, reader, TRACE_OP_THREAD_STACK, 0);
			e->args[0] = blk;
			e->args[1] = blk + (1 << 20);
		}
		rt_read(&x, reader, blk + at, 4, x.s2);
		struct report r;
		rt_report(&x, &r);
		if (how == 2 || how == 3 || how == 5 || how == 6) {
			assert_int_equal(r.nraces, 0);
		} else {
			assert_int_equal(r.nraces, 1);
			const struct report_race *k = &r.races[0];
			assert_int_equal(k->address, blk + at);
			assert_int_equal(k->block, blk);
			assert_int_equal(k->offset, at);
			assert_int_equal(k->block_size, 20);
			assert_allocation(&k->accesses[1], x.t1, s_alloc, blk, 20);
		}
		rt_release(&x, &r);
	}
}

/* The allocating thread reads its new block in a later epoch: one entry
 * stands for the read and the allocation. Another thread's read races
 * with the allocation when nothing orders it after it (how 0), not when
 * something does (1: though not after the read); a write races with the
 * read (2). The same with the thread reading twice (3). */
static void test_alloc_then_read(void **state)
{
	(void)state;
	const uint64_t blk = 0x10000000;
	for (int how = 0; how < 4; how++) {
		struct rt x;
		rt_init(&x);
		uint32_t s_alloc = fake_stack(&x.t, 0x405000, 2), m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x7000);
		fake_alloc(&x.t, x.t1, blk, 64, s_alloc)->args[2] = TRACE_ALLOC_INSTRUMENTED;
		rt_lock_unlock(&x.t, x.t1, m, x.s3);   /* a new epoch */
		if (how == 1)
			rt_lock_unlock(&x.t, x.t2, m, x.s3);
		rt_read(&x, x.t1, blk + 8, 8, x.s1);
		if (how == 3) {
			rt_lock_unlock(&x.t, x.t1, m, x.s3);
			rt_read(&x, x.t1, blk + 8, 8, x.s1);
		}
		if (how == 2)
			rt_write(&x, x.t2, blk + 8, 8, x.s2);
		else
			rt_read(&x, x.t2, blk + 8, 8, x.s2);
		struct report r;
		rt_report(&x, &r);
		if (how == 1) {
			assert_int_equal(r.nraces, 0);
		} else {
			assert_int_equal(r.nraces, 1);
			const struct report_access *prev = &r.races[0].accesses[1];
			assert_int_equal(r.races[0].block, blk);
			if (how == 2) {
				assert_int_equal(prev->thread, x.t1);
				assert_false(prev->write);
				assert_int_equal(prev->stack, x.s1);
			} else {
				assert_allocation(prev, x.t1, s_alloc, blk, 64);
			}
		}
		rt_release(&x, &r);
	}
}

/* A read after the thread's own write of its bytes in the same epoch is
 * not kept (what races with it races with the write: told once, by the
 * write); after a release it is (a later access may be ordered after the
 * write but not after the read). */
static void test_read_after_own_write(void **state)
{
	(void)state;
	for (int release = 0; release < 2; release++) {
		struct rt x;
		rt_init(&x);
		uint32_t m = fake_object(&x.t, TRACE_OBJ_MUTEX, 0x7000);
		rt_write(&x, x.t1, RT_X, 8, x.s1);
		if (release)
			rt_lock_unlock(&x.t, x.t1, m, x.s3);
		rt_read(&x, x.t1, RT_X + 2, 4, x.s3);
		rt_write(&x, x.t2, RT_X, 8, x.s2);
		struct report r;
		rt_report(&x, &r);
		assert_int_equal(r.nraces, release ? 2 : 1);
		assert_int_equal(r.races[0].accesses[1].stack, x.s1);
		rt_release(&x, &r);
	}
}

/* A mapping of a terabyte (reserved) forgets the state of the pages in
 * use in it, through them, not through its 2^31 pages; pages outside it
 * keep theirs. */
static void test_huge_mapping(void **state)
{
	(void)state;
	const uint64_t base = 0x100000000000ull;
	for (uint32_t parts = 1; parts <= 3; parts += 2) {
		struct rt x;
		rt_init(&x);
		rt_write(&x, x.t2, base + 8, 8, x.s2);
		rt_write(&x, x.t2, base + (1ull << 39), 8, x.s2);
		rt_write(&x, x.t2, base - 8, 8, x.s2);
		fake_alloc(&x.t, x.t1, base, 1ull << 40, x.s3);
		rt_write(&x, x.t1, base + 8, 8, x.s1);
		rt_write(&x, x.t1, base + (1ull << 39), 8, x.s1);
		rt_write(&x, x.t1, base - 8, 8, x.s1);   /* races */
		struct report r;
		report_init(&r);
		rt_run(&x.t, &r, parts);
		assert_int_equal(r.nraces, 1);
		assert_int_equal(r.races[0].address, base - 8);
		rt_release(&x, &r);
	}
}

/* The state is kept by pages of 512 bytes of the program's memory: an
 * access, a range or a new block across their boundaries; a word many
 * threads read at once (its entries outgrow each array size); the same
 * races with the pages split among parts. */
static size_t pages_case(uint32_t parts, bool reset)
{
	struct fake_trace t;
	fake_trace_init(&t);
	uint32_t w = an_spawn(&t, 0, "writer"), th[40];
	uint32_t sw = fake_stack(&t, 0x405000, 2), sr = fake_stack(&t, 0x406000, 2);
	for (int i = 0; i < 40; i++) {
		th[i] = an_spawn(&t, 0, "reader");
		fake_access(&t, th[i], RT_X + 1000, 4, 0, fake_stack(&t, 0x410000 + 0x100 * (uint64_t)i, 2));
	}
	fake_access(&t, th[39], RT_X + 100, 3000, 0, sr);   /* a range over 7 pages */
	if (reset)   /* a new block over all of it, by a thread that did not
		      * touch it: another object */
		fake_alloc(&t, w, RT_X, 8192, sr);
	fake_access(&t, w, RT_X + 1000, 8, TRACE_ACCESS_WRITE, sw);
	fake_access(&t, w, RT_X + 3099, 1, TRACE_ACCESS_WRITE, fake_stack(&t, 0x407000, 2));
	fake_access(&t, w, RT_X + 3100, 1, TRACE_ACCESS_WRITE, fake_stack(&t, 0x408000, 2));
	struct report r;
	report_init(&r);
	rt_run(&t, &r, parts);
	size_t n = r.nraces;
	report_release(&r);
	fake_trace_release(&t);
	return n;
}

static void test_pages(void **state)
{
	(void)state;
	assert_int_equal(two_writes(RT_X + 510, 4, RT_X + 512, 1), 1);
	assert_int_equal(two_writes(RT_X + 508, 4, RT_X + 512, 4), 0);
	assert_int_equal(two_writes(RT_X + 1, 2048, RT_X + 2048, 2), 1);
	assert_int_equal(two_writes(RT_X + 1, 2048, RT_X + 2049, 2), 0);
	/* at +1000 the write races with 39 readers and the range (which
	 * covers the last reader's own read), at +3099 with the range, at
	 * +3100 with nothing */
	assert_int_equal(pages_case(1, false), 41);
	assert_int_equal(pages_case(3, false), 41);
	assert_int_equal(pages_case(1, true), 0);
	assert_int_equal(pages_case(3, true), 0);
}

/* A thread that starts on the stack of one that ended (glibc reuses
 * stacks and their TLS): the old thread's accesses there are another
 * object's, not a race; on a stack elsewhere they still race. */
static size_t stack_reuse_case(uint64_t second_stack, uint32_t parts)
{
	struct rt x;
	rt_init(&x);
	const uint64_t lo = 0x7f0000000000ull, hi = lo + 0x10000;
	struct trace_event *e = fake_event(&x.t, x.t1, TRACE_OP_THREAD_STACK, 0);
	e->args[0] = lo;
	e->args[1] = hi;
	rt_write(&x, x.t1, hi - 0x100, 8, x.s1);   /* its local */
	rt_write(&x, x.t1, hi - 0x8000, 4, x.s1);
	uint32_t t3 = an_spawn(&x.t, 0, "w3");
	e = fake_event(&x.t, t3, TRACE_OP_THREAD_STACK, 0);
	e->args[0] = second_stack;
	e->args[1] = second_stack + 0x10000;
	rt_write(&x, t3, hi - 0x100, 8, x.s2);
	rt_read(&x, t3, hi - 0x8000, 4, x.s3);
	struct report r;
	report_init(&r);
	rt_run(&x.t, &r, parts);
	size_t n = r.nraces;
	report_release(&r);
	fake_trace_release(&x.t);
	return n;
}

static void test_stack_reuse(void **state)
{
	(void)state;
	assert_int_equal(stack_reuse_case(0x7f0000000000ull, 1), 0);
	assert_int_equal(stack_reuse_case(0x7f0000000000ull, 3), 0);
	assert_int_equal(stack_reuse_case(0x7e0000000000ull, 1), 2);
	assert_int_equal(stack_reuse_case(0x7e0000000000ull, 3), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_memory_limit),
		cmocka_unit_test(test_race_fields),
		cmocka_unit_test(test_race_size),
		cmocka_unit_test(test_far_apart),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_heap_free),
		cmocka_unit_test(test_alloc_stands_in),
		cmocka_unit_test(test_alloc_written),
		cmocka_unit_test(test_alloc_then_read),
		cmocka_unit_test(test_read_after_own_write),
		cmocka_unit_test(test_huge_mapping),
		cmocka_unit_test(test_stack_location),
		cmocka_unit_test(test_stack_bounds),
		cmocka_unit_test(test_stack_variable),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_object_init_race),
		cmocka_unit_test(test_object_race_uninstrumented),
		cmocka_unit_test(test_object_gone_with_unchecked_free),
		cmocka_unit_test(test_object_freed),
		cmocka_unit_test(test_object_reuse),
		cmocka_unit_test(test_cond_destroy_after_broadcast),
		cmocka_unit_test(test_cond_destroy_after_signal),
		cmocka_unit_test(test_barrier_destroy),
		cmocka_unit_test(test_named_sem),
		cmocka_unit_test(test_parts_equal),
		cmocka_unit_test(test_uniform_pages_equal),
		cmocka_unit_test(test_uniform_whole_page),
		cmocka_unit_test(test_uniform_alloc_read),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_stack_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
