/* SPDX-License-Identifier: MIT */
/* trace_reader_decode.c - one thread's records, one ahead: walking its
 * chunks in seq order, validating and decoding each record into the
 * cursor's head, BEGIN/END pairing. No catalog updates here (emit does). */
#include "trace_reader_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum rd_bad {
	RD_OK,
	RD_BAD_OP,
	RD_BAD_BEGIN,
	RD_BAD_SLOT,
	RD_BAD_VAR,
	RD_BAD_STR,
	RD_BAD_GROUP,
	RD_BAD_ACCESSES,
};

struct rd_slot *rd_slot_define(struct rd_cursor *c, unsigned slot)
{
	if (!rd_slot_defined(c, slot)) {
		if (c->nslots == c->cap_slots) {
			uint32_t cap = c->cap_slots ? c->cap_slots * 2 : 4;
			struct rd_slot *v = realloc(c->slots, cap * sizeof *v);
			if (!v)
				return NULL;
			c->slots = v;
			c->cap_slots = cap;
		}
		c->slot_defined[slot / 64] |= 1ull << (slot % 64);
		struct rd_slot *at = rd_slot(c, slot);
		memmove(at + 1, at, (size_t)(c->slots + c->nslots - at) * sizeof *at);
		c->nslots++;
	}
	struct rd_slot *e = rd_slot(c, slot);
	*e = (struct rd_slot){ 0 };
	return e;
}

/* Enters the next chunk: 1, or 2 if chunks before it are missing (lost
 * data: the stream has a gap there), 0 at the end, -1 (live) to wait. */
static int enter_chunk(struct trace_reader *r, struct rd_cursor *c)
{
	if (c->ci >= c->nchunks)
		return rd_live(r) ? -1 : 0;
	const struct rd_chunk *k = &c->chunks[c->ci];
	uint32_t expect = c->entered_any ? c->last_seq + 1 : 0;
	if (rd_live(r) && k->seq != expect) {
		/* the missing chunk may still turn up (header being written) */
		uint64_t now = rd_clock_now();
		if (!c->wait_since)
			c->wait_since = now;
		if (now - c->wait_since < RD_WAIT_NS)
			return -1;
	}
	int entered = 1;
	if (k->seq != expect) {
		rd_problem(r, c->file->path, (int64_t)k->off,
			   "thread %u: chunk %u is missing before this one (lost data)", c->index,
			   expect);
		entered = 2;
	}
	c->wait_since = 0;
	c->in_chunk = true;
	c->entered_any = true;
	c->last_seq = k->seq;
	c->pos = k->off + sizeof(struct trace_chunk_header);
	c->end = k->off + k->size;
	memcpy(&c->tick, c->file->map + k->off + offsetof(struct trace_chunk_header, base_tick),
	       sizeof c->tick);
	memset(c->slot_defined, 0, sizeof c->slot_defined);
	c->nslots = 0;
	c->head.ev.thread = c->thread;
	c->head.ev.process = c->file->process;
	return entered;
}

/* A chunk left is never read again (its head is decoded, its strings
 * copied): its pages leave the reader's memory, so that reading a trace
 * costs the chunks in use, not the whole file. The page cache keeps them. */
static void leave_chunk(struct rd_cursor *c)
{
	const struct rd_chunk *k = &c->chunks[c->ci];
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t from = (k->off + page - 1) / page * page;
	uint64_t to = (k->off + k->size) / page * page;
	if (from < to && to <= c->file->map_size)
		madvise((void *)(c->file->map + from), to - from, MADV_DONTNEED);
	c->in_chunk = false;
	c->ci++;
}

/* The offset of the first non-zero byte of the file in [from, to), or
 * to. Holes (punched chunk tails) are skipped without reading them. */
static uint64_t first_data(const struct rd_file *f, uint64_t from, uint64_t to)
{
	uint64_t buf[8192];
	while (from < to) {
		off_t d = lseek(f->fd, (off_t)from, SEEK_DATA);
		if (d < 0 && errno == ENXIO)
			return to;
		if (d > (off_t)from)
			from = (uint64_t)d;
		if (from >= to)
			return to;
		uint64_t n = to - from < sizeof buf ? to - from : sizeof buf;
		ssize_t got = pread(f->fd, buf, n, (off_t)from);
		if (got <= 0)
			return to;
		const uint8_t *b = (const uint8_t *)buf;
		for (ssize_t i = 0; i < got; i++)
			if (b[i])
				return from + (uint64_t)i;
		from += (uint64_t)got;
	}
	return to;
}

