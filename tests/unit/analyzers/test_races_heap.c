/* SPDX-License-Identifier: MIT */
/* test_races_heap.c - analyzers/races_heap.c: rc_heap_find (the block
 * holding an address, through the page index) gives the block a scan of
 * every block gives (the live one, else the one freed last), on named
 * cases and on random allocs, frees and reuse of two processes: with the
 * index from the start, built late, and in a copy (rc_heap_copy) changed
 * apart from its original. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "races.h"

#define BASE 0x7f0000001000ull

/* The reference: the scan rc_heap_find was before the index (the live
 * block made last, else the one freed last). */
static const struct rc_block *scan_find(const struct rc_heap *h, uint32_t process, uint64_t addr)
{
	const struct rc_block *best = NULL, *live = NULL;
	for (uint32_t i = 0; i < h->n; i++) {
		const struct rc_block *b = &h->b[i];
		if (b->process != process || addr < b->addr || addr - b->addr >= rc_block_span(b))
			continue;
		if (!b->freed && (!live || b->ts_ns > live->ts_ns))
			live = b;
		if (b->freed && (!best || b->freed > best->freed))
			best = b;
	}
	return live ? live : best;
}

/* Blocks are made one after the other: each later than the last. */
static void heap_alloc(struct rc_heap *h, uint32_t process, uint64_t addr, uint64_t size)
{
	static uint64_t now;
	struct trace_event ev = { .process = process, .thread = 1, .stack = 7, .ts_ns = ++now,
				  .args = { addr, size } };
	rc_heap_alloc(h, &ev, 0, RC_NONE);
}

static void heap_free(struct rc_heap *h, uint32_t process, uint64_t addr)
{
	struct trace_event ev = { .process = process, .thread = 2, .stack = 9 };
	rc_heap_free(h, &ev, addr);
}

/* The block found at addr, checked against the scan. */
static const struct rc_block *find(struct rc_heap *h, uint32_t process, uint64_t addr)
{
	const struct rc_block *b = rc_heap_find(h, process, addr);
	assert_ptr_equal(b, scan_find(h, process, addr));
	return b;
}

static void test_size_zero(void **state)
{
	(void)state;
	struct rc_heap h = { 0 };
	heap_alloc(&h, 0, BASE + 0xff, 0);   /* the last byte of a 256-byte page */
	const struct rc_block *b = find(&h, 0, BASE + 0xff);
	assert_non_null(b);
	assert_int_equal(b->addr, BASE + 0xff);
	assert_null(find(&h, 0, BASE + 0x100));
	assert_null(find(&h, 0, BASE + 0xfe));
	rc_heap_release(&h);
}

/* Blocks that start in the page before addr's, or pages before it. */
static void test_across_pages(void **state)
{
	(void)state;
	struct rc_heap h = { 0 };
	heap_alloc(&h, 0, BASE + 0xf0, 256);        /* class 0, into the next page */
	heap_alloc(&h, 0, BASE + 0x10000 - 8, 4096);   /* class 1 */
	heap_alloc(&h, 0, BASE + 0x40000 + 1, 40000);  /* class 2, unaligned */
	assert_int_equal(find(&h, 0, BASE + 0x1ef)->addr, BASE + 0xf0);
	assert_null(find(&h, 0, BASE + 0x1f0));
	assert_int_equal(find(&h, 0, BASE + 0x10000 + 4087)->addr, BASE + 0x10000 - 8);
	assert_null(find(&h, 0, BASE + 0x10000 + 4088));
	assert_int_equal(find(&h, 0, BASE + 0x40000 + 40000)->addr, BASE + 0x40000 + 1);
	assert_null(find(&h, 0, BASE + 0x40000 + 40001));
	assert_null(find(&h, 0, BASE + 0x40000));
	rc_heap_release(&h);
}

/* A live block wins over freed ones holding the same byte; of freed
 * ones, the one freed last, whichever was made first. */
