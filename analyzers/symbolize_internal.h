/* SPDX-License-Identifier: MIT */
/* symbolize_internal.h - what the symbolizer's files share: the module table
 * read from a maps file, and the helpers of symbolize.c (strings that live as
 * long as the symbolizer, notes). Not for use outside analyzers/symbolize*.c. */
#ifndef CTRACE_SYMBOLIZE_INTERNAL_H
#define CTRACE_SYMBOLIZE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdwfl.h>

#include "symbolize.h"

enum sym_module_state {
	SYM_MODULE_UNOPENED = 0, /* not looked at yet (opened on first use) */
	SYM_MODULE_OK,           /* reported to the process's Dwfl, build-id checked */
	SYM_MODULE_UNUSABLE,     /* missing, unreadable or changed: pc + module only */
};

struct sym_data_index;
struct sym_scope_index;

/* A sized symbol of a module's symbol table, at its runtime address. */
struct sym_symbol {
	uint64_t addr, size;
	const char *name;            /* (weak) raw name, owned by libdwfl */
	unsigned bind;               /* STB_* */
};

struct sym_symtab {
	struct sym_symbol *v;        /* (owned) sorted by addr, then preference */
	size_t n;
};

/* One ELF object of a process, from a "module" line of its maps file. */
struct sym_module {
	uint64_t lo, hi;             /* absolute range of its PT_LOAD segments */
	uint64_t bias;               /* load bias: runtime address = bias + p_vaddr */
	int64_t tls_delta;           /* its thread-local block: at a thread's pthread_t
	                                + tls_delta, tls_size bytes (0: not known) */
	uint64_t tls_size;
	char *build_id;              /* (owned) lower-case hex, NULL if not recorded */
	char *path;                  /* (owned) */
	const char *name;            /* path interned (borrowed from the symbolizer),
	                                set when opened */
	enum sym_module_state state;
	bool twin_checked;           /* looked for the same module in another process */
	uint32_t twin;               /* that process (its frames are ours), or UINT32_MAX */
	Dwfl_Module *dwmod;          /* (weak) when SYM_MODULE_OK */
	Dwarf *dwarf;                /* (weak) NULL: no debug info */
	Dwarf_Addr dwarf_bias;       /* runtime address - DWARF address */
	bool symbols_loaded;
	struct sym_symtab funcs;     /* STT_FUNC / STT_GNU_IFUNC */
	struct sym_symtab objects;   /* STT_OBJECT */
	struct sym_symtab tls;       /* STT_TLS, by offset in the thread-local block */
	struct sym_scope_index *scopes; /* (owned) DWARF functions, built per CU */
	struct sym_unit_index *units;   /* (owned) units by address, without aranges */
	struct sym_data_index *data; /* (owned) DWARF variables, built on first use */
};

/* symbolize_maps.c */

/* Reads the maps file PATH (trace_maps.h): the modules of every complete
 * snapshot, later snapshots replacing earlier modules they overlap. Fills
 * *mods (owned by the caller, sorted by lo, disjoint) and *nmods. Returns 0,
 * -ENOENT / -errno if unreadable, -EINVAL if it is not a maps file; after a
 * read error (-EIO) *mods still holds what was read before it. */
int sym_maps_load(const char *path, struct sym_module **mods, size_t *nmods);

/* symbolize.c */

/* A copy of STR (or its first N bytes) that lives until symbolizer_free;
 * equal strings share one copy. NULL stays NULL. */
const char *sym_intern(struct symbolizer *s, const char *str);
const char *sym_intern_n(struct symbolizer *s, const char *str, size_t n);
/* Memory that lives until symbolizer_free. */
void *sym_alloc(struct symbolizer *s, size_t n);
/* Adds a note once (duplicates are dropped). */
void sym_note(struct symbolizer *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* symbolize_dwfl.c */

/* A fresh Dwfl for one process's modules (NULL if out of memory). */
Dwfl *sym_dwfl_new(void);
/* Opens M on first use: checks the file and its build-id, reports it to
 * DWFL at its runtime address, finds its debug info; notes what is wrong. */
void sym_module_open(struct symbolizer *s, Dwfl *dwfl, struct sym_module *m);
/* The frames of the return address PC in M (opened), innermost first,
 * inlined calls expanded, at most CAP. Returns the count (>= 1). */
size_t sym_module_frames(struct symbolizer *s, struct sym_module *m, uint64_t pc,
			 struct sym_frame *frames, size_t cap);
/* A symbol name as users read it: "@VERSION" dropped, C++ demangled. */
const char *sym_clean_name(struct symbolizer *s, const char *raw);

/* symbolize_syms.c */

/* Loads M's function and object symbols (once; M opened and usable). */
void sym_symbols_load(struct sym_module *m);
/* The symbol of T holding ADDR (the smallest if several do), or NULL. */
const struct sym_symbol *sym_symtab_at(const struct sym_symtab *t, uint64_t addr);
void sym_symbols_free(struct sym_module *m);

/* symbolize_units.c */

/* The compile unit of M (with DWARF) holding the runtime address ADDR into
 * *CU, and ADDR as a DWARF address into *A; false if no unit holds it. */
bool sym_unit_at(struct sym_module *m, Dwarf_Addr addr, Dwarf_Die *cu, Dwarf_Addr *a);
void sym_unit_index_free(struct sym_unit_index *x);

/* symbolize_scopes.c */

/* The function scopes of M (with DWARF) holding the runtime address ADDR,
 * outermost first: the subprogram, then each inlined subroutine inside it.
 * Fills at most CAP and returns the count, 0 if DWARF has no function
 * there. */
size_t sym_scopes_at(struct sym_module *m, Dwarf_Addr addr, Dwarf_Die *chain, size_t cap);
void sym_scope_index_free(struct sym_scope_index *x);

/* symbolize_data.c */

/* The variable of M (opened, usable) holding ADDR as a C-like expression,
 * or NULL. */
const char *sym_module_data(struct symbolizer *s, struct sym_module *m, uint64_t addr);
/* The same for OFFSET in the module's thread-local block. */
const char *sym_module_tls(struct symbolizer *s, struct sym_module *m, uint64_t offset);
void sym_data_index_free(struct sym_data_index *d);
struct strbuf;
/* Appends to SB the path to OFF inside a value of type TYPE ("[3].lock",
 * ".b", "+0x4"). */
void sym_describe_offset(struct strbuf *sb, Dwarf_Die *type, uint64_t off);

/* symbolize_locals.c (x86-64: elsewhere each says it cannot tell) */

/* The CFA rule of M at runtime address PC: CFA = DWARF register *reg + *off. */
bool sym_cfa_rule(struct sym_module *m, uint64_t pc, int *reg, int64_t *off);
/* The target of the direct call (e8 rel32) that returns to RET in M. */
bool sym_call_target(struct sym_module *m, uint64_t ret, uint64_t *target);
/* The entry of the function of M holding PC (runtime address). */
bool sym_function_entry(struct sym_module *m, uint64_t pc, uint64_t *entry);
/* The local variable of the frame of M at PC (inside a call: a return
 * address - 1) whose CFA is CFA, holding ADDR: "buf[3]", and *function its
 * function (inlined ones too); NULL if none is known exactly. */
const char *sym_frame_variable(struct symbolizer *s, struct sym_module *m, uint64_t pc, uint64_t cfa,
			       uint64_t addr, const char **function);

#endif
