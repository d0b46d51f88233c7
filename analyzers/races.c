/* SPDX-License-Identifier: MIT */
/* races.c - the "races" analysis slot. Happens-before race detection needs
 * the memory accesses of `ctrace cc` binaries (a later issue); until then it
 * records nothing, and the report keeps its (empty) races array. */
#include "analyzer.h"

#include <stdlib.h>

struct races {
	int unused;
};

static void *races_begin(const struct trace_catalog *cat, const struct analysis_options *opt)
{
	(void)cat;
	(void)opt;
	struct races *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	return r;
}

static void races_finish(void *state, struct report *out)
{
	(void)state;
	(void)out;
}

static void races_free(void *state)
{
	free(state);
}

const struct analyzer analyzer_races = {
	.name = "races",
	.category = ANALYZER_RACES,
	.begin = races_begin,
	.feed = NULL,   /* nothing to record yet */
	.finish = races_finish,
	.free = races_free,
};
