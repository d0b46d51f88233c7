/* SPDX-License-Identifier: MIT */
/* test_reader_roundtrip.c - records written by the real writer come back as
 * the same events: every op and its fields, BEGIN/END pairing, strings, two
 * objects, drops, slot eviction, negative deltas, incarnations, threads. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *const dir = tw_dir;

static uint64_t key_of(unsigned op)
{
	return 0x10000 + op * 64;
}

/* The record every_op writes for OP (BEGIN or END). */
static char op_names[TRACE_OP_COUNT][16];

static struct trace_rec rec_of(struct tw *t, unsigned op, bool begin, uint64_t tick, uint32_t stack)
{
	char *str = op_names[op];
	snprintf(str, sizeof op_names[op], "name-%u", op);
	struct trace_rec rec = {
		.op = (uint8_t)(op | (begin ? TRACE_OP_BEGIN : 0)), .tick = tick, .stack = stack,
		.key = key_of(op), .key2 = key_of(op) + 0x100000, .result = (int64_t)op - 60,
		.args = { op * 3 + 1000, op * 5 + 2, (uint64_t)op << 40 }, .str = str,
	};
	if (trace_op_descs[op].flags & TRACE_F_OBJ)
		rec.seq = trace_writer_stamp(&t->w, rec.key);
	return rec;
}

static void check_event(const struct trace_catalog *cat, const struct trace_event *ev,
			const char *str, const struct trace_rec *rec, uint32_t stack)
{
	unsigned op = rec->op & TRACE_OP_MASK;
	const struct trace_op_desc *d = &trace_op_descs[op];
	bool begin = rec->op & TRACE_OP_BEGIN;
	unsigned nargs = begin ? d->nargs_begin : d->nargs;
	assert_int_equal(ev->op, op);
	assert_int_equal(ev->phase, begin ? TRACE_PHASE_BEGIN : TRACE_PHASE_END);
	assert_int_equal(ev->kind, d->kind);
	assert_int_equal(ev->ts_ns, rec->tick);
	assert_int_equal(ev->thread, 0);
	assert_int_equal(ev->process, 0);
	bool has_result = (d->flags & TRACE_F_CALL) && !begin;
	assert_int_equal(ev->result, has_result ? rec->result : 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(ev->args[i], i < nargs ? rec->args[i] : 0);
	assert_int_equal(ev->stack, (d->flags & TRACE_F_CALL) ? stack : 0);
	if (d->flags & TRACE_F_STR)
		assert_string_equal(str, rec->str);
	else
		assert_null(ev->str);
	if ((d->flags & TRACE_F_OBJ) && op != TRACE_OP_OBJ_ROLE) {  /* a role uses no object */
		const struct trace_object *o = trace_catalog_object(cat, ev->obj);
		assert_non_null(o);
		assert_int_equal(o->key, rec->key);
		assert_int_equal(ev->seq, rec->seq);
	} else {
		assert_int_equal(ev->obj, 0);
	}
	if (d->flags & TRACE_F_OBJ2)
		assert_int_equal(trace_catalog_object(cat, ev->obj2)->key, rec->key2);
	else
		assert_int_equal(ev->obj2, 0);
}

/* Every op, BEGIN too for blocking ones, with ticks going back now and then. */
static void test_every_op(void **state)
{
	(void)state;
	struct tw t;
	struct trace_rec *recs = calloc(2 * TRACE_OP_COUNT, sizeof *recs);
	size_t n = 0;
	tw_open(&t, dir, 100, TRACE_CLOCK_MONOTONIC);
	uint64_t pcs[3] = { 0x401000, 0x402000, 0x403000 };
	uint32_t stack = trace_writer_intern_stack(&t.w, pcs, 3);
	assert_int_equal(stack, 1);
	uint64_t tick = 1000000;
	for (unsigned op = 2; op < TRACE_OP_COUNT; op++) {
		const struct trace_op_desc *d = &trace_op_descs[op];
		if (!d->name || op == TRACE_OP_ACCESSES)
			continue;  /* a batch has its own encoding: test_reader_accesses */
		for (int begin = (d->flags & TRACE_F_BLOCKING) ? 1 : 0; begin >= 0; begin--) {
			tick = n % 3 == 2 ? tick - 70 : tick + 1000 + n; /* negative deltas too */
			recs[n] = rec_of(&t, op, begin, tick, stack);
			tw_write(&t, 0, &recs[n++]);
		}
	}
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, n);
	assert_int_equal(cat->nstacks, 2);
	assert_int_equal(cat->stacks[1].depth, 3);
	assert_memory_equal(cat->stacks[1].pc, pcs, sizeof pcs);
	for (size_t i = 0; i < n; i++)
		check_event(cat, &e.ev[i], e.strs[i], &recs[i], 1);
	assert_int_equal(cat->events, n);
	assert_int_equal(cat->by_op[TRACE_OP_MUTEX_LOCK], 1);
	assert_int_equal(cat->by_op[TRACE_OP_THREAD_START], 0); /* not a call */
	assert_int_equal(cat->threads[0].dropped, TRACE_OP_DROPPED * 3 + 1000);
	assert_true(cat->dropped >= TRACE_OP_DROPPED * 3 + 1000);
	assert_true(cat->record_bytes > n * 4);
	trace_reader_free(r);
	tw_events_release(&e);
	free(recs);
}

