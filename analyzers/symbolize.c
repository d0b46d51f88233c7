/* SPDX-License-Identifier: MIT */
/* symbolize.c - the symbolizer's life cycle and caches: per-process module
 * tables and Dwfl sessions (opened lazily), frames per (process, pc), stacks,
 * data symbols, notes, and the memory all returned strings live in. The
 * lookups themselves are in symbolize_dwfl.c and symbolize_data.c; Python
 * frames come from the catalog (python_frames.c). */
#include "symbolize.h"
#include "symbolize_internal.h"

#include "python_frames.h"
#include "python_lock_name.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYM_MAX_FRAMES 64      /* frames one pc may expand to (inlining depth) */
#define SYM_CHUNK_SIZE 65536

/* Bump allocator: what it hands out never moves, all freed at once. */
struct sym_chunk {
	struct sym_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

/* Open-addressing hash table keyed by (process, 64-bit key). */
struct sym_slot {
	uint64_t key;
	uint32_t process;
	uint32_t count;         /* frames: how many; data: unused */
	const void *value;      /* frames / data symbol name (may be NULL) */
	bool used;
};

struct sym_table {
	struct sym_slot *slots;
	size_t n, cap;          /* cap: a power of two */
};

struct sym_process {
	bool loaded;
	struct sym_module *mods;
	size_t nmods;           /* sorted by lo, disjoint */
	Dwfl *dwfl;             /* (owned) created with the first opened module */
};

struct sym_stack {
	const struct sym_frame *frames;
	size_t n;
	bool done;
};

struct symbolizer {
	const struct trace_catalog *cat; /* (borrowed) */
	struct sym_process *procs;       /* one per catalog process */
	uint32_t nprocs;
	struct sym_stack *stacks;        /* one per catalog stack */
	uint32_t nstacks;
	struct sym_table frames;         /* (process, pc) -> frames */
	struct sym_table data;           /* (process, addr) -> name or NULL */
	struct sym_table lock_names;     /* (process, init stack) -> Python lock name */
	const char **strings;            /* interned strings, open addressing */
	size_t nstrings, strings_cap;
	const char **notes;
	size_t nnotes;
	bool notes_sorted;
	struct sym_chunk *chunks;
};

/* ---- memory and strings ---- */

void *sym_alloc(struct symbolizer *s, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	struct sym_chunk *c = s->chunks;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > SYM_CHUNK_SIZE ? n : SYM_CHUNK_SIZE;
		c = malloc(sizeof *c + cap);
		if (!c)
			abort();
		c->used = 0;
		c->cap = cap;
		c->next = s->chunks;
		s->chunks = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static void strings_grow(struct symbolizer *s)
{
	size_t cap = s->strings_cap ? 2 * s->strings_cap : 1024;
	const char **v = calloc(cap, sizeof *v);
	if (!v)
		abort();
	for (size_t i = 0; i < s->strings_cap; i++) {
		const char *str = s->strings[i];
		if (!str)
			continue;
		size_t j = hash_bytes(str, strlen(str)) & (cap - 1);
		while (v[j])
			j = (j + 1) & (cap - 1);
		v[j] = str;
	}
	free(s->strings);
	s->strings = v;
	s->strings_cap = cap;
}

const char *sym_intern_n(struct symbolizer *s, const char *str, size_t n)
{
	if (!str)
		return NULL;
	if (2 * (s->nstrings + 1) > s->strings_cap)
		strings_grow(s);
	size_t mask = s->strings_cap - 1;
	size_t j = hash_bytes(str, n) & mask;
	for (; s->strings[j]; j = (j + 1) & mask) {
		const char *o = s->strings[j];
		if (!strncmp(o, str, n) && o[n] == 0)
			return o;
	}
	char *copy = sym_alloc(s, n + 1);
	memcpy(copy, str, n);
	copy[n] = 0;
	s->strings[j] = copy;
	s->nstrings++;
	return copy;
}

const char *sym_intern(struct symbolizer *s, const char *str)
{
	return str ? sym_intern_n(s, str, strlen(str)) : NULL;
}

void sym_note(struct symbolizer *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	const char *note = sym_intern(s, buf);
	for (size_t i = 0; i < s->nnotes; i++)
		if (s->notes[i] == note)
			return;
	s->notes = realloc(s->notes, (s->nnotes + 1) * sizeof *s->notes);
	if (!s->notes)
		abort();
	s->notes[s->nnotes++] = note;
	s->notes_sorted = false;
}

/* ---- hash tables ---- */

static size_t slot_hash(uint32_t process, uint64_t key)
{
	uint64_t h = (key ^ ((uint64_t)process << 47)) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 17);
}

static struct sym_slot *table_find(struct sym_table *t, uint32_t process, uint64_t key)
{
	if (!t->cap)
		return NULL;
	size_t mask = t->cap - 1;
	for (size_t j = slot_hash(process, key) & mask; t->slots[j].used; j = (j + 1) & mask)
		if (t->slots[j].key == key && t->slots[j].process == process)
			return &t->slots[j];
	return NULL;
}

static void table_insert_slot(struct sym_slot *slots, size_t cap, const struct sym_slot *in)
{
	size_t mask = cap - 1;
	size_t j = slot_hash(in->process, in->key) & mask;
	while (slots[j].used)
		j = (j + 1) & mask;
	slots[j] = *in;
}

static void table_add(struct sym_table *t, uint32_t process, uint64_t key,
		      const void *value, uint32_t count)
{
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		struct sym_slot *slots = calloc(cap, sizeof *slots);
		if (!slots)
			abort();
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].used)
				table_insert_slot(slots, cap, &t->slots[i]);
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	struct sym_slot in = { key, process, count, value, true };
	table_insert_slot(t->slots, t->cap, &in);
	t->n++;
}