/* The zero byte at POS ends the chunk's records: is that true, or is
 * data lost there (a zeroed page)? A sealed chunk says where its records
 * end; in one that is not (the thread was stopped in it), nothing but
 * zeros may follow, except within a record's length: the body of a
 * release whose op byte was never written (killed inside the call). A
 * chunk with a successor was left full. Returns true if data is lost
 * (REPORT: and says so). */
static bool records_cut_at(struct trace_reader *r, struct rd_cursor *c, uint64_t pos, bool report)
{
	const struct rd_chunk *k = &c->chunks[c->ci];
	const char *path = c->file->path;
	uint64_t end = k->off + k->size;
	uint64_t lim = end < c->file->st_size ? end : c->file->st_size;
	struct trace_chunk_header h;
	if (pread(c->file->fd, &h, sizeof h, (off_t)k->off) != (ssize_t)sizeof h)
		h.records_end = 0;
	uint32_t sealed = h.records_end;
	if (report)
		c->left_for_next = sealed && h.sealed_how == TRACE_SEAL_NEXT;
	if (sealed) {
		if (k->off + sealed == pos)
			return false;
		if (report)
			rd_problem(r, path, (int64_t)pos, "thread %u: the records end here, but the chunk "
				   "says they end at offset %llu (lost data)", c->index,
				   (unsigned long long)(k->off + sealed));
		return true;
	}
	uint64_t data = first_data(c->file, pos + 1, lim);
	if (data < lim && data - pos >= TRACE_RECORD_MAX) {
		if (report)
			rd_problem(r, path, (int64_t)pos, "thread %u: the records end here, but data "
				   "follows at offset %llu (lost data)", c->index, (unsigned long long)data);
		return true;
	}
	if (c->ci + 1 < c->nchunks && end - pos > TRACE_RECORD_MAX) {
		if (report)
			rd_problem(r, path, (int64_t)pos, "thread %u: the records end %llu bytes before "
				   "the end of a chunk that has a successor (lost data)", c->index,
				   (unsigned long long)(end - pos));
		return true;
	}
	return false;
}

static bool records_cut(struct trace_reader *r, struct rd_cursor *c)
{
	return records_cut_at(r, c, c->pos, true);
}

/* A zero op byte: the end of the chunk's records, or (live) the end of what
 * is written so far. Live, a chunk is over once the thread has a later one;
 * the byte is read once more since the writer may have published a last
 * record before opening that chunk. Returns 0 to wait, 1 when the chunk
 * is left, 2 when it is left with data lost. */
static int at_zero(struct trace_reader *r, struct rd_cursor *c)
{
	if (rd_live(r)) {
		if (c->ci + 1 >= c->nchunks)
			return 0;
		if (__atomic_load_n(c->file->map + c->pos, __ATOMIC_ACQUIRE))
			return 1;
	}
	if (c->file->running && c->ci + 1 >= c->nchunks) {
		leave_chunk(c);  /* a snapshot: what the thread wrote so far */
		return 1;
	}
	bool cut = records_cut(r, c);
	leave_chunk(c);
	return cut ? 2 : 1;
}

/* The parsers take CHECKED as a constant: when at least TRACE_RECORD_MAX
 * bytes remain (the writer's bound on a record), bounds need no checks. */
static inline __attribute__((always_inline))
bool get_var(const uint8_t **p, const uint8_t *end, uint64_t *v, bool checked)
{
	const uint8_t *q = *p;
	if ((!checked || q < end) && !(q[0] & 0x80)) {
		*v = q[0];
		*p = q + 1;
		return true;
	}
	if ((!checked || q + 1 < end) && !(q[1] & 0x80)) {
		*v = (q[0] & 0x7fu) | (uint64_t)q[1] << 7;
		*p = q + 2;
		return true;
	}
	return trace_get_var(p, end, v) == 0;
}

