/* SPDX-License-Identifier: MIT */
/* report_race_places.c - races of one place told once: the same kind on
 * the same variable between the same two source lines (report_resolve.h,
 * report_merge_race_places). The analysis told them apart by address and
 * instruction; a compiler may check one statement at two places (gcc:
 * `x++`'s read and its write), store an array's elements or a struct's
 * fields one by one, and a loop's blocks are one variable. */
#include "report_resolve.h"

#include "fnv.h"
#include "u64map.h"

#include <string.h>

/* Where access A of a race was made, as source: the file and line of its
 * stack's innermost frame (NULL if not known). */
static const struct sym_frame *race_line(const struct report_symbols *sym, const struct report_access *a)
{
	const struct sym_frame *frames = NULL;
	size_t n = sym->stack(sym->ctx, a->stack, &frames);
	return n && frames[0].file && frames[0].line ? &frames[0] : NULL;
}

static bool same_line(const struct sym_frame *x, const struct sym_frame *y)
{
	return x->line == y->line && !strcmp(x->file, y->file);
}

static uint64_t line_hash(const struct sym_frame *f)
{
	return fnv1a_str(FNV1A_INIT, f->file) * 31 + f->line;
}

/* Stack ID as source: its frames' lines (their pcs where a frame has none),
 * so that the same code reached from two copies of an unrolled loop is
 * one place. */
static uint64_t stack_lines_hash(const struct report_symbols *sym, uint32_t id)
{
	const struct sym_frame *frames = NULL;
	size_t n = sym->stack(sym->ctx, id, &frames);
	uint64_t h = FNV1A_INIT ^ 1;
	for (size_t i = 0; i < n; i++)
		h = frames[i].file && frames[i].line ? line_hash(&frames[i]) ^ h * 0x100000001b3ull
						     : fnv1a_bytes(h, &frames[i].pc, sizeof frames[i].pc);
	return n ? h : fnv1a_bytes(h, &id, sizeof id);
}

/* What race X is on, as a key: its heap block's allocation site, else the
 * global variable holding it (its name without element or field:
 * "table" for "table[3].count"), else its address. */
static uint64_t race_variable(const struct report_race *x, const struct report_symbols *sym)
{
	if (x->location == REPORT_LOCATION_HEAP && x->block_stack)
		return stack_lines_hash(sym, x->block_stack);
	const char *global = sym->data_symbol ? sym->data_symbol(sym->ctx, x->process, x->address)
					      : NULL;
	return global ? fnv1a_bytes(FNV1A_INIT ^ 2, global, strcspn(global, "[.")) : x->address;
}

void report_merge_race_places(struct report *r, const struct report_symbols *sym)
{
	if (!sym || !sym->stack)
		return;
	struct u64map first = U64MAP_INIT;  /* a place's hash: its first race kept */
	size_t out = 0;
	for (size_t i = 0; i < r->nraces; i++) {
		struct report_race *x = &r->races[i];
		const struct sym_frame *a = race_line(sym, &x->accesses[0]);
		const struct sym_frame *b = a ? race_line(sym, &x->accesses[1]) : NULL;
		bool seen = false;
		uint64_t var = race_variable(x, sym);
		if (b) {
			uint64_t ha = line_hash(a), hb = line_hash(b);
			const uint64_t place[5] = { x->kind, x->process, var, ha < hb ? ha : hb,
						    ha < hb ? hb : ha };
			uint64_t h = fnv1a_bytes(FNV1A_INIT, place, sizeof place);
			int added;
			uint32_t *k = u64map_put(&first, h == U64MAP_EMPTY ? h - 1 : h, (uint32_t)out, &added);
			const struct report_race *y = &r->races[*k];
			const struct sym_frame *c = added ? NULL : race_line(sym, &y->accesses[0]);
			const struct sym_frame *d = c ? race_line(sym, &y->accesses[1]) : NULL;
			seen = d && y->kind == x->kind && y->process == x->process &&
			       ((same_line(a, c) && same_line(b, d)) || (same_line(a, d) && same_line(b, c))) &&
			       race_variable(y, sym) == var;
		}
		if (seen)
			report_race_release(x);
		else
			r->races[out++] = *x;
	}
	r->nraces = out;
	u64map_release(&first);
}