/* A BEGIN pairs with the END of its op; nested calls (signal handler) too. */
static void test_begin_end(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 101, TRACE_CLOCK_MONOTONIC);
	uint64_t a = 0x1000, s = 0x2000;
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK | TRACE_OP_BEGIN, 100, a, trace_writer_stamp(&t.w, a));
	tw_rec(&t, 0, TRACE_OP_SEM_WAIT | TRACE_OP_BEGIN, 120, s, trace_writer_stamp(&t.w, s));
	tw_rec(&t, 0, TRACE_OP_SEM_WAIT, 130, s, trace_writer_stamp(&t.w, s));
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 150, a, trace_writer_stamp(&t.w, a));
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 160, a, trace_writer_stamp(&t.w, a));
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 170, a, trace_writer_stamp(&t.w, a));
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 6);
	assert_int_equal(e.ev[0].phase, TRACE_PHASE_BEGIN);
	assert_int_equal(e.ev[2].op, TRACE_OP_SEM_WAIT);
	assert_int_equal(e.ev[2].had_begin, 1);
	assert_int_equal(e.ev[2].begin_ns, 120);
	assert_int_equal(e.ev[3].had_begin, 1);
	assert_int_equal(e.ev[3].begin_ns, 100);
	assert_int_equal(e.ev[3].ts_ns, 150);
	assert_int_equal(e.ev[5].had_begin, 0);
	assert_int_equal(e.ev[5].begin_ns, 170);
	assert_int_equal(trace_reader_catalog(r)->by_op[TRACE_OP_MUTEX_LOCK], 2);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Strings: empty, 255 bytes, longer (cut by the writer), named objects. */
