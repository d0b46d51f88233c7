/* SPDX-License-Identifier: MIT */
/* lock_order_cycles.c - the cycles of the lock-order graph (Johnson's
 * elementary-cycle enumeration inside strongly connected components, each
 * cycle once, starting at its smallest lock id) and the instance search that
 * keeps only cycles that can really deadlock (see lock_order.h). */
#include "lock_order.h"

#include <stdlib.h>
#include <string.h>

#define LO_MAX_DEPTH 1000          /* longest cycle followed */
#define LO_MAX_STEPS 20000000ull   /* enumeration work bound */

struct lo_graph {
	uint32_t n;                /* nodes = locks with edges, sorted by id */
	uint32_t *lock;            /* node -> lock id */
	uint32_t *adj_start;       /* CSR: out edges of node v */
	uint32_t *adj;             /* edge indexes, sorted by target node */
	uint32_t *target;          /* edge index -> target node */
	uint32_t *scc;             /* node -> component id */
	uint32_t *scc_size;
};

struct lo_search {
	struct lock_order *lo;
	struct lo_graph *g;
	struct report *out;
	uint32_t start;
	bool *blocked;
	uint32_t **bset; uint32_t *nb, *capb;  /* Johnson's B lists */
	uint32_t *path;  uint32_t depth;       /* edge indexes on the current path */
	uint64_t steps, cycles, reported, dropped;
	bool truncated;
	/* instance search */
	const struct lo_inst **pick;
	struct lo_inst *wildcard;  /* per depth: an overflowed edge's other instances */
	/* the code sites of the cycles reported: each edge's (holding,
	 * acquiring) stacks, sorted; a later cycle at the same sites is not */
	struct u64map site_sigs;   /* hash of a signature -> its first index */
	uint64_t *sigs;            /* the signatures, one after another */
	uint32_t *sig_at, *sig_len, nsigs;  /* by index: its offset and length */
	size_t sigs_len;
	uint64_t same_sites;       /* cycles not reported: at reported sites */
	uint64_t budget;
	uint64_t total_left;       /* LO_SEARCH_TOTAL, less what all cycles used */
	bool exhausted;            /* budget ran out: assume it can deadlock */
};

/* Out of memory aborts (host tools, as strbuf). */
static void *lo_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

static int lo_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int lo_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint32_t lo_node_of(const struct lo_graph *g, uint32_t lock)
{
	uint32_t *p = bsearch(&lock, g->lock, g->n, sizeof(*g->lock), lo_u32_cmp);
	return (uint32_t)(p - g->lock);
}

static int lo_edge_by_target(const void *a, const void *b, void *ctx)
{
	const struct lock_order *lo = ctx;
	const struct lo_edge *x = &lo->edges[*(const uint32_t *)a];
	const struct lo_edge *y = &lo->edges[*(const uint32_t *)b];
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

static void lo_graph_build(struct lock_order *lo, struct lo_graph *g)
{
	uint32_t *ids = lo_xcalloc((size_t)lo->nedges * 2 + 1, sizeof(*ids));
	uint32_t n = 0;
	for (uint32_t i = 0; i < lo->nedges; i++) {
		ids[n++] = lo->edges[i].from;
		ids[n++] = lo->edges[i].to;
	}
	qsort(ids, n, sizeof(*ids), lo_u32_cmp);
	uint32_t m = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!m || ids[m - 1] != ids[i])
			ids[m++] = ids[i];
	g->n = m;
	g->lock = ids;
	g->adj = lo_xcalloc((size_t)lo->nedges + 1, sizeof(*g->adj));
	g->target = lo_xcalloc((size_t)lo->nedges + 1, sizeof(*g->target));
	g->adj_start = lo_xcalloc((size_t)m + 1, sizeof(*g->adj_start));
	for (uint32_t i = 0; i < lo->nedges; i++)
		g->adj[i] = i;
	qsort_r(g->adj, lo->nedges, sizeof(*g->adj), lo_edge_by_target, lo);
	for (uint32_t i = 0; i < lo->nedges; i++) {
		g->target[i] = lo_node_of(g, lo->edges[i].to);
		g->adj_start[lo_node_of(g, lo->edges[i].from) + 1]++;
	}
	for (uint32_t v = 0; v < m; v++)
		g->adj_start[v + 1] += g->adj_start[v];
}

