/* SPDX-License-Identifier: MIT */
/* symbolize_data.c - an address to the global or static variable holding
 * it (or an offset in a module's thread-local block to its thread-local
 * variable): the ELF symbol table finds the variable, its DWARF type turns the
 * offset into indexes and members ("forks[3]", "table[2].lock"); without
 * DWARF, "name+0x18". Heap and stack addresses are not looked at here. */
#include "symbolize_internal.h"

#include "strbuf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SYM_TYPE_DEPTH 16   /* nesting of arrays and members followed */
#define SYM_ARRAY_DIMS 8
#define SYM_SCOPE_DEPTH 32  /* nesting of namespaces, functions, blocks */

struct sym_var {
	uint64_t addr;          /* DWARF (link-time) address */
	Dwarf_Off die;
};

struct sym_var_list {
	struct sym_var *v;      /* sorted by addr */
	size_t n, cap;
};

struct sym_data_index {
	struct sym_var_list vars;   /* by address */
	struct sym_var_list tls;    /* thread-local: by offset in the module's block */
};

void sym_data_index_free(struct sym_data_index *d)
{
	if (!d)
		return;
	free(d->vars.v);
	free(d->tls.v);
	free(d);
}

/* ---- DWARF variables by address ---- */

static void vars_add(struct sym_var_list *l, uint64_t addr, Dwarf_Off die)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = (struct sym_var){ addr, die };
}

static void vars_add_die(struct sym_data_index *d, Dwarf_Die *var)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;

	if (!dwarf_attr(var, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &nops) != 0)
		return;
	/* thread-local: its offset in the block, then the block's address */
	if (nops == 2 && (ops[1].atom == DW_OP_GNU_push_tls_address || ops[1].atom == DW_OP_form_tls_address) &&
	    (ops[0].atom == DW_OP_const8u || ops[0].atom == DW_OP_const4u || ops[0].atom == DW_OP_constu))
		vars_add(&d->tls, ops[0].number, dwarf_dieoffset(var));
	if (nops != 1)
		return;
	if (ops[0].atom == DW_OP_addr) {
		vars_add(&d->vars, ops[0].number, dwarf_dieoffset(var));
	} else if (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) {
		/* DWARF 5 (clang): an index into .debug_addr */
		Dwarf_Attribute in_table;
		Dwarf_Addr addr;
		if (dwarf_getlocation_attr(&a, &ops[0], &in_table) == 0 &&
		    dwarf_formaddr(&in_table, &addr) == 0)
			vars_add(&d->vars, addr, dwarf_dieoffset(var));
	}
}

/* Variables with a static address live at file scope, in namespaces, and
 * (function statics) in functions and their blocks. */
static void vars_walk(struct sym_data_index *d, Dwarf_Die *parent, int depth)
{
	Dwarf_Die child;
	if (depth > SYM_SCOPE_DEPTH || dwarf_child(parent, &child) != 0)
		return;
	do {
		switch (dwarf_tag(&child)) {
		case DW_TAG_variable:
			vars_add_die(d, &child);
			break;
		case DW_TAG_namespace:
		case DW_TAG_subprogram:
		case DW_TAG_lexical_block:
		case DW_TAG_module:
			vars_walk(d, &child, depth + 1);
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int var_cmp(const void *a, const void *b)
{
	const struct sym_var *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->die > y->die) - (x->die < y->die);
}

static void vars_build(struct sym_data_index *d, Dwarf *dwarf)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t unit_type;

	while (dwarf_get_units(dwarf, cu, &cu, NULL, &unit_type, &cudie, NULL) == 0)
		if (unit_type == DW_UT_compile || unit_type == DW_UT_partial)
			vars_walk(d, &cudie, 0);
	if (d->vars.n)
		qsort(d->vars.v, d->vars.n, sizeof *d->vars.v, var_cmp);
	if (d->tls.n)
		qsort(d->tls.v, d->tls.n, sizeof *d->tls.v, var_cmp);
}

/* The variable at DWARF address (or, TLS, offset in the thread-local
 * block) ADDR. */
static bool var_die(struct sym_module *m, bool tls, uint64_t addr, Dwarf_Die *die)
{
	if (!m->data) {
		if (!(m->data = calloc(1, sizeof *m->data)))
			abort();
		vars_build(m->data, m->dwarf);
	}
	const struct sym_var_list *l = tls ? &m->data->tls : &m->data->vars;
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && l->v[lo].addr == addr && dwarf_offdie(m->dwarf, l->v[lo].die, die);
}

/* ---- offsets into types ---- */

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;
	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), type) != NULL;
}

/* Types declared in system headers (pthread_mutex_t, std::mutex) are where
 * a lock starts: their insides are not worth naming. */
static bool type_is_system(Dwarf_Die *die)
{
	const char *file = dwarf_decl_file(die);
	return file && !strncmp(file, "/usr/", 5);
}

static uint64_t subrange_count(Dwarf_Die *sub)
{
	Dwarf_Attribute a;
	Dwarf_Word count, upper, lower = 0;
	if (dwarf_formudata(dwarf_attr(sub, DW_AT_count, &a), &count) == 0)
		return count;
	if (dwarf_formudata(dwarf_attr(sub, DW_AT_upper_bound, &a), &upper) != 0)
		return 0;
	dwarf_formudata(dwarf_attr(sub, DW_AT_lower_bound, &a), &lower);
	return upper >= lower ? upper - lower + 1 : 0;
}