static void test_live_then_freed_last(void **state)
{
	(void)state;
	struct rc_heap h = { 0 };
	heap_alloc(&h, 0, BASE, 100000);     /* a large freed block */
	heap_alloc(&h, 0, BASE + 64, 64);    /* made later, freed first */
	heap_free(&h, 0, BASE + 64);
	heap_free(&h, 0, BASE);
	assert_int_equal(find(&h, 0, BASE + 70)->addr, BASE);
	heap_alloc(&h, 0, BASE + 32, 64);    /* live */
	assert_int_equal(find(&h, 0, BASE + 70)->addr, BASE + 32);
	assert_int_equal(find(&h, 0, BASE + 96)->addr, BASE);
	heap_free(&h, 0, BASE + 32);         /* now freed last */
	assert_int_equal(find(&h, 0, BASE + 70)->addr, BASE + 32);
	rc_heap_release(&h);
}

static void test_processes(void **state)
{
	(void)state;
	struct rc_heap h = { 0 };
	heap_alloc(&h, 0, BASE, 16);
	heap_alloc(&h, 1, BASE + 8, 16);
	assert_int_equal(find(&h, 0, BASE + 12)->process, 0);
	assert_int_equal(find(&h, 1, BASE + 12)->process, 1);
	assert_null(find(&h, 0, BASE + 16));
	assert_null(find(&h, 2, BASE + 12));
	/* processes 128 apart share by_addr's key: the later block replaces
	 * the other, as before the index */
	heap_alloc(&h, 128, BASE, 32);
	assert_null(find(&h, 0, BASE));
	assert_int_equal(find(&h, 128, BASE + 31)->process, 128);
	rc_heap_release(&h);
}

/* A new block at a block's address replaces it, in another size class
 * too: the old size no longer counts. */
static void test_reuse_other_class(void **state)
{
	(void)state;
	struct rc_heap h = { 0 };
	heap_alloc(&h, 0, BASE, 16);
	heap_alloc(&h, 0, BASE + 16, 16);     /* same bucket, after it */
	heap_free(&h, 0, BASE);
	heap_alloc(&h, 0, BASE, 65536);
	assert_int_equal(find(&h, 0, BASE + 50000)->size, 65536);
	assert_int_equal(find(&h, 0, BASE + 20)->addr, BASE);   /* the live one made last */
	heap_free(&h, 0, BASE);
	assert_int_equal(find(&h, 0, BASE + 20)->addr, BASE + 16);
	heap_alloc(&h, 0, BASE, 8);
	assert_null(find(&h, 0, BASE + 50000));
	assert_int_equal(find(&h, 0, BASE + 20)->addr, BASE + 16);
	assert_int_equal(find(&h, 0, BASE + 4)->size, 8);
	assert_int_equal(h.n, 2);
	rc_heap_release(&h);
}

/* Blocks larger than any class's page, up to the end of the addresses. */
static void test_huge(void **state)
{
	(void)state;
	struct rc_heap h = { 0 };
	heap_alloc(&h, 0, 1ull << 40, 1ull << 62);
	heap_alloc(&h, 0, 1ull << 62, UINT64_MAX - (1ull << 62));
	assert_int_equal(find(&h, 0, (1ull << 40) + (1ull << 61))->addr, 1ull << 40);
	assert_int_equal(find(&h, 0, UINT64_MAX - 1)->addr, 1ull << 62);
	assert_null(find(&h, 0, UINT64_MAX));
	assert_null(find(&h, 0, (1ull << 40) - 1));
	rc_heap_release(&h);
}

struct rng {
	uint64_t s;
};

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s % n);
}

/* Sizes 0 to 64 KiB, most of them small, as a program's. */
static uint64_t random_size(struct rng *r)
{
	switch (rng_below(r, 10)) {
	case 0: return 0;
	case 1: case 2: case 3: case 4: return rng_below(r, 257);
	case 5: case 6: case 7: return 257 + rng_below(r, 4096 - 256);
	default: return 4097 + rng_below(r, 65536 - 4096);
	}
}

/* An address in or near a known block, or anywhere in the window. */
static uint64_t random_probe(struct rng *r, const struct rc_heap *h)
{
	if (!h->n || rng_below(r, 4) == 0)
		return BASE - 64 + rng_below(r, 1u << 22);
	const struct rc_block *b = &h->b[rng_below(r, h->n)];
	uint64_t span = b->size ? b->size : 1;
	switch (rng_below(r, 4)) {
	case 0: return b->addr - 1;
	case 1: return b->addr + span;
	case 2: return b->addr + span - 1;
	default: return b->addr + rng_below(r, (uint32_t)span);
	}
}

struct tally {
	unsigned allocs;
	unsigned live, freed, none;   /* what lookups found */
	unsigned several;             /* lookups of a byte several blocks hold */
};

