/* SPDX-License-Identifier: MIT */
/* trace_reader.c - the reader's API and the merge: per-thread heads in a
 * heap by time, heads whose order stamp is not next in their order group parked
 * until it is, order gaps skipped when nothing else can move. */
#include "trace_reader_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void rd_problem(struct trace_reader *r, const char *file, int64_t off, const char *fmt, ...)
{
	if (!r->nerr++) {
		char msg[sizeof r->err.msg];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		ct_error_set(&r->err, file, off, "%s", msg);
	}
}

uint64_t rd_clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Grows arr to hold need elements. Returns the new array (the old one stays
 * valid on failure, NULL returned). */
void *rd_grow(void *arr, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return arr;
	uint32_t n = *cap ? *cap : 8;
	while (n < need)
		n = n > UINT32_MAX / 2 ? need : n * 2;
	void *p = realloc(arr, (size_t)n * elem);
	if (p)
		*cap = n;
	return p;
}

/* ---- the heap of ready heads, by (ts_ns, thread) ---- */

static bool before(const struct rd_cursor *a, const struct rd_cursor *b)
{
	if (a->head.ev.ts_ns != b->head.ev.ts_ns)
		return a->head.ev.ts_ns < b->head.ev.ts_ns;
	return a->thread < b->thread;
}

static void heap_set(struct trace_reader *r, uint32_t i, struct rd_cursor *c)
{
	r->heap[i] = c;
	c->heap_pos = i;
}

void rd_heap_push(struct trace_reader *r, struct rd_cursor *c)
{
	uint32_t i = r->nheap++;
	c->state = RD_READY;
	while (i) {
		uint32_t up = (i - 1) / 2;
		if (!before(c, r->heap[up]))
			break;
		heap_set(r, i, r->heap[up]);
		i = up;
	}
	heap_set(r, i, c);
}

static struct rd_cursor *heap_pop(struct trace_reader *r)
{
	struct rd_cursor *top = r->heap[0];
	struct rd_cursor *last = r->heap[--r->nheap];
	uint32_t i = 0, n = r->nheap;
	for (;;) {
		uint32_t k = 2 * i + 1;
		if (k >= n)
			break;
		if (k + 1 < n && before(r->heap[k + 1], r->heap[k]))
			k++;
		if (!before(r->heap[k], last))
			break;
		heap_set(r, i, r->heap[k]);
		i = k;
	}
	if (n)
		heap_set(r, i, last);
	return top;
}

/* ---- order stamps ---- */

static bool is_ready(const struct rd_cursor *c)
{
	const struct rd_file *f = c->file;
	return !c->head.ordered || c->head.ev.seq <= f->last_seq[c->head.group] + 1;
}

static void park_push(struct rd_park *p, struct rd_cursor *c)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->v = realloc(p->v, p->cap * sizeof *p->v);
		if (!p->v)
			abort();
	}
	uint32_t i = p->n++;
	while (i && p->v[(i - 1) / 2]->head.ev.seq > c->head.ev.seq) {
		p->v[i] = p->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	p->v[i] = c;
}

static struct rd_cursor *park_pop(struct rd_park *p)
{
	struct rd_cursor *top = p->v[0], *last = p->v[--p->n];
	uint32_t i = 0;
	for (;;) {
		uint32_t k = 2 * i + 1;
		if (k >= p->n)
			break;
		if (k + 1 < p->n && p->v[k + 1]->head.ev.seq < p->v[k]->head.ev.seq)
			k++;
		if (p->v[k]->head.ev.seq >= last->head.ev.seq)
			break;
		p->v[i] = p->v[k];
		i = k;
	}
	if (p->n)
		p->v[i] = last;
	return top;
}

static void park(struct trace_reader *r, struct rd_cursor *c)
{
	c->state = RD_PARKED;
	struct rd_file *f = c->file;
	uint32_t g = c->head.group;
	if (!f->parked[g].cap) {  /* remembered, so freeing touches only these */
		if (f->npark_groups == f->park_groups_cap) {
			f->park_groups_cap = f->park_groups_cap ? f->park_groups_cap * 2 : 16;
			f->park_groups = realloc(f->park_groups,
						 f->park_groups_cap * sizeof *f->park_groups);
			if (!f->park_groups)
				abort();
		}
		f->park_groups[f->npark_groups++] = g;
	}
	park_push(&f->parked[g], c);
	r->nparked++;
}

