/* SPDX-License-Identifier: MIT */
/* symbolize_locals.c - what a thread's own frames need to name a local
 * variable: a function's call-frame rule (CFI) at a pc, the target of the
 * direct call a return address follows, a function's entry, and the
 * variable whose DWARF location (frame base + offset) holds an address in
 * a frame whose CFA is known. symbolize.c walks the frames; everything
 * here answers only when it knows (x86-64 encodings). */
#include "symbolize_internal.h"

#include "strbuf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#define SYM_SCOPES_MAX 16
#define SYM_BLOCK_DEPTH 16

static bool frame_cfa(Dwarf_CFI *cfi, Dwarf_Addr a, int *reg, int64_t *off)
{
	Dwarf_Frame *frame = NULL;
	if (!cfi || dwarf_cfi_addrframe(cfi, a, &frame) != 0)
		return false;
	Dwarf_Op *ops;
	size_t n;
	bool ok = dwarf_frame_cfa(frame, &ops, &n) == 0 && n == 1;
	if (ok && ops[0].atom == DW_OP_bregx) {
		*reg = (int)ops[0].number;
		*off = (int64_t)ops[0].number2;
	} else if (ok && ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		*reg = ops[0].atom - DW_OP_breg0;
		*off = (int64_t)ops[0].number;
	} else {
		ok = false;
	}
	free(frame);
	return ok;
}

bool sym_cfa_rule(struct sym_module *m, uint64_t pc, int *reg, int64_t *off)
{
	Dwarf_Addr bias;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(m->dwmod, &bias);
	if (cfi && frame_cfa(cfi, pc - bias, reg, off))
		return true;
	cfi = dwfl_module_dwarf_cfi(m->dwmod, &bias);
	return cfi && frame_cfa(cfi, pc - bias, reg, off);
}

/* N bytes of M's code at runtime address PC. */
static bool code_bytes(struct sym_module *m, uint64_t pc, uint8_t *buf, size_t n)
{
	Dwarf_Addr bias;
	Elf *elf = dwfl_module_getelf(m->dwmod, &bias);
	Elf_Scn *scn = NULL;
	GElf_Addr a = pc - bias;
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
		    a < sh.sh_addr || a + n > sh.sh_addr + sh.sh_size)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size < sh.sh_size)
			return false;
		memcpy(buf, (const uint8_t *)d->d_buf + (a - sh.sh_addr), n);
		return true;
	}
	return false;
}

bool sym_call_target(struct sym_module *m, uint64_t ret, uint64_t *target)
{
	uint8_t b[5];
	if (ret < 5 || !code_bytes(m, ret - 5, b, sizeof b) || b[0] != 0xe8)
		return false;
	int32_t rel;
	memcpy(&rel, b + 1, sizeof rel);
	*target = ret + (uint64_t)(int64_t)rel;
	return true;
}

bool sym_function_entry(struct sym_module *m, uint64_t pc, uint64_t *entry)
{
	Dwarf_Die chain[SYM_SCOPES_MAX];
	Dwarf_Addr e;
	if (!m->dwarf || !sym_scopes_at(m, pc, chain, SYM_SCOPES_MAX) || dwarf_entrypc(&chain[0], &e) != 0)
		return false;
	*entry = e + m->dwarf_bias;
	return true;
}

/* The frame base of FN at DWARF address A, for a frame whose CFA is CFA
 * and whose CFA rule there is REG + OFF (so REG = CFA - OFF). */
static bool frame_base(Dwarf_Die *fn, Dwarf_Addr a, uint64_t cfa, int reg, int64_t off, uint64_t *base)
{
	Dwarf_Attribute attr;
	Dwarf_Op *expr;
	size_t len;
	if (!dwarf_attr_integrate(fn, DW_AT_frame_base, &attr) ||
	    dwarf_getlocation_addr(&attr, a, &expr, &len, 1) != 1 || len != 1)
		return false;
	uint64_t regval = cfa - (uint64_t)off;
	if (expr[0].atom == DW_OP_call_frame_cfa)
		*base = cfa;
	else if (expr[0].atom == DW_OP_breg0 + reg)
		*base = regval + (uint64_t)(int64_t)expr[0].number;
	else if (expr[0].atom == DW_OP_reg0 + reg)
		*base = regval;
	else
		return false;
	return true;
}

/* Where a frame's variables are told from: its frame base, and the
 * register its CFA rule is based on, with its value (clang without a frame
 * pointer places locals at the stack pointer + an offset). */
struct frame_regs {
	struct sym_module *m;
	uint64_t base;
	int reg;
	int64_t off;               /* the CFA rule at the pc: reg + off */
	uint64_t regval;
};