/* "[i][j]" for *OFF into the array ARR; *ELEM gets the element type and
 * *OFF what is left inside the element. */
static bool array_index(struct strbuf *sb, Dwarf_Die *arr, uint64_t *off, Dwarf_Die *elem)
{
	uint64_t count[SYM_ARRAY_DIMS], stride[SYM_ARRAY_DIMS];
	Dwarf_Word esize;
	Dwarf_Die sub;
	int ndims = 0;

	if (!type_of(arr, elem) || dwarf_aggregate_size(elem, &esize) != 0 || !esize)
		return false;
	if (dwarf_child(arr, &sub) != 0)
		return false;
	do {
		if (dwarf_tag(&sub) == DW_TAG_subrange_type && ndims < SYM_ARRAY_DIMS)
			count[ndims++] = subrange_count(&sub);
	} while (dwarf_siblingof(&sub, &sub) == 0);
	if (!ndims)
		return false;
	stride[ndims - 1] = esize;
	for (int i = ndims - 2; i >= 0; i--) {
		if (!count[i + 1])
			return false;
		stride[i] = stride[i + 1] * count[i + 1];
	}
	for (int i = 0; i < ndims; i++) {
		strbuf_addf(sb, "[%" PRIu64 "]", *off / stride[i]);
		*off %= stride[i];
	}
	return true;
}

/* ".member" holding *OFF in the struct ST (base classes add no name). */
static bool member_at(struct strbuf *sb, Dwarf_Die *st, uint64_t *off, Dwarf_Die *mtype)
{
	Dwarf_Die child;
	if (dwarf_child(st, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);
		Dwarf_Attribute a;
		Dwarf_Word loc, size;
		if ((tag != DW_TAG_member && tag != DW_TAG_inheritance)
		    || dwarf_hasattr(&child, DW_AT_bit_size)
		    || dwarf_formudata(dwarf_attr(&child, DW_AT_data_member_location, &a), &loc) != 0
		    || !type_of(&child, mtype) || dwarf_aggregate_size(mtype, &size) != 0)
			continue;
		if (*off < loc || *off - loc >= size)
			continue;
		const char *name = tag == DW_TAG_member ? dwarf_diename(&child) : NULL;
		if (name)
			strbuf_addf(sb, ".%s", name);
		*off -= loc;
		return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

void sym_describe_offset(struct strbuf *sb, Dwarf_Die *type, uint64_t off)
{
	Dwarf_Die t = *type, peeled, next;

	for (int depth = 0; depth < SYM_TYPE_DEPTH; depth++) {
		if (dwarf_peel_type(&t, &peeled) != 0)
			break;
		int tag = dwarf_tag(&peeled);
		bool ok = false;
		if (tag == DW_TAG_array_type) {
			ok = array_index(sb, &peeled, &off, &next);
		} else if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type) {
			if (!off && (type_is_system(&t) || type_is_system(&peeled)))
				break;
			ok = member_at(sb, &peeled, &off, &next);
		}
		if (!ok)
			break;
		t = next;
	}
	if (off)
		strbuf_addf(sb, "+0x%" PRIx64, off);
}

/* The variable's name: the symbol's (it carries C++ namespaces), unless
 * that is a compiler-made local name such as "count.0". */
static const char *var_name(const char *sym_name, Dwarf_Die *var)
{
	if (var && strchr(sym_name, '.')) {
		const char *name = dwarf_diename(var);
		if (name)
			return name;
	}
	return sym_name;
}

/* ADDR within the variable of symbol O (TLS: both offsets in the
 * thread-local block), named with its DWARF type. */
static const char *symbol_expression(struct symbolizer *s, struct sym_module *m, const struct sym_symbol *o,
				     uint64_t addr, bool tls)
{
	const char *sym_name = sym_clean_name(s, o->name);
	uint64_t off = addr - o->addr;
	struct strbuf sb = STRBUF_INIT;
	Dwarf_Die var, type;
	bool have_var = m->dwarf && var_die(m, tls, tls ? o->addr : o->addr - m->dwarf_bias, &var);

	strbuf_addstr(&sb, var_name(sym_name, have_var ? &var : NULL));
	if (have_var && type_of(&var, &type))
		sym_describe_offset(&sb, &type, off);
	else if (off)
		strbuf_addf(&sb, "+0x%" PRIx64, off);
	const char *name = sym_intern(s, sb.buf);
	strbuf_release(&sb);
	return name;
}

const char *sym_module_data(struct symbolizer *s, struct sym_module *m, uint64_t addr)
{
	sym_symbols_load(m);
	const struct sym_symbol *o = sym_symtab_at(&m->objects, addr);
	return o ? symbol_expression(s, m, o, addr, false) : NULL;
}

const char *sym_module_tls(struct symbolizer *s, struct sym_module *m, uint64_t offset)
{
	sym_symbols_load(m);
	const struct sym_symbol *o = sym_symtab_at(&m->tls, offset);
	return o ? symbol_expression(s, m, o, offset, true) : NULL;
}