static inline __attribute__((always_inline))
enum rd_bad parse_obj_def(struct rd_cursor *c, const uint8_t **pp, const uint8_t *end,
			  bool checked)
{
	const uint8_t *p = *pp;
	uint64_t key;
	if (checked && p >= end)
		return RD_BAD_VAR;
	uint64_t group;
	unsigned slot = *p++;
	if (!get_var(&p, end, &key, checked) || !get_var(&p, end, &group, checked))
		return RD_BAD_VAR;
	if (group >= c->file->groups && c->file->groups)
		return RD_BAD_GROUP;
	struct rd_slot *e = rd_slot_define(c, slot);
	if (!e)
		return RD_BAD_SLOT;   /* no memory for it: the record cannot be read */
	e->key = key;
	e->group = (uint32_t)group;
	*pp = p;
	return RD_OK;
}

static inline __attribute__((always_inline))
enum rd_bad parse_objs(struct rd_cursor *c, struct rd_head *h, unsigned flags,
		       const uint8_t **pp, const uint8_t *end, bool checked)
{
	const uint8_t *p = *pp;
	uint64_t v;
	h->has_obj = flags & TRACE_F_OBJ;
	h->has_obj2 = flags & TRACE_F_OBJ2;
	h->ev.seq = 0;
	if (h->has_obj) {
		if (checked && p >= end)
			return RD_BAD_VAR;
		h->slot = *p++;
		if (!rd_slot_defined(c, h->slot))
			return RD_BAD_SLOT;
		if (!get_var(&p, end, &v, checked))
			return RD_BAD_VAR;
		const struct rd_slot *e = rd_slot(c, h->slot);
		h->key = e->key;
		if (v)  /* 0: an observation, not ordered */
			h->ev.seq = e->seq + (uint64_t)trace_unzigzag(v - 1);
	}
	if (h->has_obj2) {
		if (checked && p >= end)
			return RD_BAD_VAR;
		h->slot2 = *p++;
		if (!rd_slot_defined(c, h->slot2))
			return RD_BAD_SLOT;
		h->key2 = rd_slot(c, h->slot2)->key;
	}
	*pp = p;
	return RD_OK;
}