/* The start of a variable whose location at the pc is EXPR[0] (one op). */
static bool variable_start(const Dwarf_Op *op, const struct frame_regs *fr, uint64_t *start)
{
	if (op->atom == DW_OP_fbreg)
		*start = fr->base + (uint64_t)(int64_t)op->number;
	else if (op->atom == DW_OP_breg0 + fr->reg)
		*start = fr->regval + (uint64_t)(int64_t)op->number;
	else if (op->atom == DW_OP_bregx && op->number == (Dwarf_Word)fr->reg)
		*start = fr->regval + (uint64_t)(int64_t)op->number2;
	else
		return false;
	return true;
}

/* The start of variable ATTR's memory at DWARF address A. An optimized
 * build may say, right where the variable is written, that it holds a
 * known value (a constant, a register) though its address was taken and
 * its slot is in memory: then a range of its location list that puts it
 * in memory tells the slot, if its stack pointer is the same there (the
 * same CFA rule) or the place is the frame base. */
static bool variable_at(Dwarf_Attribute *attr, Dwarf_Addr a, const struct frame_regs *fr, uint64_t *start)
{
	Dwarf_Op *expr;
	size_t len;
	if (dwarf_getlocation_addr(attr, a, &expr, &len, 1) == 1 && len == 1 &&
	    variable_start(&expr[0], fr, start))
		return true;
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	while ((off = dwarf_getlocations(attr, off, &base, &lo, &hi, &expr, &len)) > 0) {
		int reg;
		int64_t cfa_off;
		if (len != 1 || !variable_start(&expr[0], fr, start))
			continue;
		if (expr[0].atom == DW_OP_fbreg ||
		    (sym_cfa_rule(fr->m, lo + fr->m->dwarf_bias, &reg, &cfa_off) && reg == fr->reg &&
		     cfa_off == fr->off))
			return true;
	}
	return false;
}

/* The variable of SCOPE (or of a block in it holding A) whose location
 * there (frame base or CFA register + offset) holds ADDR: *var, *off (ADDR
 * - its start). */
static bool scope_variable(Dwarf_Die *scope, Dwarf_Addr a, const struct frame_regs *fr, uint64_t addr,
			   Dwarf_Die *var, uint64_t *off, int depth)
{
	Dwarf_Die child;
	if (depth > SYM_BLOCK_DEPTH || dwarf_child(scope, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_lexical_block && dwarf_haspc(&child, a) == 1 &&
		    scope_variable(&child, a, fr, addr, var, off, depth + 1))
			return true;
		if (tag != DW_TAG_variable && tag != DW_TAG_formal_parameter)
			continue;
		Dwarf_Attribute attr;
		Dwarf_Die type;
		Dwarf_Word size;
		uint64_t start;
		if (!dwarf_attr(&child, DW_AT_location, &attr) || !variable_at(&attr, a, fr, &start) ||
		    !dwarf_formref_die(dwarf_attr_integrate(&child, DW_AT_type, &attr), &type) ||
		    dwarf_aggregate_size(&type, &size) != 0)
			continue;
		if (addr >= start && addr - start < size) {
			*var = child;
			*off = addr - start;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

const char *sym_frame_variable(struct symbolizer *s, struct sym_module *m, uint64_t pc, uint64_t cfa,
			       uint64_t addr, const char **function)
{
	Dwarf_Die chain[SYM_SCOPES_MAX], var, type;
	int64_t off;
	uint64_t at;
	struct frame_regs fr = { .m = m };
	size_t n = m->dwarf ? sym_scopes_at(m, pc, chain, SYM_SCOPES_MAX) : 0;
	Dwarf_Addr a = pc - m->dwarf_bias;
	if (!n || !sym_cfa_rule(m, pc, &fr.reg, &off) ||
	    !frame_base(&chain[0], a, cfa, fr.reg, off, &fr.base))
		return NULL;
	fr.off = off;
	fr.regval = cfa - (uint64_t)off;
	for (size_t i = n; i-- > 0;) {
		if (!scope_variable(&chain[i], a, &fr, addr, &var, &at, 0))
			continue;
		const char *name = die_name(&var);
		Dwarf_Attribute attr;
		if (!name || !dwarf_formref_die(dwarf_attr_integrate(&var, DW_AT_type, &attr), &type))
			return NULL;
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, name);
		sym_describe_offset(&sb, &type, at);
		const char *out = sym_intern(s, sb.buf);
		strbuf_release(&sb);
		const char *fn = die_name(&chain[i]);
		*function = fn ? sym_intern(s, fn) : NULL;
		return out;
	}
	return NULL;
}