static void test_strings(void **state)
{
	(void)state;
	struct tw t;
	char longs[400];
	memset(longs, 'x', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	tw_open(&t, dir, 102, TRACE_CLOCK_MONOTONIC);
	const char *names[] = { "", "/sem.one", longs };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t key = 0x3000 + i * 8;
		struct trace_rec rec = { .op = TRACE_OP_SEM_OPEN, .tick = 10 + i, .key = key,
					 .seq = trace_writer_stamp(&t.w, key), .str = names[i] };
		tw_write(&t, 0, &rec);
	}
	struct trace_rec mq = { .op = TRACE_OP_MQ_OPEN, .tick = 20, .key = TRACE_KEY_MQ_FLAG | 77,
				.seq = 0, .args = { 5, 0 }, .str = "/q" };
	tw_write(&t, 0, &mq);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(e.n, 4);
	assert_string_equal(e.strs[0], "");
	assert_string_equal(e.strs[1], "/sem.one");
	assert_int_equal(strlen(e.strs[2]), 255);
	assert_null(trace_catalog_object(cat, e.ev[0].obj)->name);
	assert_string_equal(trace_catalog_object(cat, e.ev[1].obj)->name, "/sem.one");
	const struct trace_object *q = trace_catalog_object(cat, e.ev[3].obj);
	assert_int_equal(q->kind, TRACE_OBJ_MQ);
	assert_string_equal(q->name, "/q");
	assert_true(q->initialized);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Cond waits name two objects: obj = the cond, obj2 = the mutex. */
static void test_two_objects(void **state)
{
	(void)state;
	struct tw t;
	uint64_t m = 0x5000, c = 0x6000;
	tw_open(&t, dir, 103, TRACE_CLOCK_MONOTONIC);
	struct trace_rec w = { .op = TRACE_OP_COND_WAIT | TRACE_OP_BEGIN, .tick = 1, .key = c,
			       .key2 = m, .seq = trace_writer_stamp(&t.w, c) };
	tw_write(&t, 0, &w);
	struct trace_rec rel = { .op = TRACE_OP_COND_RELEASE, .tick = 2, .key = m, .key2 = c,
				 .seq = trace_writer_stamp(&t.w, m) };
	tw_write(&t, 0, &rel);
	struct trace_rec acq = rel;
	acq.op = TRACE_OP_COND_REACQUIRE;
	acq.tick = 3;
	acq.seq = trace_writer_stamp(&t.w, m);
	tw_write(&t, 0, &acq);
	w.op = TRACE_OP_COND_WAIT;
	w.tick = 4;
	w.seq = trace_writer_stamp(&t.w, c);
	tw_write(&t, 0, &w);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(e.n, 4);
	assert_int_equal(cat->nobjects, 3);
	assert_int_equal(trace_catalog_object(cat, e.ev[0].obj)->kind, TRACE_OBJ_COND);
	assert_int_equal(trace_catalog_object(cat, e.ev[0].obj2)->kind, TRACE_OBJ_MUTEX);
	assert_int_equal(e.ev[1].obj, e.ev[0].obj2);
	assert_int_equal(e.ev[1].obj2, e.ev[0].obj);
	assert_int_equal(e.ev[2].obj, e.ev[0].obj2);
	assert_int_equal(e.ev[3].had_begin, 1);
	assert_int_equal(e.ev[3].begin_ns, 1);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Drops: a DROPPED record per lost run, and the header's counter. */
static void test_dropped(void **state)
{
	(void)state;
	struct tw t;
	char file[512];
	tw_open(&t, dir, 104, TRACE_CLOCK_MONOTONIC);
	struct trace_stream *s = tw_stream(&t, 0);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 10, 0x10, 0);
	for (int i = 0; i < 3; i++)
		trace_stream_count_drop(s);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 20, 0x10, 1);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[1].op, TRACE_OP_DROPPED);
	assert_int_equal(e.ev[1].args[0], 3);
	assert_int_equal(cat->threads[0].dropped, 3);
	assert_int_equal(cat->dropped, 3);
	assert_int_equal(cat->processes[0].dropped, 3);
	trace_reader_free(r);
	tw_events_release(&e);

	/* drops never written as records still count */
	uint64_t ten = 10;
	tw_patch(tw_file(file, sizeof file, dir, 104),
		 offsetof(struct trace_process_header, dropped), &ten, sizeof ten);
	r = tw_read(dir, &e);
	assert_int_equal(trace_reader_catalog(r)->dropped, 10);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Many objects in one chunk, defined in scattered slot order and used
 * again in another order: each slot keeps its own key and seq (the reader
 * keeps the slots defined by rank). */
