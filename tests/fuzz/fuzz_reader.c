/* SPDX-License-Identifier: MIT */
/* fuzz_reader.c - libFuzzer target for the trace reader: the input becomes
 * an events file (after a valid process header half of the time, to get
 * deep), optionally with a run.info, and is read to the end, not live or
 * live, with or without its memory accesses; every event must refer to
 * catalog entries that exist. */
#include "trace_accesses.h"
#include "trace_reader.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first input byte: */
enum fuzz_mode {
	FUZZ_HEADER  = 1,  /* prepend a valid process header chunk */
	FUZZ_LIVE    = 2,  /* read with TRACE_READER_LIVE (and poll once) */
	FUZZ_RUNINFO = 4,  /* the last 128 bytes (at most) are run.info */
	FUZZ_TSC     = 8,  /* the prepended header says TSC ticks */
	FUZZ_NO_ACCESSES = 16,  /* read with TRACE_READER_NO_ACCESSES */
	FUZZ_BATCHES = 32,      /* the rest of an access batch by
	                           trace_reader_next_accesses, 3 at a time */
};

static char dir[64];
static char events_path[128], run_path[128];

static void cleanup(void)
{
	unlink(events_path);
	unlink(run_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "/tmp/ctrace-fuzz-reader-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(events_path, sizeof events_path, "%s/proc-1-0.ctr", dir);
	snprintf(run_path, sizeof run_path, "%s/run.info", dir);
	atexit(cleanup);
	return 0;
}

static void put(const char *path, const void *a, size_t na, const void *b, size_t nb)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		abort();
	if ((na && write(fd, a, na) != (ssize_t)na) || (nb && write(fd, b, nb) != (ssize_t)nb))
		abort();
	close(fd);
}

/* Fills the first TRACE_ALIGN bytes of a valid events file. */
static void process_header(struct trace_process_header *ph, unsigned mode)
{
	static const char argv[] = "fuzz\0arg";
	ph->h = (struct trace_chunk_header){
		.magic = TRACE_CHUNK_MAGIC, .version = TRACE_FORMAT_VERSION,
		.type = TRACE_CHUNK_PROCESS, .size = TRACE_ALIGN, .pid = 1,
		.cal = { 1000, 1000000 },
	};
	ph->pid = 1;
	ph->clock = mode & FUZZ_TSC ? TRACE_CLOCK_TSC : TRACE_CLOCK_MONOTONIC;
	ph->order_groups = 4096;
	ph->stack_depth = 64;
	memcpy(ph->argv, argv, sizeof argv);
	ph->argv_len = sizeof argv;
	strcpy(ph->exe, "/fuzz");
}

static void check(const struct trace_catalog *cat, const struct trace_event *ev)
{
	if (ev->thread >= cat->nthreads || ev->process >= cat->nprocesses ||
	    ev->obj >= cat->nobjects || ev->obj2 >= cat->nobjects || ev->stack >= cat->nstacks ||
	    ev->op >= TRACE_OP_COUNT || ev->op == TRACE_OP_OBJ_DEF || !trace_op_desc(ev->op) ||
	    (ev->peer_thread != TRACE_NONE && ev->peer_thread >= cat->nthreads) ||
	    (ev->str && strlen(ev->str) > TRACE_STR_MAX) ||
	    cat->threads[ev->thread].process != ev->process)
		abort();
}

static void drain(struct trace_reader *r, bool live, bool batches)
{
	struct trace_event ev;
	struct trace_access more[3];
	for (int polls = 0; polls < 2; polls++) {
		int st;
		while ((st = trace_reader_next(r, &ev)) == TRACE_READER_EVENT) {
			const struct trace_catalog *cat = trace_reader_catalog(r);
			check(cat, &ev);
			for (size_t k; batches && ev.op == TRACE_OP_ACCESS && (k = trace_reader_next_accesses(r, more, 3));)
				for (size_t i = 0; i < k; i++)
					if (more[i].stack >= cat->nstacks || more[i].flags >= TRACE_ACCESS_FLAGS_END)
						abort();
		}
		if (st == TRACE_READER_DONE || !live)
			return;
		trace_reader_poll(r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static union {
		struct trace_process_header ph;
		uint8_t bytes[TRACE_ALIGN];
	} first;
	if (!size)
		return 0;
	unsigned mode = data[0];
	data++;
	size--;
	size_t run = mode & FUZZ_RUNINFO ? (size < 128 ? size : 128) : 0;
	if (run)
		put(run_path, data + size - run, run, NULL, 0);
	else
		unlink(run_path);
	size -= run;
	process_header(&first.ph, mode);
	if (mode & FUZZ_HEADER)
		put(events_path, first.bytes, sizeof first.bytes, data, size);
	else
		put(events_path, data, size, NULL, 0);

	struct ct_error err;
	unsigned flags = (mode & FUZZ_LIVE ? TRACE_READER_LIVE : 0) |
			 (mode & FUZZ_NO_ACCESSES ? TRACE_READER_NO_ACCESSES : 0);
	struct trace_reader *r = trace_reader_open(dir, flags, &err);
	if (!r)
		return 0;
	drain(r, mode & FUZZ_LIVE, mode & FUZZ_BATCHES);
	const struct ct_error *e = trace_reader_error(r);
	if (e && (!e->msg[0] || (trace_reader_error_count(r) == 0)))
		abort();
	trace_reader_free(r);
	return 0;
}
