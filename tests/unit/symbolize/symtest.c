/* SPDX-License-Identifier: MIT */
/* symtest.c - test support for the symbolizer tests (see symtest.h). */
#include "symtest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

static int read_facts(struct symtest_run *r)
{
	char key[128], value[128];
	FILE *f = fopen(r->facts_path, "r");
	if (!f)
		return -1;
	while (r->nfacts < SYMTEST_MAX_FACTS && fscanf(f, "%127s %127s", key, value) == 2) {
		r->keys[r->nfacts] = strdup(key);
		r->values[r->nfacts] = strtoull(value, NULL, 0);
		r->nfacts++;
	}
	fclose(f);
	return 0;
}

int symtest_run(struct symtest_run *r, const char *prog, const char *dir, const char *name)
{
	pid_t pid;
	int status;

	memset(r, 0, sizeof *r);
	snprintf(r->facts_path, sizeof r->facts_path, "%s/%s.facts", dir, name);
	snprintf(r->maps_path, sizeof r->maps_path, "%s/%s.maps", dir, name);
	char *argv[] = { (char *)prog, r->facts_path, r->maps_path, NULL };
	if (posix_spawn(&pid, prog, NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return read_facts(r);
}

void symtest_release(struct symtest_run *r)
{
	for (int i = 0; i < r->nfacts; i++)
		free(r->keys[i]);
	r->nfacts = 0;
}

uint64_t symtest_fact(const struct symtest_run *r, const char *key)
{
	for (int i = 0; i < r->nfacts; i++)
		if (!strcmp(r->keys[i], key))
			return r->values[i];
	fail_msg("fact %s missing from %s", key, r->facts_path);
	return 0;
}

static bool path_matches(const char *path, const char *suffix)
{
	size_t n = strlen(path), k = strlen(suffix);
	return n >= k && !strcmp(path + n - k, suffix);
}

/* "module LO HI BIAS ID PATH": splits LINE (modified) into ID and PATH. */
static bool split_module(char *line, char **head_end, char **id, char **path)
{
	char *p = line + 7;
	for (int field = 0; field < 3; field++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	*head_end = p;
	*id = p;
	p = strchr(p, ' ');
	if (!p)
		return false;
	*p = 0;
	*path = p + 1;
	return true;
}

void symtest_maps_edit(const char *src, const char *dst, const char *suffix,
		       const char *new_path, const char *new_id, const char *append)
{
	char line[8192], copy[8192];
	FILE *in = fopen(src, "r");
	FILE *out = fopen(dst, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof line, in)) {
		char *head_end, *id, *path;
		line[strcspn(line, "\n")] = 0;
		memcpy(copy, line, sizeof copy);
		if (strncmp(copy, "module ", 7) || !split_module(copy, &head_end, &id, &path)
		    || !path_matches(path, suffix)) {
			fprintf(out, "%s\n", line);
			continue;
		}
		fprintf(out, "%.*s%s %s\n", (int)(head_end - copy), copy, new_id ? new_id : id,
			new_path ? new_path : path);
	}
	if (append)
		fputs(append, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

bool symtest_maps_module(const char *src, const char *suffix, uint64_t *lo, uint64_t *hi,
			 uint64_t *bias)
{
	char line[8192];
	bool found = false;
	FILE *in = fopen(src, "r");
	assert_non_null(in);
	while (!found && fgets(line, sizeof line, in)) {
		char *head_end, *id, *path;
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "module ", 7) || !split_module(line, &head_end, &id, &path)
		    || !path_matches(path, suffix))
			continue;
		found = sscanf(line + 7, "%" SCNx64 " %" SCNx64 " %" SCNx64, lo, hi, bias) == 3;
	}
	fclose(in);
	return found;
}

const char *symtest_base(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}