static void test_many_slots(void **state)
{
	(void)state;
	enum { N = 120 };
	uint64_t keys[N];
	for (unsigned i = 0; i < N; i++)
		keys[i] = 0x200000 + (uint64_t)((i * 37) % N) * 0x1000;
	struct tw t;
	tw_open(&t, dir, 106, TRACE_CLOCK_MONOTONIC);
	uint64_t tick = 100;
	for (unsigned round = 0; round < 2; round++)
		for (unsigned i = 0; i < N; i++) {
			uint64_t k = keys[round ? N - 1 - i : i];
			tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, tick++, k, trace_writer_stamp(&t.w, k));
		}
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 2 * N);
	for (unsigned j = 0; j < 2 * N; j++) {
		unsigned i = j < N ? j : 2 * N - 1 - j;
		assert_int_equal(trace_catalog_object(cat, e.ev[j].obj)->key, keys[i]);
		assert_int_equal(e.ev[j].seq, j < N ? 1 : 2);
		if (j >= N)   /* the same object as the first use */
			assert_int_equal(e.ev[j].obj, e.ev[i].obj);
	}
	assert_int_equal(trace_reader_order_gaps(r), 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Three keys on the same slot pair: slots are redefined as they are evicted. */
static void test_slot_eviction(void **state)
{
	(void)state;
	uint64_t keys[3];
	unsigned n = 0;
	uint32_t pair = trace_slot_of(0x100000) >> 1;
	for (uint64_t k = 0x100000; n < 3; k += 8)
		if (trace_slot_of(k) >> 1 == pair)
			keys[n++] = k;
	struct tw t;
	tw_open(&t, dir, 105, TRACE_CLOCK_MONOTONIC);
	for (unsigned i = 0; i < 30; i++) {
		uint64_t k = keys[i % 3];
		tw_rec(&t, 0, i % 2 ? TRACE_OP_MUTEX_UNLOCK : TRACE_OP_MUTEX_LOCK, 100 + i, k,
		       trace_writer_stamp(&t.w, k));
	}
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 30);
	assert_int_equal(cat->nobjects, 4);
	for (unsigned i = 0; i < 30; i++) {
		assert_int_equal(trace_catalog_object(cat, e.ev[i].obj)->key, keys[i % 3]);
		assert_int_equal(e.ev[i].seq, i / 3 + 1);  /* seqs count from 1 */
	}
	assert_int_equal(trace_reader_order_gaps(r), 0);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Seq deltas may be negative (a signal handler's operation stamped after
 * but written before): decoded exactly; the merge takes them as it can. */
static void test_negative_seq_delta(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 106, TRACE_CLOCK_MONOTONIC);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 10, 0x40, 3);
	tw_rec(&t, 0, TRACE_OP_MUTEX_UNLOCK, 20, 0x40, 1);
	tw_rec(&t, 0, TRACE_OP_MUTEX_LOCK, 30, 0x40, 2);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[0].seq, 3);
	assert_int_equal(e.ev[1].seq, 1);
	assert_int_equal(e.ev[2].seq, 2);
	assert_int_equal(trace_reader_order_gaps(r), 2);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Incarnations: an init after a destroy is a new object; a use after the
 * destroy stays on the destroyed one. */
