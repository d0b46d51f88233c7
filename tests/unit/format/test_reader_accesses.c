/* SPDX-License-Identifier: MIT */
/* test_reader_accesses.c - the memory records of `ctrace cc` programs:
 * ACCESSES batches come back as one ACCESS event per access, in order,
 * before the record that ended their interval (the stream's before_record
 * hook, on the fast path too; one closed empty leaves nothing); ATOMIC records merge in their location's
 * order; FENCE, ALLOC and ANNOTATE round trip; a damaged batch is reported
 * with its file and offset; ctrace info's counts come from the header. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_accesses.h"

static char *const dir = tw_dir;

/* Accesses of every shape: the four plain sizes, odd and huge sizes, every
 * flag, addresses going up and down far, stack ids large and small. */
static struct trace_access *make_accesses(size_t n)
{
	struct trace_access *a = calloc(n, sizeof *a);
	assert_non_null(a);
	static const uint64_t sizes[] = { 1, 2, 4, 8, 3, 16, 100000, 1ull << 40 };
	for (size_t i = 0; i < n; i++) {
		a[i].addr = i % 7 == 3 ? 0x7fff00000000ull - i * 8 : 0x601000 + i * (i % 5);
		if (i % 97 == 5)
			a[i].addr = UINT64_MAX - i;
		a[i].size = sizes[i % 8];
		a[i].flags = (uint32_t)(i % 3 == 0) * TRACE_ACCESS_WRITE;
		if (i % 11 == 1)
			a[i].flags |= 1u << (1 + i / 11 % 4);  /* volatile, range, free, vptr */
		a[i].stack = i % 13 == 0 ? 0 : (uint32_t)(i % 4 ? 3 : 1000000 + i);
	}
	return a;
}

static void check_access(const struct trace_event *ev, const struct trace_access *a,
			 uint64_t tick, uint32_t stack_id_of_1)
{
	(void)stack_id_of_1;
	assert_int_equal(ev->op, TRACE_OP_ACCESS);
	assert_int_equal(ev->phase, TRACE_PHASE_END);
	assert_int_equal(ev->ts_ns, tick);
	assert_int_equal(ev->args[0], a->addr);
	assert_int_equal(ev->args[1], a->size);
	assert_int_equal(ev->args[2], a->flags);
	assert_int_equal(ev->obj, 0);
	assert_int_equal(ev->seq, 0);
}

/* 3000 accesses need several records; each comes back with its fields. */
static void test_batches(void **state)
{
	(void)state;
	struct tw t;
	size_t n = 3000;
	struct trace_access *a = make_accesses(n);
	for (size_t i = 0; i < n; i++)
		a[i].stack = 0;  /* ids the reader maps: checked in test_stacks */
	tw_open(&t, dir, 200, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 1000, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 0), 2000, a, n), n);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 2000, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 0), 1500, a, 1), 1);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, n + 3);
	assert_int_equal(e.ev[0].op, TRACE_OP_MUTEX_LOCK);
	for (size_t i = 0; i < n; i++)
		check_access(&e.ev[1 + i], &a[i], 2000, 0);
	assert_int_equal(e.ev[n + 1].op, TRACE_OP_MUTEX_UNLOCK);
	check_access(&e.ev[n + 2], &a[0], 1500, 0);  /* a tick going back */
	assert_int_equal(cat->by_op[TRACE_OP_ACCESS], n + 1);
	assert_int_equal(cat->events, n + 3);
	assert_true(cat->record_bytes < (n + 1) * 12);  /* compact */
	trace_reader_free(r);
	tw_events_release(&e);
	free(a);
}

