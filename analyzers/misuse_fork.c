/* SPDX-License-Identifier: MIT */
/* misuse_fork.c - fork for the misuse rules: a forked child's main thread
 * starts holding (a copy of) the locks its parent thread held at the fork,
 * so unlocking them in the child is no misuse. Locks are known by address
 * across the processes. */
#include "misuse.h"

#include <stdlib.h>
#include <string.h>

void mu_fork_snapshot(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_thread *t = mu_thread(mu, ev->thread);
	free(t->fork_keys);
	t->fork_keys = calloc(t->nheld ? t->nheld : 1, sizeof(*t->fork_keys));
	if (!t->fork_keys)
		abort();
	t->nfork_keys = 0;
	for (uint32_t i = 0; i < t->nheld; i++) {
		const struct trace_object *o = trace_catalog_object(mu->cat, t->held[i].lock);
		if (o)
			t->fork_keys[t->nfork_keys++] = o->key;
	}
}

void mu_fork_child_start(struct misuse *mu, const struct trace_event *ev)
{
	const struct trace_thread *th = trace_catalog_thread(mu->cat, ev->thread);
	if (!th || th->index != 0 || th->process >= mu->cat->nprocesses)
		return;
	uint32_t parent = mu->cat->processes[th->process].parent_thread;
	if (parent == TRACE_NONE || parent >= mu->nthreads)
		return;
	struct mu_thread *t = mu_thread(mu, ev->thread);  /* first: it may grow the array */
	const struct mu_thread *pt = mu_thread(mu, parent);
	t->fork_keys = calloc(pt->nfork_keys ? pt->nfork_keys : 1, sizeof(*t->fork_keys));
	if (!t->fork_keys)
		abort();
	memcpy(t->fork_keys, pt->fork_keys, pt->nfork_keys * sizeof(*t->fork_keys));
	t->nfork_keys = pt->nfork_keys;
}

bool mu_inherited_unlock(struct misuse *mu, const struct trace_event *ev)
{
	struct mu_thread *t = mu_thread(mu, ev->thread);
	const struct trace_object *o = trace_catalog_object(mu->cat, ev->obj);
	for (uint32_t i = 0; o && i < t->nfork_keys; i++) {
		if (t->fork_keys[i] == o->key) {
			t->fork_keys[i] = t->fork_keys[--t->nfork_keys];
			return true;
		}
	}
	return false;
}
