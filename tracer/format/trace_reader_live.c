/* SPDX-License-Identifier: MIT */
/* trace_reader_live.c - reading a trace while it is written: files grow
 * (remap, walk on from the first unresolved offset), new threads and new
 * process files appear, header counters change. */
#include "trace_reader_priv.h"

#include <stdlib.h>
#include <string.h>

/* Everything new in one file: data, chunks, threads, stacks. */
void rd_file_refresh(struct trace_reader *r, struct rd_file *f)
{
	if (rd_file_remap(r, f) < 0)
		return;
	rd_file_read_live_fields(f);
	rd_file_walk(r, f);
	rd_setup_threads(r, f);
	rd_stacks_parse(r, f);
}

static bool is_known(const struct trace_reader *r, const char *name)
{
	for (uint32_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i]->name, name))
			return true;
	for (uint32_t i = 0; i < r->nignored; i++)
		if (!strcmp(r->ignored[i], name))
			return true;
	return false;
}

/* New events files, and pending ones whose header is now written. */
static void new_files(struct trace_reader *r)
{
	char **names, **pending = r->pending;
	uint32_t n, npending = r->npending, nnew = 0;
	if (rd_list_dir(r, &names, &n) < 0)
		return;
	for (uint32_t i = 0; i < n; i++) {
		if (is_known(r, names[i])) {
			free(names[i]);
			continue;
		}
		names[nnew++] = names[i];
	}
	r->pending = NULL;
	r->npending = 0;
	struct rd_file **files = NULL;
	uint32_t nfiles = 0;
	if (rd_open_files(r, names, nnew, &files, &nfiles) == 0) {
		rd_setup_files(r, files, nfiles);
	} else {
		for (uint32_t i = 0; i < nfiles; i++)
			rd_file_free(files[i]);
	}
	free(files);
	for (uint32_t i = 0; i < nnew; i++)
		free(names[i]);
	free(names);
	for (uint32_t i = 0; i < npending; i++)
		free(pending[i]);
	free(pending);
}

size_t trace_reader_running_pids(const struct trace_reader *r, int *pids, size_t max)
{
	size_t n = 0;
	for (uint32_t i = 0; i < r->nfiles && n < max; i++)
		if (rd_file_running(r->files[i]))
			pids[n++] = (int)r->files[i]->hdr.pid;
	return n;
}

void trace_reader_poll(struct trace_reader *r)
{
	if (!rd_live(r))
		return;
	for (uint32_t i = 0; i < r->nfiles; i++)
		rd_file_refresh(r, r->files[i]);
	new_files(r);
	rd_read_run_info(r);
	rd_setup_clocks(r);
	rd_dir_usage(r);
	rd_update_process_facts(r);
}