/* Stack ids of accesses are the process's, mapped to catalog stacks. */
static void test_stacks(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 201, TRACE_CLOCK_MONOTONIC);
	uint64_t pcs1[2] = { 0x401000, 0x402000 }, pcs2[3] = { 0x403000, 0x401000, 0x402000 };
	uint32_t s1 = trace_writer_intern_stack(&t.w, pcs1, 2);
	uint32_t s2 = trace_writer_intern_stack(&t.w, pcs2, 3);
	struct trace_access a[4] = {
		{ 0x1000, 4, TRACE_ACCESS_WRITE, s1 }, { 0x1000, 4, 0, s2 },
		{ 0x1004, 1, 0, 0 }, { 0x1008, 8, TRACE_ACCESS_WRITE, s1 },
	};
	trace_stream_write_accesses(tw_stream(&t, 0), 100, a, 4);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(e.n, 4);
	const struct trace_stack *st = trace_catalog_stack(cat, e.ev[0].stack);
	assert_non_null(st);
	assert_int_equal(st->depth, 2);
	assert_int_equal(st->pc[0], 0x401000);
	st = trace_catalog_stack(cat, e.ev[1].stack);
	assert_int_equal(st->depth, 3);
	assert_int_equal(st->pc[0], 0x403000);
	assert_int_equal(e.ev[2].stack, 0);
	assert_int_equal(e.ev[3].stack, e.ev[0].stack);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* trace_reader_next_accesses yields what trace_reader_next would, one
 * event at a time: the same accesses in the same order, with the batch's
 * thread and time and catalog stack ids, and the same counts; it yields
 * nothing once the batch is done (a lock, another thread's batch). */
static void test_next_accesses(void **state)
{
	(void)state;
	struct tw t;
	size_t n = 3000;
	struct trace_access *a = make_accesses(n);
	/* another process first: its stacks come first in the catalog, so
	 * the next one's stack ids are not the catalog's */
	uint64_t other[3] = { 0x501000, 0x502000, 0x503000 };
	tw_open(&t, dir, 204, TRACE_CLOCK_MONOTONIC);
	tw_stack_rec(&t, 500, trace_writer_intern_stack(&t.w, other, 3));
	tw_stack_rec(&t, 600, trace_writer_intern_stack(&t.w, other, 2));
	tw_close(&t);
	tw_open(&t, dir, 203, TRACE_CLOCK_MONOTONIC);
	uint64_t pcs[2] = { 0x401000, 0x402000 };
	uint32_t s1 = trace_writer_intern_stack(&t.w, pcs, 2);
	for (size_t i = 0; i < n; i++)
		a[i].stack = i % 3 ? s1 : 0;
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 1000, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 0), 2000, a, n), n);
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 1), 2500, a + 7, 100), 100);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 3000, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 0), 3500, a, 5), 5);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *one = tw_read(dir, &e);
	struct trace_reader *r = trace_reader_open(dir, 0, NULL);
	assert_non_null(r);
	struct tw_events got = { 0 };
	struct trace_event ev, each;
	struct trace_access more[7];
	unsigned runs = 0;
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT) {
		tw_events_add(&got, &ev);
		size_t k;
		while (ev.op == TRACE_OP_ACCESS && (k = trace_reader_next_accesses(r, more, 7))) {
			runs++;
			for (size_t i = 0; i < k; i++) {
				each = ev;
				each.args[0] = more[i].addr;
				each.args[1] = more[i].size;
				each.args[2] = more[i].flags;
				each.stack = more[i].stack;
				tw_events_add(&got, &each);
			}
		}
		if (ev.op != TRACE_OP_ACCESS)
			assert_int_equal(trace_reader_next_accesses(r, more, 7), 0);
	}
	assert_true(runs >= (n - 1) / 7);
	assert_int_equal(got.n, e.n);
	assert_int_equal(got.n, n + 100 + 5 + 4);
	const struct trace_stack *st = trace_catalog_stack(trace_reader_catalog(r), got.ev[4].stack);
	assert_non_null(st);   /* the accesses begin after two stack events and the lock */
	assert_int_equal(got.ev[4].op, TRACE_OP_ACCESS);
	assert_int_equal(st->pc[0], 0x401000);
	for (size_t i = 0; i < e.n; i++) {
		assert_int_equal(got.ev[i].op, e.ev[i].op);
		assert_int_equal(got.ev[i].thread, e.ev[i].thread);
		assert_int_equal(got.ev[i].ts_ns, e.ev[i].ts_ns);
		assert_int_equal(got.ev[i].stack, e.ev[i].stack);
		assert_memory_equal(got.ev[i].args, e.ev[i].args, sizeof ev.args);
	}
	const struct trace_catalog *c1 = trace_reader_catalog(one), *c2 = trace_reader_catalog(r);
	assert_int_equal(c2->events, c1->events);
	assert_int_equal(c2->by_op[TRACE_OP_ACCESS], c1->by_op[TRACE_OP_ACCESS]);
	assert_int_equal(c2->threads[0].events, c1->threads[0].events);
	assert_int_equal(c2->threads[1].events, c1->threads[1].events);
	trace_reader_free(r);
	trace_reader_free(one);
	tw_events_release(&got);
	tw_events_release(&e);
	free(a);
}

