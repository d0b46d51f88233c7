/* SPDX-License-Identifier: MIT */
/* tw.c - real traces for the reader tests, written through the writer. */
#include "tw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tw_mkdir(char *dir)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, 256, "%s/ctrace-reader-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tw_rmdir(const char *dir)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

void tw_open(struct tw *t, const char *dir, uint32_t pid, enum trace_clock clock)
{
	static const char argv[] = "prog\0a\0b";
	struct trace_writer_config cfg = {
		.dir = dir, .pid = pid, .ppid = 1, .stack_depth = 16, .clock = clock,
		.exe = "/bin/prog", .argv = argv, .argv_len = sizeof argv,
	};
	memset(t, 0, sizeof *t);
	assert_int_equal(trace_writer_open(&t->w, &cfg), 0);
}

struct trace_stream *tw_stream(struct tw *t, uint32_t idx)
{
	assert_true(idx < TW_MAX_STREAMS);
	if (!t->s[idx]) {
		t->s[idx] = malloc(sizeof *t->s[idx]);
		assert_non_null(t->s[idx]);
		trace_stream_init(t->s[idx], &t->w, idx);
	}
	return t->s[idx];
}

void tw_close(struct tw *t)
{
	for (unsigned i = 0; i < TW_MAX_STREAMS; i++) {
		if (!t->s[i])
			continue;
		trace_stream_close(t->s[i]);
		free(t->s[i]);
		t->s[i] = NULL;
	}
	trace_writer_abandon(&t->w);
}

void tw_write(struct tw *t, uint32_t idx, const struct trace_rec *rec)
{
	assert_int_equal(trace_stream_write(tw_stream(t, idx), rec), 0);
}

void tw_stack_rec(struct tw *t, uint64_t tick, uint32_t stack)
{
	struct trace_rec rec = { .op = TRACE_OP_SIGNAL, .tick = tick, .stack = stack };
	tw_write(t, 0, &rec);
}

void tw_rec(struct tw *t, uint32_t idx, unsigned op, uint64_t tick, uint64_t key, uint64_t seq)
{
	struct trace_rec rec = { .op = (uint8_t)op, .tick = tick, .key = key, .seq = seq };
	tw_write(t, idx, &rec);
}

const char *tw_file(char *buf, size_t size, const char *dir, uint32_t pid)
{
	snprintf(buf, size, "%s/proc-%u-0.ctr", dir, pid);
	return buf;
}

void tw_patch(const char *file, uint64_t off, const void *bytes, size_t n)
{
	int fd = open(file, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, n, (off_t)off), (ssize_t)n);
	close(fd);
}

void tw_truncate(const char *file, uint64_t size)
{
	assert_int_equal(truncate(file, (off_t)size), 0);
}

void tw_put_file(const char *file, const void *bytes, size_t n)
{
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	fclose(f);
}

void tw_events_add(struct tw_events *e, const struct trace_event *ev)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->ev = realloc(e->ev, e->cap * sizeof *e->ev);
		e->strs = realloc(e->strs, e->cap * sizeof *e->strs);
		assert_non_null(e->ev);
		assert_non_null(e->strs);
	}
	e->ev[e->n] = *ev;
	e->strs[e->n][0] = 0;
	if (ev->str)
		snprintf(e->strs[e->n], sizeof e->strs[e->n], "%s", ev->str);
	e->n++;
}

struct trace_reader *tw_read(const char *dir, struct tw_events *out)
{
	struct ct_error err = { 0 };
	struct trace_reader *r = trace_reader_open(dir, 0, &err);
	if (!r)
		fail_msg("cannot open %s: %s", dir, err.msg);
	memset(out, 0, sizeof *out);
	struct trace_event ev;
	int st;
	while ((st = trace_reader_next(r, &ev)) == TRACE_READER_EVENT)
		tw_events_add(out, &ev);
	assert_int_equal(st, TRACE_READER_DONE);
	return r;
}

void tw_events_release(struct tw_events *e)
{
	free(e->ev);
	free(e->strs);
	memset(e, 0, sizeof *e);
}

char tw_dir[256];

int tw_setup(void **state)
{
	(void)state;
	tw_mkdir(tw_dir);
	return 0;
}

int tw_teardown(void **state)
{
	(void)state;
	tw_rmdir(tw_dir);
	return 0;
}

void tw_signals(const char *dir, uint32_t pid, unsigned n, bool unsealed)
{
	struct tw t;
	tw_open(&t, dir, pid, TRACE_CLOCK_MONOTONIC);
	for (unsigned i = 0; i < n; i++) {
		struct trace_rec rec = { .op = TRACE_OP_SIGNAL, .tick = 100 + i * 10,
					 .args = { i } };
		tw_write(&t, 0, &rec);
	}
	if (unsealed)
		trace_stream_abandon(tw_stream(&t, 0));
	tw_close(&t);
}
