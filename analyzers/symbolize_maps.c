/* SPDX-License-Identifier: MIT */
/* symbolize_maps.c - reads a process's maps file (trace_maps.h) into the
 * symbolizer's module table. Only "module" and "tls" lines are used: the verbatim
 * "map" lines are for people. */
#include "symbolize_internal.h"

#include "trace_maps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct module_list {
	struct sym_module *v;
	size_t n, cap;
};

static void module_list_push(struct module_list *l, const struct sym_module *m)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = *m;
}

static void module_release(struct sym_module *m)
{
	free(m->build_id);
	free(m->path);
}

static void module_list_clear(struct module_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		module_release(&l->v[i]);
	l->n = 0;
}

/* "<lo> <hi> <bias> <build-id|-> <path>"; the path may hold spaces. */
static int parse_module(const char *s, struct sym_module *m)
{
	char *end;
	uint64_t v[3];

	memset(m, 0, sizeof *m);
	for (int i = 0; i < 3; i++) {
		while (*s == ' ')
			s++;
		errno = 0;
		v[i] = strtoull(s, &end, 16);
		if (end == s || *end != ' ' || errno)
			return -EINVAL;
		s = end;
	}
	while (*s == ' ')
		s++;
	size_t idlen = strcspn(s, " ");
	const char *path = s + idlen;
	while (*path == ' ')
		path++;
	if (!idlen || path[0] != '/' || v[1] <= v[0])
		return -EINVAL;
	m->lo = v[0];
	m->hi = v[1];
	m->bias = v[2];
	if (!(idlen == 1 && s[0] == '-')) {
		m->build_id = strndup(s, idlen);
		for (char *c = m->build_id; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	m->path = strdup(path);
	return 0;
}

/* "<lo> <[-]delta> <size>": the thread-local block of the snapshot's
 * module at lo. */
static void parse_tls(const char *s, struct module_list *snap)
{
	char *end;
	uint64_t lo = strtoull(s, &end, 16);
	while (*end == ' ')
		end++;
	bool minus = *end == '-';
	uint64_t delta = strtoull(end + minus, &end, 16);
	uint64_t size = strtoull(end, &end, 16);
	if (!size || delta >> 40)
		return;
	for (size_t i = 0; i < snap->n; i++)
		if (snap->v[i].lo == lo) {
			snap->v[i].tls_delta = minus ? -(int64_t)delta : (int64_t)delta;
			snap->v[i].tls_size = size;
		}
}

/* Later snapshots win: drop what the new module overlaps, then add it. */
static void module_list_merge(struct module_list *all, struct module_list *snap)
{
	for (size_t i = 0; i < snap->n; i++) {
		struct sym_module *m = &snap->v[i];
		size_t k = 0;
		for (size_t j = 0; j < all->n; j++) {
			struct sym_module *o = &all->v[j];
			if (o->lo < m->hi && m->lo < o->hi)
				module_release(o);
			else
				all->v[k++] = *o;
		}
		all->n = k;
		module_list_push(all, m);
	}
	snap->n = 0; /* moved into ALL */
}

static int module_cmp(const void *a, const void *b)
{
	const struct sym_module *x = a, *y = b;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

static void strip_newline(char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
}

/* Reads the snapshots of F into ALL; a snapshot without its "end" line (the
 * process died while writing it) is ignored. */
static int read_snapshots(FILE *f, struct module_list *all)
{
	struct module_list snap = { 0 };
	char *line = NULL;
	size_t cap = 0;
	bool in_snap = false;
	unsigned long snap_no = 0;
	int ret = 0;

	while (getline(&line, &cap, f) >= 0) {
		strip_newline(line);
		struct sym_module m;
		if (!strncmp(line, "snapshot ", 9)) {
			module_list_clear(&snap);
			snap_no = strtoul(line + 9, NULL, 10);
			in_snap = true;
		} else if (!strncmp(line, "end ", 4)) {
			if (in_snap && strtoul(line + 4, NULL, 10) == snap_no)
				module_list_merge(all, &snap);
			module_list_clear(&snap);
			in_snap = false;
		} else if (!strncmp(line, "module ", 7) && in_snap) {
			if (!parse_module(line + 7, &m))
				module_list_push(&snap, &m);
		} else if (!strncmp(line, "tls ", 4) && in_snap) {
			parse_tls(line + 4, &snap);
		}
	}
	if (ferror(f))
		ret = -EIO;
	module_list_clear(&snap);
	free(snap.v);
	free(line);
	return ret;
}

int sym_maps_load(const char *path, struct sym_module **mods, size_t *nmods)
{
	struct module_list all = { 0 };
	char magic[64];
	int ret;

	*mods = NULL;
	*nmods = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(magic, sizeof magic, f)) {
		fclose(f);
		return -EINVAL;
	}
	strip_newline(magic);
	if (strcmp(magic, TRACE_MAPS_MAGIC)) {
		fclose(f);
		return -EINVAL;
	}
	ret = read_snapshots(f, &all);
	fclose(f);
	if (all.n)
		qsort(all.v, all.n, sizeof *all.v, module_cmp);
	*mods = all.v;
	*nmods = all.n;
	return ret;
}
