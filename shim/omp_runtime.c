/* SPDX-License-Identifier: MIT */
/* omp_runtime.c - the OpenMP runtime of the process (omp_runtime.h): its
 * code ranges, and the note that its order goes unrecorded (a RUNTIME
 * record, once per process). */
#include "omp_runtime.h"

#include "emit.h"
#include "stack.h"

_Atomic uintptr_t shim_omp_lo[SHIM_OMP_RUNTIMES], shim_omp_hi[SHIM_OMP_RUNTIMES];

void shim_omp_runtime_at(uintptr_t pc)
{
	if (!pc || shim_omp_runtime_has(pc))
		return;
	uintptr_t lo, hi;
	if (!shim_object_of(pc, &lo, &hi))
		return;
	for (int i = 0; i < SHIM_OMP_RUNTIMES; i++) {
		uintptr_t none = 0;
		/* lo claims the slot, hi completes it: until then the range
		 * [lo, 0) holds nothing */
		if (atomic_compare_exchange_strong(&shim_omp_lo[i], &none, lo)) {
			atomic_store(&shim_omp_hi[i], hi);
			return;
		}
	}
}

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