/* ---- processes and modules ---- */

/* Grows *V (N elements of SIZE) to the catalog's current WANT, zeroed. */
static void *grow_zeroed(void *v, uint32_t *n, uint32_t want, size_t size)
{
	if (want <= *n)
		return v;
	v = realloc(v, (size_t)want * size);
	if (!v)
		abort();
	memset((char *)v + (size_t)*n * size, 0, (size_t)(want - *n) * size);
	*n = want;
	return v;
}

/* The catalog may have grown since symbolizer_new (a live trace). */
static struct sym_process *process_get(struct symbolizer *s, uint32_t process)
{
	if (process >= s->cat->nprocesses)
		return NULL;
	s->procs = grow_zeroed(s->procs, &s->nprocs, s->cat->nprocesses, sizeof *s->procs);
	struct sym_process *p = &s->procs[process];
	if (p->loaded)
		return p;
	p->loaded = true;
	const struct trace_process *tp = &s->cat->processes[process];
	if (!tp->maps_file)
		return p;
	int ret = sym_maps_load(tp->maps_file, &p->mods, &p->nmods);
	if (ret == -EINVAL)
		sym_note(s, "memory map %s is not a ctrace maps file: stacks of process %u are not symbolized",
			 tp->maps_file, tp->pid);
	else if (ret < 0 && !p->nmods)
		sym_note(s, "memory map %s is missing or unreadable (%s): stacks of process %u are not symbolized",
			 tp->maps_file, strerror(-ret), tp->pid);
	return p;
}

/* The module of P holding ADDR, not opened yet maybe; NULL if none. */
static struct sym_module *module_find(struct sym_process *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nmods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->mods[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->nmods || addr < p->mods[lo].lo)
		return NULL;
	return &p->mods[lo];
}

/* Another process holding the very same module at the same place (a forked
 * child has its parent's layout), already opened: its frames are ours, and
 * its debug info need not be loaded again. UINT32_MAX if none. */
static uint32_t module_twin(struct symbolizer *s, uint32_t process, struct sym_module *m)
{
	if (!m->twin_checked) {
		m->twin_checked = true;
		m->twin = UINT32_MAX;
		for (uint32_t i = 0; m->build_id && i < s->nprocs && m->twin == UINT32_MAX; i++) {
			if (i == process || !s->procs[i].loaded)
				continue;
			const struct sym_module *o = module_find(&s->procs[i], m->lo);
			if (o && o->state == SYM_MODULE_OK && o->lo == m->lo && o->hi == m->hi &&
			    o->bias == m->bias && o->build_id && !strcmp(o->build_id, m->build_id))
				m->twin = i;
		}
	}
	return m->twin;
}

/* The module of P holding ADDR, opened; NULL if none. */
static struct sym_module *module_at(struct symbolizer *s, struct sym_process *p, uint64_t addr)
{
	struct sym_module *m = module_find(p, addr);
	if (m && m->state == SYM_MODULE_UNOPENED) {
		if (!p->dwfl)
			p->dwfl = sym_dwfl_new();
		sym_module_open(s, p->dwfl, m);
	}
	return m;
}

/* ---- public API ---- */