static unsigned holding(const struct rc_heap *h, uint32_t process, uint64_t addr)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < h->n; i++)
		n += h->b[i].process == process && addr >= h->b[i].addr &&
		     addr - h->b[i].addr < (h->b[i].size ? h->b[i].size : 1);
	return n;
}

/* OPS random allocs (at 16-byte slots of a 4 MiB window, some unaligned,
 * so that addresses are reused and blocks overlap) or frees, each
 * followed by PROBES lookups. */
static void random_ops(struct rc_heap *h, struct rng *r, unsigned ops, int probes, struct tally *t)
{
	for (unsigned k = 0; k < ops; k++) {
		uint32_t process = rng_below(r, 2);
		if (rng_below(r, 2) == 0 || !h->n) {
			uint64_t addr = BASE + 16ull * rng_below(r, 1u << 18);
			if (rng_below(r, 8) == 0)
				addr += 1 + rng_below(r, 15);
			if (h->n && rng_below(r, 4) == 0)
				addr = h->b[rng_below(r, h->n)].addr;   /* a known block's */
			heap_alloc(h, process, addr, random_size(r));
			t->allocs++;
		} else {
			const struct rc_block *b = &h->b[rng_below(r, h->n)];
			for (int tries = 0; b->freed && tries < 8; tries++)   /* rather a live one */
				b = &h->b[rng_below(r, h->n)];
			heap_free(h, b->process, b->addr);
		}
		for (int q = 0; q < probes; q++) {
			uint32_t p = rng_below(r, 2);
			uint64_t addr = random_probe(r, h);
			const struct rc_block *b = find(h, p, addr);
			t->several += holding(h, p, addr) > 1;
			if (!b)
				t->none++;
			else if (b->freed)
				t->freed++;
			else
				t->live++;
		}
	}
}

static void test_random_against_scan(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct rng r = { 0x9e3779b97f4a7c15ull * seed };
		struct rc_heap h = { 0 };
		struct tally t = { 0 };
		random_ops(&h, &r, 6000, 3, &t);
		/* every answer was checked; these say the checks saw each case */
		assert_true(t.live > 1000);
		assert_true(t.freed > 1000);
		assert_true(t.none > 500);
		assert_true(t.several > 1000);
		assert_true(h.n + 300 < t.allocs);   /* addresses were reused */
		rc_heap_release(&h);
	}
}

/* The index built at the first lookup from the blocks so far. */
static void test_index_built_late(void **state)
{
	(void)state;
	struct rng r = { 7 };
	struct rc_heap h = { 0 };
	struct tally t = { 0 };
	random_ops(&h, &r, 6000, 0, &t);
	assert_false(h.indexed);
	random_ops(&h, &r, 1000, 3, &t);
	assert_true(h.indexed);
	assert_true(t.several > 500);
	assert_true(t.freed > 500);
	rc_heap_release(&h);
}

/* Lookups in a copy and its original after changing both apart. */
static void check_copy(struct rc_heap *h, struct rng *r, struct tally *t)
{
	struct rc_heap c;
	rc_heap_copy(&c, h);
	uint32_t n = h->n;
	random_ops(&c, r, 2000, 3, t);
	assert_true(c.n > n);
	assert_int_equal(h->n, n);
	for (unsigned k = 0; k < 20000; k++)
		find(h, rng_below(r, 2), random_probe(r, h));
	random_ops(h, r, 500, 3, t);
	for (unsigned k = 0; k < 20000; k++)
		find(&c, rng_below(r, 2), random_probe(r, &c));
	rc_heap_release(&c);
}

/* A copy has its own blocks and index (built before or after the copy). */
static void test_copy(void **state)
{
	(void)state;
	struct rng r = { 42 };
	struct rc_heap h = { 0 };
	struct tally t = { 0 };
	random_ops(&h, &r, 2000, 0, &t);
	check_copy(&h, &r, &t);   /* not indexed yet */
	rc_heap_release(&h);
	random_ops(&h, &r, 2000, 3, &t);
	check_copy(&h, &r, &t);   /* indexed */
	rc_heap_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_across_pages),
		cmocka_unit_test(test_live_then_freed_last),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_reuse_other_class),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_random_against_scan),
		cmocka_unit_test(test_index_built_late),
		cmocka_unit_test(test_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
