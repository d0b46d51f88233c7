/* SPDX-License-Identifier: MIT */
/* trace_reader_clock.c - ticks to CLOCK_MONOTONIC ns per process (a line
 * through the calibration points), and DIR/run.info (trace_run.h). */
#include "trace_reader_priv.h"
#include "trace_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIT_MIN_NS 1000000ull /* points closer than 1 ms give a poor rate */

static void set_rate(struct rd_clock *k, double ns_per_tick, struct trace_calibration anchor)
{
	if (!(ns_per_tick > 1e-6))
		ns_per_tick = 1e-6;
	if (ns_per_tick > 1048576.0)
		ns_per_tick = 1048576.0;
	k->identity = false;
	k->ns_per_tick = ns_per_tick;
	k->mult = (uint64_t)(ns_per_tick * 4294967296.0 + 0.5);
	if (!k->mult)
		k->mult = 1;
	k->anchor_tick = anchor.tick;
	k->anchor_ns = anchor.mono_ns;
}

static bool fit(struct rd_clock *k, const struct rd_file *f, uint64_t min_ns)
{
	struct trace_calibration lo = f->cal_lo, hi = f->cal_hi;
	if (f->ncal < 2 || hi.mono_ns <= lo.mono_ns || hi.mono_ns - lo.mono_ns < min_ns ||
	    hi.tick <= lo.tick)
		return false;
	set_rate(k, (double)(hi.mono_ns - lo.mono_ns) / (double)(hi.tick - lo.tick), lo);
	return true;
}

/* TSC: the line through the earliest and latest points when they are 1 ms
 * apart; else the rate ctrace run measured, else another process's fitted
 * rate, else whatever the points give, else 1 tick = 1 ns. */
void rd_setup_clocks(struct trace_reader *r)
{
	const struct rd_clock *fitted = NULL;
	for (uint32_t i = 0; i < r->nfiles; i++) {
		struct rd_file *f = r->files[i];
		struct rd_clock *k = &f->clock;
		k->identity = f->hdr.clock != TRACE_CLOCK_TSC;
		k->fitted = !k->identity && fit(k, f, FIT_MIN_NS);
		if (k->fitted && !fitted)
			fitted = k;
	}
	for (uint32_t i = 0; i < r->nfiles; i++) {
		struct rd_file *f = r->files[i];
		struct rd_clock *k = &f->clock;
		if (k->identity || k->fitted)
			continue;
		if (r->cat.run.tsc_hz > 0)
			set_rate(k, 1e9 / r->cat.run.tsc_hz, f->cal_lo);
		else if (fitted)
			set_rate(k, fitted->ns_per_tick, f->cal_lo);
		else if (!fit(k, f, 0))
			set_rate(k, 1.0, f->cal_lo);
	}
}

/* ---- run.info ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes the C escapes of an "arg" value, in place. */
static void unescape(char *s)
{
	char *out = s;
	while (*s) {
		if (*s != '\\' || !s[1]) {
			*out++ = *s++;
			continue;
		}
		s++;
		if (*s == 'n')
			*out++ = '\n', s++;
		else if (*s == 't')
			*out++ = '\t', s++;
		else if (*s == 'x' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0)
			*out++ = (char)(hexval(s[1]) * 16 + hexval(s[2])), s += 3;
		else
			*out++ = *s++;
	}
	*out = 0;
}

static void add_arg(struct trace_run *run, char *value)
{
	char **a = realloc(run->argv, (run->argc + 2) * sizeof *a);
	char *s = strdup(value);
	if (!a || !s) {
		free(s);
		if (a)
			run->argv = a;
		return;
	}
	unescape(s);
	a[run->argc++] = s;
	a[run->argc] = NULL;
	run->argv = a;
}

static void run_fact(struct trace_run *run, const char *key, char *value)
{
	if (!strcmp(key, "pid"))
		run->pid = (uint32_t)strtoul(value, NULL, 10);
	else if (!strcmp(key, "start_mono_ns"))
		run->start_ns = strtoull(value, NULL, 10);
	else if (!strcmp(key, "end_mono_ns"))
		run->end_ns = strtoull(value, NULL, 10);
	else if (!strcmp(key, "exit_status"))
		run->exit_status = (int32_t)strtol(value, NULL, 10);
	else if (!strcmp(key, "exit_signal"))
		run->exit_signal = (int32_t)strtol(value, NULL, 10);
	else if (!strcmp(key, "ended_by_ctrace"))
		run->ended_by_ctrace = strtol(value, NULL, 10) != 0;
	else if (!strcmp(key, "tsc_hz"))
		run->tsc_hz = strtod(value, NULL);
	else if (!strcmp(key, "arg"))
		add_arg(run, value);
	else if (!strcmp(key, "user_us"))
		run->user_us = strtoull(value, NULL, 10);
	else if (!strcmp(key, "sys_us"))
		run->sys_us = strtoull(value, NULL, 10);
	else if (!strcmp(key, "max_rss_kb")) {
		run->max_rss_kb = strtoull(value, NULL, 10);
		run->have_usage = true;
	}
}

static void release_run(struct trace_run *run)
{
	for (uint32_t i = 0; i < run->argc; i++)
		free(run->argv[i]);
	free(run->argv);
	*run = (struct trace_run){ .exit_status = -1 };
}

/* Fills catalog.run from DIR/run.info (read again at each live poll: facts
 * are appended as they become known; a last line without its newline is
 * still being written). */
void rd_read_run_info(struct trace_reader *r)
{
	struct trace_run *run = &r->cat.run;
	char *path, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	release_run(run);
	if (asprintf(&path, "%s/%s", r->dir, TRACE_RUN_FILE) < 0)
		return;
	FILE *fp = fopen(path, "re");
	for (unsigned n = 0; fp && (len = getline(&line, &cap, fp)) > 0; n++) {
		if (line[len - 1] != '\n' && rd_live(r))
			break;
		line[strcspn(line, "\n")] = 0;
		if (!n) {
			run->present = !strcmp(line, TRACE_RUN_MAGIC);
			if (!run->present && !r->run_info_reported)
				rd_problem(r, path, 0, "not a run.info file (first line \"%.40s\")",
					   line);
			r->run_info_reported |= !run->present;
			if (!run->present)
				break;
			continue;
		}
		char *sp = strchr(line, ' ');
		if (sp) {
			*sp = 0;
			run_fact(run, line, sp + 1);
		}
	}
	if (fp)
		fclose(fp);
	free(line);
	free(path);
}