struct symbolizer *symbolizer_new(const struct trace_catalog *cat)
{
	struct symbolizer *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	/* libdw would ask debuginfod servers over the network for missing
	 * debug info: reports stay offline and fast. */
	unsetenv("DEBUGINFOD_URLS");
	s->cat = cat;
	return s;
}

static size_t frames_of(struct symbolizer *s, uint32_t process, uint64_t pc,
			const struct sym_frame **out)
{
	struct sym_slot *slot = table_find(&s->frames, process, pc);
	if (slot) {
		*out = slot->value;
		return slot->count;
	}
	struct sym_frame buf[SYM_MAX_FRAMES];
	size_t n = 1;
	memset(&buf[0], 0, sizeof buf[0]);
	buf[0].pc = pc;
	struct sym_process *p = process_get(s, process);
	struct sym_module *m = p && pc ? module_find(p, pc - 1) : NULL;
	uint32_t twin = m && m->state == SYM_MODULE_UNOPENED ? module_twin(s, process, m) : UINT32_MAX;
	if (twin != UINT32_MAX) {
		const struct sym_frame *shared;
		n = frames_of(s, twin, pc, &shared);
		table_add(&s->frames, process, pc, (void *)shared, (uint32_t)n);
		*out = shared;
		return n;
	}
	if (m && (m = module_at(s, p, pc - 1)))
		n = sym_module_frames(s, m, pc, buf, SYM_MAX_FRAMES);
	struct sym_frame *frames = sym_alloc(s, n * sizeof *frames);
	memcpy(frames, buf, n * sizeof *frames);
	table_add(&s->frames, process, pc, frames, (uint32_t)n);
	*out = frames;
	return n;
}

const struct sym_frame *symbolizer_pc(struct symbolizer *s, uint32_t process, uint64_t pc)
{
	const struct sym_frame *frames;
	if (trace_pc_is_python(pc)) {
		struct sym_frame *f = sym_alloc(s, sizeof *f);
		*f = python_frame(s->cat, pc);
		return f;
	}
	frames_of(s, process, pc, &frames);
	return frames;
}

size_t symbolizer_stack(struct symbolizer *s, uint32_t stack, const struct sym_frame **frames)
{
	const struct trace_stack *ts = trace_catalog_stack(s->cat, stack);
	*frames = NULL;
	if (!ts)
		return 0;
	s->stacks = grow_zeroed(s->stacks, &s->nstacks, s->cat->nstacks, sizeof *s->stacks);
	struct sym_stack *st = &s->stacks[stack];
	if (st->done) {
		*frames = st->frames;
		return st->n;
	}
	const struct sym_frame **per_pc = calloc(ts->depth ? ts->depth : 1, sizeof *per_pc);
	size_t *counts = calloc(ts->depth ? ts->depth : 1, sizeof *counts);
	if (!per_pc || !counts)
		abort();
	size_t total = 0;
	for (uint32_t i = 0; i < ts->depth; i++) {
		bool python = trace_pc_is_python(ts->pc[i]);
		counts[i] = python ? 1 : frames_of(s, ts->process, ts->pc[i], &per_pc[i]);
		total += counts[i];
	}
	struct sym_frame *all = sym_alloc(s, (total ? total : 1) * sizeof *all);
	size_t k = 0;
	for (uint32_t i = 0; i < ts->depth; i++) {
		if (per_pc[i])
			memcpy(&all[k], per_pc[i], counts[i] * sizeof *all);
		else
			all[k] = python_frame(s->cat, ts->pc[i]);
		k += counts[i];
	}
	free(per_pc);
	free(counts);
	st->frames = all;
	st->n = python_frames_filter(all, total);
	st->done = true;
	*frames = all;
	return st->n;
}

const char *symbolizer_data_symbol(struct symbolizer *s, uint32_t process, uint64_t addr)
{
	struct sym_slot *slot = table_find(&s->data, process, addr);
	if (slot)
		return slot->value;
	const char *name = NULL;
	struct sym_process *p = process_get(s, process);
	struct sym_module *m = p ? module_at(s, p, addr) : NULL;
	if (m && m->state == SYM_MODULE_OK)
		name = sym_module_data(s, m, addr);
	table_add(&s->data, process, addr, name, 0);
	return name;
}

