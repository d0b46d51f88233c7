/* SPDX-License-Identifier: MIT */
/* elf_symbol.c - a loaded object's exported symbol, read from the dynamic
 * symbol tables the loader mapped (dl_iterate_phdr), through their GNU or
 * SysV hash table. dlsym finds the same, but builds its error message with
 * malloc when a name is missing, and the shim looks names up while it
 * starts: maybe inside an allocator's own initialization, which calls
 * pthread_once under its lock (tcmalloc's: a malloc there never returns). */
#include "elf_symbol.h"
#include "loader_gate.h"

#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct lookup {
	const char *name;
	uint32_t gnu_hash, sysv_hash;
	void *found;
};

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static uint32_t sysv_hash(const char *s)
{
	uint32_t h = 0;
	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		uint32_t g = h & 0xf0000000u;
		h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* A d_ptr of the dynamic section: the loader made most absolute in place,
 * not the vdso's. */
static uintptr_t dyn_ptr(const struct dl_phdr_info *info, ElfW(Addr) v)
{
	return v < info->dlpi_addr ? info->dlpi_addr + v : v;
}

static bool is_definition(const ElfW(Sym) *sym, const char *strtab, const char *name)
{
	unsigned bind = ELF64_ST_BIND(sym->st_info), type = ELF64_ST_TYPE(sym->st_info);
	return sym->st_shndx != SHN_UNDEF && sym->st_value && (bind == STB_GLOBAL || bind == STB_WEAK) &&
	       type != STT_TLS && type != STT_GNU_IFUNC && !strcmp(strtab + sym->st_name, name);
}

static const ElfW(Sym) *gnu_lookup(const uint32_t *table, const ElfW(Sym) *symtab, const char *strtab,
				   const struct lookup *l)
{
	const unsigned bits = sizeof(ElfW(Addr)) * 8;
	uint32_t nbuckets = table[0], symoffset = table[1], bloom_size = table[2], shift = table[3];
	if (!nbuckets || !bloom_size)
		return NULL;
	const ElfW(Addr) *bloom = (const ElfW(Addr) *)&table[4];
	const uint32_t *buckets = (const uint32_t *)&bloom[bloom_size];
	const uint32_t *chain = &buckets[nbuckets];
	uint32_t h = l->gnu_hash;
	ElfW(Addr) word = bloom[(h / bits) % bloom_size];
	ElfW(Addr) mask = (ElfW(Addr))1 << (h % bits) | (ElfW(Addr))1 << ((h >> shift) % bits);
	if ((word & mask) != mask)
		return NULL;
	uint32_t i = buckets[h % nbuckets];
	if (i < symoffset)
		return NULL;
	for (;; i++) {
		uint32_t h2 = chain[i - symoffset];
		if ((h | 1) == (h2 | 1) && is_definition(&symtab[i], strtab, l->name))
			return &symtab[i];
		if (h2 & 1)
			return NULL;
	}
}

static const ElfW(Sym) *sysv_lookup(const uint32_t *table, const ElfW(Sym) *symtab, const char *strtab,
				    const struct lookup *l)
{
	uint32_t nbucket = table[0], nchain = table[1];
	if (!nbucket)
		return NULL;
	const uint32_t *bucket = &table[2], *chain = &bucket[nbucket];
	for (uint32_t i = bucket[l->sysv_hash % nbucket]; i && i < nchain; i = chain[i])
		if (is_definition(&symtab[i], strtab, l->name))
			return &symtab[i];
	return NULL;
}

static int find_in_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct lookup *l = data;
	const ElfW(Dyn) *dyn = NULL;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *gnu = NULL, *sysv = NULL;
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = dyn_ptr(info, dyn->d_un.d_ptr);
		switch (dyn->d_tag) {
		case DT_SYMTAB: symtab = (const ElfW(Sym) *)p; break;
		case DT_STRTAB: strtab = (const char *)p; break;
		case DT_GNU_HASH: gnu = (const uint32_t *)p; break;
		case DT_HASH: sysv = (const uint32_t *)p; break;
		}
	}
	if (!symtab || !strtab)
		return 0;
	const ElfW(Sym) *sym = gnu ? gnu_lookup(gnu, symtab, strtab, l)
			      : sysv ? sysv_lookup(sysv, symtab, strtab, l) : NULL;
	if (!sym)
		return 0;
	l->found = (void *)(info->dlpi_addr + sym->st_value);
	return 1;
}

void *shim_elf_symbol(const char *name)
{
	struct lookup l = { name, gnu_hash(name), sysv_hash(name), NULL };
	shim_loader_iterate(find_in_object, &l);
	return l.found;
}
