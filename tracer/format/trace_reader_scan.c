/* SPDX-License-Identifier: MIT */
/* trace_reader_scan.c - one events file: mapping it, its process header, the
 * chunk walk (events chunks to their thread, stack chunks) and the stack
 * table. Records are decoded elsewhere (trace_reader_decode.c). */
#include "trace_reader_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HDR_SIZE sizeof(struct trace_chunk_header)

static uint32_t load_u32(const uint8_t *p, bool live)
{
	uint32_t v;
	if (live)
		return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
	memcpy(&v, p, sizeof v);
	return v;
}

static void add_cal(struct rd_file *f, struct trace_calibration cal)
{
	if (!f->ncal++) {
		f->cal_lo = f->cal_hi = cal;
		return;
	}
	if (cal.mono_ns < f->cal_lo.mono_ns)
		f->cal_lo = cal;
	if (cal.mono_ns > f->cal_hi.mono_ns)
		f->cal_hi = cal;
}

/* The live header fields, refreshed at each poll. */
void rd_file_read_live_fields(struct rd_file *f)
{
	const struct trace_process_header *ph = (const void *)f->map;
	uint32_t flags = __atomic_load_n(&ph->exit_flags, __ATOMIC_ACQUIRE);
	f->hdr.dropped = ph->dropped;
	f->hdr.threads = ph->threads;
	f->hdr.stacks_dropped = ph->stacks_dropped;
	f->hdr.accesses_seen = ph->accesses_seen;
	f->hdr.accesses_kept = ph->accesses_kept;
	f->hdr.atomic_loads_merged = ph->atomic_loads_merged;
	f->hdr.exit_status = ph->exit_status;
	f->hdr.exit_signal = ph->exit_signal;
	f->hdr.exit_cal = ph->exit_cal;
	if ((flags & TRACE_EXIT_CAL) && !(f->hdr.exit_flags & TRACE_EXIT_CAL))
		add_cal(f, ph->exit_cal);
	f->hdr.exit_flags = flags;
}

static const char *check_header(const struct trace_chunk_header *h, char *buf, size_t n)
{
	if (h->magic != TRACE_CHUNK_MAGIC)
		snprintf(buf, n, "bad chunk magic 0x%08x", h->magic);
	else if (h->version < TRACE_FORMAT_VERSION_MIN || h->version > TRACE_FORMAT_VERSION)
		snprintf(buf, n, "unsupported format version %u", h->version);
	else if (h->type < TRACE_CHUNK_PROCESS || h->type > TRACE_CHUNK_STACKS)
		snprintf(buf, n, "bad chunk type %u", h->type);
	else if (h->size < TRACE_ALIGN || h->size % TRACE_ALIGN || h->size > RD_CHUNK_MAX)
		snprintf(buf, n, "bad chunk size %u", h->size);
	else
		return NULL;
	return buf;
}

/* Validates the process header; fills f->hdr. Returns NULL or a reason. */
static const char *read_process_header(struct rd_file *f, bool live, char *buf, size_t n)
{
	if (f->map_size < TRACE_ALIGN)
		return "file too short for a process header";
	uint32_t magic = load_u32(f->map, live);
	memcpy(&f->hdr, f->map, sizeof f->hdr);
	f->hdr.h.magic = magic;
	const char *why = check_header(&f->hdr.h, buf, n);
	if (why)
		return why;
	if (f->hdr.h.type != TRACE_CHUNK_PROCESS || f->hdr.h.size != TRACE_ALIGN)
		return "first chunk is not a process header";
	f->hdr.exe[TRACE_PATH_MAX - 1] = 0;
	if (f->hdr.argv_len > TRACE_ARGV_MAX)
		f->hdr.argv_len = TRACE_ARGV_MAX;
	f->hdr.exit_flags = 0;
	return NULL;
}

static struct rd_cursor *get_thread(struct rd_file *f, uint32_t index);

