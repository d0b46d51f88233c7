/* SPDX-License-Identifier: MIT */
/* analyzers.c - the analyzer table (--only) and running the selected
 * analyzers over one event stream. The analyses themselves live in their
 * own files (lock_order.c, hang.c, misuse.c, contention.c). */
#include "analyzer.h"
#include "lock_view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct analyzer *const analyzers[] = {
	&analyzer_lock_order,
	&analyzer_hang,
	&analyzer_races,
	&analyzer_misuse,
	&analyzer_contention,
};
#define NANALYZERS (sizeof(analyzers) / sizeof(analyzers[0]))

static const enum analyzer_category categories[] = {
	ANALYZER_DEADLOCKS, ANALYZER_RACES, ANALYZER_CONTENTION, ANALYZER_MISUSE,
};

size_t analyzers_table(const struct analyzer *const **table)
{
	*table = analyzers;
	return NANALYZERS;
}

const struct analyzer *analyzer_find(const char *name)
{
	for (size_t i = 0; i < NANALYZERS; i++)
		if (!strcmp(analyzers[i]->name, name))
			return analyzers[i];
	return NULL;
}

const char *analyzer_category_name(enum analyzer_category category)
{
	switch (category) {
	case ANALYZER_DEADLOCKS: return "deadlocks";
	case ANALYZER_RACES: return "races";
	case ANALYZER_CONTENTION: return "contention";
	case ANALYZER_MISUSE: return "misuse";
	case ANALYZER_ALL: return "all";
	}
	return "unknown";
}

static int analyzer_category_parse(const char *word, size_t len, unsigned *mask)
{
	for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++) {
		const char *name = analyzer_category_name(categories[i]);
		if (strlen(name) == len && !strncmp(name, word, len)) {
			*mask |= categories[i];
			return 0;
		}
	}
	return -EINVAL;
}

int analyzer_parse_only(const char *list, unsigned *mask, struct ct_error *err)
{
	unsigned m = 0;
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == 0 || analyzer_category_parse(p, len, &m) < 0) {
			ct_error_set(err, "", -1, "--only: unknown analysis '%.*s' (use deadlocks, races, contention, misuse)",
				     (int)len, p);
			return -EINVAL;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!m) {
		ct_error_set(err, "", -1, "--only: empty list");
		return -EINVAL;
	}
	*mask = m;
	return 0;
}

struct analysis_feeder {
	void (*feed)(void *state, const struct trace_event *ev);
	void (*feed_accesses)(void *state, const struct trace_event *first, const struct trace_access *more,
			      size_t n);
	void *state;
	unsigned sources;          /* a lock-view feeder: the sources it takes */
};

struct analysis {
	size_t n;
	const struct analyzer *an[NANALYZERS];
	void *state[NANALYZERS];
	struct analysis_feeder raw[NANALYZERS];    /* fed the trace's events */
	size_t nraw;
	struct analysis_feeder acc[NANALYZERS];    /* fed memory accesses */
	size_t nacc;
	struct analysis_feeder view[NANALYZERS];   /* fed the lock view */
	size_t nview;
	struct lock_view *locks;   /* (owned) NULL if no analyzer takes it */
};

struct analysis *analysis_new(const struct trace_catalog *cat, unsigned mask,
			      const struct analysis_options *opt)
{
	struct analysis *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	struct analysis_options o = { 0 };
	if (opt)
		o = *opt;
	for (size_t i = 0; i < NANALYZERS && !a->locks; i++)
		if ((analyzers[i]->category & mask) && analyzers[i]->events != ANALYZER_EVENTS_RAW)
			a->locks = lock_view_new(cat);
	o.locks = a->locks;
	for (size_t i = 0; i < NANALYZERS; i++) {
		const struct analyzer *an = analyzers[i];
		if (!(an->category & mask))
			continue;
		a->an[a->n] = an;
		a->state[a->n] = an->begin(cat, &o);
		struct analysis_feeder f = { an->feed, an->feed_accesses, a->state[a->n], an->events };
		if (an->feed && an->accesses)
			a->acc[a->nacc++] = f;
		if (an->feed && an->events == ANALYZER_EVENTS_RAW)
			a->raw[a->nraw++] = f;
		else if (an->feed)
			a->view[a->nview++] = f;
		a->n++;
	}
	return a;
}

static void analysis_feed_view(void *ctx, const struct trace_event *ev,
			       enum lock_view_source source)
{
	struct analysis *a = ctx;
	for (size_t i = 0; i < a->nview; i++)
		if (a->view[i].sources & 1u << source)
			a->view[i].feed(a->view[i].state, ev);
}

void analysis_feed(struct analysis *a, const struct trace_event *ev)
{
	if (ev->op == TRACE_OP_ACCESS) {   /* most events of a `ctrace cc` program */
		for (size_t i = 0; i < a->nacc; i++)
			a->acc[i].feed(a->acc[i].state, ev);
		return;
	}
	for (size_t i = 0; i < a->nraw; i++)
		a->raw[i].feed(a->raw[i].state, ev);
	if (a->nview)
		lock_view_feed(a->locks, ev, analysis_feed_view, a);
}

void analysis_feed_accesses(struct analysis *a, const struct trace_event *first,
			    const struct trace_access *more, size_t n)
{
	for (size_t i = 0; i < a->nacc; i++)
		a->acc[i].feed_accesses(a->acc[i].state, first, more, n);
}

void analysis_finish(struct analysis *a, struct report *out)
{
	for (size_t i = 0; i < a->n; i++)
		a->an[i]->finish(a->state[i], out);
}

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		a->an[i]->free(a->state[i]);
	lock_view_free(a->locks);
	free(a);
}