/* What the shim's hook does: accesses owed are written before whatever
 * record comes next, on the general and the fast path alike. */
static struct trace_access owed_access = { 0x2000, 8, TRACE_ACCESS_WRITE, 0 };

static void pay(struct trace_stream *s, uint64_t tick)
{
	trace_stream_write_accesses(s, tick, &owed_access, 1);
}

static void test_hook(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 202, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *s = tw_stream(&t, 0);
	s->before_record = pay;
	uint64_t k = 0x7000;
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 100, k, trace_writer_stamp(&t.w, k));
	s->owed = true;
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 200, k, trace_writer_stamp(&t.w, k));
	/* the slot is defined now: this one could take the fast path */
	s->owed = true;
	uint64_t seq = trace_writer_stamp(&t.w, k);
	assert_true(trace_stream_write_simple(s, TRACE_OP_MUTEX_LOCK, 300, 0, k, seq, 0) == false);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 300, k, seq);
	assert_false(s->owed);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 400, k, trace_writer_stamp(&t.w, k));
	s->owed = true;
	tw_close(&t);  /* what is owed at the end is written too */

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	static const uint8_t ops[] = { TRACE_OP_MUTEX_LOCK, TRACE_OP_ACCESS, TRACE_OP_MUTEX_UNLOCK,
				       TRACE_OP_ACCESS, TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK,
				       TRACE_OP_ACCESS };
	assert_int_equal(e.n, sizeof ops);
	for (size_t i = 0; i < sizeof ops; i++)
		assert_int_equal(e.ev[i].op, ops[i]);
	assert_int_equal(e.ev[1].ts_ns, 200);  /* at the tick of the record it precedes */
	assert_int_equal(e.ev[3].ts_ns, 300);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A batch opened and closed empty leaves nothing, and the next record's
 * tick delta runs from the last published one. */
static void test_empty_batch(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 206, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *s = tw_stream(&t, 0);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 100, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	struct trace_access_batch b;
	assert_true(trace_access_batch_open(s, &b, 900));
	trace_access_batch_close(s, &b);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 150, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	tw_close(&t);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 2);
	assert_int_equal(e.ev[1].op, TRACE_OP_MUTEX_UNLOCK);
	assert_int_equal(e.ev[1].ts_ns, 150);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Atomic operations on one location by two threads come back in the order
 * of their stamps, whatever their ticks; fences, allocations and
 * annotations with their fields. */
