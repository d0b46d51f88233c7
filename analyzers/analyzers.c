/* SPDX-License-Identifier: MIT */
/* analyzers.c - the analyzer table (--only) and running the selected
 * analyzers over one event stream. The analyses themselves live in their
 * own files (lock_order.c, hang.c, misuse.c, contention.c). */
#include "analyzer.h"

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

struct analysis {
	size_t n;
	const struct analyzer *an[NANALYZERS];
	void *state[NANALYZERS];
	size_t nfeed;              /* the ones that take events, in feed[] */
	void (*feed[NANALYZERS])(void *state, const struct trace_event *ev);
	void *feed_state[NANALYZERS];
};

struct analysis *analysis_new(const struct trace_catalog *cat, unsigned mask,
			      const struct analysis_options *opt)
{
	static const struct analysis_options defaults = { 0 };
	struct analysis *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	for (size_t i = 0; i < NANALYZERS; i++) {
		if (!(analyzers[i]->category & mask))
			continue;
		a->an[a->n] = analyzers[i];
		a->state[a->n] = analyzers[i]->begin(cat, opt ? opt : &defaults);
		if (analyzers[i]->feed) {
			a->feed[a->nfeed] = analyzers[i]->feed;
			a->feed_state[a->nfeed++] = a->state[a->n];
		}
		a->n++;
	}
	return a;
}

void analysis_feed(struct analysis *a, const struct trace_event *ev)
{
	for (size_t i = 0; i < a->nfeed; i++)
		a->feed[i](a->feed_state[i], ev);
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
	free(a);
}
