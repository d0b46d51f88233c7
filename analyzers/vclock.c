/* SPDX-License-Identifier: MIT */
/* vclock.c - vector clock operations (see vclock.h). */
#include "vclock.h"

#include <stdlib.h>
#include <string.h>

void vclock_release(struct vclock *v)
{
	free(v->c);
	v->c = NULL;
	v->n = 0;
}

static void vclock_reserve(struct vclock *v, uint32_t n)
{
	if (n <= v->n)
		return;
	uint32_t *c = realloc(v->c, (size_t)n * sizeof(*c));
	if (!c)
		abort();
	memset(c + v->n, 0, (size_t)(n - v->n) * sizeof(*c));
	v->c = c;
	v->n = n;
}

void vclock_init_thread(struct vclock *v, uint32_t t)
{
	vclock_release(v);
	vclock_set(v, t, 1);
}

void vclock_set(struct vclock *v, uint32_t t, uint32_t value)
{
	vclock_reserve(v, t + 1);
	v->c[t] = value;
}

void vclock_tick(struct vclock *v, uint32_t t)
{
	vclock_set(v, t, vclock_get(v, t) + 1);
}

void vclock_join(struct vclock *dst, const struct vclock *src)
{
	if (!src->n)
		return;
	vclock_reserve(dst, src->n);
	uint32_t *restrict d = dst->c;
	const uint32_t *restrict c = src->c;
	for (uint32_t i = 0; i < src->n; i++)   /* branch-free: vectorized */
		d[i] = c[i] > d[i] ? c[i] : d[i];
}

void vclock_copy(struct vclock *dst, const struct vclock *src)
{
	if (dst == src)
		return;
	vclock_release(dst);
	vclock_reserve(dst, src->n);
	if (src->n)
		memcpy(dst->c, src->c, (size_t)src->n * sizeof(*src->c));
}

bool vclock_leq(const struct vclock *a, const struct vclock *b)
{
	for (uint32_t i = 0; i < a->n; i++)
		if (a->c[i] > vclock_get(b, i))
			return false;
	return true;
}
