/* SPDX-License-Identifier: MIT */
/* omp_unordered.h - the note that an OpenMP runtime runs unrecorded. */
#ifndef CTRACE_SHIM_OMP_UNORDERED_H
#define CTRACE_SHIM_OMP_UNORDERED_H

/* Records, once per process, that its OpenMP runtime orders its threads
 * where the trace cannot see it: without instrumented code neither
 * runtime's order is recorded (intercept_gomp.c, ompt.c), and the
 * analyses must not take what it orders (a lock used by the team, then
 * destroyed after the region) for unordered. */
void shim_omp_unordered(void);

#endif
