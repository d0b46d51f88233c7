/* SPDX-License-Identifier: MIT */
/* intercept_string.c - the memory accesses of library calls that the
 * compiler cannot see (memcpy, memset, strcpy...), as libtsan intercepts
 * them: a RANGE read of what the function reads and a RANGE write of what
 * it writes, recorded before the call, with the caller's shadow stack.
 * Without instrumented code (tsan_on unset) every call only forwards. The
 * fallbacks serve the thread that is resolving the real functions. */
#include <string.h>

#include "emit.h"
#include "real_mem.h"
#include "tsan_thread.h"

#define PC() ((uintptr_t)__builtin_return_address(0))
#define R TRACE_ACCESS_RANGE
#define W (TRACE_ACCESS_RANGE | TRACE_ACCESS_WRITE)
/* The fallbacks must not become calls to the functions they stand for. */
#define PLAIN __attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))

static inline bool recording(void)
{
	return __builtin_expect(atomic_load_explicit(&tsan_on, memory_order_relaxed), 0);
}

PLAIN static size_t plain_strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

PLAIN static void *plain_move(void *d, const void *s, size_t n)
{
	volatile unsigned char *dst = d;
	const unsigned char *src = s;
	if (dst < src)
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
	else
		for (size_t i = n; i-- > 0;)
			dst[i] = src[i];
	return d;
}

PLAIN static void *plain_set(void *d, int c, size_t n)
{
	volatile unsigned char *dst = d;
	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)c;
	return d;
}

PLAIN static int plain_cmp(const void *a, const void *b, size_t n, bool str)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
		if (str && !x[i])
			return 0;
	}
	return 0;
}

/* Bytes a string comparison reads of each side: up to the first
 * difference or the end, within max. */
static size_t compared(const char *a, const char *b, size_t max)
{
	size_t i = 0;
	while (i < max && a[i] && a[i] == b[i])
		i++;
	return i < max ? i + 1 : max;
}

/* Each interceptor: while nothing records, one flag test and the real
 * function (a tail call); else its _slow half, out of line, so the fast
 * path saves no registers. */

static __attribute__((noinline)) void *memcpy_slow(void *d, const void *s, size_t n, uintptr_t pc)
{
	if (!shim_mem_resolve())
		return plain_move(d, s, n);
	if (recording()) {
		tsan_call_range(pc, s, n, R);
		tsan_call_range(pc, d, n, W);
	}
	return shim_mem.memcpy(d, s, n);
}

SHIM_EXPORT void *memcpy(void *d, const void *s, size_t n)
{
	if (shim_mem_forward())
		return shim_mem.memcpy(d, s, n);
	return memcpy_slow(d, s, n, PC());
}

static __attribute__((noinline)) void *memmove_slow(void *d, const void *s, size_t n, uintptr_t pc)
{
	if (!shim_mem_resolve())
		return plain_move(d, s, n);
	if (recording()) {
		tsan_call_range(pc, s, n, R);
		tsan_call_range(pc, d, n, W);
	}
	return shim_mem.memmove(d, s, n);
}

SHIM_EXPORT void *memmove(void *d, const void *s, size_t n)
{
	if (shim_mem_forward())
		return shim_mem.memmove(d, s, n);
	return memmove_slow(d, s, n, PC());
}

static __attribute__((noinline)) void *memset_slow(void *d, int c, size_t n, uintptr_t pc)
{
	if (!shim_mem_resolve())
		return plain_set(d, c, n);
	if (recording())
		tsan_call_range(pc, d, n, W);
	return shim_mem.memset(d, c, n);
}

SHIM_EXPORT void *memset(void *d, int c, size_t n)
{
	if (shim_mem_forward())
		return shim_mem.memset(d, c, n);
	return memset_slow(d, c, n, PC());
}

/* libtsan's strict_memcmp (its default): both blocks are read whole. */
static __attribute__((noinline)) int memcmp_slow(const void *a, const void *b, size_t n,
						 uintptr_t pc)
{
	if (!shim_mem_resolve())
		return plain_cmp(a, b, n, false);
	if (recording()) {
		tsan_call_range(pc, a, n, R);
		tsan_call_range(pc, b, n, R);
	}
	return shim_mem.memcmp(a, b, n);
}

SHIM_EXPORT int memcmp(const void *a, const void *b, size_t n)
{
	if (shim_mem_forward())
		return shim_mem.memcmp(a, b, n);
	return memcmp_slow(a, b, n, PC());
}

