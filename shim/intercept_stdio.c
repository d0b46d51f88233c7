/* SPDX-License-Identifier: MIT */
/* intercept_stdio.c - a stdio stream's lock, taken by the program
 * (flockfile, ftrylockfile, funlockfile: a series of stdio calls made
 * atomic, and what the program does between them): what a thread did
 * before funlockfile is ordered before what a thread does after its next
 * flockfile of the same stream, as a mutex orders it. Recorded as
 * happens-before annotations on the stream's channel (STREAM_CHANNEL_ADDR,
 * a range no program memory uses), in programs with instrumented code
 * only: the order matters to their accesses alone. The locks stdio takes
 * inside its own calls are not seen.
 *
 * And, in those programs, the buffers stdio reads or writes for the
 * program are its memory accesses, as libtsan takes them: what fwrite,
 * fputs and puts write out is read before the call, what fread and fgets
 * read in is written after it. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "real.h"
#include "tsan_entry.h"
#include "tsan_thread.h"

#define STREAM_CHANNEL_ADDR(fp) (0xf800000000000000ull | (uintptr_t)(fp))

static void stream_annotate(unsigned kind, FILE *fp, uintptr_t pc0, uintptr_t sp)
{
	if (fp && atomic_load_explicit(&tsan_on, memory_order_relaxed))
		shim_annotate_channel(kind, STREAM_CHANNEL_ADDR(fp), pc0, sp);
}

SHIM_EXPORT void flockfile(FILE *fp)
{
	SHIM_REAL_LAZY(flockfile);
	if (f)
		f(fp);
	stream_annotate(TRACE_ANN_HAPPENS_AFTER, fp, SHIM_SITE());
}

SHIM_EXPORT int ftrylockfile(FILE *fp)
{
	SHIM_REAL_LAZY(ftrylockfile);
	int r = f ? f(fp) : -1;
	if (r == 0)
		stream_annotate(TRACE_ANN_HAPPENS_AFTER, fp, SHIM_SITE());
	return r;
}

SHIM_EXPORT void funlockfile(FILE *fp)
{
	SHIM_REAL_LAZY(funlockfile);
	stream_annotate(TRACE_ANN_HAPPENS_BEFORE, fp, SHIM_SITE());
	if (f)
		f(fp);
}

/* ---- buffers ---- */

/* The string S, terminator included, read or written by the call at PC. */
static void string_access(uintptr_t pc, const char *s, unsigned flags)
{
	if (s && atomic_load_explicit(&tsan_on, memory_order_relaxed))
		tsan_call_range(pc, s, strlen(s) + 1, flags);
}

SHIM_EXPORT size_t fwrite(const void *p, size_t size, size_t n, FILE *fp)
{
	SHIM_REAL_LAZY(fwrite);
	if (size && n <= SIZE_MAX / size)
		tsan_call_range(CALLER_PC, p, size * n, 0);
	return f ? f(p, size, n, fp) : 0;
}

SHIM_EXPORT int fputs(const char *s, FILE *fp)
{
	SHIM_REAL_LAZY(fputs);
	string_access(CALLER_PC, s, 0);
	return f ? f(s, fp) : EOF;
}

SHIM_EXPORT int puts(const char *s)
{
	SHIM_REAL_LAZY(puts);
	string_access(CALLER_PC, s, 0);
	return f ? f(s) : EOF;
}

SHIM_EXPORT size_t fread(void *p, size_t size, size_t n, FILE *fp)
{
	SHIM_REAL_LAZY(fread);
	size_t r = f ? f(p, size, n, fp) : 0;
	tsan_call_range(CALLER_PC, p, size * r, TRACE_ACCESS_WRITE);
	return r;
}

/* fread with _FORTIFY_SOURCE */
size_t __fread_chk(void *p, size_t room, size_t size, size_t n, FILE *fp);
SHIM_EXPORT size_t __fread_chk(void *p, size_t room, size_t size, size_t n, FILE *fp)
{
	SHIM_REAL_LAZY(__fread_chk);
	size_t r = f ? f(p, room, size, n, fp) : 0;
	tsan_call_range(CALLER_PC, p, size * r, TRACE_ACCESS_WRITE);
	return r;
}

SHIM_EXPORT char *fgets(char *s, int n, FILE *fp)
{
	SHIM_REAL_LAZY(fgets);
	char *r = f ? f(s, n, fp) : NULL;
	string_access(CALLER_PC, r, TRACE_ACCESS_WRITE);
	return r;
}

/* fgets with _FORTIFY_SOURCE */
char *__fgets_chk(char *s, size_t room, int n, FILE *fp);
SHIM_EXPORT char *__fgets_chk(char *s, size_t room, int n, FILE *fp)
{
	SHIM_REAL_LAZY(__fgets_chk);
	char *r = f ? f(s, room, n, fp) : NULL;
	string_access(CALLER_PC, r, TRACE_ACCESS_WRITE);
	return r;
}
