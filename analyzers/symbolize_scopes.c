/* SPDX-License-Identifier: MIT */
/* symbolize_scopes.c - the DWARF function holding an address and the
 * inlined subroutines nested in it there. Each compile unit's functions are
 * indexed by address on first use, so a lookup walks one function's scope
 * tree, not the whole unit (as dwarf_getscopes does). */
#include "symbolize_internal.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#define SYM_SCOPE_DEPTH 32  /* nesting of namespaces followed */

struct sym_range {
	Dwarf_Addr lo, hi;      /* DWARF addresses, [lo, hi) */
	Dwarf_Off die;          /* the subprogram */
};

struct sym_cu_scopes {
	Dwarf_Off cu;           /* offset of the unit's DIE */
	Dwarf *dw;              /* where the ranges' DIEs are: the module's, or
	                           the .dwo of a split unit */
	struct sym_range *r;    /* sorted by lo */
	size_t n, cap;
};

struct sym_scope_index {
	struct sym_cu_scopes *cus; /* sorted by cu */
	size_t n, cap;
};

void sym_scope_index_free(struct sym_scope_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free(x->cus[i].r);
	free(x->cus);
	free(x);
}

static void ranges_add(struct sym_cu_scopes *c, Dwarf_Die *fn)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(fn, off, &base, &lo, &hi)) > 0) {
		if (hi <= lo)
			continue;
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->r = realloc(c->r, c->cap * sizeof *c->r);
			if (!c->r)
				abort();
		}
		c->r[c->n++] = (struct sym_range){ lo, hi, dwarf_dieoffset(fn) };
	}
}

/* Functions with code sit at unit level or in namespaces (C++ member
 * functions too: their definitions point back to the class). */
static void cu_walk(struct sym_cu_scopes *c, Dwarf_Die *parent, int depth)
{
	Dwarf_Die child;
	if (depth > SYM_SCOPE_DEPTH || dwarf_child(parent, &child) != 0)
		return;
	do {
		switch (dwarf_tag(&child)) {
		case DW_TAG_subprogram:
			ranges_add(c, &child);
			break;
		case DW_TAG_namespace:
		case DW_TAG_module:
			cu_walk(c, &child, depth + 1);
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int range_cmp(const void *a, const void *b)
{
	const struct sym_range *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return (x->die > y->die) - (x->die < y->die);
}

/* The index of CU, built on first use. */
static struct sym_cu_scopes *cu_scopes(struct sym_module *m, Dwarf_Die *cu)
{
	if (!m->scopes && !(m->scopes = calloc(1, sizeof *m->scopes)))
		abort();
	struct sym_scope_index *x = m->scopes;
	Dwarf_Off off = dwarf_dieoffset(cu);
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->cus[mid].cu < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->n && x->cus[lo].cu == off)
		return &x->cus[lo];
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 16;
		x->cus = realloc(x->cus, x->cap * sizeof *x->cus);
		if (!x->cus)
			abort();
	}
	memmove(&x->cus[lo + 1], &x->cus[lo], (x->n - lo) * sizeof *x->cus);
	x->n++;
	struct sym_cu_scopes *c = &x->cus[lo];
	memset(c, 0, sizeof *c);
	c->cu = off;
	c->dw = m->dwarf;
	/* split DWARF: the skeleton has no children, its unit in the .dwo has
	 * the functions (libdw finds the .dwo by the skeleton's name for it) */
	uint8_t type;
	Dwarf_Die split;
	if (dwarf_cu_info(cu->cu, NULL, &type, NULL, &split, NULL, NULL, NULL) == 0 &&
	    type == DW_UT_skeleton && split.addr && dwarf_cu_getdwarf(split.cu)) {
		c->dw = dwarf_cu_getdwarf(split.cu);
		cu = &split;
	}
	cu_walk(c, cu, 0);
	if (c->n)
		qsort(c->r, c->n, sizeof *c->r, range_cmp);
	return c;
}

/* The innermost range holding A (functions do not overlap, but a few
 * ranges back are checked in case of odd DWARF). */
static const struct sym_range *range_at(const struct sym_cu_scopes *c, Dwarf_Addr a)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->r[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, seen = 0; i-- > 0 && seen < 8; seen++)
		if (a < c->r[i].hi)
			return &c->r[i];
	return NULL;
}

/* The child scope of PARENT holding A, if any. */
static bool child_scope_at(Dwarf_Die *parent, Dwarf_Addr a, Dwarf_Die *out)
{
	if (dwarf_child(parent, out) != 0)
		return false;
	do {
		switch (dwarf_tag(out)) {
		case DW_TAG_lexical_block:
		case DW_TAG_inlined_subroutine:
		case DW_TAG_try_block:
		case DW_TAG_catch_block:
			if (dwarf_haspc(out, a) == 1)
				return true;
			break;
		}
	} while (dwarf_siblingof(out, out) == 0);
	return false;
}

size_t sym_scopes_at(struct sym_module *m, Dwarf_Addr addr, Dwarf_Die *chain, size_t cap)
{
	Dwarf_Die cu;
	Dwarf_Addr a;
	if (!cap || !sym_unit_at(m, addr, &cu, &a))
		return 0;
	const struct sym_cu_scopes *c = cu_scopes(m, &cu);
	const struct sym_range *r = range_at(c, a);
	if (!r || !dwarf_offdie(c->dw, r->die, &chain[0]))
		return 0;
	size_t n = 1;
	Dwarf_Die cur = chain[0], next;
	while (child_scope_at(&cur, a, &next)) {
		cur = next;
		if (dwarf_tag(&cur) == DW_TAG_inlined_subroutine && n < cap)
			chain[n++] = cur;
	}
	return n;
}
