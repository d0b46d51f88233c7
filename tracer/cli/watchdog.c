/* SPDX-License-Identifier: MIT */
/* watchdog.c - live hang detection for `ctrace run`. */
#include "watchdog.h"

#include <dirent.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hang.h"
#include "lock_view.h"
#include "print.h"
#include "report_resolve.h"
#include "symbolize.h"
#include "trace_reader.h"
#include "trace_writer.h"

#define BUSY_SHARE        5    /* all threads busy: read 1/BUSY_SHARE of the time */
#define BATCH             4096 /* events between looks at the clock */
#define WATCH_THREADS_MAX 256  /* more threads: always read everything */

struct thread_cpu {
	int tid;
	long long cpu;  /* clock ticks */
};

struct watchdog {
	const char *dir;
	int pid;
	uint64_t stall_ns;
	uint64_t last_ns;               /* when the last check started */
	struct thread_cpu threads[WATCH_THREADS_MAX]; /* at the last check */
	uint32_t nthreads;
	struct trace_reader *reader;    /* opened once the program has written */
	struct hang_detector *hang;
	struct lock_view *locks;    /* what the detector is fed */
	bool reported;
};

struct watchdog *watchdog_new(const char *dir, int pid, double stall_timeout_s)
{
	struct watchdog *wd = calloc(1, sizeof *wd);
	if (!wd)
		return NULL;
	wd->dir = dir;
	wd->pid = pid;
	wd->stall_ns = (uint64_t)(stall_timeout_s * 1e9);
	return wd;
}

static bool attach(struct watchdog *wd)
{
	if (wd->reader)
		return true;
	wd->reader = trace_reader_open(wd->dir, TRACE_READER_LIVE, NULL);
	if (!wd->reader)
		return false;
	wd->hang = hang_detector_new(trace_reader_catalog(wd->reader));
	wd->locks = lock_view_new(trace_reader_catalog(wd->reader));
	return wd->hang != NULL;
}

/* The hang report, the moment it is seen (the program is still there):
 * symbolized text on OUT, and the JSON in DIR/hang.json. */
static void watchdog_print(struct watchdog *wd, struct report *rep, FILE *out)
{
	struct symbolizer *sym = symbolizer_new(trace_reader_catalog(wd->reader));
	struct report_symbols names;
	report_symbols_from_symbolizer(&names, sym);
	report_resolve(rep, trace_reader_catalog(wd->reader), &names);
	report_finalize(rep);
	struct print_options opt = { .color = isatty(fileno(out)) };
	print_text(out, rep, &opt);
	fflush(out);
	char path[4096];
	snprintf(path, sizeof path, "%s/hang.json", wd->dir);
	FILE *f = fopen(path, "w");
	if (f) {
		print_json(f, rep, &(struct print_options){ .json_indent = 2 });
		fclose(f);
	}
	symbolizer_free(sym);
}

/* The CPU time thread TID of PID has used, in clock ticks; -1 if gone. */
static long long thread_cpu(int pid, int tid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	const char *p = strrchr(buf, ')');  /* the name may hold spaces */
	unsigned long long utime, stime;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

/* True if some thread of the program used no CPU since the last look (it
 * may be stuck: the detector must be up to date), or if that cannot be
 * told cheaply (too many threads). A new thread counts as busy. */
static bool some_thread_idle(struct watchdog *wd)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", wd->pid);
	DIR *d = opendir(path);
	if (!d)
		return true;
	struct thread_cpu now[WATCH_THREADS_MAX];
	uint32_t n = 0;
	bool idle = false;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == WATCH_THREADS_MAX) {
			idle = true;
			break;
		}
		int tid = atoi(e->d_name);
		long long cpu = thread_cpu(wd->pid, tid);
		if (cpu < 0)
			continue;
		now[n++] = (struct thread_cpu){ tid, cpu };
		for (uint32_t i = 0; i < wd->nthreads; i++)
			if (wd->threads[i].tid == tid && wd->threads[i].cpu == cpu)
				idle = true;
	}
	closedir(d);
	memcpy(wd->threads, now, n * sizeof *now);
	wd->nthreads = n;
	return idle;
}

/* How long this check may read: unbounded (0) when a thread may be stuck,
 * else a share of the time since the last check. */
static uint64_t read_budget(struct watchdog *wd, uint64_t now)
{
	uint64_t elapsed = now - wd->last_ns;
	bool first = !wd->last_ns;
	wd->last_ns = now;
	if (some_thread_idle(wd) || first)
		return 0;
	return elapsed / BUSY_SHARE + 1;
}

static void feed_hang(void *hang, const struct trace_event *ev, enum lock_view_source source)
{
	(void)source;  /* hangs take every lock */
	hang_detector_feed(hang, ev);
}

/* Feeds the detector what there is, within BUDGET ns (0: no limit). True
 * if it caught up with the program. */
static bool catch_up(struct watchdog *wd, uint64_t start, uint64_t budget)
{
	trace_reader_poll(wd->reader);
	struct trace_event ev;
	for (;;) {
		for (unsigned i = 0; i < BATCH; i++) {
			if (trace_reader_next(wd->reader, &ev) != TRACE_READER_EVENT)
				return true;
			lock_view_feed(wd->locks, &ev, feed_hang, wd->hang);
		}
		if (budget && trace_mono_ns() - start > budget)
			return false;
	}
}

bool watchdog_check(struct watchdog *wd, FILE *out)
{
	if (!wd || wd->reported || !attach(wd))
		return false;
	uint64_t now = trace_mono_ns();
	/* Behind the program, what the detector sees is the past: a wait
	 * that has long ended would look like a stall. Judge only when caught up. */
	if (!catch_up(wd, now, read_budget(wd, now)))
		return false;
	struct report rep;
	report_init(&rep);
	bool hung = hang_detector_check(wd->hang, trace_mono_ns(), wd->stall_ns, &rep) > 0;
	if (hung) {
		wd->reported = true;
		watchdog_print(wd, &rep, out);
	}
	report_release(&rep);
	return hung;
}

void watchdog_kill_all(struct watchdog *wd, int signo)
{
	int pids[256];
	if (!wd || !wd->reader)
		return;
	size_t n = trace_reader_running_pids(wd->reader, pids, sizeof(pids) / sizeof(pids[0]));
	for (size_t i = 0; i < n; i++)
		kill(pids[i], signo);
}

void watchdog_free(struct watchdog *wd)
{
	if (!wd)
		return;
	hang_detector_free(wd->hang);
	lock_view_free(wd->locks);
	trace_reader_free(wd->reader);
	free(wd);
}