static void wake(struct trace_reader *r, struct rd_file *f, uint32_t group)
{
	struct rd_park *p = &f->parked[group];
	while (p->n && p->v[0]->head.ev.seq <= f->last_seq[group] + 1) {
		r->nparked--;
		rd_heap_push(r, park_pop(p));
	}
}

static void advance_seq(struct trace_reader *r, const struct rd_cursor *c)
{
	struct rd_file *f = c->file;
	if (!c->head.ordered)
		return;
	uint32_t g = c->head.group;
	if (c->head.ev.seq > f->last_seq[g])
		f->last_seq[g] = c->head.ev.seq;
	if (f->parked[g].n)
		wake(r, f, g);
}

/* Puts c where its decode result says: heap, parking, waiting or done. */
static void place(struct trace_reader *r, struct rd_cursor *c, int st)
{
	if (st == 0)
		c->state = RD_DONE;
	else if (st < 0)
		c->state = RD_WAIT;
	else if (is_ready(c))
		rd_heap_push(r, c);
	else
		park(r, c);
}

/* Decodes c's next event, unless it yielded all it may (reopen). */
static int next_head(struct trace_reader *r, struct rd_cursor *c)
{
	return c->yielded >= c->limit ? 0 : rd_decode(r, c);
}

void rd_classify(struct trace_reader *r, struct rd_cursor *c)
{
	place(r, c, next_head(r, c));
}

/* Nothing is ready but heads are parked: some seq was taken and never
 * written. In each order group, only the parked head with the smallest
 * seq may go next. Of those, skip the gap of the earliest: a record it
 * waits for would be older than it, and every other thread's next record
 * is newer, so no thread can still bring it. (A later head's gap may be a
 * record that waits behind the earliest one in its own thread.) Clocks
 * can be off by a preemption, hence seq first within a group. */
static void skip_gap(struct trace_reader *r)
{
	struct rd_cursor *best = NULL;
	for (uint32_t i = 0; i < r->cat.nthreads; i++) {
		struct rd_cursor *c = r->cursors[i];
		if (c->state != RD_PARKED || c->file->parked[c->head.group].v[0] != c)
			continue;
		if (!best || before(c, best))
			best = c;
	}
	if (!best)
		return;
	uint64_t best_gap = best->head.ev.seq - (best->file->last_seq[best->head.group] + 1);
	r->gaps += best_gap;
	best->head.ev.obj_gap = TRACE_OBJ_GAP_BEFORE;
	best->file->last_seq[best->head.group] = best->head.ev.seq - 1;
	wake(r, best->file, best->head.group);
}

/* Live: cursors waiting for data try again. Returns true if any moved. */
static bool retry_waiting(struct trace_reader *r)
{
	bool moved = false;
	for (uint32_t i = 0; i < r->cat.nthreads; i++) {
		struct rd_cursor *c = r->cursors[i];
		if (c->state == RD_WAIT) {
			rd_classify(r, c);
			moved |= c->state != RD_WAIT;
		}
	}
	return moved;
}

/* The heap is empty. Returns 1 to look again, 0 at the end, -1 (live) to
 * wait for more data. */
static int unstick(struct trace_reader *r)
{
	if (rd_live(r) && retry_waiting(r))
		return 1;
	if (r->nparked && rd_snapshot(r)) {
		/* an operation in progress: what follows it stays unread */
		r->withheld += r->nparked;
		r->nparked = 0;
		return 0;
	}
	if (r->nparked) {
		if (rd_live(r)) {
			/* the missing record may still be written */
			uint64_t now = rd_clock_now();
			if (!r->stuck_since)
				r->stuck_since = now;
			if (now - r->stuck_since < RD_WAIT_NS)
				return -1;
		}
		skip_gap(r);
		return 1;
	}
	return rd_live(r) ? -1 : 0;
}

