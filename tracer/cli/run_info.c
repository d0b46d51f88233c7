/* SPDX-License-Identifier: MIT */
/* run_info.c - DIR/run.info, appended as facts become known. */
#include "run_info.h"

#include <stdio.h>
#include <time.h>

#include "trace_run.h"

static FILE *open_info(const char *dir, const char *mode)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, TRACE_RUN_FILE);
	return fopen(path, mode);
}

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

int run_info_write_start(const char *dir, const struct launch *l)
{
	FILE *f = open_info(dir, "w");
	if (!f)
		return -1;
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	fprintf(f, "%s\npid %d\nstart_mono_ns %llu\nstart_realtime_ns %llu\n", TRACE_RUN_MAGIC,
		(int)l->pid, (unsigned long long)l->start_ns,
		(unsigned long long)rt.tv_sec * 1000000000ull + (unsigned long long)rt.tv_nsec);
	for (char **a = l->argv; *a; a++) {
		fputs("arg ", f);
		put_escaped(f, *a);
		fputc('\n', f);
	}
	return fclose(f);
}

int run_info_write_end(const char *dir, const struct launch *l, bool ended_by_ctrace)
{
	FILE *f = open_info(dir, "a");
	if (!f)
		return -1;
	double span_ns = (double)(l->end_ns - l->start_ns);
	if (span_ns > 0 && l->end_tick > l->start_tick)
		fprintf(f, "tsc_hz %.3f\n", (double)(l->end_tick - l->start_tick) * 1e9 / span_ns);
	fprintf(f, "end_mono_ns %llu\nexit_status %d\nexit_signal %d\nended_by_ctrace %d\n",
		(unsigned long long)l->end_ns, l->exit_status, l->exit_signal, ended_by_ctrace);
	if (l->have_usage)
		fprintf(f, "user_us %llu\nsys_us %llu\nmax_rss_kb %llu\n", (unsigned long long)l->user_us,
			(unsigned long long)l->sys_us, (unsigned long long)l->max_rss_kb);
	return fclose(f);
}
