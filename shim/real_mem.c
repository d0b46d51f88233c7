/* SPDX-License-Identifier: MIT */
/* real_mem.c - resolving the real heap and string functions (real_mem.h). */
#include "real_mem.h"

#include <dlfcn.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

struct shim_real_mem shim_mem;

struct mem_entry {
	const char *name;
	size_t offset;
};

#define E(f) { #f, offsetof(struct shim_real_mem, f) }
static const struct mem_entry entries[] = {
	E(malloc), E(free), E(calloc), E(realloc), E(posix_memalign), E(aligned_alloc),
	E(memalign), E(malloc_usable_size), E(memcpy), E(memmove), E(memset), E(memcmp),
	E(strlen), E(strnlen), E(strcpy), E(strncpy), E(strcat), E(strncat), E(strcmp),
	E(strncmp),
};
#undef E

static _Atomic int state;  /* 0 not yet, 1 under way, 2 done */
static _Atomic bool record;
_Atomic int shim_mem_mode;
static __thread int resolving_here __attribute__((tls_model("initial-exec")));

bool shim_mem_resolve(void)
{
	if (__builtin_expect(atomic_load_explicit(&state, memory_order_acquire) == 2, 1))
		return true;
	if (resolving_here)
		return false;
	int expected = 0;
	if (atomic_compare_exchange_strong(&state, &expected, 1)) {
		resolving_here = 1;
		struct shim_real_mem got = { 0 };
		for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
			*(void **)((char *)&got + entries[i].offset) = dlsym(RTLD_NEXT, entries[i].name);
		/* published whole, so no caller sees a half-filled table */
		for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
			atomic_store_explicit((_Atomic(void *) *)((char *)&shim_mem + entries[i].offset),
					      *(void **)((char *)&got + entries[i].offset),
					      memory_order_relaxed);
		resolving_here = 0;
		atomic_store_explicit(&state, 2, memory_order_release);
		/* a shim_mem_record meanwhile: looked at again after the store */
		atomic_store(&shim_mem_mode, SHIM_MEM_FORWARD);
		if (atomic_load(&record))
			atomic_store(&shim_mem_mode, SHIM_MEM_RECORD);
		return true;
	}
	while (atomic_load_explicit(&state, memory_order_acquire) != 2)
		sched_yield();
	return true;
}

void shim_mem_record(void)
{
	atomic_store(&record, true);
	if (shim_mem_resolve())  /* else the resolving thread sets the mode */
		atomic_store(&shim_mem_mode, SHIM_MEM_RECORD);
}

/* ---- the arena: what dlsym allocates while it resolves; never freed ---- */

#define ARENA_SIZE (256u * 1024u)
static _Alignas(64) unsigned char arena[ARENA_SIZE];
static _Atomic size_t arena_used;

/* Each block is preceded by its size, 16 bytes before it. */
void *shim_mem_arena_alloc(size_t size, size_t align)
{
	if (align < 16)
		align = 16;
	if (size > ARENA_SIZE || align > 4096)
		return NULL;
	size_t need = size + align + 16;
	size_t at = atomic_fetch_add(&arena_used, need);
	if (at + need > ARENA_SIZE)
		return NULL;
	uintptr_t base = (uintptr_t)arena + at + 16;
	uintptr_t p = (base + align - 1) & ~(uintptr_t)(align - 1);
	((size_t *)p)[-1] = size;
	return (void *)p;
}

bool shim_mem_in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + ARENA_SIZE;
}

size_t shim_mem_arena_size(const void *p)
{
	return ((const size_t *)p)[-1];
}
