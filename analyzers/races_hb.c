/* SPDX-License-Identifier: MIT */
/* races_hb.c - the happens-before state of the race analysis: each
 * thread's vector clock, the clocks of sync objects, gaps, and the locks
 * each thread holds (for the report). The rules that move clocks are in
 * races_sync.c. */
#include "races.h"

#include <stdlib.h>
#include <string.h>

void *rc_grow_raw(void *arr, uint32_t *cap, uint32_t need, size_t elem, uint32_t first)
{
	if (need <= *cap)
		return arr;
	uint32_t n = *cap ? *cap : first;
	while (n < need)
		n *= 2;
	void *p = realloc(arr, (size_t)n * elem);
	if (!p)
		abort();
	*cap = n;
	return p;
}

void *rc_grow(void *arr, uint32_t *cap, uint32_t need, size_t elem, uint32_t first)
{
	uint32_t had = *cap;
	char *p = rc_grow_raw(arr, cap, need, elem, first);
	memset(p + (size_t)had * elem, 0, (size_t)(*cap - had) * elem);
	return p;
}

void rc_hb_init(struct rc_hb *hb)
{
	memset(hb, 0, sizeof(*hb));
	id_table_init(&hb->objs, sizeof(struct rc_sync));
}

static void rc_sync_release(struct rc_sync *s)
{
	vclock_release(&s->clk);
	vclock_release(&s->rclk);
	vclock_release(&s->arrive);
}

static void rc_sync_release_entry(void *entry, uint32_t id, void *ctx)
{
	(void)id, (void)ctx;
	rc_sync_release(entry);
}

void rc_hb_release(struct rc_hb *hb)
{
	for (uint32_t i = 0; i < hb->nthreads; i++) {
		struct rc_thread *t = &hb->threads[i];
		vclock_release(&t->vc);
		vclock_release(&t->sent);
		vclock_release(&t->forked);
		vclock_release(&t->fence_acq);
		vclock_release(&t->fence_rel);
		free(t->held);
	}
	free(hb->threads);
	id_table_each(&hb->objs, rc_sync_release_entry, NULL);
	id_table_release(&hb->objs);
	for (uint32_t i = 0; i < hb->nasyncs; i++)
		rc_sync_release(&hb->asyncs[i]);
	free(hb->asyncs);
	u64map_release(&hb->addr_sync);
	for (uint32_t i = 0; i < hb->nsets; i++)
		free(hb->sets[i].locks);
	free(hb->sets);
	u64map_release(&hb->set_map);
	u64map_release(&hb->steps);
	free(hb->scratch);
	memset(hb, 0, sizeof(*hb));
}

struct rc_thread *rc_thread_slow(struct rc_hb *hb, uint32_t id)
{
	uint32_t cap = hb->nthreads;
	hb->threads = rc_grow(hb->threads, &cap, id + 1, sizeof(*hb->threads), 16);
	hb->nthreads = cap;
	struct rc_thread *t = &hb->threads[id];
	if (!t->started) {
		t->started = true;
		t->heldset = RC_NONE;
		vclock_init_thread(&t->vc, id);
	}
	return t;
}

struct rc_sync *rc_obj(struct rc_hb *hb, uint32_t obj)
{
	struct rc_sync *s = id_table_entry(&hb->objs, obj, sizeof(struct rc_sync));
	id_table_claim(&hb->objs, obj, &s->used);
	return s;
}

void rc_obj_forget(struct rc_hb *hb, uint32_t obj)
{
	struct rc_sync *s = id_table_find(&hb->objs, obj, sizeof(struct rc_sync));
	if (!s || !s->used)
		return;
	rc_sync_release(s);
	id_table_drop(&hb->objs, obj, s, sizeof(*s));
}

struct rc_sync *rc_addr_sync(struct rc_hb *hb, uint32_t process, uint64_t addr)
{
	int added;
	uint32_t *slot = u64map_put(&hb->addr_sync, rc_word_key(process, addr) << 3 ^ (addr & 7),
				    hb->nasyncs, &added);
	if (added) {
		hb->asyncs = rc_grow(hb->asyncs, &hb->cap_asyncs, hb->nasyncs + 1, sizeof(*hb->asyncs), 16);
		hb->nasyncs++;
	}
	return &hb->asyncs[*slot];
}

void rc_release(struct rc_hb *hb, uint32_t t, struct vclock *s)
{
	struct rc_thread *th = rc_thread(hb, t);
	vclock_join(s, &th->vc);
	vclock_tick(&th->vc, t);
}

/* dst takes all thread i knows (a thread let go: its own epochs, which
 * is as much: what it knew of the others, they know of themselves). */
