/* SPDX-License-Identifier: MIT */
/* trace_reader_setup.c - the trace directory's events files, and the
 * catalog's processes and threads they make (ids, parents, images). Clocks
 * and run.info are in trace_reader_clock.c, the live poll in _live.c. */
#include "trace_reader_priv.h"
#include "trace_maps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ---- the directory ---- */

static bool is_events_file(const char *name)
{
	const char *p = name;
	if (strncmp(p, "proc-", 5))
		return false;
	p += 5;
	for (int part = 0; part < 2; part++) {
		const char *digits = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == digits || *p != (part ? '.' : '-'))
			return false;
		p++;
	}
	return !strcmp(p, "ctr");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The proc-<pid>-<gen>.ctr names of the directory, sorted (owned). */
int rd_list_dir(struct trace_reader *r, char ***names, uint32_t *n)
{
	DIR *d = opendir(r->dir);
	uint32_t cap = 0;
	*names = NULL;
	*n = 0;
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!is_events_file(de->d_name))
			continue;
		char **a = rd_grow(*names, &cap, *n + 1, sizeof *a);
		char *s = strdup(de->d_name);
		if (!a || !s) {
			free(s);
			if (a)
				*names = a;
			closedir(d);
			while (*n)
				free((*names)[--*n]);
			free(*names);
			*names = NULL;
			errno = ENOMEM;
			return -1;
		}
		*names = a;
		a[(*n)++] = s;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof **names, cmp_names);
	return 0;
}

void rd_dir_usage(struct trace_reader *r)
{
	DIR *d = opendir(r->dir);
	uint64_t bytes = 0;
	if (!d)
		return;
	struct dirent *de;
	struct stat st;
	while ((de = readdir(d)))
		if (!fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode))
			bytes += (uint64_t)st.st_blocks * 512;
	closedir(d);
	r->cat.bytes = bytes;
}

/* ---- a program still running ---- */

/* Whether the image that writes F is alive: it has not exited or exec'd,
 * and its pid maps F (the shim keeps its process header mapped; a pid
 * reused by another program does not map our file). */
bool rd_file_running(const struct rd_file *f)
{
	struct stat st;
	char path[64], line[4096];
	if (f->hdr.exit_flags & (TRACE_EXIT_STATUS | TRACE_EXIT_SIGNAL | TRACE_EXIT_EXEC) ||
	    fstat(f->fd, &st) < 0)
		return false;
	snprintf(path, sizeof path, "/proc/%u/maps", f->hdr.pid);
	FILE *maps = fopen(path, "re");
	if (!maps)
		return false;
	bool found = false;
	while (!found && fgets(line, sizeof line, maps)) {
		unsigned maj, min;
		unsigned long long ino;
		int at = 0;
		if (sscanf(line, "%*s %*s %*s %x:%x %llu %n", &maj, &min, &ino, &at) < 3 ||
		    ino != (unsigned long long)st.st_ino)
			continue;
		/* the device of some file systems (btrfs) differs in maps: the
		 * path then tells */
		const char *name = strrchr(line + at, '/');
		found = makedev(maj, min) == st.st_dev ||
			(name && !strncmp(name + 1, f->name, strlen(f->name)));
	}
	fclose(maps);
	return found;
}

/* ---- processes and threads ---- */

static int cmp_files(const void *a, const void *b)
{
	const struct rd_file *x = *(struct rd_file *const *)a, *y = *(struct rd_file *const *)b;
	if (x->hdr.h.cal.mono_ns != y->hdr.h.cal.mono_ns)
		return x->hdr.h.cal.mono_ns < y->hdr.h.cal.mono_ns ? -1 : 1;
	if (x->hdr.pid != y->hdr.pid)
		return x->hdr.pid < y->hdr.pid ? -1 : 1;
	if (x->hdr.exec_gen != y->hdr.exec_gen)
		return x->hdr.exec_gen < y->hdr.exec_gen ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void split_argv(struct trace_process *p, const char *buf, uint32_t len)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < len; i++)
		if (!buf[i] || i + 1 == len)
			n++;
	p->argv = calloc(n + 1, sizeof *p->argv);
	for (uint32_t i = 0, start = 0; p->argv && i < len; i++) {
		if (buf[i] && i + 1 < len)
			continue;
		uint32_t end = buf[i] ? i + 1 : i;
		p->argv[p->argc] = strndup(buf + start, end - start);
		if (!p->argv[p->argc])
			return;
		p->argc++;
		start = i + 1;
	}
}