size_t trace_reader_next_accesses(struct trace_reader *r, struct trace_access *out, size_t max)
{
	struct rd_cursor *c = r->emitted;
	if (!c || !rd_access_continues(c))
		return 0;
	size_t n = rd_decode_accesses(c, out, max);
	rd_emit_accesses(r, c, out, n);
	r->stuck_since = 0;
	return n;
}

int trace_reader_next(struct trace_reader *r, struct trace_event *ev)
{
	struct rd_cursor *c = NULL;
	if (r->emitted && rd_access_continues(r->emitted)) {
		c = r->emitted;
		rd_decode_access(c);
		rd_emit_access(r, c, ev);
		c->yielded++;
		r->stuck_since = 0;
		return TRACE_READER_EVENT;
	}
	if (r->emitted) {
		struct rd_cursor *e = r->emitted;
		int st = next_head(r, e);
		r->emitted = NULL;
		/* fast path: the same thread again, no heap traffic */
		if (st > 0 && is_ready(e) && (!r->nheap || before(e, r->heap[0])))
			c = e;
		else
			place(r, e, st);
	}
	while (!c) {
		if (r->nheap) {
			c = heap_pop(r);
			break;
		}
		int st = unstick(r);
		if (st <= 0)
			return st < 0 ? TRACE_READER_AGAIN : TRACE_READER_DONE;
	}
	rd_emit(r, c, ev);
	if (c->head.ordered && c->head.ev.seq < c->file->last_seq[c->head.group])
		ev->obj_gap = TRACE_OBJ_GAP_LATE;
	c->yielded++;
	advance_seq(r, c);
	c->state = RD_EMITTED;
	r->emitted = c;
	r->stuck_since = 0;
	return TRACE_READER_EVENT;
}

uint64_t trace_reader_drain(struct trace_reader *r)
{
	struct trace_event ev;
	uint64_t n = 0;
	while (trace_reader_next(r, &ev) == TRACE_READER_EVENT)
		n++;
	return n;
}

/* ---- open and free ---- */

static int add_file(struct rd_file ***files, uint32_t *n, uint32_t *cap, struct rd_file *f)
{
	struct rd_file **a = rd_grow(*files, cap, *n + 1, sizeof *a);
	if (!a) {
		rd_file_free(f);
		return -ENOMEM;
	}
	a[(*n)++] = f;
	*files = a;
	return 0;
}

