/* SPDX-License-Identifier: MIT */
/* suppress.c - parsing suppressions files and removing what they match
 * from a resolved report (see suppress.h). */
#include "suppress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const suppress_classes[] = { "deadlock", "misuse", "race", "contention", "hang",
						"data-race", "sync-object-race" };

static bool suppress_kind_known(const char *kind)
{
	for (size_t i = 0; i < sizeof(suppress_classes) / sizeof(suppress_classes[0]); i++)
		if (!strcmp(kind, suppress_classes[i]))
			return true;
	for (int k = 0; k <= REPORT_DEADLOCK_LOCK_ORDER; k++)
		if (!strcmp(kind, report_deadlock_kind_name((enum report_deadlock_kind)k)))
			return true;
	for (int k = 0; k < REPORT_MISUSE_KIND_COUNT; k++)
		if (!strcmp(kind, report_misuse_kind_name((enum report_misuse_kind)k)))
			return true;
	return false;
}

static char *suppress_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

static int suppress_add_line(struct suppressions *s, char *line, const char *name, unsigned lineno,
			     struct ct_error *err)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	line = suppress_trim(line);
	if (!*line)
		return 0;
	char *colon = strchr(line, ':');
	if (!colon) {
		ct_error_set(err, name, -1, "line %u: expected KIND:PATTERN, got '%s'", lineno, line);
		return -EINVAL;
	}
	*colon = 0;
	char *kind = suppress_trim(line), *pat = suppress_trim(colon + 1);
	if (!suppress_kind_known(kind)) {
		ct_error_set(err, name, -1, "line %u: unknown kind '%s'", lineno, kind);
		return -EINVAL;
	}
	if (!*pat) {
		ct_error_set(err, name, -1, "line %u: empty pattern", lineno);
		return -EINVAL;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->rules = realloc(s->rules, s->cap * sizeof(*s->rules));
		if (!s->rules)
			abort();
	}
	struct suppression *r = &s->rules[s->n++];
	memset(r, 0, sizeof(*r));
	r->line = lineno;
	r->anchor_start = pat[0] == '^';
	if (r->anchor_start)
		pat++;
	size_t n = strlen(pat);
	r->anchor_end = n && pat[n - 1] == '$';
	if (r->anchor_end)
		pat[n - 1] = 0;
	r->kind = strdup(kind);
	r->pattern = strdup(pat);
	if (!r->kind || !r->pattern)
		abort();
	return 0;
}

int suppressions_parse(struct suppressions *s, const char *text, const char *name, struct ct_error *err)
{
	char *copy = strdup(text);
	unsigned lineno = 0;
	int rc = 0;
	if (!copy)
		abort();
	for (char *p = copy; p && !rc;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		rc = suppress_add_line(s, p, name, ++lineno, err);
		p = nl ? nl + 1 : NULL;
	}
	free(copy);
	return rc;
}

int suppressions_load(struct suppressions *s, const char *path, struct ct_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		ct_error_set(err, path, -1, "cannot open suppressions: %s", strerror(e));
		return -e;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while (mem && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	int bad = ferror(f);
	fclose(f);
	if (!mem || fclose(mem) != 0 || bad) {
		free(text);
		ct_error_set(err, path, -1, "cannot read suppressions");
		return -EIO;
	}
	int rc = suppressions_parse(s, text, path, err);
	free(text);
	return rc;
}

void suppressions_release(struct suppressions *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->rules[i].kind);
		free(s->rules[i].pattern);
	}
	free(s->rules);
	*s = (struct suppressions)SUPPRESSIONS_INIT;
}

/* '*' and '?' glob; p must match all of s. */
static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

bool suppression_matches(const struct suppression *rule, const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(rule->pattern);
	char *full = malloc(n + 3), *q = full;
	if (!full)
		abort();
	if (!rule->anchor_start)
		*q++ = '*';
	memcpy(q, rule->pattern, n);
	q += n;
	if (!rule->anchor_end)
		*q++ = '*';
	*q = 0;
	bool m = glob_match(full, s);
	free(full);
	return m;
}

/* ---- applying ---- */

static bool suppress_stack(const struct suppression *rule, const struct report *r, uint32_t id)
{
	const struct report_stack *st = report_stack_find(r, id);
	for (size_t i = 0; st && i < st->nframes; i++) {
		const struct report_frame *f = &st->frames[i];
		if (suppression_matches(rule, f->function) || suppression_matches(rule, f->file) ||
		    suppression_matches(rule, f->module))
			return true;
	}
	return false;
}

static bool suppress_lock(const struct suppression *rule, const struct report *r, uint32_t id)
{
	const struct report_lock *l = id ? report_lock_find(r, id) : NULL;
	return l && (suppression_matches(rule, l->symbol) || suppression_matches(rule, l->name));
}

/* What a finding exposes to patterns. */
struct suppress_target {
	const char *kind, *klass;
	uint32_t stacks[8];
	size_t nstacks;
	uint32_t locks[4];
	size_t nlocks;
	const char *symbol;
};

