/* SPDX-License-Identifier: MIT */
/* suppress.h - suppressions files (--suppressions=FILE), in the spirit of
 * ThreadSanitizer's: one rule per line, "KIND:PATTERN", '#' starts a
 * comment. KIND is a finding kind ("lock-order-inversion", "stall",
 * "unlock-not-owner", ...), "hang" for the "deadlock" kind alone, or a class:
 * "deadlock" (every deadlock kind), "misuse", "race", "contention". PATTERN
 * is matched against every function, source file and module name in the
 * finding's stacks and against its locks' symbols and names: '*' matches any
 * run of characters, '?' one; the match is a substring match unless the
 * pattern starts with '^' (anchored at the start) or ends with '$'
 * (anchored at the end). docs/report.md documents the format for users. */
#ifndef CTRACE_SUPPRESS_H
#define CTRACE_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "ct_error.h"
#include "report.h"

struct suppression {
	char *kind;        /* (owned) */
	char *pattern;     /* (owned) without anchors */
	bool anchor_start, anchor_end;
	unsigned line;
	uint64_t hits;
};

struct suppressions {
	struct suppression *rules;   /* (owned) */
	size_t n, cap;
};

#define SUPPRESSIONS_INIT { NULL, 0, 0 }

/* Parses TEXT (NAME names it in errors). Returns 0, or -EINVAL and fills
 * err with the file and line of the first bad rule. */
int suppressions_parse(struct suppressions *s, const char *text, const char *name, struct ct_error *err);
/* Reads and parses PATH. Returns 0 or a negative errno (err filled). */
int suppressions_load(struct suppressions *s, const char *path, struct ct_error *err);
void suppressions_release(struct suppressions *s);

/* Does the glob PATTERN match S (with the anchoring rules above)? */
bool suppression_matches(const struct suppression *rule, const char *s);

/* Removes every finding and lockstat a rule matches from a resolved report
 * (call between report_resolve and report_finalize); adds the number
 * removed to r->suppressed and counts each rule's hits. */
void suppressions_apply(struct suppressions *s, struct report *r);

#endif
