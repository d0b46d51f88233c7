/* SPDX-License-Identifier: MIT */
/* races_part.h - one part of the race analysis (races_part.c): all the
 * synchronization, the words whose hash falls in it. */
#ifndef CTRACE_RACES_PART_H
#define CTRACE_RACES_PART_H

#include "races_objects.h"

/* A race found, with what orders it among the parts' findings. */
struct rc_race {
	uint64_t event;            /* stream index of the later access */
	uint64_t word;             /* the word it was found on */
	uint64_t key;              /* its pair of code sites (rc_pair_key) */
	struct report_race r;      /* (owned arrays) ids only, resolved later */
};

struct rc_benign {
	uint32_t process;
	uint64_t addr, size;
};

/* A thread's stack, and the lowest address of it accessed (by it) whose
 * state this part may hold: when a new thread's stack is where an old one
 * was (glibc reuses the stacks, and their TLS, of threads that ended),
 * that state is another thread's and is forgotten. */
struct rc_stack {
	uint64_t lo, hi;           /* 0, 0: unknown */
	uint64_t used_lo;          /* UINT64_MAX: nothing accessed */
	uint32_t process;
	bool listed;               /* in rc_part.used */
};

/* A part reads no catalog (rc_extra): it may run on a thread of its own. */
struct rc_part {
	uint32_t parts, part;
	struct rc_hb hb;
	struct rc_shadow sh;       /* memory words of this part */
	struct rc_objraces objs;   /* part 0: sync objects' own calls */
	struct rc_heap heap;
	struct rc_stack *stacks;   /* by thread id */
	uint32_t nstacks;
	uint32_t *used;            /* threads whose stack may hold state */
	uint32_t nused, cap_used;
	struct rc_benign *benign;  /* BENIGN_RACE annotations */
	uint32_t nbenign, cap_benign;
	struct rc_race *races;
	uint32_t nraces, cap_races;
	struct u64map pairs;       /* pair key -> index into races */
	uint64_t nevent;           /* events fed */
	const struct rc_extra *ex; /* the event being fed's */
} __attribute__((aligned(128)));   /* parts run on their own threads: no false sharing */

/* A memory access that frees nothing, as a part needs it: what the pool
 * hands the parts instead of the whole event (a third of its bytes). */
struct rc_plain {
	uint64_t addr, size, ts_ns;
	uint32_t process, thread, stack;
	uint8_t aflags;
};

static inline bool rc_is_plain(const struct trace_event *ev)
{
	return ev->op == TRACE_OP_ACCESS && !(ev->args[2] & TRACE_ACCESS_FREE);
}

static inline struct rc_plain rc_plain_of(const struct trace_event *ev)
{
	return (struct rc_plain){ ev->args[0], ev->args[1], ev->ts_ns, ev->process, ev->thread,
				  ev->stack, (uint8_t)ev->args[2] };
}

void rc_part_init(struct rc_part *p, uint32_t parts, uint32_t part);
/* An event that is not rc_is_plain; a plain access goes to
 * rc_part_feed_plain, as rc_plain_of it. */
void rc_part_feed(struct rc_part *p, const struct trace_event *ev, const struct rc_extra *x);
void rc_part_feed_plain(struct rc_part *p, const struct rc_plain *a);
bool rc_part_is_benign(const struct rc_part *p, const struct report_race *r);
void rc_part_release(struct rc_part *p);
/* N parts (calloc'ed array) continuing from ONE, which keeps its hb and
 * heap (release it). Call before any word has state. */
struct rc_part *rc_part_split(struct rc_part *one, uint32_t n);
void rc_race_free(struct rc_race *x);
uint64_t rc_pair_key(enum report_race_kind kind, uint32_t a, uint32_t b);

#endif