const char *symbolizer_tls_symbol(struct symbolizer *s, uint32_t process, uint64_t handle, uint64_t addr)
{
	struct sym_process *p = process_get(s, process);
	for (size_t i = 0; p && handle && i < p->nmods; i++) {
		uint64_t block = handle + (uint64_t)p->mods[i].tls_delta;
		if (!p->mods[i].tls_size || addr - block >= p->mods[i].tls_size)
			continue;
		struct sym_module *m = module_at(s, p, p->mods[i].lo);
		return m && m->state == SYM_MODULE_OK ? sym_module_tls(s, m, addr - block) : NULL;
	}
	return NULL;
}

#define SYM_REG_RSP 7   /* DWARF x86-64 */

/* The module of PC in P, opened, with DWARF. */
static struct sym_module *module_dwarf(struct symbolizer *s, struct sym_process *p, uint64_t pc)
{
	struct sym_module *m = module_at(s, p, pc);
	return m && m->state == SYM_MODULE_OK && m->dwarf ? m : NULL;
}

/* Frame k (of pcs[k]) has CFA cfa; its callee, frame k - 1, starts at the
 * stack pointer of frame k at the call. Inward from the start routine,
 * whose CFA is known, while each call is a direct call of the next
 * function and each caller's CFA is its stack pointer plus a constant. */
const char *symbolizer_stack_variable(struct symbolizer *s, uint32_t process, const uint64_t *pcs,
				      size_t n, const uint64_t root[3], uint64_t addr,
				      const char **function)
{
	*function = NULL;
	struct sym_process *p = process_get(s, process);
	if (!p || n < 2 || !root[0] || pcs[n - 1] != root[1])
		return NULL;
	uint64_t cfa = root[0], entry;
	for (size_t k = n - 1; k-- > 0;) {
		uint64_t at = pcs[k] - 1;   /* inside the call it returns from */
		struct sym_module *m = module_dwarf(s, p, at);
		if (!m || (k == n - 2 && (!sym_function_entry(m, at, &entry) || entry != root[2])))
			return NULL;
		const char *name = sym_frame_variable(s, m, at, cfa, addr, function);
		if (name || !k)
			return name;
		struct sym_module *callee = module_dwarf(s, p, pcs[k - 1] - 1);
		uint64_t target;
		int reg;
		int64_t off;
		if (!callee || !sym_call_target(m, pcs[k], &target) ||
		    !sym_function_entry(callee, pcs[k - 1] - 1, &entry) || target != entry ||
		    !sym_cfa_rule(m, at, &reg, &off) || reg != SYM_REG_RSP)
			return NULL;
		cfa -= (uint64_t)off;
	}
	return NULL;
}

static const char *python_lock_label(struct symbolizer *s, const struct trace_object *o)
{
	if (!python_lock_may_be_named(o))
		return NULL;
	struct sym_slot *slot = table_find(&s->lock_names, o->process, o->init_stack);
	if (slot)
		return slot->value;
	char buf[256];
	const char *name = sym_intern(s, python_lock_name(s->cat, o, buf, sizeof buf));
	table_add(&s->lock_names, o->process, o->init_stack, name, 0);
	return name;
}

const char *symbolizer_object_label(struct symbolizer *s, const struct trace_object *o)
{
	if (o->name || o->kind == TRACE_OBJ_MQ)
		return NULL;
	const char *symbol = symbolizer_data_symbol(s, o->process, o->key);
	return symbol ? symbol : python_lock_label(s, o);
}

static int note_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t symbolizer_notes(struct symbolizer *s, const char *const **notes)
{
	if (!s->notes_sorted && s->nnotes)
		qsort(s->notes, s->nnotes, sizeof *s->notes, note_cmp);
	s->notes_sorted = true;
	*notes = s->notes;
	return s->nnotes;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nprocs; i++) {
		struct sym_process *p = &s->procs[i];
		for (size_t j = 0; j < p->nmods; j++) {
			sym_data_index_free(p->mods[j].data);
			sym_scope_index_free(p->mods[j].scopes);
			sym_unit_index_free(p->mods[j].units);
			sym_symbols_free(&p->mods[j]);
			free(p->mods[j].build_id);
			free(p->mods[j].path);
		}
		free(p->mods);
		if (p->dwfl)
			dwfl_end(p->dwfl);
	}
	while (s->chunks) {
		struct sym_chunk *c = s->chunks;
		s->chunks = c->next;
		free(c);
	}
	free(s->procs);
	free(s->stacks);
	free(s->frames.slots);
	free(s->data.slots);
	free(s->lock_names.slots);
	free(s->strings);
	free(s->notes);
	free(s);
}