static int add_process(struct trace_reader *r, struct rd_file *f)
{
	struct trace_catalog *cat = &r->cat;
	struct trace_process *ps = rd_grow(cat->processes, &r->processes_cap, cat->nprocesses + 1,
					   sizeof *ps);
	if (!ps)
		return -ENOMEM;
	cat->processes = ps;
	struct trace_process *p = &ps[cat->nprocesses];
	const struct trace_process_header *h = &f->hdr;
	*p = (struct trace_process){
		.pid = h->pid, .ppid = h->ppid, .parent = TRACE_NONE, .parent_thread = TRACE_NONE,
		.exec_gen = h->exec_gen, .prev_image = TRACE_NONE,
		.start_ns = f->cal_lo.mono_ns, .end_ns = f->cal_hi.mono_ns,
		.stack_depth = h->stack_depth, .first_thread = TRACE_NONE,
	};
	f->process = cat->nprocesses++;
	/* out of memory from here on leaves fields NULL, not a missing process */
	p->exe = strdup(h->exe);
	p->file = strdup(f->path);
	size_t n = strlen(f->path);
	if (asprintf(&p->maps_file, "%.*s%s", (int)(n - 4), f->path, TRACE_MAPS_SUFFIX) < 0)
		p->maps_file = NULL;
	split_argv(p, h->argv, h->argv_len);
	p->running = f->running;
	if (f->running)
		cat->running = true;
	return 0;
}

/* Gives ids to the file's threads that have none yet (appended). */
void rd_setup_threads(struct trace_reader *r, struct rd_file *f)
{
	struct trace_catalog *cat = &r->cat;
	struct trace_process *p = &cat->processes[f->process];
	for (uint32_t i = 0; i < f->nthreads; i++) {
		struct rd_cursor *c = f->threads[i];
		if (c->thread != TRACE_NONE)
			continue;
		uint32_t cap = r->threads_cap, ccap = r->cursors_cap;
		struct trace_thread *ts = rd_grow(cat->threads, &cap, cat->nthreads + 1,
						  sizeof *ts);
		if (ts) {
			cat->threads = ts;
			r->threads_cap = cap;
		}
		struct rd_cursor **cs = rd_grow(r->cursors, &ccap, cat->nthreads + 1, sizeof *cs);
		if (cs)
			r->cursors = cs;
		struct rd_cursor **heap = cs ? realloc(r->heap, ccap * sizeof *heap) : NULL;
		if (!ts || !cs || !heap)
			return;
		r->heap = heap;
		r->cursors_cap = ccap;
		c->thread = cat->nthreads++;
		cs[c->thread] = c;
		ts[c->thread] = (struct trace_thread){
			.id = c->thread, .process = f->process, .index = c->index,
			.parent = TRACE_NONE,
		};
		if (c->index == 0)
			p->first_thread = c->thread;
		p->nthreads++;
		uint32_t parent = rd_map_get(&r->early_parent, f->process, c->index);
		if (parent) {
			ts[c->thread].parent = parent - 1;
			ts[c->thread].create_stack = rd_map_get(&r->early_stack, f->process, c->index);
		}
	}
}

static uint32_t find_parent(const struct trace_catalog *cat, uint32_t self, uint32_t pid)
{
	const struct trace_process *p = &cat->processes[self];
	uint32_t best = TRACE_NONE;
	for (uint32_t i = 0; i < cat->nprocesses; i++) {
		const struct trace_process *q = &cat->processes[i];
		if (i == self || q->pid != pid)
			continue;
		/* the image of that pid running when this one started: the
		 * latest one started before it, else the earliest */
		bool fits = q->start_ns <= p->start_ns;
		if (best == TRACE_NONE)
			best = i;
		const struct trace_process *b = &cat->processes[best];
		bool best_fits = b->start_ns <= p->start_ns;
		if (fits && (!best_fits || q->start_ns > b->start_ns))
			best = i;
		else if (!fits && !best_fits && q->start_ns < b->start_ns)
			best = i;
	}
	return best;
}

