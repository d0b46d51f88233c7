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
#include "watch_threads.h"

#define BATCH             4096 /* events between looks at the clock */
#define WATCH_THREADS_MAX 256  /* more threads: always read everything */
#define DEFER_BUDGET_NS   1000000ull   /* reading deferred: 1 ms a look */
#define BACKLOG_MAX       (64ull << 20) /* trace bytes written since the detector
                                           was last caught up: read them all */

struct watchdog {
	const char *dir;
	int pid;
	uint64_t stall_ns;
	struct watch_thread threads[WATCH_THREADS_MAX];
	uint32_t nthreads;
	uint64_t bytes_seen;            /* trace size when the detector last caught up */
	uint64_t bytes_looked;          /* trace size at the last look */
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
	wd->reader = trace_reader_open(wd->dir, TRACE_READER_LIVE | TRACE_READER_NO_ACCESSES, NULL);
	if (!wd->reader)
		return false;
	wd->hang = hang_detector_new(trace_reader_catalog(wd->reader));
	wd->locks = lock_view_new(trace_reader_catalog(wd->reader));
	return wd->hang != NULL;
}

/* The hang report, the moment NOW it is seen (the program is still
 * there): symbolized text on OUT, and the JSON in DIR/hang.json. */
static void watchdog_print(struct watchdog *wd, struct report *rep, FILE *out, uint64_t now)
{
	const struct trace_catalog *cat = trace_reader_catalog(wd->reader);
	struct symbolizer *sym = symbolizer_new(cat);
	struct report_symbols names;
	report_symbols_from_symbolizer(&names, sym);
	report_resolve(rep, cat, &names);
	/* the program has run until now, not until its last record */
	uint64_t start = cat->run.present && cat->run.start_ns ? cat->run.start_ns : cat->start_ns;
	if (start && now > start)
		rep->program.duration_ns = now - start;
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

/* How long thread TID of PID has run, in ns (in clock ticks where the
 * kernel keeps no schedstat); -1 if gone. Any run at all changes it. */
static long long thread_runtime(int pid, int tid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", pid, tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ticks = fd < 0;
	if (ticks) {
		snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	unsigned long long run, utime, stime;
	if (!ticks)
		return sscanf(buf, "%llu", &run) == 1 ? (long long)run : -1;
	const char *p = strrchr(buf, ')');  /* the name may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

/* Adds the threads of PID (tid, run) to NOW[*N]; false if there are too
 * many. */
static bool look_at_process(int pid, struct watch_thread *now, uint32_t *n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return true;
	bool fits = true;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == WATCH_THREADS_MAX) {
			fits = false;
			break;
		}
		int tid = atoi(e->d_name);
		long long run = thread_runtime(pid, tid);
		if (run >= 0)
			now[(*n)++] = (struct watch_thread){ .tid = tid, .run = run };
	}
	closedir(d);
	return fits;
}

/* Looks at the threads of every running traced process: true if one may
 * just have stopped for good (watch_threads.h), or if there are too many
 * to tell. */
static bool some_thread_just_stopped(struct watchdog *wd)
{
	int pids[256];
	size_t npids = trace_reader_running_pids(wd->reader, pids, sizeof pids / sizeof pids[0]);
	struct watch_thread now[WATCH_THREADS_MAX];
	uint32_t n = 0;
	bool fits = look_at_process(wd->pid, now, &n);
	for (size_t i = 0; i < npids && fits; i++)
		if (pids[i] != wd->pid)
			fits = look_at_process(pids[i], now, &n);
	bool stopped = watch_threads_look(wd->threads, wd->nthreads, now, n) || !fits;
	memcpy(wd->threads, now, n * sizeof *now);
	wd->nthreads = n;
	return stopped;
}

/* How long this look may read: everything (0) when a thread may just have
 * stopped, when the program wrote nothing since the last look (little to
 * read), or when the backlog is large (the time to read it bounds how late
 * a hang is seen); else a little, the rest left for later. A program that
 * ends before the backlog grows large is never read while it runs. */
static uint64_t read_budget(struct watchdog *wd)
{
	uint64_t bytes = trace_reader_catalog(wd->reader)->bytes;
	bool first = !wd->bytes_looked, quiet = bytes == wd->bytes_looked;
	wd->bytes_looked = bytes;
	bool stopped = some_thread_just_stopped(wd);
	if (first || quiet || stopped || bytes - wd->bytes_seen > BACKLOG_MAX)
		return 0;
	return DEFER_BUDGET_NS;
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

/* Whether every thread the kernel lists in PROCESS is one of the trace's,
 * live: a thread the shim never saw (glibc's SIGEV_THREAD timer helper,
 * one made by a raw clone) may wake the others, so a process with one is
 * never stalled. */
static bool process_threads_all_known(const struct trace_catalog *cat, uint32_t process)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)cat->processes[process].pid);
	DIR *d = opendir(path);
	if (!d)
		return true;   /* gone: nothing left to wake anyone */
	bool known = true;
	for (struct dirent *e; known && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		uint32_t tid = (uint32_t)atoi(e->d_name);
		known = false;
		for (uint32_t i = 0; i < cat->nthreads && !known; i++)
			known = cat->threads[i].process == process && cat->threads[i].tid == tid &&
				!cat->threads[i].ended;
	}
	closedir(d);
	return known;
}

