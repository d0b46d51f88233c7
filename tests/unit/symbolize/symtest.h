/* SPDX-License-Identifier: MIT */
/* symtest.h - test support for the symbolizer tests: run a test subject,
 * read back its facts ("key value" lines), derive maps files from its own. */
#ifndef CTRACE_TEST_SYMTEST_H
#define CTRACE_TEST_SYMTEST_H

#include <stdbool.h>
#include <stdint.h>

#define SYMTEST_MAX_FACTS 64

struct symtest_run {
	char facts_path[512];
	char maps_path[512];
	char *keys[SYMTEST_MAX_FACTS];
	uint64_t values[SYMTEST_MAX_FACTS];
	int nfacts;
};

/* Runs PROG with a facts and a maps path under DIR (NAME names them) and
 * reads the facts. Returns 0, or -1 if it failed. */
int symtest_run(struct symtest_run *r, const char *prog, const char *dir, const char *name);
void symtest_release(struct symtest_run *r);

/* The value of KEY; fails the test if missing. */
uint64_t symtest_fact(const struct symtest_run *r, const char *key);

/* Copies the maps file SRC to DST, changing the "module" lines whose path
 * ends with SUFFIX: the path becomes NEW_PATH and/or the build-id NEW_ID
 * (NULL: unchanged). APPEND (or NULL) is written at the end. */
void symtest_maps_edit(const char *src, const char *dst, const char *suffix,
		       const char *new_path, const char *new_id, const char *append);

/* The "module" line of SRC whose path ends with SUFFIX, its fields. */
bool symtest_maps_module(const char *src, const char *suffix, uint64_t *lo, uint64_t *hi,
			 uint64_t *bias);

/* "dir/file" -> "file". */
const char *symtest_base(const char *path);

#endif