static void test_atomic_order(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 203, TRACE_CLOCK_MONOTONIC);
	uint64_t loc = 0x601040;
	uint64_t s1 = trace_writer_stamp(&t.w, loc), s2 = trace_writer_stamp(&t.w, loc);
	uint64_t s3 = trace_writer_stamp(&t.w, loc), s4 = trace_writer_stamp(&t.w, loc);
	struct trace_rec rec = { .op = TRACE_OP_ATOMIC, .key = loc };
	/* thread 1's ticks are earlier, but its operations came second and fourth */
	rec.tick = 100, rec.seq = s2, rec.args[0] = TRACE_ATOMIC_RMW, rec.args[1] = 4, rec.args[2] = 8;
	tw_write(&t, 1, &rec);
	rec.tick = 110, rec.seq = s4, rec.args[0] = TRACE_ATOMIC_LOAD, rec.args[1] = 2;
	tw_write(&t, 1, &rec);
	rec.tick = 200, rec.seq = s1, rec.args[0] = TRACE_ATOMIC_STORE, rec.args[1] = 3;
	tw_write(&t, 0, &rec);
	rec.tick = 210, rec.seq = s3, rec.args[0] = TRACE_ATOMIC_CAS_FAIL, rec.args[1] = 0;
	tw_write(&t, 0, &rec);
	struct trace_rec fence = { .op = TRACE_OP_FENCE, .tick = 220, .args = { 5 } };
	tw_write(&t, 0, &fence);
	struct trace_rec alloc = { .op = TRACE_OP_ALLOC, .tick = 230, .args = { 0x9000, 48 } };
	tw_write(&t, 0, &alloc);
	struct trace_rec ann = { .op = TRACE_OP_ANNOTATE, .tick = 240,
				 .args = { TRACE_ANN_BENIGN_RACE, 0x9008, 4 }, .str = "stats" };
	tw_write(&t, 0, &ann);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 7);
	uint64_t want[4] = { s1, s2, s3, s4 };
	uint32_t obj = e.ev[0].obj;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(e.ev[i].op, TRACE_OP_ATOMIC);
		assert_int_equal(e.ev[i].seq, want[i]);
		assert_int_equal(e.ev[i].kind, TRACE_OBJ_ATOMIC);
		assert_int_equal(e.ev[i].obj, obj);
	}
	assert_int_equal(trace_catalog_object(cat, obj)->key, loc);
	assert_int_equal(e.ev[0].args[0], TRACE_ATOMIC_STORE);
	assert_int_equal(e.ev[1].args[0], TRACE_ATOMIC_RMW);
	assert_int_equal(e.ev[1].args[2], 8);
	assert_int_equal(e.ev[4].op, TRACE_OP_FENCE);
	assert_int_equal(e.ev[4].args[0], 5);
	assert_int_equal(e.ev[5].op, TRACE_OP_ALLOC);
	assert_int_equal(e.ev[5].args[0], 0x9000);
	assert_int_equal(e.ev[5].args[1], 48);
	assert_int_equal(e.ev[6].op, TRACE_OP_ANNOTATE);
	assert_int_equal(e.ev[6].args[0], TRACE_ANN_BENIGN_RACE);
	assert_string_equal(e.strs[6], "stats");
	assert_int_equal(cat->by_op[TRACE_OP_ATOMIC], 4);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* An ALLOC's third arg: slack << 1 | flags in version 4; a version-3
 * chunk's is the slack alone, read as version 4's without flags. */
static void test_alloc_versions(void **state)
{
	(void)state;
	for (uint16_t version = 3; version <= 4; version++) {
		struct tw t;
		tw_open(&t, dir, 205 + version, TRACE_CLOCK_MONOTONIC);
		struct trace_rec alloc = { .op = TRACE_OP_ALLOC, .tick = 100,
					   .args = { 0x9000, 48, version == 4 ? 5 << 1 | TRACE_ALLOC_INSTRUMENTED : 5 } };
		tw_write(&t, 0, &alloc);
		tw_close(&t);
		if (version == 3) {   /* every chunk of the file, as an older writer made it */
			char file[512];
			tw_file(file, sizeof file, dir, 205 + version);
			FILE *f = fopen(file, "rb");
			assert_non_null(f);
			struct trace_chunk_header h;
			for (uint64_t off = 0; fseek(f, (long)off, SEEK_SET) == 0 && fread(&h, sizeof h, 1, f) == 1;
			     off += TRACE_ALIGN)
				if (h.magic == TRACE_CHUNK_MAGIC)
					tw_patch(file, off + offsetof(struct trace_chunk_header, version), &version,
						 sizeof version);
			fclose(f);
		}
		struct tw_events e;
		struct trace_reader *r = tw_read(dir, &e);
		assert_null(trace_reader_error(r));
		assert_int_equal(e.n, 1);
		assert_int_equal(e.ev[0].op, TRACE_OP_ALLOC);
		assert_int_equal(trace_alloc_slack(e.ev[0].args[2]), 5);
		assert_int_equal(e.ev[0].args[2] & TRACE_ALLOC_INSTRUMENTED, version == 4);
		trace_reader_free(r);
		tw_events_release(&e);
		tw_rmdir(dir);
		tw_mkdir(dir);
	}
}