/* Whether the live state confirms stall D: no thread of it ran between
 * the last two looks (one that ran is not blocked, whatever the trace
 * says: a thread running a once routine is inside its once call all
 * along), and its process has no thread the trace does not know. A wait
 * cycle needs no more: each of its threads is inside a lock call whose
 * owner is known (and OpenMP runtimes spin there). */
static bool stall_confirmed(const struct watchdog *wd, const struct report_deadlock *d)
{
	const struct trace_catalog *cat = trace_reader_catalog(wd->reader);
	for (size_t k = 0; k < d->ncycle; k++) {
		const struct report_edge *e = &d->cycle[k];
		if (e->thread < cat->nthreads && e->op != TRACE_OP_SPIN_LOCK &&
		    !watch_threads_still(wd->threads, wd->nthreads, (int)cat->threads[e->thread].tid))
			return false;
	}
	return !d->ncycle || d->cycle[0].thread >= cat->nthreads ||
	       process_threads_all_known(cat, cat->threads[d->cycle[0].thread].process);
}

/* A finding the live state confirms: a wait cycle is certain from the
 * trace, a stall only if the program shows it too. */
static bool confirmed(void *ctx, const struct report_deadlock *d)
{
	return d->kind != REPORT_DEADLOCK_STALL || stall_confirmed(ctx, d);
}

/* Leaves out of REP the stalls the live state does not confirm: true if a
 * finding is left. */
static bool keep_confirmed(const struct watchdog *wd, struct report *rep)
{
	report_keep_deadlocks(rep, confirmed, (void *)wd);
	return rep->ndeadlocks > 0;
}

bool watchdog_check(struct watchdog *wd, FILE *out)
{
	if (!wd || wd->reported || !attach(wd))
		return false;
	trace_reader_poll(wd->reader);
	uint64_t bytes = trace_reader_catalog(wd->reader)->bytes;
	/* Behind the program, what the detector sees is the past: a wait
	 * that has long ended would look like a stall. Judge only when caught
	 * up, with nothing waiting behind a record still to come (the END of
	 * a wait ordered after a release that is being written: a thread
	 * blocked for good is inside no release). */
	if (!catch_up(wd, trace_mono_ns(), read_budget(wd)) || trace_reader_parked(wd->reader))
		return false;
	watch_threads_caught_up(wd->threads, wd->nthreads);
	wd->bytes_seen = bytes;
	struct report rep;
	report_init(&rep);
	uint64_t now = trace_mono_ns();
	bool hung = hang_detector_check(wd->hang, now, wd->stall_ns, &rep) > 0 &&
		    keep_confirmed(wd, &rep);
	if (hung) {
		wd->reported = true;
		watchdog_print(wd, &rep, out, now);
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