static void test_incarnations(void **state)
{
	(void)state;
	struct tw t;
	uint64_t m = 0x7000, pcs[1] = { 0x4444 };
	tw_open(&t, dir, 107, TRACE_CLOCK_MONOTONIC);
	uint32_t st = trace_writer_intern_stack(&t.w, pcs, 1);
	struct trace_rec rec = { .op = TRACE_OP_MUTEX_LOCK, .tick = 1, .key = m, .stack = st };
	unsigned ops[] = { TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_UNLOCK, TRACE_OP_MUTEX_DESTROY,
			   TRACE_OP_MUTEX_LOCK, TRACE_OP_MUTEX_INIT, TRACE_OP_MUTEX_LOCK };
	for (unsigned i = 0; i < 6; i++) {
		rec.op = (uint8_t)ops[i];
		rec.tick = 10 + i;
		rec.seq = trace_writer_stamp(&t.w, m);
		rec.args[0] = ops[i] == TRACE_OP_MUTEX_INIT ? TRACE_MUTEX_RECURSIVE : 0;
		tw_write(&t, 0, &rec);
	}
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_int_equal(e.n, 6);
	uint32_t first = e.ev[0].obj;
	for (unsigned i = 1; i < 4; i++)
		assert_int_equal(e.ev[i].obj, first);
	assert_true(trace_catalog_object_destroyed(cat, first));
	assert_false(trace_catalog_object(cat, first)->initialized); /* static initializer */
	assert_int_equal(trace_catalog_object(cat, first)->init_stack, e.ev[0].stack);
	assert_int_not_equal(e.ev[0].stack, 0);
	assert_int_not_equal(e.ev[4].obj, first);
	assert_int_equal(e.ev[4].obj, first + 1);
	assert_int_equal(e.ev[5].obj, e.ev[4].obj);
	const struct trace_object *o = trace_catalog_object(cat, e.ev[4].obj);
	assert_int_equal(o->key, m);
	assert_true(o->initialized);
	assert_false(trace_catalog_object_destroyed(cat, e.ev[4].obj));
	assert_int_equal(o->attr, TRACE_MUTEX_RECURSIVE);
	assert_false(trace_catalog_object(cat, first)->initialized); /* its own description */
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A FREED block ends the objects in it, made without an init call: a
 * lock at one of its addresses afterwards is a new object; one outside
 * it, and one locked before the free, are not changed. */
static void test_freed_block(void **state)
{
	(void)state;
	struct tw t;
	uint64_t in = 0x7010, out = 0x7040;
	tw_open(&t, dir, 111, TRACE_CLOCK_MONOTONIC);
	struct trace_rec lock = { .op = TRACE_OP_MUTEX_LOCK };
	uint64_t keys[] = { in, out, 0, in, out };
	for (unsigned i = 0; i < 5; i++) {
		struct trace_rec rec = lock;
		rec.tick = 10 + i;
		if (!keys[i]) {   /* the block [0x7000, 0x7040) */
			rec = (struct trace_rec){ .op = TRACE_OP_FREED, .tick = 10 + i,
						  .args = { 0x7000, 0x40 } };
		} else {
			rec.key = keys[i];
			rec.seq = trace_writer_stamp(&t.w, keys[i]);
		}
		tw_write(&t, 0, &rec);
	}
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 5);
	assert_int_equal(e.ev[2].op, TRACE_OP_FREED);
	assert_int_not_equal(e.ev[3].obj, e.ev[0].obj);   /* a new lock where the old one was */
	assert_int_equal(e.ev[4].obj, e.ev[1].obj);       /* past the block: the same */
	assert_int_equal(trace_catalog_object(trace_reader_catalog(r), e.ev[3].obj)->key, in);
	trace_reader_free(r);
	tw_events_release(&e);
	tw_rmdir(dir);
	assert_int_equal(mkdir(dir, 0700), 0);

	/* among many objects (the reader's map probes past the freed ones'
	 * slots): only those in the block are new */
	enum { N = 3000, FREED = 1000 };
	tw_open(&t, dir, 112, TRACE_CLOCK_MONOTONIC);
	uint64_t tick = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t i = 0; i < N; i++) {
			struct trace_rec rec = { .op = TRACE_OP_MUTEX_LOCK, .tick = tick++, .key = 0x10000 + 8 * i };
			rec.seq = trace_writer_stamp(&t.w, rec.key);
			tw_write(&t, 0, &rec);
		}
		if (!pass) {
			struct trace_rec rec = { .op = TRACE_OP_FREED, .tick = tick++,
						 .args = { 0x10000, 8 * FREED } };
			tw_write(&t, 0, &rec);
		}
	}
	tw_close(&t);
	r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 2 * N + 1);
	for (int i = 0; i < N; i++) {
		if (i < FREED)
			assert_int_not_equal(e.ev[N + 1 + i].obj, e.ev[i].obj);
		else
			assert_int_equal(e.ev[N + 1 + i].obj, e.ev[i].obj);
	}
	trace_reader_free(r);
	tw_events_release(&e);
	tw_rmdir(dir);
	assert_int_equal(mkdir(dir, 0700), 0);

	/* result 1: a realloc that left the block where it was frees nothing */
	tw_open(&t, dir, 113, TRACE_CLOCK_MONOTONIC);
	for (unsigned i = 0; i < 3; i++) {
		struct trace_rec rec = { .op = TRACE_OP_MUTEX_LOCK, .tick = 10 + i, .key = in };
		if (i == 1)
			rec = (struct trace_rec){ .op = TRACE_OP_FREED, .tick = 11, .result = 1,
						  .args = { 0x7000, 0x40 } };
		else
			rec.seq = trace_writer_stamp(&t.w, in);
		tw_write(&t, 0, &rec);
	}
	tw_close(&t);
	r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[1].result, 1);
	assert_int_equal(e.ev[2].obj, e.ev[0].obj);
	trace_reader_free(r);
	tw_events_release(&e);
}

static void write_one(struct tw *t, uint32_t idx, struct trace_rec rec)
{
	rec.seq = trace_writer_stamp(&t->w, rec.key);
	tw_write(t, idx, &rec);
}

