/* SPDX-License-Identifier: MIT */
/* symbolize_syms.c - a module's ELF symbol table, sorted once, for function
 * names without DWARF and for the variables holding data addresses. (libdwfl's
 * own address lookup scans every symbol on each call.) */
#include "symbolize_internal.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

static int bind_rank(unsigned bind)
{
	return bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
}

/* By address; among aliases the global one, then by name. */
static int symbol_cmp(const void *a, const void *b)
{
	const struct sym_symbol *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (bind_rank(x->bind) != bind_rank(y->bind))
		return bind_rank(x->bind) - bind_rank(y->bind);
	return strcmp(x->name, y->name);
}

static void symtab_push(struct sym_symtab *t, size_t *cap, const struct sym_symbol *sym)
{
	if (t->n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		t->v = realloc(t->v, *cap * sizeof *t->v);
		if (!t->v)
			abort();
	}
	t->v[t->n++] = *sym;
}

void sym_symbols_load(struct sym_module *m)
{
	size_t fcap = 0, ocap = 0, tcap = 0;

	if (m->symbols_loaded)
		return;
	m->symbols_loaded = true;
	int n = dwfl_module_getsymtab(m->dwmod);
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(m->dwmod, i, &sym, &addr, &shndx,
							   NULL, NULL);
		if (!name || !*name || !sym.st_size || shndx == SHN_UNDEF)
			continue;
		struct sym_symbol s = { addr, sym.st_size, name, GELF_ST_BIND(sym.st_info) };
		switch (GELF_ST_TYPE(sym.st_info)) {
		case STT_FUNC:
		case STT_GNU_IFUNC:
			symtab_push(&m->funcs, &fcap, &s);
			break;
		case STT_OBJECT:
			symtab_push(&m->objects, &ocap, &s);
			break;
		case STT_TLS:   /* its offset in the module's thread-local block */
			s.addr = sym.st_value;
			symtab_push(&m->tls, &tcap, &s);
			break;
		}
	}
	if (m->funcs.n)
		qsort(m->funcs.v, m->funcs.n, sizeof *m->funcs.v, symbol_cmp);
	if (m->objects.n)
		qsort(m->objects.v, m->objects.n, sizeof *m->objects.v, symbol_cmp);
	if (m->tls.n)
		qsort(m->tls.v, m->tls.n, sizeof *m->tls.v, symbol_cmp);
}

const struct sym_symbol *sym_symtab_at(const struct sym_symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Symbols may nest or alias: look a little way back for the smallest
	 * one that holds ADDR; on ties the first in sort order. */
	const struct sym_symbol *best = NULL;
	for (size_t i = lo, seen = 0; i-- > 0 && seen < 32; seen++) {
		const struct sym_symbol *s = &t->v[i];
		if (addr - s->addr >= s->size)
			continue;
		if (!best || s->size <= best->size)
			best = s;
	}
	return best;
}

void sym_symbols_free(struct sym_module *m)
{
	free(m->funcs.v);
	free(m->objects.v);
	free(m->tls.v);
	m->funcs = (struct sym_symtab){ 0 };
	m->objects = (struct sym_symtab){ 0 };
	m->tls = (struct sym_symtab){ 0 };
}
