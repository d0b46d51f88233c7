/* SPDX-License-Identifier: MIT */
/* vclock.h - vector clocks over trace-wide thread ids: the happens-before
 * primitive shared by the lock-order ranking (create/join order) and, later,
 * the race detector. A clock grows on demand; a missing entry reads as 0.
 *
 * Convention: thread t's own entry starts at 1 (vclock_init_thread). An
 * event of t carries t's own entry as its epoch. Releasing (create, thread
 * end) sends a copy of t's clock and then ticks t's entry; acquiring (start,
 * join) joins the sent clock in. Event (t, epoch) happens before everything a
 * clock V covers iff epoch <= V[t] (vclock_covers). */
#ifndef CTRACE_VCLOCK_H
#define CTRACE_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct vclock {
	uint32_t n;      /* entries in c */
	uint32_t *c;     /* (owned) c[thread], NULL when n == 0 */
};

#define VCLOCK_INIT { 0, NULL }

void vclock_release(struct vclock *v);
/* An empty clock for thread t: own entry 1. */
void vclock_init_thread(struct vclock *v, uint32_t t);

static inline uint32_t vclock_get(const struct vclock *v, uint32_t t)
{
	return t < v->n ? v->c[t] : 0;
}

void vclock_set(struct vclock *v, uint32_t t, uint32_t value);
void vclock_tick(struct vclock *v, uint32_t t);
/* dst = pointwise max(dst, src). */
void vclock_join(struct vclock *dst, const struct vclock *src);
/* dst = src (dst's old entries dropped). */
void vclock_copy(struct vclock *dst, const struct vclock *src);
/* a <= b pointwise. */
bool vclock_leq(const struct vclock *a, const struct vclock *b);

/* Does the event of thread t at epoch happen before the point whose clock
 * is v? */
static inline bool vclock_covers(const struct vclock *v, uint32_t t, uint32_t epoch)
{
	return epoch <= vclock_get(v, t);
}

#endif