/* Tarjan's strongly connected components, iterative. */
static void lo_graph_scc(struct lo_graph *g)
{
	uint32_t n = g->n, next_index = 0, ncomp = 0, sp = 0, cp = 0;
	uint32_t *index = lo_xcalloc(n + 1, sizeof(*index)), *low = lo_xcalloc(n + 1, sizeof(*low));
	uint32_t *stack = lo_xcalloc(n + 1, sizeof(*stack)), *call = lo_xcalloc(n + 1, sizeof(*call));
	uint32_t *iter = lo_xcalloc(n + 1, sizeof(*iter));
	bool *on = lo_xcalloc(n + 1, sizeof(*on));
	g->scc = lo_xcalloc(n + 1, sizeof(*g->scc));
	g->scc_size = lo_xcalloc(n + 1, sizeof(*g->scc_size));
	for (uint32_t v = 0; v < n; v++)
		index[v] = LO_NONE;
	for (uint32_t root = 0; root < n; root++) {
		if (index[root] != LO_NONE)
			continue;
		call[cp++] = root;
		index[root] = low[root] = next_index++;
		iter[root] = g->adj_start[root];
		stack[sp++] = root;
		on[root] = true;
		while (cp) {
			uint32_t v = call[cp - 1];
			if (iter[v] < g->adj_start[v + 1]) {
				uint32_t w = g->target[g->adj[iter[v]++]];
				if (index[w] == LO_NONE) {
					index[w] = low[w] = next_index++;
					iter[w] = g->adj_start[w];
					stack[sp++] = w;
					on[w] = true;
					call[cp++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				uint32_t w;
				do {
					w = stack[--sp];
					on[w] = false;
					g->scc[w] = ncomp;
					g->scc_size[ncomp]++;
				} while (w != v);
				ncomp++;
			}
			cp--;
			if (cp && low[v] < low[call[cp - 1]])
				low[call[cp - 1]] = low[v];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(call);
	free(iter);
	free(on);
}

static void lo_graph_free(struct lo_graph *g)
{
	free(g->lock);
	free(g->adj_start);
	free(g->adj);
	free(g->target);
	free(g->scc);
	free(g->scc_size);
}

/* ---- instance search ---- */

static bool lo_sets_compatible(const struct lo_heldset *a, const struct lo_heldset *b)
{
	uint32_t i = 0, j = 0;
	while (i < a->n && j < b->n) {
		uint64_t la = a->locks[i] >> 1, lb = b->locks[j] >> 1;
		if (la == lb) {
			if (!((a->locks[i] & 1) && (b->locks[j] & 1)))
				return false;
			i++, j++;
		} else if (la < lb) {
			i++;
		} else {
			j++;
		}
	}
	return true;
}

static bool lo_snap_ordered(const struct lock_order *lo, uint32_t ta, uint32_t sa, uint32_t tb,
			    uint32_t sb)
{
	if (sa == LO_NONE || sb == LO_NONE)
		return false;
	const struct vclock *a = &lo->snaps[sa], *b = &lo->snaps[sb];
	return vclock_covers(b, ta, vclock_get(a, ta)) || vclock_covers(a, tb, vclock_get(b, tb));
}

static bool lo_concurrent(const struct lock_order *lo, const struct lo_inst *a, const struct lo_inst *b)
{
	if (a->thread == LO_NONE || b->thread == LO_NONE)
		return true;
	uint32_t sa[2] = { a->snap_first, a->snap_last }, sb[2] = { b->snap_first, b->snap_last };
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (!lo_snap_ordered(lo, a->thread, sa[i], b->thread, sb[j]))
				return true;
	return false;
}

/* A wildcard (heldset LO_NONE) stands for instances not kept: any held
 * set, on any thread (LO_NONE) or on the edge's only thread. */
static bool lo_pair_ok(struct lo_search *s, const struct lo_inst *a, const struct lo_inst *b,
		       enum lo_spread spread)
{
	if (spread != LO_ONE_THREAD && a->thread != LO_NONE && a->thread == b->thread)
		return false;
	if (a->heldset != LO_NONE && b->heldset != LO_NONE &&
	    !lo_sets_compatible(&s->lo->sets[a->heldset], &s->lo->sets[b->heldset]))
		return false;
	return spread != LO_CONCURRENT || lo_concurrent(s->lo, a, b);
}

/* Does x (acquiring the lock y holds) really block on y? */
static bool lo_blocks(const struct lo_inst *x, const struct lo_inst *y)
{
	return !(x->acq_read && y->hold_read);
}

static bool lo_pick(struct lo_search *s, uint32_t i, uint32_t n, enum lo_spread spread)
{
	if (i == n)
		return lo_blocks(s->pick[n - 1], s->pick[0]);
	const struct lo_edge *e = &s->lo->edges[s->path[i]];
	s->wildcard[i] = (struct lo_inst){ .thread = e->many_threads ? LO_NONE : e->thread,
					   .heldset = LO_NONE, .snap_first = LO_NONE,
					   .snap_last = LO_NONE, .next = LO_NONE };
	for (uint32_t k = e->first;; k = s->lo->insts[k].next) {
		const struct lo_inst *x = k == LO_NONE ? &s->wildcard[i] : &s->lo->insts[k];
		if (k == LO_NONE && !e->overflow)
			return false;
		/* an instance costs its checks against those picked before it:
		 * a long cycle of locks taken in many orders (one thread locking
		 * forty mutexes in turn) is bounded in work, not in picks */
		uint64_t cost = i + 1;
		if (s->total_left < cost) {   /* every cycle's budget spent: stop */
			s->total_left = 0;
			s->truncated = true;
			return false;
		}
		s->total_left -= cost;
		if (s->budget-- == 0) {
			s->exhausted = true;
			return true;
		}
		bool ok = !i || lo_blocks(s->pick[i - 1], x);
		for (uint32_t j = 0; ok && j < i; j++)
			ok = lo_pair_ok(s, s->pick[j], x, spread);
		s->pick[i] = x;
		if (ok && lo_pick(s, i + 1, n, spread))
			return true;
		if (k == LO_NONE)
			return false;
	}
}

/* The instance of edge i shown: the picked one, or for a wildcard the
 * edge's first. */
static const struct lo_inst *lo_shown(const struct lo_search *s, uint32_t i)
{
	const struct lo_inst *x = s->pick[i];
	return x->heldset == LO_NONE ? &s->lo->insts[s->lo->edges[s->path[i]].first] : x;
}

static void lo_report_cycle(struct lo_search *s, enum lo_spread spread)
{
	struct report_deadlock *d = report_add_deadlock(s->out, REPORT_DEADLOCK_LOCK_ORDER);
	d->concurrent = spread == LO_CONCURRENT;
	d->one_thread = spread == LO_ONE_THREAD;
	if (spread == LO_ORDERED)
		d->note = strdup("every way this cycle occurred in this run was ordered by thread "
				 "create/join, so it could not deadlock here; the lock order is still "
				 "inconsistent");
	else if (spread == LO_ONE_THREAD)
		d->note = strdup("every way this cycle occurred in this run was in one thread, so it "
				 "could not deadlock here; the lock order is still inconsistent, and "
				 "two threads taking these paths at once can deadlock");
	for (uint32_t i = 0; i < s->depth; i++) {
		const struct lo_edge *e = &s->lo->edges[s->path[i]];
		const struct lo_inst *x = lo_shown(s, i);
		struct report_edge *re = report_deadlock_add_edge(d);
		re->thread = x->thread;
		re->holding = e->from;
		re->acquiring = e->to;
		re->holding_stack = x->holding_stack;
		re->acquiring_stack = x->acquiring_stack;
		re->holding_read = x->hold_read;
		re->acquiring_read = x->acq_read;
	}
}

static void lo_grow(void **p, size_t n, size_t size)
{
	*p = realloc(*p, (n ? n : 1) * size);
	if (!*p)
		abort();
}

/* Was a cycle at the same code sites reported (the same code taking locks
 * made again, or other locks)? If not, its sites are noted as reported.
 * A cycle with an edge of unknown stacks is never folded. */
static bool lo_sites_reported(struct lo_search *s)
{
	uint32_t n = s->depth;
	lo_grow((void **)&s->sigs, s->sigs_len + n, sizeof(*s->sigs));
	uint64_t *sig = s->sigs + s->sigs_len;   /* kept there if it is new */
	for (uint32_t i = 0; i < n; i++) {
		const struct lo_inst *x = lo_shown(s, i);
		if (!x->holding_stack || !x->acquiring_stack)
			return false;
		sig[i] = (uint64_t)x->holding_stack << 34 | (uint64_t)x->acquiring_stack << 2 |
			 (uint64_t)x->hold_read << 1 | x->acq_read;
	}
	qsort(sig, n, sizeof(*sig), lo_u64_cmp);
	uint64_t h = n;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ sig[i]) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
	for (;; h = h * 0x9e3779b97f4a7c15ull + 1) {
		if (h == U64MAP_EMPTY)
			continue;
		int added;
		uint32_t *k = u64map_put(&s->site_sigs, h, s->nsigs, &added);
		if (!added) {
			if (s->sig_len[*k] == n && !memcmp(s->sigs + s->sig_at[*k], sig, n * sizeof(*sig)))
				return true;
			continue;   /* another signature's hash: the next one */
		}
		lo_grow((void **)&s->sig_at, s->nsigs + 1, sizeof(*s->sig_at));
		lo_grow((void **)&s->sig_len, s->nsigs + 1, sizeof(*s->sig_len));
		s->sig_at[s->nsigs] = (uint32_t)s->sigs_len;
		s->sig_len[s->nsigs++] = n;
		s->sigs_len += n;
		return false;
	}
}

static void lo_found_cycle(struct lo_search *s)
{
	s->cycles++;
	s->exhausted = false;
	enum lo_spread spread;
	bool found = false;
	for (spread = LO_CONCURRENT; spread <= LO_ONE_THREAD && !found && !s->truncated; spread++) {
		s->budget = LO_SEARCH_BUDGET;
		found = lo_pick(s, 0, s->depth, spread);
	}
	if (!found || s->truncated)   /* not examined to the end: not reported */
		return;
	spread--;
	if (s->exhausted)
		for (uint32_t i = 0; i < s->depth; i++)
			s->pick[i] = &s->lo->insts[s->lo->edges[s->path[i]].first];
	if (lo_sites_reported(s)) {
		s->same_sites++;
		return;
	}
	if (s->reported >= LO_MAX_REPORTED) {
		s->dropped++;
		return;
	}
	s->reported++;
	lo_report_cycle(s, spread);
}

/* ---- Johnson's circuit search from s->start ---- */

static void lo_unblock(struct lo_search *s, uint32_t u)
{
	s->blocked[u] = false;
	while (s->nb[u]) {
		uint32_t w = s->bset[u][--s->nb[u]];
		if (s->blocked[w])
			lo_unblock(s, w);
	}
}

static void lo_block_on(struct lo_search *s, uint32_t w, uint32_t v)
{
	for (uint32_t i = 0; i < s->nb[w]; i++)
		if (s->bset[w][i] == v)
			return;
	if (s->nb[w] == s->capb[w]) {
		s->capb[w] = s->capb[w] ? s->capb[w] * 2 : 4;
		s->bset[w] = realloc(s->bset[w], s->capb[w] * sizeof(uint32_t));
		if (!s->bset[w])
			abort();
	}
	s->bset[w][s->nb[w]++] = v;
}

static bool lo_in_scope(const struct lo_search *s, uint32_t w)
{
	return w >= s->start && s->g->scc[w] == s->g->scc[s->start];
}

static bool lo_circuit(struct lo_search *s, uint32_t v)
{
	bool found = false;
	s->blocked[v] = true;
	for (uint32_t k = s->g->adj_start[v]; k < s->g->adj_start[v + 1]; k++) {
		uint32_t e = s->g->adj[k], w = s->g->target[e];
		if (!lo_in_scope(s, w) || s->truncated)
			continue;
		if (++s->steps > LO_MAX_STEPS || s->cycles >= LO_MAX_CYCLES || s->depth >= LO_MAX_DEPTH) {
			s->truncated = true;
			continue;
		}
		s->path[s->depth++] = e;
		if (w == s->start) {
			lo_found_cycle(s);
			found = true;
		} else if (!s->blocked[w] && lo_circuit(s, w)) {
			found = true;
		}
		s->depth--;
	}
	if (found || s->truncated) {
		lo_unblock(s, v);
	} else {
		for (uint32_t k = s->g->adj_start[v]; k < s->g->adj_start[v + 1]; k++) {
			uint32_t w = s->g->target[s->g->adj[k]];
			if (lo_in_scope(s, w))
				lo_block_on(s, w, v);
		}
	}
	return found;
}

static void lo_search_all(struct lo_search *s)
{
	uint32_t n = s->g->n;
	s->blocked = lo_xcalloc(n + 1, sizeof(*s->blocked));
	s->bset = lo_xcalloc(n + 1, sizeof(*s->bset));
	s->nb = lo_xcalloc(n + 1, sizeof(*s->nb));
	s->capb = lo_xcalloc(n + 1, sizeof(*s->capb));
	s->path = lo_xcalloc(LO_MAX_DEPTH + 1, sizeof(*s->path));
	s->pick = lo_xcalloc(LO_MAX_DEPTH + 1, sizeof(*s->pick));
	s->wildcard = lo_xcalloc(LO_MAX_DEPTH + 1, sizeof(*s->wildcard));
	for (uint32_t v = 0; v < n && !s->truncated; v++) {
		if (s->g->scc_size[s->g->scc[v]] < 2)
			continue;
		s->start = v;
		for (uint32_t u = v; u < n; u++) {
			s->blocked[u] = false;
			s->nb[u] = 0;
		}
		lo_circuit(s, v);
	}
	for (uint32_t v = 0; v < n; v++)
		free(s->bset[v]);
	free(s->bset);
	free(s->blocked);
	free(s->nb);
	free(s->capb);
	free(s->path);
	free(s->pick);
	free(s->wildcard);
}

void lock_order_report_cycles(struct lock_order *lo, struct report *out)
{
	struct lo_graph g = { 0 };
	if (!lo->nedges)
		return;
	lo_graph_build(lo, &g);
	lo_graph_scc(&g);
	struct lo_search s = { .lo = lo, .g = &g, .out = out, .total_left = LO_SEARCH_TOTAL };
	lo_search_all(&s);
	if (s.truncated && !s.total_left)
		report_add_note(out, "lock-order: the cycle search stopped at its work bound (%llu cycles "
				"examined); some cycles may be missing", (unsigned long long)s.cycles);
	else if (s.truncated)
		report_add_note(out, "lock-order: the cycle search stopped early (%llu cycles examined); "
				"some cycles may be missing", (unsigned long long)s.cycles);
	if (s.dropped)
		report_add_note(out, "lock-order: %llu more lock-order cycles not shown",
				(unsigned long long)s.dropped);
	if (s.same_sites)
		report_add_note(out, "lock-order: %llu more lock-order cycles at the code sites of one "
				"shown (other locks, or the same locks made again) not shown",
				(unsigned long long)s.same_sites);
	u64map_release(&s.site_sigs);
	free(s.sigs);
	free(s.sig_at);
	free(s.sig_len);
	lo_graph_free(&g);
}