static int add_name(char ***names, uint32_t *n, const char *name)
{
	char **p = realloc(*names, (*n + 1) * sizeof *p);
	if (!p)
		return -ENOMEM;
	*names = p;
	p[*n] = strdup(name);
	if (!p[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static const struct rd_file *model_file(const struct trace_reader *m, const char *name)
{
	for (uint32_t i = 0; i < m->nfiles; i++)
		if (!strcmp(m->files[i]->name, name))
			return m->files[i];
	return NULL;
}

/* Opens the files NAMES; valid ones go to *files (walked, owned by the
 * caller, also on failure), live files not ready yet to r->pending. A
 * file whose image still writes it makes the reader a snapshot; a reopen
 * takes only what its model read. */
int rd_open_files(struct trace_reader *r, char **names, uint32_t n, struct rd_file ***files,
		  uint32_t *nfiles)
{
	uint32_t cap = 0;
	*files = NULL;
	*nfiles = 0;
	for (uint32_t i = 0; i < n; i++) {
		bool retry;
		const struct rd_file *m = r->model ? model_file(r->model, names[i]) : NULL;
		if (r->model && !m)
			continue;
		struct rd_file *f = rd_file_open(r, names[i], &retry);
		int e = 0;
		if (f) {
			f->running = m ? m->running : !rd_live(r) && rd_file_running(f);
			if (f->running)
				r->flags |= TRACE_READER_SNAPSHOT;
			rd_file_walk(r, f);
			if (m)
				rd_file_limit(f, m);
			e = add_file(files, nfiles, &cap, f);
		} else if (retry) {
			e = add_name(&r->pending, &r->npending, names[i]);
		} else if (rd_live(r)) {
			e = add_name(&r->ignored, &r->nignored, names[i]);
		}
		if (e < 0)
			return e;
	}
	return 0;
}

static void free_names(char **names, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int open_dir(struct trace_reader *r, struct ct_error *err)
{
	char **names;
	uint32_t n;
	if (rd_list_dir(r, &names, &n) < 0)
		return ct_error_set(err, r->dir, -1, "cannot read trace directory: %s",
				    strerror(errno));
	struct rd_file **files;
	uint32_t nfiles;
	int e = rd_open_files(r, names, n, &files, &nfiles);
	free_names(names, n);
	if (e == 0 && !nfiles && !(rd_live(r) && r->npending)) {
		free(files);
		if (r->nerr && err)
			*err = r->err;
		else
			ct_error_set(err, r->dir, -1,
				     "not a ctrace trace (no proc-*.ctr events file)");
		return -1;
	}
	if (e == 0) {
		e = rd_setup_files(r, files, nfiles);
	} else {
		for (uint32_t i = 0; i < nfiles; i++)
			rd_file_free(files[i]);
	}
	free(files);
	if (e < 0)
		return ct_error_set(err, r->dir, -1, "%s", strerror(-e));
	return 0;
}

static struct trace_reader *reader_open(const char *dir, unsigned flags,
				       const struct trace_reader *model, struct ct_error *err)
{
	struct trace_reader *r = calloc(1, sizeof *r);
	if (!r) {
		ct_error_set(err, dir, -1, "out of memory");
		return NULL;
	}
	r->flags = flags;
	r->model = model;
	r->cat.read_ns = rd_clock_now();
	for (unsigned op = 0; op < TRACE_OP_COUNT; op++)
		r->op_life[op] = trace_op_is_init(op) ? RD_LIFE_INIT :
				 trace_op_is_destroy(op) ? RD_LIFE_DESTROY : RD_LIFE_USE;
	r->dir = strdup(dir);
	r->cat.stacks = calloc(1, sizeof *r->cat.stacks);
	r->cat.nstacks = r->stacks_cap = 1;
	if (!r->dir || !r->cat.stacks || trace_catalog_init_objects(&r->cat) < 0) {
		ct_error_set(err, dir, -1, "out of memory");
		trace_reader_free(r);
		return NULL;
	}
	if (open_dir(r, err) < 0) {
		trace_reader_free(r);
		return NULL;
	}
	rd_read_run_info(r);
	rd_setup_clocks(r);
	rd_dir_usage(r);
	rd_update_process_facts(r);
	if (model)
		r->cat.read_ns = model->cat.read_ns;
	r->model = NULL;
	for (uint32_t i = 0; i < r->cat.nthreads; i++)
		rd_classify(r, r->cursors[i]);
	return r;
}

struct trace_reader *trace_reader_open(const char *dir, unsigned flags, struct ct_error *err)
{
	return reader_open(dir, flags, NULL, err);
}

struct trace_reader *trace_reader_reopen(const struct trace_reader *r, struct ct_error *err)
{
	return reader_open(r->dir, r->flags, r, err);
}

void trace_reader_free(struct trace_reader *r)
{
	if (!r)
		return;
	for (uint32_t i = 0; i < r->nfiles; i++)
		rd_file_free(r->files[i]);
	free(r->files);
	free_names(r->pending, r->npending);
	free_names(r->ignored, r->nignored);
	free(r->cursors);
	free(r->heap);
	free(r->obj_replaced);
	rd_descs_release(&r->descs);
	rd_roles_release(r);
	rd_map_release(&r->objects);
	rd_map_release(&r->handles);
	rd_map_release(&r->early_parent);
	rd_map_release(&r->early_stack);
	trace_catalog_release(&r->cat);
	free(r->dir);
	free(r);
}

const struct trace_catalog *trace_reader_catalog(const struct trace_reader *r)
{
	return &r->cat;
}

const struct ct_error *trace_reader_error(const struct trace_reader *r)
{
	return r->nerr ? &r->err : NULL;
}

unsigned trace_reader_error_count(const struct trace_reader *r)
{
	return r->nerr;
}

uint64_t trace_reader_order_gaps(const struct trace_reader *r)
{
	return r->gaps;
}

uint64_t trace_reader_withheld(const struct trace_reader *r)
{
	return r->withheld;
}

bool trace_reader_parked(const struct trace_reader *r)
{
	return r->nparked != 0;
}
