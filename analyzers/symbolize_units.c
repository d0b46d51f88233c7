/* SPDX-License-Identifier: MIT */
/* symbolize_units.c - the compile unit holding an address. libdw finds it
 * through .debug_aranges, which clang does not emit by default (nor gcc
 * with some options): then the units' own address ranges are indexed, on
 * first need, so that a program built with plain `clang -g` gets files,
 * lines and inlined frames too. */
#include "symbolize_internal.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>

struct sym_unit_range {
	Dwarf_Addr lo, hi;      /* DWARF addresses, [lo, hi) */
	Dwarf_Off cu;           /* the unit's DIE */
};

struct sym_unit_index {
	struct sym_unit_range *r;   /* sorted by lo */
	size_t n, cap;
};

void sym_unit_index_free(struct sym_unit_index *x)
{
	if (!x)
		return;
	free(x->r);
	free(x);
}

static int unit_range_cmp(const void *a, const void *b)
{
	const struct sym_unit_range *x = a, *y = b;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

static struct sym_unit_index *units_index(Dwarf *dw)
{
	struct sym_unit_index *x = calloc(1, sizeof *x);
	if (!x)
		abort();
	Dwarf_CU *cu = NULL, *next;
	uint8_t type;
	Dwarf_Die die;
	while (dwarf_get_units(dw, cu, &next, NULL, &type, &die, NULL) == 0) {
		cu = next;
		/* a skeleton (split DWARF) holds the ranges and the line table;
		 * its functions are in the .dwo */
		if (type != DW_UT_compile && type != DW_UT_partial && type != DW_UT_skeleton)
			continue;
		Dwarf_Addr base, lo, hi;
		ptrdiff_t off = 0;
		while ((off = dwarf_ranges(&die, off, &base, &lo, &hi)) > 0) {
			if (hi <= lo)
				continue;
			if (x->n == x->cap) {
				x->cap = x->cap ? 2 * x->cap : 64;
				x->r = realloc(x->r, x->cap * sizeof *x->r);
				if (!x->r)
					abort();
			}
			x->r[x->n++] = (struct sym_unit_range){ lo, hi, dwarf_dieoffset(&die) };
		}
	}
	if (x->n)
		qsort(x->r, x->n, sizeof *x->r, unit_range_cmp);
	return x;
}

bool sym_unit_at(struct sym_module *m, Dwarf_Addr addr, Dwarf_Die *cu, Dwarf_Addr *a)
{
	Dwarf_Addr bias;
	Dwarf_Die *d = dwfl_module_addrdie(m->dwmod, addr, &bias);
	if (d) {
		*cu = *d;
		*a = addr - bias;
		return true;
	}
	if (!m->dwarf)
		return false;
	if (!m->units)
		m->units = units_index(m->dwarf);
	const struct sym_unit_index *x = m->units;
	Dwarf_Addr at = addr - m->dwarf_bias;
	size_t lo = 0, hi = x->n;   /* the last range starting at or before AT */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->r[mid].lo <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0 && lo - i <= 8;)   /* units do not overlap, but a few back */
		if (at < x->r[i].hi && dwarf_offdie(m->dwarf, x->r[i].cu, cu)) {
			*a = at;
			return true;
		}
	return false;
}
