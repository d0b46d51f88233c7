/* SPDX-License-Identifier: MIT */
/* elf_symbol.h - a loaded object's exported symbol, without dlsym
 * (elf_symbol.c). */
#ifndef CTRACE_SHIM_ELF_SYMBOL_H
#define CTRACE_SHIM_ELF_SYMBOL_H

/* The address of the defined, exported symbol NAME of the first loaded
 * object (in load order) that has one, whatever the namespace or
 * RTLD_LOCAL; NULL if none. Never allocates. */
void *shim_elf_symbol(const char *name);

#endif