/* A batch whose bytes are damaged: a one-line reason with the file and the
 * record's offset, then a gap (DROPPED) for the rest of the chunk. */
static void damaged(const uint8_t *bytes, size_t n, size_t at)
{
	struct tw t;
	tw_open(&t, dir, 204, TRACE_CLOCK_MONOTONIC);
	struct trace_access a[3] = { { 0x1000, 4, 1, 0 }, { 0x1004, 4, 0, 0 }, { 0x1008, 4, 0, 0 } };
	trace_stream_write_accesses(tw_stream(&t, 0), 100, a, 3);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 200, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	tw_close(&t);
	char file[512];
	tw_file(file, sizeof file, dir, 204);
	uint64_t rec = TRACE_ALIGN + sizeof(struct trace_chunk_header);
	tw_patch(file, rec + at, bytes, n);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct ct_error *err = trace_reader_error(r);
	assert_non_null(err);
	assert_string_equal(err->msg, "accesses record truncated or malformed");
	assert_non_null(strstr(err->file, "proc-204-0.ctr"));
	assert_true(err->has_offset);
	assert_int_equal(err->offset, rec);
	assert_true(e.n >= 1);
	for (size_t i = 0; i < e.n; i++)
		assert_int_not_equal(e.ev[i].op, TRACE_OP_ACCESS);
	assert_int_equal(e.ev[0].op, TRACE_OP_DROPPED);
	trace_reader_free(r);
	tw_events_release(&e);
	tw_rmdir(dir);
	tw_mkdir(dir);
}

static void test_damage(void **state)
{
	(void)state;
	/* record: op, tick (1 byte), count (2 bytes), then accesses */
	static const uint8_t zero_count[2] = { 0x80, 0x00 };
	damaged(zero_count, 2, 2);
	static const uint8_t huge_count[2] = { 0xff, 0x7f };
	damaged(huge_count, 2, 2);
	static const uint8_t bad_header = 0x40;  /* bits above the size class */
	damaged(&bad_header, 1, 4);
	static const uint8_t bad_class = 0x0a;  /* class 5: 32 bytes is not a class */
	damaged(&bad_class, 1, 4);
	static const uint8_t ext_bad_flags[2] = { 0x0f, 0x7f };  /* flags beyond the enum */
	damaged(ext_bad_flags, 2, 4);
	static const uint8_t ext_bad_write[3] = { 0x0e, 0x01, 0x04 };  /* write bits differ */
	damaged(ext_bad_write, 3, 4);
	static const uint8_t endless_var[12] = { 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff, 0xff, 0xff };
	damaged(endless_var, sizeof endless_var, 4);
}

/* The check that readers without a use for accesses pass them over with
 * says yes to exactly the batches the decoder reads whole, and ends where
 * it ends (random batches, mostly small bytes so that many decode). */
static void test_check_agrees_with_decode(void **state)
{
	(void)state;
	uint64_t x = 0x9E3779B97F4A7C15ull;
	unsigned agreed_ok = 0;
	for (int round = 0; round < 200000; round++) {
		uint8_t buf[48];
		size_t len = 2 + round % 40;
		buf[0] = (uint8_t)(1 + round % 5);  /* the count: 1 to 5 */
		for (size_t i = 1; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint8_t b = (uint8_t)x;
			buf[i] = (x >> 8) % 4 ? b & 0x0f : b;
		}
		const uint8_t *end = buf + len, *p = buf, *rec_end = NULL;
		uint32_t n = 0;
		bool checked = trace_accesses_check(&p, end, &n, &rec_end);
		const uint8_t *q = buf + 1;
		struct trace_access_state st = { 0, 0 };
		struct trace_access a;
		bool decoded = true;
		for (unsigned i = 0; i < buf[0] && decoded; i++)
			decoded = trace_access_decode(&q, end, &st, &a);
		assert_int_equal(checked, decoded);
		if (checked) {
			assert_int_equal(n, buf[0]);
			assert_ptr_equal(p, buf + 1);
			assert_ptr_equal(rec_end, q);
			agreed_ok++;
		}
	}
	assert_true(agreed_ok > 1000);  /* the valid case was reached often */
}