static void link_process(struct trace_reader *r, uint32_t i)
{
	struct trace_catalog *cat = &r->cat;
	struct trace_process *p = &cat->processes[i];
	const struct rd_file *f = r->files[i];
	p->parent = TRACE_NONE;
	p->parent_thread = TRACE_NONE;
	p->prev_image = TRACE_NONE;
	if (f->hdr.parent_pid)
		p->parent = find_parent(cat, i, f->hdr.parent_pid);
	if (p->parent != TRACE_NONE) {
		const struct rd_file *pf = r->files[p->parent];
		const struct rd_cursor *c = rd_file_thread(pf, f->hdr.parent_thread);
		p->parent_thread = c ? c->thread : TRACE_NONE;
	}
	for (uint32_t j = 0; p->exec_gen && j < cat->nprocesses; j++)
		if (j != i && cat->processes[j].pid == p->pid &&
		    cat->processes[j].exec_gen + 1 == p->exec_gen)
			p->prev_image = j;
}

/* Appends the files (walked) as processes, sorted by start; live
 * newcomers come after the existing ones, sorted among themselves (the
 * order a later reading of the whole trace gives, unless a process was
 * found after one that started later). Takes the files. */
int rd_setup_files(struct trace_reader *r, struct rd_file **files, uint32_t n)
{
	if (n > 1)
		qsort(files, n, sizeof *files, cmp_files);
	for (uint32_t i = 0; i < n; i++) {
		/* file i is process i: both grow together or not at all */
		struct rd_file **a = rd_grow(r->files, &r->files_cap, r->nfiles + 1, sizeof *a);
		if (a)
			r->files = a;
		if (!a || add_process(r, files[i]) < 0) {
			while (i < n)
				rd_file_free(files[i++]);
			return -ENOMEM;
		}
		a[r->nfiles++] = files[i];
		rd_setup_threads(r, files[i]);
		rd_stacks_parse(r, files[i]);
	}
	for (uint32_t i = 0; i < r->cat.nprocesses; i++)
		link_process(r, i);
	return 0;
}

/* Live facts of the process headers: exit, drops. catalog.dropped is at
 * least the headers' counters (they count drops never written as records). */
void rd_update_process_facts(struct trace_reader *r)
{
	uint64_t sum = 0;
	r->cat.accesses_seen = r->cat.accesses_kept = r->cat.atomic_loads_merged = 0;
	r->cat.stacks_dropped = 0;
	for (uint32_t i = 0; i < r->nfiles; i++) {
		const struct rd_file *f = r->files[i];
		struct trace_process *p = &r->cat.processes[f->process];
		p->exit_flags = f->hdr.exit_flags;
		p->exit_status = f->hdr.exit_status;
		p->exit_signal = f->hdr.exit_signal;
		p->dropped = f->hdr.dropped;
		p->stacks_dropped = f->hdr.stacks_dropped;
		r->cat.stacks_dropped += p->stacks_dropped;
		p->accesses_seen = f->hdr.accesses_seen;
		p->accesses_kept = f->hdr.accesses_kept;
		r->cat.accesses_seen += p->accesses_seen;
		r->cat.accesses_kept += p->accesses_kept;
		p->atomic_loads_merged = f->hdr.atomic_loads_merged;
		r->cat.atomic_loads_merged += p->atomic_loads_merged;
		if (f->cal_lo.mono_ns < p->start_ns)
			p->start_ns = f->cal_lo.mono_ns;
		if (f->cal_hi.mono_ns > p->end_ns)
			p->end_ns = f->cal_hi.mono_ns;
		sum += f->hdr.dropped;
		if (!r->cat.start_ns || p->start_ns < r->cat.start_ns)
			r->cat.start_ns = p->start_ns;
		if (p->end_ns > r->cat.end_ns)
			r->cat.end_ns = p->end_ns;
	}
	if (sum > r->cat.dropped)
		r->cat.dropped = sum;
	if (r->dropped_records > r->cat.dropped)
		r->cat.dropped = r->dropped_records;
}