static int map_file(struct rd_file *f)
{
	struct stat st;
	if (fstat(f->fd, &st) < 0)
		return -errno;
	f->st_size = (uint64_t)st.st_size;
	if (f->st_size <= f->map_size)
		return 0;
	void *p = mmap(NULL, f->st_size, PROT_READ, MAP_SHARED, f->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (f->map)
		munmap((void *)f->map, f->map_size);
	f->map = p;
	f->map_size = f->st_size;
	return 0;
}

int rd_file_remap(struct trace_reader *r, struct rd_file *f)
{
	int e = map_file(f);
	if (e < 0)
		rd_problem(r, f->path, -1, "cannot map: %s", strerror(-e));
	return e;
}

static int setup_order(struct trace_reader *r, struct rd_file *f)
{
	uint32_t n = f->hdr.order_groups;
	if (!n || n > RD_GROUPS_MAX) {
		rd_problem(r, f->path, offsetof(struct trace_process_header, order_groups),
			   "bad order group count %u: events are ordered by time only", n);
		return 0;
	}
	/* large and mostly untouched: calloc maps zero pages lazily */
	f->last_seq = calloc(n, sizeof *f->last_seq);
	f->parked = calloc(n, sizeof *f->parked);
	if (!f->last_seq || !f->parked)
		return -ENOMEM;
	f->groups = n;
	return 0;
}

/* Opens DIR/NAME. Returns NULL on a problem (reported), or with *retry set
 * when, live, the file's header is not written yet. */
struct rd_file *rd_file_open(struct trace_reader *r, const char *name, bool *retry)
{
	char buf[128];
	const char *why = NULL;
	struct rd_file *f = calloc(1, sizeof *f);
	*retry = false;
	if (!f || asprintf(&f->path, "%s/%s", r->dir, name) < 0) {
		free(f);
		return NULL;
	}
	f->name = f->path + strlen(r->dir) + 1;
	f->process = TRACE_NONE;
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	int e = f->fd < 0 ? -errno : map_file(f);
	if (e < 0) {
		snprintf(buf, sizeof buf, "cannot read: %s", strerror(-e));
		why = buf;
	} else {
		why = read_process_header(f, rd_live(r), buf, sizeof buf);
	}
	if (why && rd_live(r) && (f->map_size < TRACE_ALIGN || !f->hdr.h.magic)) {
		*retry = true;
	} else if (why) {
		rd_problem(r, f->path, e < 0 ? -1 : 0, "%s", why);
	} else if (setup_order(r, f) == 0) {
		if (f->hdr.clock != TRACE_CLOCK_MONOTONIC && f->hdr.clock != TRACE_CLOCK_TSC)
			rd_problem(r, f->path, offsetof(struct trace_process_header, clock),
				   "unknown clock %u: ticks taken as ns", f->hdr.clock);
		add_cal(f, f->hdr.h.cal);
		rd_file_read_live_fields(f);
		f->walk_from = TRACE_ALIGN;
		if (get_thread(f, 0)) /* the main thread, even without records */
			return f;
	}
	rd_file_free(f);
	return NULL;
}

void rd_file_free(struct rd_file *f)
{
	if (!f)
		return;
	for (uint32_t i = 0; i < f->nthreads; i++) {
		free(f->threads[i]->chunks);
		free(f->threads[i]->slots);
		free(f->threads[i]);
	}
	free(f->threads);
	if (f->map)
		munmap((void *)f->map, f->map_size);
	if (f->fd >= 0)
		close(f->fd);
	free(f->last_seq);
	for (uint32_t i = 0; f->parked && i < f->npark_groups; i++)
		free(f->parked[f->park_groups[i]].v);
	free(f->park_groups);
	free(f->parked);
	free(f->known);
	free(f->stack_chunks);
	free(f->stack_map);
	free(f->pycode_map);
	free(f->path);
	free(f);
}

/* ---- the chunk walk ---- */

static uint32_t known_pos(const struct rd_file *f, uint64_t off)
{
	uint32_t lo = 0, hi = f->nknown;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->known[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int add_known(struct rd_file *f, uint64_t off, uint32_t size)
{
	uint32_t at = known_pos(f, off);
	struct rd_known *known = rd_grow(f->known, &f->known_cap, f->nknown + 1, sizeof *known);
	if (!known)
		return -ENOMEM;
	f->known = known;
	memmove(&f->known[at + 1], &f->known[at], (f->nknown - at) * sizeof *f->known);
	f->known[at] = (struct rd_known){ off, size };
	f->nknown++;
	return 0;
}

struct rd_cursor *rd_file_thread(const struct rd_file *f, uint32_t index)
{
	uint32_t lo = 0, hi = f->nthreads;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->threads[mid]->index == index)
			return f->threads[mid];
		if (f->threads[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct rd_cursor *get_thread(struct rd_file *f, uint32_t index)
{
	struct rd_cursor *c = rd_file_thread(f, index);
	if (c)
		return c;
	struct rd_cursor **threads = rd_grow(f->threads, &f->threads_cap, f->nthreads + 1,
					     sizeof *threads);
	if (!threads)
		return NULL;
	f->threads = threads;
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->file = f;
	c->index = index;
	c->thread = TRACE_NONE;
	c->state = RD_WAIT;
	c->limit = UINT64_MAX;
	uint32_t at = f->nthreads;
	while (at && f->threads[at - 1]->index > index) {
		f->threads[at] = f->threads[at - 1];
		at--;
	}
	f->threads[at] = c;
	f->nthreads++;
	return c;
}

/* Inserts a chunk in seq order. A duplicate seq, or a seq older than the
 * chunk being read, cannot be used. */
static const char *cursor_add_chunk(struct rd_cursor *c, uint64_t off,
				    const struct trace_chunk_header *h)
{
	uint32_t at = c->nchunks;
	while (at && c->chunks[at - 1].seq > h->seq)
		at--;
	if (at && c->chunks[at - 1].seq == h->seq)
		return "duplicate chunk seq";
	if (c->entered_any && h->seq <= c->last_seq)
		return "chunk found after its successor was read";
	struct rd_chunk *chunks = rd_grow(c->chunks, &c->chunks_cap, c->nchunks + 1,
					  sizeof *chunks);
	if (!chunks)
		return "out of memory";
	c->chunks = chunks;
	memmove(&c->chunks[at + 1], &c->chunks[at], (c->nchunks - at) * sizeof *c->chunks);
	c->chunks[at] = (struct rd_chunk){ off, h->size, h->seq };
	c->nchunks++;
	if (at < c->ci || (c->in_chunk && at == c->ci))
		c->ci++;
	return NULL;
}

static void add_chunk(struct trace_reader *r, struct rd_file *f, uint64_t off,
		      const struct trace_chunk_header *h)
{
	if (add_known(f, off, h->size) < 0)
		return;
	if (h->type == TRACE_CHUNK_PROCESS) {
		rd_problem(r, f->path, (int64_t)off, "unexpected process chunk");
		return;
	}
	add_cal(f, h->cal);
	if (h->type == TRACE_CHUNK_STACKS) {
		struct rd_stack_chunk *sc = rd_grow(f->stack_chunks, &f->stack_chunks_cap,
						     f->nstack_chunks + 1, sizeof *sc);
		if (!sc)
			return;
		f->stack_chunks = sc;
		sc[f->nstack_chunks++] =
			(struct rd_stack_chunk){ off + HDR_SIZE, off + h->size, false };
		return;
	}
	struct rd_cursor *c = get_thread(f, h->thread);
	const char *why = c ? cursor_add_chunk(c, off, h) : "out of memory";
	if (why)
		rd_problem(r, f->path, (int64_t)off, "%s (thread %u, seq %u)", why, h->thread,
			   h->seq);
}

static void check_tail(struct trace_reader *r, struct rd_file *f, uint64_t o)
{
	for (uint64_t i = o; i < f->map_size; i++) {
		if (f->map[i]) {
			rd_problem(r, f->path, (int64_t)o, "truncated chunk header");
			return;
		}
	}
}

static void walk_bad_header(struct trace_reader *r, struct rd_file *f, uint64_t o,
			    const char *why, uint64_t *hole)
{
	if (rd_live(r)) {
		/* may be the body of a chunk whose header is not visible yet */
		if (*hole == UINT64_MAX)
			*hole = o;
		return;
	}
	rd_problem(r, f->path, (int64_t)o, "%s", why);
}

/* Finds the chunks from f->walk_from on. Live, a zero header may be a chunk
 * being allocated: the next walk starts again at the first such hole, jumping
 * over the chunks already known. */
/* Headers are read with pread, not through the mapping: most of the 4 KiB
 * steps of a scan land in holes, and on a full tmpfs a read fault on a hole
 * needs a page it cannot get (SIGBUS), while read(2) returns zeros. Live,
 * a header whose magic is seen is read again: its other fields were
 * written before the magic. */
static void read_header(const struct rd_file *f, uint64_t o, struct trace_chunk_header *h,
			bool live)
{
	for (int pass = 0; pass < (live ? 2 : 1); pass++) {
		if (pread(f->fd, h, sizeof *h, (off_t)o) != (ssize_t)sizeof *h) {
			memset(h, 0, sizeof *h);
			return;
		}
		if (!h->magic)
			return;
	}
}

void rd_file_walk(struct trace_reader *r, struct rd_file *f)
{
	char buf[128];
	uint64_t o = f->walk_from, hole = UINT64_MAX;
	while (o + HDR_SIZE <= f->map_size) {
		uint32_t k = known_pos(f, o);
		if (k < f->nknown && f->known[k].off == o) {
			o += f->known[k].size;
			continue;
		}
		struct trace_chunk_header h;
		read_header(f, o, &h, rd_live(r));
		uint32_t magic = h.magic;
		const char *why = magic ? check_header(&h, buf, sizeof buf) : NULL;
		if (!magic && hole == UINT64_MAX)
			hole = o;
		if (!magic || why) {
			if (why)
				walk_bad_header(r, f, o, why, &hole);
			o += TRACE_ALIGN;
			continue;
		}
		if (o + h.size > f->st_size && f->running)
			break;  /* allocated since the file was mapped: not in the snapshot */
		if (o + h.size > f->st_size && !rd_live(r))
			rd_problem(r, f->path, (int64_t)o,
				   "chunk of %u bytes runs past the end of the file (%llu bytes)",
				   h.size, (unsigned long long)f->st_size);
		add_chunk(r, f, o, &h);
		o += h.size;
	}
	if (!rd_live(r) && !f->running)
		check_tail(r, f, o);  /* a running image may be heading a chunk there */
	f->walk_from = rd_live(r) && hole < o ? hole : o;
}

/* A reopen reads no more of F than its model M did: the same threads,
 * chunks, events and stack entries (the program may have written more). */
void rd_file_limit(struct rd_file *f, const struct rd_file *m)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < f->nthreads; i++) {
		struct rd_cursor *c = f->threads[i];
		const struct rd_cursor *mc = rd_file_thread(m, c->index);
		if (!mc) {
			free(c->chunks);
			free(c);
			continue;
		}
		if (c->nchunks > mc->nchunks)
			c->nchunks = mc->nchunks;
		c->limit = mc->yielded;
		f->threads[kept++] = c;
	}
	f->nthreads = kept;
	if (f->nstack_chunks > m->nstack_chunks)
		f->nstack_chunks = m->nstack_chunks;
	for (uint32_t i = 0; i < f->nstack_chunks; i++)
		f->stack_chunks[i].end = m->stack_chunks[i].pos;
}

/* ---- stacks ---- */

/* Makes room for process id ID in a per-file id map. */
static int map_room(uint32_t **map, uint32_t *len, uint32_t id)
{
	if (id < *len)
		return 0;
	uint32_t n = *len ? *len : 256;
	while (n <= id)
		n *= 2;
	uint32_t *m = realloc(*map, n * sizeof *m);
	if (!m)
		return -ENOMEM;
	memset(m + *len, 0, (n - *len) * sizeof *m);
	*map = m;
	*len = n;
	return 0;
}

/* The trace-wide code id of a Python pc's process code id (0 if unknown:
 * its entry was lost). */
static uint64_t remap_pyframe(const struct rd_file *f, uint64_t pc)
{
	uint32_t code = trace_pyframe_code(pc);
	code = code < f->pycode_map_len ? f->pycode_map[code] : 0;
	return trace_pyframe(code, trace_pyframe_line(pc));
}

static int add_stack(struct trace_reader *r, struct rd_file *f, uint32_t id,
		     const uint8_t *pcs, uint32_t depth)
{
	if (map_room(&f->stack_map, &f->stack_map_len, id) < 0)
		return -ENOMEM;
	struct trace_catalog *cat = &r->cat;
	struct trace_stack *st = rd_grow(cat->stacks, &r->stacks_cap, cat->nstacks + 1, sizeof *st);
	uint64_t *pc = malloc(depth * sizeof *pc);
	if (st)
		cat->stacks = st;
	if (!st || !pc) {
		free(pc);
		return -ENOMEM;
	}
	memcpy(pc, pcs, depth * sizeof *pc);
	for (uint32_t i = 0; i < depth; i++)
		if (trace_pc_is_python(pc[i]))
			pc[i] = remap_pyframe(f, pc[i]);
	cat->stacks[cat->nstacks] = (struct trace_stack){ f->process, depth, pc };
	f->stack_map[id] = cat->nstacks++;
	if (id > f->stack_max_id)
		f->stack_max_id = id;
	return 0;
}

/* A code entry's words: false if its lengths do not fit them. */
static bool add_pycode(struct trace_reader *r, struct rd_file *f, uint32_t id,
		       const uint8_t *words, uint32_t nwords, int *err)
{
	struct trace_pycode_entry e;
	memcpy(&e, words, sizeof e);
	size_t text = (size_t)e.filename_len + e.qualname_len;
	if (sizeof e + text > (size_t)nwords * 8 || e.filename_len > TRACE_PYCODE_FILENAME_MAX ||
	    e.qualname_len > TRACE_PYCODE_QUALNAME_MAX)
		return false;
	*err = -ENOMEM;
	if (map_room(&f->pycode_map, &f->pycode_map_len, id) < 0)
		return true;
	struct trace_catalog *cat = &r->cat;
	uint32_t have = cat->npycodes ? cat->npycodes : 1;  /* [0] stays unused */
	struct trace_pycode *pc = rd_grow(cat->pycodes, &r->pycodes_cap, have + 1, sizeof *pc);
	if (!pc)
		return true;
	cat->pycodes = pc;
	const char *t = (const char *)words + sizeof e;
	char *filename = strndup(t, e.filename_len);
	char *qualname = strndup(t + e.filename_len, e.qualname_len);
	if (!filename || !qualname) {
		free(filename);
		free(qualname);
		return true;
	}
	if (!cat->npycodes)
		pc[0] = (struct trace_pycode){ 0 };
	pc[have] = (struct trace_pycode){ f->process, e.firstlineno, filename, qualname };
	cat->npycodes = have + 1;
	f->pycode_map[id] = have;
	*err = 0;
	return true;
}

static bool entry_defined(const uint32_t *map, uint32_t len, uint32_t id)
{
	return id < len && map[id];
}

static void parse_stack_chunk(struct trace_reader *r, struct rd_file *f, struct rd_stack_chunk *sc)
{
	const uint64_t entry = sizeof(struct trace_stack_entry);
	uint64_t lim = sc->end < f->map_size ? sc->end : f->map_size;
	while (sc->pos + entry <= lim) {
		const uint8_t *p = f->map + sc->pos;
		uint32_t id = load_u32(p, rd_live(r));
		uint16_t depth, kind;
		if (!id)
			break;
		memcpy(&depth, p + 4, sizeof depth);
		memcpy(&kind, p + 6, sizeof kind);
		uint64_t size = entry + (uint64_t)depth * sizeof(uint64_t);
		if (!depth || depth > TRACE_ENTRY_WORDS_MAX || kind > TRACE_ENTRY_PYCODE ||
		    sc->pos + size > lim) {
			rd_problem(r, f->path, (int64_t)sc->pos,
				   "bad %s entry (id %u, depth %u, kind %u)",
				   kind == TRACE_ENTRY_PYCODE ? "code" : "stack", id, depth, kind);
			sc->done = true;
			return;
		}
		int err = 0;
		if (kind == TRACE_ENTRY_PYCODE) {
			if (id >= RD_STACK_ID_MAX ||
			    entry_defined(f->pycode_map, f->pycode_map_len, id))
				rd_problem(r, f->path, (int64_t)sc->pos, "bad code entry (id %u %s)",
					   id, id >= RD_STACK_ID_MAX ? "out of range" : "defined twice");
			else if (!add_pycode(r, f, id, p + entry, depth, &err)) {
				rd_problem(r, f->path, (int64_t)sc->pos,
					   "bad code entry (id %u: text longer than its %u words)",
					   id, depth);
				sc->done = true;
				return;
			}
		} else if (id >= RD_STACK_ID_MAX || entry_defined(f->stack_map, f->stack_map_len, id)) {
			rd_problem(r, f->path, (int64_t)sc->pos, "bad stack entry (id %u %s)", id,
				   id >= RD_STACK_ID_MAX ? "out of range" : "defined twice");
		} else {
			err = add_stack(r, f, id, p + entry, depth);
		}
		if (err < 0)
			return;
		sc->pos += size;
	}
	if ((!rd_live(r) && !f->running) || sc->pos + entry > sc->end)
		sc->done = true;
}

/* Reads the stack entries not read yet (live: entries appear as the program
 * runs; an entry counts once its id is written). */
void rd_stacks_parse(struct trace_reader *r, struct rd_file *f)
{
	for (uint32_t i = 0; i < f->nstack_chunks; i++)
		if (!f->stack_chunks[i].done)
			parse_stack_chunk(r, f, &f->stack_chunks[i]);
}