static void write_threads(struct tw *t, uint32_t child, uint32_t create_stack)
{
	uint64_t spawn = 0x9000, h0 = 0xaaa0, h1 = 0xbbb0;
	write_one(t, 0, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .tick = 1,
					    .key = spawn + 8, .args = { ~0ull, 500, h0 },
					    .str = "main" });
	write_one(t, 0, (struct trace_rec){ .op = TRACE_OP_CREATE | TRACE_OP_BEGIN, .tick = 2,
					    .key = spawn, .stack = create_stack,
					    .args = { child } });
	write_one(t, 0, (struct trace_rec){ .op = TRACE_OP_CREATE, .tick = 3, .key = spawn,
					    .stack = create_stack, .args = { child, h1 } });
	write_one(t, child, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .tick = 4,
						.key = spawn, .args = { 0, 501, h1 },
						.str = "worker" });
	write_one(t, 0, (struct trace_rec){ .op = TRACE_OP_SETNAME_NP, .tick = 5, .key = h1,
					    .str = "renamed" });
	write_one(t, child, (struct trace_rec){ .op = TRACE_OP_THREAD_END, .tick = 6, .key = h1,
						.args = { TRACE_THREAD_END_EXIT } });
	write_one(t, 0, (struct trace_rec){ .op = TRACE_OP_JOIN, .tick = 7, .key = h1 });
}

/* THREAD_STACK: a thread's stack bounds, kept in the catalog; a thread
 * that wrote none has none. */
static void test_thread_stack(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 109, TRACE_CLOCK_MONOTONIC);
	uint32_t child = trace_writer_new_thread(&t.w);
	write_threads(&t, child, 0);
	tw_write(&t, 0, &(struct trace_rec){ .op = TRACE_OP_THREAD_STACK, .tick = 8,
					     .args = { 0x7ffc00000000ull - 0x800000, 0x7ffc00000000ull } });
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 8);
	assert_int_equal(e.ev[7].op, TRACE_OP_THREAD_STACK);
	assert_int_equal(cat->threads[0].stack_lo, 0x7ffc00000000ull - 0x800000);
	assert_int_equal(cat->threads[0].stack_hi, 0x7ffc00000000ull);
	assert_int_equal(cat->threads[1].stack_lo, 0);
	assert_int_equal(cat->threads[1].stack_hi, 0);
	assert_int_equal(cat->by_op[TRACE_OP_THREAD_STACK], 0); /* not a call */
	trace_reader_free(r);
	tw_events_release(&e);
}

/* Thread lifecycle: create/start/setname/end/join link the threads. */
static void test_threads(void **state)
{
	(void)state;
	struct tw t;
	uint64_t pcs[2] = { 0x1234, 0x5678 };
	tw_open(&t, dir, 108, TRACE_CLOCK_MONOTONIC);
	uint32_t child = trace_writer_new_thread(&t.w);
	uint32_t st = trace_writer_intern_stack(&t.w, pcs, 2);
	write_threads(&t, child, st);
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 7);
	assert_int_equal(cat->nthreads, 2);
	const struct trace_thread *t0 = &cat->threads[0], *t1 = &cat->threads[1];
	assert_int_equal(t1->index, child);
	assert_string_equal(t0->name, "main");
	assert_int_equal(t0->tid, 500);
	assert_int_equal(t0->parent, TRACE_NONE);
	assert_string_equal(t1->name, "renamed");
	assert_int_equal(t1->tid, 501);
	assert_int_equal(t1->handle, 0xbbb0);
	assert_int_equal(t1->parent, 0);
	assert_int_equal(t1->create_stack, e.ev[1].stack);
	assert_memory_equal(cat->stacks[t1->create_stack].pc, pcs, sizeof pcs);
	assert_true(t1->ended);
	assert_int_equal(t1->end_how, TRACE_THREAD_END_EXIT);
	assert_int_equal(t1->start_ns, 4);
	assert_int_equal(t1->end_ns, 6);
	assert_int_equal(t1->events, 2);
	assert_int_equal(e.ev[1].peer_thread, 1); /* create BEGIN */
	assert_int_equal(e.ev[2].peer_thread, 1); /* create END */
	assert_int_equal(e.ev[3].peer_thread, 0); /* thread_start: the parent */
	assert_int_equal(e.ev[3].thread, 1);
	assert_int_equal(e.ev[4].peer_thread, 1); /* setname */
	assert_int_equal(e.ev[6].op, TRACE_OP_JOIN);
	assert_int_equal(e.ev[6].peer_thread, 1);
	assert_int_equal(e.ev[0].peer_thread, TRACE_NONE);
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A thread created with the handle of an ended one, that never ran (the
 * process ended first): its detach is no second detach of the old one. */