static bool suppress_kind_applies(const struct suppression *rule, const struct suppress_target *t)
{
	return !strcmp(rule->kind, t->kind) || !strcmp(rule->kind, t->klass) ||
	       (!strcmp(rule->kind, "hang") && !strcmp(t->kind, "deadlock"));
}

static bool suppress_target(struct suppressions *s, const struct report *r, const struct suppress_target *t)
{
	for (size_t i = 0; i < s->n; i++) {
		struct suppression *rule = &s->rules[i];
		if (!suppress_kind_applies(rule, t))
			continue;
		bool hit = suppression_matches(rule, t->symbol);
		for (size_t k = 0; !hit && k < t->nstacks; k++)
			hit = suppress_stack(rule, r, t->stacks[k]);
		for (size_t k = 0; !hit && k < t->nlocks; k++)
			hit = suppress_lock(rule, r, t->locks[k]);
		if (hit) {
			rule->hits++;
			return true;
		}
	}
	return false;
}

static void suppress_add(struct suppress_target *t, uint32_t stack, uint32_t lock)
{
	if (stack && t->nstacks < 8)
		t->stacks[t->nstacks++] = stack;
	if (lock && t->nlocks < 4)
		t->locks[t->nlocks++] = lock;
}

static bool suppress_deadlock(struct suppressions *s, const struct report *r, const struct report_deadlock *d)
{
	for (size_t i = 0; i < d->ncycle; i += 2) {
		/* Edges in pairs, so a long cycle still shows all its stacks. */
		struct suppress_target t = { .kind = report_deadlock_kind_name(d->kind), .klass = "deadlock" };
		for (size_t j = i; j < d->ncycle && j < i + 2; j++) {
			suppress_add(&t, d->cycle[j].acquiring_stack, d->cycle[j].acquiring);
			suppress_add(&t, d->cycle[j].holding_stack, d->cycle[j].holding);
		}
		if (suppress_target(s, r, &t))
			return true;
	}
	return false;
}

static bool suppress_misuse(struct suppressions *s, const struct report *r, const struct report_misuse *m)
{
	struct suppress_target t = { .kind = report_misuse_kind_name(m->kind), .klass = "misuse" };
	suppress_add(&t, m->stack, m->lock);
	suppress_add(&t, m->other_stack, m->other_lock);
	suppress_add(&t, 0, m->cond);
	return suppress_target(s, r, &t);
}

static bool suppress_race(struct suppressions *s, const struct report *r, const struct report_race *x)
{
	struct suppress_target t = { .kind = report_race_kind_name(x->kind), .klass = "race",
				     .symbol = x->symbol };
	suppress_add(&t, x->accesses[0].stack, x->object);
	suppress_add(&t, x->accesses[1].stack, 0);
	return suppress_target(s, r, &t);
}

static bool suppress_lockstat(struct suppressions *s, const struct report *r, const struct report_lockstat *l)
{
	struct suppress_target t = { .kind = "contention", .klass = "contention" };
	suppress_add(&t, 0, l->lock);
	for (size_t i = 0; i < l->nsites && t.nstacks < 8; i++)
		suppress_add(&t, l->sites[i].stack, 0);
	return suppress_target(s, r, &t);
}

void suppressions_apply(struct suppressions *s, struct report *r)
{
	size_t out = 0;
	for (size_t i = 0; i < r->ndeadlocks; i++) {
		if (suppress_deadlock(s, r, &r->deadlocks[i])) {
			free(r->deadlocks[i].note);
			free(r->deadlocks[i].cycle);
			r->suppressed++;
			continue;
		}
		r->deadlocks[out++] = r->deadlocks[i];
	}
	r->ndeadlocks = out;
	out = 0;
	for (size_t i = 0; i < r->nmisuses; i++) {
		if (suppress_misuse(s, r, &r->misuses[i])) {
			free(r->misuses[i].message);
			r->suppressed++;
			continue;
		}
		r->misuses[out++] = r->misuses[i];
	}
	r->nmisuses = out;
	out = 0;
	for (size_t i = 0; i < r->nraces; i++) {
		if (suppress_race(s, r, &r->races[i])) {
			free(r->races[i].symbol);
			free(r->races[i].function);
			free(r->races[i].accesses[0].locks_held);
			free(r->races[i].accesses[1].locks_held);
			r->suppressed++;
			continue;
		}
		r->races[out++] = r->races[i];
	}
	r->nraces = out;
	out = 0;
	for (size_t i = 0; i < r->nlockstats; i++) {
		struct report_lockstat *l = &r->lockstats[i];
		if (suppress_lockstat(s, r, l)) {
			for (size_t j = 0; j < l->nsites; j++)
				free(l->sites[j].blamed);
			free(l->sites);
			r->suppressed++;
			continue;
		}
		r->lockstats[out++] = *l;
	}
	r->nlockstats = out;
}
