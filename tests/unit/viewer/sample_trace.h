/* SPDX-License-Identifier: MIT */
/* sample_trace.h - the small fixed trace the viewer's golden tests export
 * (Perfetto, Chrome JSON, terminal), fake symbols for it, and golden-file
 * helpers. Header-only: each test_*.c is its own program. Set
 * CTRACE_UPDATE_GOLDEN=1 to rewrite the golden files instead of comparing. */
#ifndef CTRACE_TEST_SAMPLE_TRACE_H
#define CTRACE_TEST_SAMPLE_TRACE_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_trace.h"
#include "timeline.h"

struct sample_ids {
	uint32_t main, w1, w2;
	uint32_t m1, m2, cv, q;
	uint32_t st_lock, st_wait, st_misuse;
};

static inline struct trace_event *sample_ev(struct fake_trace *t, uint32_t th, unsigned op,
					    uint32_t obj, uint32_t stack)
{
	struct trace_event *e = fake_event(t, th, op, obj);
	e->stack = stack;
	return e;
}

/* An END that waited since BEGIN_NS. */
static inline struct trace_event *sample_end(struct fake_trace *t, uint32_t th, unsigned op,
					     uint32_t obj, uint64_t begin_ns)
{
	struct trace_event *e = fake_event(t, th, op, obj);
	e->had_begin = 1;
	e->begin_ns = begin_ns;
	return e;
}

/* main and two workers; a contended mutex (flow main -> worker-1), holds
 * released out of order (a child lane), a cond wait, a message from
 * worker-1 to worker-2, a join, and worker-2 blocked at the end. */
static inline void sample_trace(struct fake_trace *t, struct sample_ids *id)
{
	fake_trace_init(t);
	id->main = 0;
	id->w1 = fake_thread(t, 0, "worker-1");
	id->w2 = fake_thread(t, 0, "worker-2");
	id->m1 = fake_object(t, TRACE_OBJ_MUTEX, 0x555555558040ull);
	id->m2 = fake_object(t, TRACE_OBJ_MUTEX, 0x555555558080ull);
	id->cv = fake_object(t, TRACE_OBJ_COND, 0x5555555580c0ull);
	id->q = fake_object(t, TRACE_OBJ_MQ, 0x8000000000001234ull);
	fake_object_desc(t, id->q)->name = strdup("/jobs");
	id->st_lock = fake_stack(t, 0x401100, 2);
	id->st_wait = fake_stack(t, 0x401200, 2);
	id->st_misuse = fake_stack(t, 0x401300, 2);

	sample_ev(t, id->main, TRACE_OP_MUTEX_LOCK, id->m1, id->st_lock);      /* 1000000 */
	fake_begin(t, id->w1, TRACE_OP_MUTEX_LOCK, id->m1)->stack = id->st_wait;
	sample_ev(t, id->main, TRACE_OP_MUTEX_LOCK, id->m2, id->st_lock);
	sample_ev(t, id->main, TRACE_OP_MUTEX_UNLOCK, id->m1, 0);              /* not LIFO */
	sample_end(t, id->w1, TRACE_OP_MUTEX_LOCK, id->m1, 1001000)->stack = id->st_wait;
	sample_ev(t, id->main, TRACE_OP_MUTEX_UNLOCK, id->m2, 0);              /* 1005000 */
	struct trace_event *e = sample_ev(t, id->w1, TRACE_OP_MQ_SEND, id->q, 0);
	e->args[0] = 3, e->args[1] = 16, e->args[2] = 0;
	e = sample_ev(t, id->w2, TRACE_OP_MQ_RECEIVE, id->q, 0);
	e->args[0] = 4, e->args[1] = 16, e->args[2] = 0;
	fake_begin(t, id->w1, TRACE_OP_COND_WAIT, id->cv)->obj2 = id->m1;      /* 1008000 */
	fake_event(t, id->w1, TRACE_OP_COND_RELEASE, id->m1)->obj2 = id->cv;
	sample_ev(t, id->main, TRACE_OP_MUTEX_LOCK, id->m1, id->st_lock);      /* 1010000 */
	sample_ev(t, id->main, TRACE_OP_COND_SIGNAL, id->cv, 0);
	sample_ev(t, id->main, TRACE_OP_MUTEX_UNLOCK, id->m1, 0);
	fake_event(t, id->w1, TRACE_OP_COND_REACQUIRE, id->m1)->obj2 = id->cv; /* 1013000 */
	sample_end(t, id->w1, TRACE_OP_COND_WAIT, id->cv, 1008000)->obj2 = id->m1;
	sample_ev(t, id->w1, TRACE_OP_MUTEX_UNLOCK, id->m1, 0);                /* 1015000 */
	sample_ev(t, id->w1, TRACE_OP_MUTEX_UNLOCK, id->m1, id->st_misuse);    /* misuse */
	fake_begin(t, id->main, TRACE_OP_JOIN, 0);                             /* 1017000 */
	fake_event(t, id->w1, TRACE_OP_THREAD_END, 0);
	sample_end(t, id->main, TRACE_OP_JOIN, 0, 1017000)->peer_thread = id->w1;
	sample_ev(t, id->main, TRACE_OP_MUTEX_LOCK, id->m2, id->st_lock);      /* 1020000 */
	fake_begin(t, id->w2, TRACE_OP_MUTEX_LOCK, id->m2)->stack = id->st_wait;
	t->cat.end_ns = 1030000;
}