static void test_handle_of_unseen_thread(void **state)
{
	(void)state;
	struct tw t;
	tw_open(&t, dir, 109, TRACE_CLOCK_MONOTONIC);
	uint32_t child = trace_writer_new_thread(&t.w);
	write_threads(&t, child, 0);
	uint32_t unseen = trace_writer_new_thread(&t.w);
	write_one(&t, 0, (struct trace_rec){ .op = TRACE_OP_CREATE, .tick = 8, .key = 0x9100,
					     .args = { unseen, 0xbbb0 } });
	write_one(&t, 0, (struct trace_rec){ .op = TRACE_OP_DETACH, .tick = 9, .key = 0xbbb0 });
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 9);
	assert_int_equal(e.ev[7].op, TRACE_OP_CREATE);
	assert_int_equal(e.ev[7].peer_thread, TRACE_NONE);
	assert_int_equal(e.ev[8].op, TRACE_OP_DETACH);
	assert_int_equal(e.ev[8].peer_thread, TRACE_NONE);  /* not T1, which had 0xbbb0 */
	trace_reader_free(r);
	tw_events_release(&e);
}

/* A join names the thread its handle named at its BEGIN: the joined
 * thread's descriptor is glibc's again as the join returns, and another
 * thread's create may get the same handle and record it before the
 * join's END is written. */
static void test_join_handle_reused(void **state)
{
	(void)state;
	struct tw t;
	uint64_t h1 = 0xbbb0, h2 = 0xccc0;
	tw_open(&t, dir, 110, TRACE_CLOCK_MONOTONIC);
	uint32_t child = trace_writer_new_thread(&t.w), other = trace_writer_new_thread(&t.w),
		 grand = trace_writer_new_thread(&t.w);
	write_one(&t, 0, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .tick = 1, .key = 0x9008,
					     .args = { ~0ull, 500, 0xaaa0 }, .str = "main" });
	write_one(&t, 0, (struct trace_rec){ .op = TRACE_OP_CREATE, .tick = 2, .key = 0x9000,
					     .args = { child, h1 } });
	write_one(&t, child, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .tick = 3, .key = 0x9000,
						 .args = { 0, 501, h1 }, .str = "child" });
	write_one(&t, 0, (struct trace_rec){ .op = TRACE_OP_CREATE, .tick = 4, .key = 0x9100,
					     .args = { other, h2 } });
	write_one(&t, other, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .tick = 5, .key = 0x9100,
						 .args = { 0, 502, h2 }, .str = "other" });
	write_one(&t, child, (struct trace_rec){ .op = TRACE_OP_THREAD_END, .tick = 6, .key = h1,
						 .args = { TRACE_THREAD_END_RETURN } });
	write_one(&t, 0, (struct trace_rec){ .op = TRACE_OP_JOIN | TRACE_OP_BEGIN, .tick = 7, .key = h1 });
	write_one(&t, other, (struct trace_rec){ .op = TRACE_OP_CREATE, .tick = 8, .key = 0x9200,
						 .args = { grand, h1 } });
	write_one(&t, grand, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .tick = 9, .key = 0x9200,
						 .args = { 0, 503, h1 }, .str = "grand" });
	write_one(&t, 0, (struct trace_rec){ .op = TRACE_OP_JOIN, .tick = 10, .key = h1 });
	write_one(&t, other, (struct trace_rec){ .op = TRACE_OP_JOIN, .tick = 11, .key = h1 });
	tw_close(&t);

	struct tw_events e;
	struct trace_reader *r = tw_read(dir, &e);
	const struct trace_catalog *cat = trace_reader_catalog(r);
	assert_null(trace_reader_error(r));
	assert_int_equal(e.n, 11);
	assert_int_equal(e.ev[9].op, TRACE_OP_JOIN);
	assert_int_equal(e.ev[9].thread, 0);
	assert_string_equal(cat->threads[e.ev[9].peer_thread].name, "child");
	assert_int_equal(e.ev[10].op, TRACE_OP_JOIN);
	assert_string_equal(cat->threads[e.ev[10].peer_thread].name, "grand");
	trace_reader_free(r);
	tw_events_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_op, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_begin_end, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_strings, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_two_objects, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_dropped, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_slot_eviction, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_many_slots, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_negative_seq_delta, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_incarnations, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_threads, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_thread_stack, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_handle_of_unseen_thread, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_join_handle_reused, tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_freed_block, tw_setup, tw_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
