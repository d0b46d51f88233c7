/* SPDX-License-Identifier: MIT */
/* omp_unordered.c - the note that an OpenMP runtime runs unrecorded
 * (omp_unordered.h): a RUNTIME record, once per process. */
#include "omp_unordered.h"

#include "emit.h"

void shim_omp_unordered(void)
{
	static _Atomic uint32_t said;   /* the pid it was said for (a fork's child says it again) */
	uint32_t pid = shim.pid;
	if (atomic_load_explicit(&said, memory_order_relaxed) == pid)
		return;
	struct shim_call c;
	if (!shim_enter(&c, SHIM_SITE()))
		return;
	if (atomic_exchange_explicit(&said, pid, memory_order_relaxed) == pid)
		return;
	shim_emit(&c, TRACE_OP_RUNTIME, 0, 0, 0, TRACE_RUNTIME_OPENMP, 0, TRACE_RUNTIME_NO_ORDER, NULL);
}
