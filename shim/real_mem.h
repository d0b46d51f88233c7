/* SPDX-License-Identifier: MIT */
/* real_mem.h - the real heap and string functions behind intercept_heap.c
 * and intercept_string.c: the next definitions (dlsym(RTLD_NEXT): another
 * malloc the program brings stays its malloc), resolved at the first call
 * of any of them. While dlsym runs (it may allocate), the resolving thread
 * gets memory from a small static arena and plain loops for the string
 * functions. */
#ifndef CTRACE_SHIM_REAL_MEM_H
#define CTRACE_SHIM_REAL_MEM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct shim_real_mem {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	size_t (*malloc_usable_size)(void *);
	void *(*memcpy)(void *, const void *, size_t);
	void *(*memmove)(void *, const void *, size_t);
	void *(*memset)(void *, int, size_t);
	int (*memcmp)(const void *, const void *, size_t);
	size_t (*strlen)(const char *);
	size_t (*strnlen)(const char *, size_t);
	char *(*strcpy)(char *, const char *);
	char *(*strncpy)(char *, const char *, size_t);
	char *(*strcat)(char *, const char *);
	char *(*strncat)(char *, const char *, size_t);
	int (*strcmp)(const char *, const char *);
	int (*strncmp)(const char *, const char *, size_t);
};

extern struct shim_real_mem shim_mem;

/* What the interceptors do, in one flag: the whole test on their path
 * while the process has no instrumented code. */
enum shim_mem_mode {
	SHIM_MEM_UNRESOLVED = 0,  /* the real functions are not known yet */
	SHIM_MEM_FORWARD = 1,     /* forward, record nothing */
	SHIM_MEM_RECORD = 2,      /* an instrumented module called __tsan_init */
};
extern _Atomic int shim_mem_mode;

static inline __attribute__((always_inline)) bool shim_mem_forward(void)
{
	return __builtin_expect(atomic_load_explicit(&shim_mem_mode, memory_order_acquire) ==
				SHIM_MEM_FORWARD, 1);
}

/* Resolves every entry: true once done, false on the thread doing it
 * (a call from inside dlsym: use the fallbacks). */
bool shim_mem_resolve(void);

/* The interceptors record from now on (tsan_record_init). */
void shim_mem_record(void);

/* The fallbacks while resolving. */
void *shim_mem_arena_alloc(size_t size, size_t align);
bool shim_mem_in_arena(const void *p);
size_t shim_mem_arena_size(const void *p);

#endif