static void rc_thread_knowledge(struct vclock *dst, const struct rc_hb *hb, uint32_t i)
{
	const struct rc_thread *o = &hb->threads[i];
	if (!o->released)
		vclock_join(dst, &o->vc);
	else if (vclock_get(dst, i) < o->end_epoch)
		vclock_set(dst, i, o->end_epoch);
}

void rc_acquire_all(struct rc_hb *hb, uint32_t t)
{
	rc_thread(hb, t);
	struct rc_thread *th = &hb->threads[t];
	for (uint32_t i = 0; i < hb->nthreads; i++)
		if (i != t && hb->threads[i].started)
			rc_thread_knowledge(&th->vc, hb, i);
}

void rc_acquire(struct rc_hb *hb, uint32_t t, const struct vclock *c)
{
	vclock_join(&rc_thread(hb, t)->vc, c);
}

void rc_sync_gap(struct rc_hb *hb, struct rc_sync *s)
{
	for (uint32_t i = 0; i < hb->nthreads; i++) {
		if (!hb->threads[i].started)
			continue;
		rc_thread_knowledge(&s->clk, hb, i);
		rc_thread_knowledge(&s->rclk, hb, i);
	}
}

/* Whatever t did in its gap, its events before it are taken as ordered
 * before everything after it (it may have released), and it as ordered
 * after everything so far (it may have acquired): no race can come out of
 * what is unknown. */
void rc_thread_gap(struct rc_hb *hb, uint32_t t)
{
	struct rc_thread *th = rc_thread(hb, t);
	th->gap_epoch = vclock_get(&th->vc, t);
	vclock_tick(&th->vc, t);
	rc_acquire_all(hb, t);
}

/* ---- held locks ---- */

/* The held set changed by LOCK (a first hold, or its last): known at once
 * if that step from the current set was seen before. */
static void rc_held_step(struct rc_hb *hb, struct rc_thread *th, uint32_t lock, bool add)
{
	th->step_pending = false;
	if (th->heldset >= (1u << 30)) {   /* too many sets to key */
		th->heldset = RC_NONE;
		return;
	}
	uint64_t key = (uint64_t)th->heldset << 33 | (uint64_t)lock << 1 | add;
	if (th->step_seen[add] == key + 1) {   /* lock, unlock, lock...: the same two steps */
		th->heldset = th->step_to[add];
		return;
	}
	const uint32_t *to = u64map_get(&hb->steps, key);
	if (to) {
		th->heldset = *to;
		th->step_seen[add] = key + 1;
		th->step_to[add] = *to;
		return;
	}
	th->step = key;
	th->step_pending = true;
	th->heldset = RC_NONE;
}

static bool rc_holds(const struct rc_thread *th, uint32_t lock)
{
	for (uint32_t i = 0; i < th->nheld; i++)
		if (th->held[i].lock == lock)
			return true;
	return false;
}

void rc_held_add(struct rc_hb *hb, uint32_t t, uint32_t lock, bool read)
{
	rc_heldset(hb, t);   /* known before the step, so that the step is learnt */
	struct rc_thread *th = rc_thread(hb, t);
	bool again = rc_holds(th, lock);   /* a recursive hold: the same set */
	th->held = rc_grow(th->held, &th->cap_held, th->nheld + 1, sizeof(*th->held), 16);
	th->held[th->nheld++] = (struct rc_held){ lock, read };
	if (!again)
		rc_held_step(hb, th, lock, true);
}

bool rc_held_remove(struct rc_hb *hb, uint32_t t, uint32_t lock, bool *read)
{
	rc_heldset(hb, t);   /* known before the step, so that the step is learnt */
	struct rc_thread *th = rc_thread(hb, t);
	for (uint32_t i = th->nheld; i-- > 0;) {
		if (th->held[i].lock != lock)
			continue;
		if (read)
			*read = th->held[i].read;
		memmove(&th->held[i], &th->held[i + 1], (th->nheld - i - 1) * sizeof(*th->held));
		th->nheld--;
		if (!rc_holds(th, lock))
			rc_held_step(hb, th, lock, false);
		return true;
	}
	return false;
}

/* A new set of the M locks in scratch, at the head of SLOT's chain. */
static uint32_t rc_heldset_add(struct rc_hb *hb, uint32_t *slot, uint32_t m)
{
	hb->sets = rc_grow(hb->sets, &hb->cap_sets, hb->nsets + 1, sizeof(*hb->sets), 16);
	struct rc_heldset *set = &hb->sets[hb->nsets];
	set->n = m;
	set->next = *slot;
	set->locks = malloc((m ? m : 1) * sizeof(uint32_t));
	if (!set->locks)
		abort();
	memcpy(set->locks, hb->scratch, m * sizeof(uint32_t));
	*slot = hb->nsets;
	return hb->nsets++;
}

/* The held set as an id (accesses keep 4 bytes, not a list): the thread's
 * distinct locks, sorted, interned. */