/* The header's counters are what ctrace info shows. */
static void test_counts(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 205, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 100, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	t.w.hdr->accesses_seen = 1234567;
	t.w.hdr->accesses_kept = 4567;
	t.w.hdr->atomic_loads_merged = 89;
	tw_close(&t);
	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(cat->accesses_seen, 1234567);
	assert_int_equal(cat->accesses_kept, 4567);
	assert_int_equal(cat->processes[0].accesses_kept, 4567);
	assert_int_equal(cat->atomic_loads_merged, 89);
	assert_int_equal(cat->processes[0].atomic_loads_merged, 89);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* TRACE_READER_NO_ACCESSES: the other events alone, in the same order,
 * and the catalog as if the accesses had been read (counts, times). */
static void test_no_accesses(void **state)
{
	(void)state;
	struct tw t;
	size_t n = 3000;
	struct trace_access *a = make_accesses(n);
	tw_open(&t, dir, 200, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 1000, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 0), 2000, a, n), n);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 2000, 0x5000, trace_writer_stamp(&t.w, 0x5000));
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 1), 900, a, 10), 10);
	assert_int_equal(trace_stream_write_accesses(tw_stream(&t, 0), 2500, a, 7), 7);
	tw_close(&t);

	struct tw_events all;
	struct trace_reader *full = tw_read(dir, &all);
	struct trace_reader *r = trace_reader_open(dir, TRACE_READER_NO_ACCESSES, NULL);
	assert_non_null(r);
	struct trace_event ev;
	size_t i = 0;
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT) {
		while (i < all.n && all.ev[i].op == TRACE_OP_ACCESS)
			i++;
		assert_true(i < all.n);
		assert_int_equal(ev.op, all.ev[i].op);
		assert_int_equal(ev.ts_ns, all.ev[i].ts_ns);
		assert_int_equal(ev.thread, all.ev[i].thread);
		i++;
	}
	while (i < all.n && all.ev[i].op == TRACE_OP_ACCESS)
		i++;
	assert_int_equal(i, all.n);
	const struct trace_catalog *c1 = trace_reader_catalog(full), *c2 = trace_reader_catalog(r);
	assert_int_equal(c2->events, c1->events);
	assert_int_equal(c1->by_op[TRACE_OP_ACCESS], n + 17);
	assert_int_equal(c2->by_op[TRACE_OP_ACCESS], c1->by_op[TRACE_OP_ACCESS]);
	assert_int_equal(c2->start_ns, c1->start_ns);
	assert_int_equal(c2->end_ns, c1->end_ns);
	assert_int_equal(c2->nthreads, c1->nthreads);
	for (uint32_t k = 0; k < c1->nthreads; k++) {
		assert_int_equal(c2->threads[k].events, c1->threads[k].events);
		assert_int_equal(c2->threads[k].start_ns, c1->threads[k].start_ns);
		assert_int_equal(c2->threads[k].end_ns, c1->threads[k].end_ns);
	}
	assert_null(trace_reader_error(r));
	trace_reader_free(r);
	trace_reader_free(full);
	tw_events_release(&all);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batches, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_stacks, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_next_accesses, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_hook, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_empty_batch, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_atomic_order, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_alloc_versions, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_damage, tw_setup, tw_teardown),
		cmocka_unit_test(test_check_agrees_with_decode),
		cmocka_unit_test_setup_teardown(test_counts, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_no_accesses, tw_setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
