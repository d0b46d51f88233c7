/* SPDX-License-Identifier: MIT */
/* intercept_stdio.c - a stdio stream's lock, taken by the program
 * (flockfile, ftrylockfile, funlockfile: a series of stdio calls made
 * atomic, and what the program does between them): what a thread did
 * before funlockfile is ordered before what a thread does after its next
 * flockfile of the same stream, as a mutex orders it. Recorded as
 * happens-before annotations on the stream's channel (STREAM_CHANNEL_ADDR,
 * a range no program memory uses), in programs with instrumented code
 * only: the order matters to their accesses alone. The locks stdio takes
 * inside its own calls are not seen. */
#include <stdatomic.h>
#include <stdio.h>

#include "emit.h"
#include "real.h"
#include "tsan_thread.h"

#define STREAM_CHANNEL_ADDR(fp) (0xf800000000000000ull | (uintptr_t)(fp))

static void stream_annotate(unsigned kind, FILE *fp, uintptr_t pc0, uintptr_t sp)
{
	if (fp && atomic_load_explicit(&tsan_on, memory_order_relaxed))
		shim_annotate_channel(kind, STREAM_CHANNEL_ADDR(fp), pc0, sp);
}

SHIM_EXPORT void flockfile(FILE *fp)
{
	static _Atomic(void *) real;
	void (*f)(FILE *) = (void (*)(FILE *))shim_real_lazy(&real, "flockfile");
	if (f)
		f(fp);
	stream_annotate(TRACE_ANN_HAPPENS_AFTER, fp, SHIM_SITE());
}

SHIM_EXPORT int ftrylockfile(FILE *fp)
{
	static _Atomic(void *) real;
	int (*f)(FILE *) = (int (*)(FILE *))shim_real_lazy(&real, "ftrylockfile");
	int r = f ? f(fp) : -1;
	if (r == 0)
		stream_annotate(TRACE_ANN_HAPPENS_AFTER, fp, SHIM_SITE());
	return r;
}

SHIM_EXPORT void funlockfile(FILE *fp)
{
	static _Atomic(void *) real;
	void (*f)(FILE *) = (void (*)(FILE *))shim_real_lazy(&real, "funlockfile");
	stream_annotate(TRACE_ANN_HAPPENS_BEFORE, fp, SHIM_SITE());
	if (f)
		f(fp);
}
