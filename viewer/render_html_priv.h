/* SPDX-License-Identifier: MIT */
/* render_html_priv.h - what render_html.c (collecting spans from the
 * timeline, assembling the page) shares with render_html_json.c (writing the
 * embedded data). Private to those two files. */
#ifndef CTRACE_RENDER_HTML_PRIV_H
#define CTRACE_RENDER_HTML_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "render_html.h"
#include "json_writer.h"
#include "timeline.h"

/* State codes of the page: enum tl_state, then this one. */
#define HTML_STATE_READ_HOLD TL_STATE_COUNT
#define HTML_STATE_COUNT     (TL_STATE_COUNT + 1)

/* A closed span, absolute times. */
struct html_span {
	uint64_t begin_ns, end_ns;
	uint32_t obj;
	uint32_t stack;
	int32_t peer;           /* holder / joined thread, -1 = none */
	uint8_t state;          /* enum tl_state or HTML_STATE_READ_HOLD */
};

struct html_spans {
	struct html_span *v;    /* (owned) */
	size_t n, cap;
};

/* One thread's lane while it is being collected. */
struct html_lane {
	bool seen;              /* THREAD_BEGIN received */
	uint64_t begin_ns, end_ns;
	struct html_spans waits; /* wait spans: the state row without running */
	struct html_spans holds;
};

struct html_mark {
	uint32_t thread;
	uint64_t ts_ns;
	char *key;              /* (owned) "deadlocks:0", "misuse:2", "races:1" */
	char *label;            /* (owned) the finding's kind name */
};

struct html_page {
	const struct render_html_options *opt;
	const struct trace_catalog *cat;  /* complete once the timeline ran */
	struct html_lane *lanes;          /* (owned) indexed by thread id */
	uint32_t nlanes;
	struct html_mark *marks;          /* (owned) */
	size_t nmarks, capmarks;
	uint64_t t0, t1;                  /* page time range, absolute */
	uint8_t *used_obj;                /* (owned) objects to list, by id */
	uint8_t *used_stack;              /* (owned) stacks to embed, by id */
	uint32_t nused_obj, nused_stack;  /* sizes of the two maps */
};

/* Marks object / stack ID as referenced by the page (ignores 0 and ids
 * beyond the catalog). */
void html_use_obj(struct html_page *pg, uint32_t id);
void html_use_stack(struct html_page *pg, uint32_t id);

/* Writes the whole embedded data object. */
void html_write_data(struct html_page *pg, struct json_writer *w);

#endif