uint32_t rc_heldset_slow(struct rc_hb *hb, uint32_t t)
{
	struct rc_thread *th = rc_thread(hb, t);
	if (th->heldset != RC_NONE)
		return th->heldset;
	hb->scratch = rc_grow(hb->scratch, &hb->scratch_cap, th->nheld + 1, sizeof(*hb->scratch), 16);
	uint32_t m = 0;   /* insertion sort without duplicates: sets are small */
	for (uint32_t i = 0; i < th->nheld; i++) {
		uint32_t l = th->held[i].lock, j = m;
		while (j > 0 && hb->scratch[j - 1] > l)
			j--;
		if (j > 0 && hb->scratch[j - 1] == l)
			continue;
		memmove(&hb->scratch[j + 1], &hb->scratch[j], (m - j) * sizeof(*hb->scratch));
		hb->scratch[j] = l;
		m++;
	}
	uint64_t h = 0x9e3779b97f4a7c15ull ^ m;
	for (uint32_t i = 0; i < m; i++)
		h = (h ^ hb->scratch[i]) * 0x100000001b3ull;
	h &= ~(1ull << 63);
	int added;
	if (m == 1 && hb->scratch[0] < RC_SET_ONE) {   /* no step learnt: one per lock */
		th->step_pending = false;
		return th->heldset = RC_SET_ONE | hb->scratch[0];
	}
	uint32_t *slot = u64map_put(&hb->set_map, h, RC_NONE, &added);
	uint32_t id = RC_NONE;
	for (uint32_t s = *slot; s != RC_NONE && id == RC_NONE; s = hb->sets[s].next)
		if (hb->sets[s].n == m && !memcmp(hb->sets[s].locks, hb->scratch, m * sizeof(uint32_t)))
			id = s;
	if (id == RC_NONE)
		id = rc_heldset_add(hb, slot, m);
	if (th->step_pending) {
		*u64map_put(&hb->steps, th->step, id, &added) = id;
		th->step_pending = false;
	}
	return th->heldset = id;
}

static void *rc_dup(const void *src, size_t bytes)
{
	if (!src)
		return NULL;
	void *p = malloc(bytes ? bytes : 1);
	if (!p)
		abort();
	memcpy(p, src, bytes);
	return p;
}

static void vclock_dup(struct vclock *dst, const struct vclock *src)
{
	*dst = (struct vclock)VCLOCK_INIT;
	vclock_copy(dst, src);
}

static void rc_sync_dup(struct rc_sync *dst, const struct rc_sync *src)
{
	*dst = *src;
	vclock_dup(&dst->clk, &src->clk);
	vclock_dup(&dst->rclk, &src->rclk);
	vclock_dup(&dst->arrive, &src->arrive);
}

static void rc_sync_copy_entry(void *entry, uint32_t id, void *ctx)
{
	const struct rc_sync *s = entry;
	if (s->used)
		rc_sync_dup(rc_obj(ctx, id), s);
}

void rc_hb_copy(struct rc_hb *dst, const struct rc_hb *src)
{
	*dst = *src;
	dst->threads = rc_dup(src->threads, src->nthreads * sizeof(*src->threads));
	for (uint32_t i = 0; i < src->nthreads; i++) {
		const struct rc_thread *s = &src->threads[i];
		struct rc_thread *d = &dst->threads[i];
		vclock_dup(&d->vc, &s->vc);
		vclock_dup(&d->sent, &s->sent);
		vclock_dup(&d->forked, &s->forked);
		vclock_dup(&d->fence_acq, &s->fence_acq);
		vclock_dup(&d->fence_rel, &s->fence_rel);
		d->held = rc_dup(s->held, s->cap_held * sizeof(*s->held));
	}
	id_table_init(&dst->objs, sizeof(struct rc_sync));
	id_table_each((struct id_table *)&src->objs, rc_sync_copy_entry, dst);
	dst->asyncs = rc_dup(src->asyncs, src->cap_asyncs * sizeof(*src->asyncs));
	for (uint32_t i = 0; i < src->nasyncs; i++)
		rc_sync_dup(&dst->asyncs[i], &src->asyncs[i]);
	u64map_copy(&dst->addr_sync, &src->addr_sync);
	dst->sets = rc_dup(src->sets, src->cap_sets * sizeof(*src->sets));
	for (uint32_t i = 0; i < src->nsets; i++)
		dst->sets[i].locks = rc_dup(src->sets[i].locks, (src->sets[i].n ? src->sets[i].n : 1) * sizeof(uint32_t));
	u64map_copy(&dst->set_map, &src->set_map);
	u64map_copy(&dst->steps, &src->steps);
	dst->scratch = NULL;
	dst->scratch_cap = 0;
}