/* One finding, placed by its stack (the second unlock). */
static inline struct tl_finding sample_finding(const struct sample_ids *id)
{
	return (struct tl_finding){
		.kind = "unlock-not-locked", .message = "pthread_mutex_unlock of an unlocked mutex",
		.thread = id->w1, .obj = id->m1, .stack = id->st_misuse,
	};
}

/* ---- a real deadlock, ended long after its last event ---- */

#define HANG_RUN_END_NS 1020000ull  /* the watchdog ended the program here */

struct hang_ids {
	uint32_t left, right;
	uint32_t a, b;
	uint32_t st_a, st_b;
	uint64_t left_waits_ns, right_waits_ns;  /* when each wait began */
};

static inline void hang_findings(const struct hang_ids *id, struct tl_finding f[2]);

/* main joins "left"; left holds A and waits for B, right holds B and waits
 * for A (the trace ends at 1004000, as the two requests are its last
 * events); `ctrace run` recorded that the program ended at
 * HANG_RUN_END_NS. F (if not NULL) gets the hang's two findings. */
static inline void hang_trace(struct fake_trace *t, struct hang_ids *id, struct tl_finding f[2])
{
	fake_trace_init(t);
	id->left = fake_thread(t, 0, "left");
	id->right = fake_thread(t, 0, "right");
	id->a = fake_object(t, TRACE_OBJ_MUTEX, 0x555555558040ull);
	id->b = fake_object(t, TRACE_OBJ_MUTEX, 0x555555558080ull);
	id->st_a = fake_stack(t, 0x401100, 2);
	id->st_b = fake_stack(t, 0x401200, 2);
	fake_begin(t, 0, TRACE_OP_JOIN, 0)->peer_thread = id->left;            /* 1000000 */
	sample_ev(t, id->left, TRACE_OP_MUTEX_LOCK, id->a, id->st_a);
	sample_ev(t, id->right, TRACE_OP_MUTEX_LOCK, id->b, id->st_b);
	id->left_waits_ns = t->now;
	fake_begin(t, id->left, TRACE_OP_MUTEX_LOCK, id->b)->stack = id->st_b;  /* 1003000 */
	id->right_waits_ns = t->now;
	fake_begin(t, id->right, TRACE_OP_MUTEX_LOCK, id->a)->stack = id->st_a; /* 1004000 */
	t->cat.run.present = true;
	t->cat.run.pid = 1000;
	t->cat.run.start_ns = t->cat.start_ns;
	t->cat.run.end_ns = HANG_RUN_END_NS;
	t->cat.run.exit_status = 137;
	t->cat.run.exit_signal = 9;
	t->cat.run.ended_by_ctrace = true;
	if (f)
		hang_findings(id, f);
}

/* The hang's two findings, as the report gives them (timeline_findings.c):
 * each thread's wait, wait_ns before the end of the run. */
static inline void hang_findings(const struct hang_ids *id, struct tl_finding f[2])
{
	f[0] = (struct tl_finding){
		.kind = "deadlock", .message = "holds mutex g_lock, waits for mutex 0x555555558080",
		.thread = id->left, .obj = id->b, .stack = id->st_b,
		.before_end_ns = HANG_RUN_END_NS - id->left_waits_ns,
	};
	f[1] = (struct tl_finding){
		.kind = "deadlock", .message = "holds mutex 0x555555558080, waits for mutex g_lock",
		.thread = id->right, .obj = id->a, .stack = id->st_a,
		.before_end_ns = HANG_RUN_END_NS - id->right_waits_ns,
	};
}

/* Fake symbols: the first mutex is a global, stacks are "fn_<pc>". */
static inline const char *sample_object_symbol(void *ctx, const struct trace_object *o)
{
	(void)ctx;
	return o->key == 0x555555558040ull ? "g_lock" : NULL;
}

static inline void sample_stack_text(void *ctx, uint32_t stack, struct strbuf *sb)
{
	const struct trace_catalog *cat = ctx;
	const struct trace_stack *s = trace_catalog_stack(cat, stack);
	for (uint32_t i = 0; s && i < s->depth; i++)
		strbuf_addf(sb, "%sfn_%" PRIx64 " sample.c:%u", i ? "\n" : "", s->pc[i], 10 + i);
}

static inline struct tl_names sample_names(const struct fake_trace *t)
{
	return (struct tl_names){ (void *)&t->cat, sample_object_symbol, sample_stack_text };
}

/* ---- files ---- */

/* Reads a whole file (NUL-terminated, owned); NULL if unreadable. */
static inline char *sample_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	if (len)
		*len = sb.len;
	return strbuf_detach(&sb);
}

/* Compares ACTUAL with the golden file NAME (or rewrites it). Returns 0 if
 * equal; prints a hint otherwise. */
static inline int sample_golden(const char *name, const char *actual, size_t len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", VIEWER_GOLDEN_DIR, name);
	const char *update = getenv("CTRACE_UPDATE_GOLDEN");
	if (update && !strcmp(update, "1")) {
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(actual, 1, len, f) != len || fclose(f))
			return -1;
		return 0;
	}
	size_t glen = 0;
	char *golden = sample_read_file(path, &glen);
	int rc = golden && glen == len && !memcmp(golden, actual, len) ? 0 : -1;
	if (rc) {
		char out[1100];
		snprintf(out, sizeof out, "%s.actual", name);
		FILE *f = fopen(out, "wb");
		if (f) {
			fwrite(actual, 1, len, f);
			fclose(f);
		}
		fprintf(stderr, "golden mismatch: diff %s %s (CTRACE_UPDATE_GOLDEN=1 rewrites)\n",
			path, out);
	}
	free(golden);
	return rc;
}

#endif