static int32_t clamp_result(int64_t v)
{
	return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

static inline __attribute__((always_inline))
enum rd_bad parse_tail(struct rd_head *h, const struct trace_op_desc *d, bool begin,
		       const uint8_t **pp, const uint8_t *end, bool checked)
{
	const uint8_t *p = *pp;
	uint64_t v;
	h->ev.result = 0;
	if ((d->flags & TRACE_F_CALL) && !begin) {
		if (!get_var(&p, end, &v, checked))
			return RD_BAD_VAR;
		h->ev.result = clamp_result(trace_unzigzag(v));
	}
	unsigned nargs = begin ? d->nargs_begin : d->nargs;
	h->ev.args[0] = h->ev.args[1] = h->ev.args[2] = 0;
	for (unsigned i = 0; i < nargs && i < 3; i++)
		if (!get_var(&p, end, &h->ev.args[i], checked))
			return RD_BAD_VAR;
	h->ev.str = NULL;
	if (d->flags & TRACE_F_STR) {
		if (checked && p >= end)
			return RD_BAD_STR;
		unsigned len = *p++;
		if (checked && (size_t)(end - p) < len)
			return RD_BAD_STR;
		memcpy(h->str, p, len);
		h->str[len] = 0;
		h->ev.str = h->str;
		p += len;
	}
	*pp = p;
	return RD_OK;
}

/* Decodes the record at p into c (OBJ_DEF) or c->head. */
static inline __attribute__((always_inline))
enum rd_bad parse_record(struct rd_cursor *c, const uint8_t **pp, const uint8_t *end,
			 bool *is_head, bool checked)
{
	const uint8_t *p = *pp;
	uint8_t opb = *p++;
	unsigned op = opb & TRACE_OP_MASK;
	const struct trace_op_desc *d = trace_op_desc(op);
	bool begin = opb & TRACE_OP_BEGIN;
	struct rd_head *h = &c->head;
	uint64_t v;
	enum rd_bad bad;

	*is_head = false;
	if (!d)
		return RD_BAD_OP;
	if (begin && !(d->flags & TRACE_F_BLOCKING))
		return RD_BAD_BEGIN;
	if (op == TRACE_OP_OBJ_DEF) {
		bad = parse_obj_def(c, &p, end, checked);
		*pp = p;
		return bad;
	}
	if (!get_var(&p, end, &v, checked))
		return RD_BAD_VAR;
	uint64_t tick = c->tick + (uint64_t)trace_unzigzag(v);
	if (op == TRACE_OP_ACCESSES) {
		/* checked whole now, yielded one access at a time (next_access) */
		uint32_t n;
		const uint8_t *rec_end;
		if (!trace_accesses_check(&p, end, &n, &rec_end))
			return RD_BAD_ACCESSES;
		c->tick = tick;
		c->batch_left = n;
		c->batch_at = (uint64_t)(p - c->file->map);
		c->batch = (struct trace_access_state){ 0, 0 };
		*pp = rec_end;
		return RD_OK;
	}
	h->ev.op = (uint8_t)op;
	h->ev.obj_gap = 0;
	h->ev.call_op = 0;
	h->ev.phase = begin ? TRACE_PHASE_BEGIN : TRACE_PHASE_END;
	h->ev.kind = d->kind;
	h->stack = 0;
	if (d->flags & TRACE_F_CALL) {
		if (!get_var(&p, end, &v, checked))
			return RD_BAD_VAR;
		h->stack = v <= UINT32_MAX ? (uint32_t)v : 0;
	}
	bad = parse_objs(c, h, d->flags, &p, end, checked);
	struct trace_op_desc older;   /* the op's fields in an older version */
	if ((op == TRACE_OP_ALLOC && c->file->hdr.h.version < 3) ||   /* no slack yet */
	    (op == TRACE_OP_SEM_TRYWAIT && c->file->hdr.h.version < 6)) {   /* no arg yet */
		older = *d;
		older.nargs = op == TRACE_OP_ALLOC ? 2 : 0;
		d = &older;
	}
	if (bad == RD_OK)
		bad = parse_tail(h, d, begin, &p, end, checked);
	if (bad != RD_OK)
		return bad;
	if (op == TRACE_OP_ALLOC && c->file->hdr.h.version < 4)   /* the slack alone, no flags */
		h->ev.args[2] = h->ev.args[2] > UINT64_MAX >> 1 ? UINT64_MAX - 1 : h->ev.args[2] << 1;
	/* commit only a whole record: live, a cut one is read again later */
	c->tick = tick;
	if (h->has_obj && h->ev.seq)
		rd_slot(c, h->slot)->seq = h->ev.seq;
	*is_head = true;
	*pp = p;
	return RD_OK;
}

/* BEGIN/END pairing, per thread: a small stack, for nested calls from signal
 * handlers; an END takes the nearest BEGIN of its op. */
static void pair(struct rd_cursor *c, struct trace_event *ev)
{
	ev->begin_ns = ev->ts_ns;
	ev->had_begin = 0;
	if (ev->phase == TRACE_PHASE_BEGIN) {
		if (c->nbegins == RD_BEGIN_DEPTH) {
			memmove(&c->begins[0], &c->begins[1],
				(RD_BEGIN_DEPTH - 1) * sizeof c->begins[0]);
			c->nbegins--;
		}
		c->begins[c->nbegins++] = (struct rd_begin){ ev->op, ev->ts_ns };
		return;
	}
	for (uint32_t i = c->nbegins; i-- > 0;) {
		if (c->begins[i].op != ev->op)
			continue;
		ev->begin_ns = c->begins[i].ts_ns;
		ev->had_begin = 1;
		memmove(&c->begins[i], &c->begins[i + 1],
			(c->nbegins - i - 1) * sizeof c->begins[0]);
		c->nbegins--;
		return;
	}
}

static void report_bad(struct trace_reader *r, struct rd_cursor *c, enum rd_bad bad)
{
	const char *path = c->file->path;
	int64_t off = (int64_t)c->pos;
	uint8_t opb = c->file->map[c->pos];
	const struct trace_op_desc *d = trace_op_desc(opb);
	switch (bad) {
	case RD_OK:
		break;
	case RD_BAD_OP:
		rd_problem(r, path, off, "unknown op 0x%02x", opb);
		break;
	case RD_BAD_BEGIN:
		rd_problem(r, path, off, "BEGIN flag on non-blocking op %s", d ? d->name : "?");
		break;
	case RD_BAD_SLOT:
		rd_problem(r, path, off, "%s record uses an undefined object slot",
			   d ? d->name : "?");
		break;
	case RD_BAD_VAR:
		rd_problem(r, path, off, "%s record truncated or malformed", d ? d->name : "?");
		break;
	case RD_BAD_STR:
		rd_problem(r, path, off, "%s record: string runs past the end of the chunk",
			   d ? d->name : "?");
		break;
	case RD_BAD_GROUP:
		rd_problem(r, path, off, "object definition names an order group beyond the %u of the file",
			   c->file->groups);
		break;
	case RD_BAD_ACCESSES:
		rd_problem(r, path, off, "accesses record truncated or malformed");
		break;
	}
}

static void finish_head(struct rd_cursor *c)
{
	struct rd_head *h = &c->head;
	const struct rd_file *f = c->file;
	h->ev.ts_ns = rd_ticks_to_ns(&f->clock, c->tick);
	if (h->ev.phase == TRACE_PHASE_BEGIN || c->nbegins) {
		pair(c, &h->ev);
	} else {
		h->ev.begin_ns = h->ev.ts_ns;
		h->ev.had_begin = 0;
	}
	h->ordered = h->has_obj && h->ev.seq && f->groups;
	h->group = h->ordered ? rd_slot(c, h->slot)->group : 0;
}

/* A head without object, string or result: an END of OP with these args. */
static void plain_head(struct rd_cursor *c, unsigned op, uint64_t a0, uint64_t a1, uint64_t a2,
		       uint32_t stack)
{
	struct rd_head *h = &c->head;
	h->ev.op = (uint8_t)op;
	h->ev.phase = TRACE_PHASE_END;
	h->ev.kind = TRACE_OBJ_NONE;
	h->ev.obj_gap = 0;
	h->ev.call_op = 0;
	h->ev.result = 0;
	h->ev.seq = 0;
	h->ev.args[0] = a0;
	h->ev.args[1] = a1;
	h->ev.args[2] = a2;
	h->ev.str = NULL;
	h->stack = stack;
	h->has_obj = h->has_obj2 = false;
}

/* Lost data in the stream (reported already): the head becomes a
 * DROPPED event of an unknown count (trace_event.h, "Gaps"), at the time
 * of the last record read. Pending BEGINs may have ended in the gap. */
static int gap(struct rd_cursor *c)
{
	plain_head(c, TRACE_OP_DROPPED, 0, 0, 0, 0);
	c->nbegins = 0;
	finish_head(c);
	return 1;
}

/* The stream has no more chunks, but the last one says the thread went on
 * in a next one: chunks are missing after it (lost data; or events dropped
 * when no chunk could be had, counted in the header). */
static bool tail_missing(struct trace_reader *r, struct rd_cursor *c)
{
	if (rd_live(r) || c->file->running || c->tail_checked || !c->left_for_next)
		return false;
	c->tail_checked = true;
	if (!c->file->hdr.dropped)
		rd_problem(r, c->file->path, (int64_t)c->chunks[c->nchunks - 1].off,
			   "thread %u: its chunks after this one are missing (lost data)", c->index);
	return true;
}

/* The next access of the batch being yielded, decoded. */
static struct trace_access batch_next(struct rd_cursor *c)
{
	const uint8_t *p = c->file->map + c->batch_at;
	struct trace_access a = { 0, 0, 0, 0 };
	if (!trace_access_decode(&p, c->file->map + c->file->map_size, &c->batch, &a))
		c->batch_left = 1;  /* checked already: cannot happen */
	c->batch_left--;
	c->batch_at = (uint64_t)(p - c->file->map);
	return a;
}

/* The next access of the batch being yielded: an ACCESS event at the
 * batch's tick. */
static int next_access(struct rd_cursor *c)
{
	struct trace_access a = batch_next(c);
	plain_head(c, TRACE_OP_ACCESS, a.addr, a.size, a.flags, a.stack);
	finish_head(c);
	return 1;
}

bool rd_access_continues(const struct rd_cursor *c)
{
	return c->batch_left && c->head.ev.op == TRACE_OP_ACCESS && !c->nbegins &&
	       c->yielded < c->limit;
}

void rd_decode_access(struct rd_cursor *c)
{
	struct trace_access a = batch_next(c);
	struct rd_head *h = &c->head;
	h->ev.args[0] = a.addr;
	h->ev.args[1] = a.size;
	h->ev.args[2] = a.flags;
	h->stack = a.stack;
}

size_t rd_decode_accesses(struct rd_cursor *c, struct trace_access *out, size_t max)
{
	size_t n = 0;
	while (n < max && rd_access_continues(c)) {
		out[n++] = batch_next(c);
		c->yielded++;
	}
	return n;
}

/* The record just parsed, ending at c->pos, ends in zeros where the
 * records were cut (a zeroed page): its last bytes may be the zeros, not
 * what was written, and it decodes all the same (zero is a valid varint).
 * It is taken as lost with what follows. (One whose last byte really was
 * a zero goes too: it is next to lost data, and nothing is made of it.) */
static bool cut_inside(struct trace_reader *r, struct rd_cursor *c, const uint8_t *map, uint64_t lim)
{
	uint64_t at = c->pos;
	return !rd_live(r) && at < lim && !map[at] && !map[at - 1] &&
	       !(c->file->running && c->ci + 1 >= c->nchunks) && records_cut_at(r, c, at, false);
}

/* Decodes c's next event into c->head: 1 = got one, 0 = the stream ended,
 * -1 = (live) nothing more written yet. A bad record is reported and drops
 * the rest of its chunk; lost data yields a DROPPED event. */
int rd_decode(struct trace_reader *r, struct rd_cursor *c)
{
	for (;;) {
		if (c->batch_left)
			return next_access(c);
		if (!c->in_chunk) {
			int e = enter_chunk(r, c);
			if (e == 0 && tail_missing(r, c))
				return gap(c);
			if (e <= 0)
				return e;
			if (e == 2)
				return gap(c);
		}
		const uint8_t *map = c->file->map;
		uint64_t lim = c->end < c->file->map_size ? c->end : c->file->map_size;
		if (c->pos >= lim) {
			if (lim < c->end && rd_live(r))
				return -1;
			leave_chunk(c);
			if (lim < c->end)
				return gap(c);  /* the file is truncated (reported by the walk) */
			continue;
		}
		uint8_t opb = rd_live(r) ? __atomic_load_n(map + c->pos, __ATOMIC_ACQUIRE)
					 : map[c->pos];
		if (!opb) {
			int z = at_zero(r, c);
			if (!z)
				return -1;
			if (z == 2)
				return gap(c);
			continue;
		}
		const uint8_t *p = map + c->pos;
		bool is_head;
		enum rd_bad bad = lim - c->pos >= TRACE_RECORD_MAX ?
				  parse_record(c, &p, map + lim, &is_head, false) :
				  parse_record(c, &p, map + lim, &is_head, true);
		if (bad != RD_OK) {
			if (lim < c->end && rd_live(r) && bad != RD_BAD_OP && bad != RD_BAD_BEGIN &&
			    bad != RD_BAD_SLOT && bad != RD_BAD_GROUP)
				return -1; /* the rest is beyond the mapping: wait for a remap */
			report_bad(r, c, bad);
			leave_chunk(c);
			return gap(c);
		}
		r->cat.record_bytes += (uint64_t)(p - (map + c->pos));
		c->pos = (uint64_t)(p - map);
		if (cut_inside(r, c, map, lim)) {
			c->batch_left = 0;   /* not yielded: the loss is reported next */
			continue;
		}
		if (c->batch_left && (r->flags & TRACE_READER_NO_ACCESSES)) {
			rd_count_accesses(r, c, c->batch_left);
			c->batch_left = 0;
		}
		if (is_head) {
			finish_head(c);
			return 1;
		}
	}
}
