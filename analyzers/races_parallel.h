/* SPDX-License-Identifier: MIT */
/* races_parallel.h - N parts of the race analysis on N threads
 * (races_parallel.c): events go by batches to every part at once. */
#ifndef CTRACE_RACES_PARALLEL_H
#define CTRACE_RACES_PARALLEL_H

#include "races_part.h"

struct rc_pool;

/* The N >= 1 PARTS (an array it now owns, rc_part_split), each on a
 * thread of its own. */
struct rc_pool *rc_pool_new(struct rc_part *parts, uint32_t n);
/* An event; X: its extra, NULL for one that rc_is_plain (none needed). */
void rc_pool_feed(struct rc_pool *pool, const struct trace_event *ev, const struct rc_extra *x);
/* A plain access (rc_is_plain), as rc_plain_of it. */
void rc_pool_feed_plain(struct rc_pool *pool, const struct rc_plain *pl);
/* Waits until every part has seen every event fed; returns the parts. */
struct rc_part *rc_pool_finish(struct rc_pool *pool);
/* Waits for the parts, ends the pool and hands its parts array back. */
struct rc_part *rc_pool_end(struct rc_pool *pool);
void rc_pool_free(struct rc_pool *pool);

#endif
