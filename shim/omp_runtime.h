/* SPDX-License-Identifier: MIT */
/* omp_runtime.h - the OpenMP runtime of the process as the shim knows it:
 * where its code lies, and whether its order goes unrecorded. */
#ifndef CTRACE_SHIM_OMP_RUNTIME_H
#define CTRACE_SHIM_OMP_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* The loaded objects of OpenMP runtimes seen (libgomp, libomp): code
 * ranges, [lo, hi); 0 when not known. */
#define SHIM_OMP_RUNTIMES 2
extern _Atomic uintptr_t shim_omp_lo[SHIM_OMP_RUNTIMES], shim_omp_hi[SHIM_OMP_RUNTIMES];

/* PC is in an OpenMP runtime's code: remembers its object. */
void shim_omp_runtime_at(uintptr_t pc);

/* PC lies in a runtime seen. Its copies, clears and frees of memory are its
 * own business, ordered by its own futexes and atomics, which the trace
 * does not hold (as LLVM's Archer has TSan ignore the runtime's). */
static inline bool shim_omp_runtime_has(uintptr_t pc)
{
	for (int i = 0; i < SHIM_OMP_RUNTIMES; i++)
		if (pc >= atomic_load_explicit(&shim_omp_lo[i], memory_order_relaxed) &&
		    pc < atomic_load_explicit(&shim_omp_hi[i], memory_order_relaxed))
			return true;
	return false;
}

/* Records, once per process, that its OpenMP runtime orders its threads
 * where the trace cannot see it: without instrumented code neither
 * runtime's order is recorded (intercept_gomp.c, ompt.c), and the
 * analyses must not take what it orders (a lock used by the team, then
 * destroyed after the region) for unordered. */
void shim_omp_unordered(void);

#endif
