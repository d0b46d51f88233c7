/* SPDX-License-Identifier: MIT */
/* intercept_cond.h - the records of a condition variable wait, for the
 * interceptors of every kind of condition (pthread, C11, GLib). */
#ifndef CTRACE_SHIM_INTERCEPT_COND_H
#define CTRACE_SHIM_INTERCEPT_COND_H

#include "emit.h"

/* Before the real wait OP on CV with mutex M: its BEGIN, then the
 * release of M (stamped on M). */
void shim_cond_wait_begin(struct shim_call *c, unsigned op, const void *cv, const void *m);
/* After it, with its result R (0, ETIMEDOUT, ECANCELED...): the
 * reacquisition of M, then its END (stamped on CV: after the signal that
 * woke it). */
void shim_cond_wait_end(struct shim_call *c, unsigned op, const void *cv, const void *m, int r);

#endif