static __attribute__((noinline)) size_t strnlen_slow(const char *s, size_t max, uintptr_t pc)
{
	if (!shim_mem_resolve())
		return plain_strnlen(s, max);
	size_t n = shim_mem.strnlen(s, max);
	if (recording())
		tsan_call_range(pc, s, n < max ? n + 1 : n, R);
	return n;
}

SHIM_EXPORT size_t strlen(const char *s)
{
	if (shim_mem_forward())
		return shim_mem.strlen(s);
	return strnlen_slow(s, SIZE_MAX, PC());
}

SHIM_EXPORT size_t strnlen(const char *s, size_t max)
{
	if (shim_mem_forward())
		return shim_mem.strnlen(s, max);
	return strnlen_slow(s, max, PC());
}

static __attribute__((noinline)) char *strcpy_slow(char *d, const char *s, uintptr_t pc)
{
	if (!shim_mem_resolve())
		return plain_move(d, s, plain_strnlen(s, SIZE_MAX) + 1);
	if (recording()) {
		size_t n = shim_mem.strlen(s) + 1;
		tsan_call_range(pc, s, n, R);
		tsan_call_range(pc, d, n, W);
	}
	return shim_mem.strcpy(d, s);
}

SHIM_EXPORT char *strcpy(char *d, const char *s)
{
	if (shim_mem_forward())
		return shim_mem.strcpy(d, s);
	return strcpy_slow(d, s, PC());
}

static __attribute__((noinline)) char *strncpy_slow(char *d, const char *s, size_t max,
						    uintptr_t pc)
{
	if (!shim_mem_resolve()) {
		size_t n = plain_strnlen(s, max);
		plain_move(d, s, n);
		plain_set(d + n, 0, max - n);
		return d;
	}
	if (recording()) {
		size_t n = shim_mem.strnlen(s, max);
		tsan_call_range(pc, s, n < max ? n + 1 : n, R);
		tsan_call_range(pc, d, max, W);
	}
	return shim_mem.strncpy(d, s, max);
}

SHIM_EXPORT char *strncpy(char *d, const char *s, size_t max)
{
	if (shim_mem_forward())
		return shim_mem.strncpy(d, s, max);
	return strncpy_slow(d, s, max, PC());
}

/* strcat and strncat: DST's string is read, SRC's (up to MAX) read, and
 * written after DST's end with its terminating zero. */
static __attribute__((noinline)) char *strncat_slow(char *d, const char *s, size_t max, bool bounded,
						    uintptr_t pc)
{
	if (!shim_mem_resolve()) {
		size_t dn = plain_strnlen(d, SIZE_MAX), sn = plain_strnlen(s, max);
		plain_move(d + dn, s, sn);
		d[dn + sn] = 0;
		return d;
	}
	if (recording()) {
		size_t dn = shim_mem.strlen(d), sn = shim_mem.strnlen(s, max);
		tsan_call_range(pc, d, dn + 1, R);
		tsan_call_range(pc, s, sn < max ? sn + 1 : sn, R);
		tsan_call_range(pc, d + dn, sn + 1, W);
	}
	return bounded ? shim_mem.strncat(d, s, max) : shim_mem.strcat(d, s);
}

SHIM_EXPORT char *strcat(char *d, const char *s)
{
	if (shim_mem_forward())
		return shim_mem.strcat(d, s);
	return strncat_slow(d, s, SIZE_MAX, false, PC());
}

SHIM_EXPORT char *strncat(char *d, const char *s, size_t max)
{
	if (shim_mem_forward())
		return shim_mem.strncat(d, s, max);
	return strncat_slow(d, s, max, true, PC());
}

static __attribute__((noinline)) int strncmp_slow(const char *a, const char *b, size_t max,
						  bool bounded, uintptr_t pc)
{
	if (!shim_mem_resolve())
		return plain_cmp(a, b, max, true);
	if (recording()) {
		size_t n = compared(a, b, max);
		tsan_call_range(pc, a, n, R);
		tsan_call_range(pc, b, n, R);
	}
	return bounded ? shim_mem.strncmp(a, b, max) : shim_mem.strcmp(a, b);
}

SHIM_EXPORT int strcmp(const char *a, const char *b)
{
	if (shim_mem_forward())
		return shim_mem.strcmp(a, b);
	return strncmp_slow(a, b, SIZE_MAX, false, PC());
}

SHIM_EXPORT int strncmp(const char *a, const char *b, size_t max)
{
	if (shim_mem_forward())
		return shim_mem.strncmp(a, b, max);
	return strncmp_slow(a, b, max, true, PC());
}
