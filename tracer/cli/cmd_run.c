/* SPDX-License-Identifier: MIT */
/* cmd_run.c - `ctrace run [-o DIR] [options] -- PROG [ARGS...]`: runs PROG
 * under the shim, watches for hangs while it runs, prints a summary and
 * exits with PROG's own status (128+N if it died of signal N). */
#include "cmd.h"
#include "make_dirs.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch.h"
#include "run_info.h"
#include "run_summary.h"
#include "watchdog.h"

static const char run_usage[] =
	"usage: ctrace run [-o|--output DIR] [--stack-depth N] [--on-deadlock=kill|wait]\n"
	"                  [--stall-timeout=SECONDS] [-q|--quiet] -- PROG [ARGS...]\n"
	"  DIR: the trace directory (default ./ctrace-PROG-PID); N: frames per stack, 0-64\n"
	"  (default 16, 0 = none); SECONDS: report a process whose threads are all blocked\n"
	"  this long (default 10, 0 = off)";

struct run_options {
	const char *dir;
	unsigned stack_depth;
	bool kill_on_deadlock;
	double stall_timeout_s;
	bool quiet;
};

static int run_option(void *ctx, int c)
{
	struct run_options *o = ctx;
	char *end;
	switch (c) {
	case 'o': o->dir = optarg; break;
	case 'q': o->quiet = true; break;
	case 'd': return cmd_parse_uint("run", "--stack-depth", optarg, 0, 64, &o->stack_depth);
	case 'k':
		if (strcmp(optarg, "kill") && strcmp(optarg, "wait"))
			return cmd_fail("run", "--on-deadlock takes kill or wait");
		o->kill_on_deadlock = !strcmp(optarg, "kill");
		break;
	case 's':
		o->stall_timeout_s = strtod(optarg, &end);
		if (*end || o->stall_timeout_s < 0)
			return cmd_fail("run", "--stall-timeout takes seconds (0 = off)");
		break;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct run_options *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "stack-depth", required_argument, NULL, 'd' },
		{ "on-deadlock", required_argument, NULL, 'k' },
		{ "stall-timeout", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cmd_options("run", argc, argv, "+o:q", longopts, run_usage, run_option, o);
	if (rc == 1)
		exit(0);
	if (rc)
		return rc;
	if (optind >= argc) {
		fprintf(stderr, "%s\n", run_usage);
		return 2;
	}
	return 0;
}

/* Creates DIR and its missing parents, and names it absolutely (for a
 * program that may chdir); refuses one that already holds a trace. */
static int prepare_dir(const char *dir, char *abs)
{
	int made = make_dirs(dir);
	if (made < 0)
		return cmd_fail("run", "cannot create %s: %s", dir, strerror(-made));
	if (!realpath(dir, abs))
		return cmd_fail("run", "%s: %s", dir, strerror(errno));
	DIR *d = opendir(abs);
	if (!d)
		return cmd_fail("run", "%s: %s", abs, strerror(errno));
	struct dirent *e;
	bool used = false;
	while ((e = readdir(d)))
		used |= !strncmp(e->d_name, "proc-", 5) || !strcmp(e->d_name, "run.info");
	closedir(d);
	return used ? cmd_fail("run", "%s already holds a trace; remove it or choose another -o", abs) : 0;
}

/* SIGTERM or SIGHUP to ctrace (a job timeout, a closed terminal) goes to the
 * program, and ctrace stays to write what it saw. */
static volatile sig_atomic_t program_pid;

static void forward_signal(int signo)
{
	if (program_pid > 0)
		kill((pid_t)program_pid, signo);
}

static void forward_signals(pid_t pid)
{
	program_pid = pid;
	struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Once the program has ended, the summary may take long (it reads the
 * whole trace): an interrupt (Ctrl-C, a job's SIGTERM) ends the summary,
 * not the trace, which is complete, and ctrace exits with the program's
 * status. */
static char interrupted_msg[PATH_MAX + 128];
static size_t interrupted_len;
static volatile sig_atomic_t run_status;

static void summary_interrupted(int signo)
{
	(void)signo;
	(void)!write(STDERR_FILENO, interrupted_msg, interrupted_len);
	_exit(run_status);
}

static void interruptible_summary(const char *dir, int status)
{
	run_status = status;
	int n = snprintf(interrupted_msg, sizeof interrupted_msg,
			 "%sctrace: summary interrupted; the trace is complete: ctrace report %s\n",
			 isatty(STDERR_FILENO) ? "\r\033[K" : "", dir);
	interrupted_len = n < 0 ? 0 : (size_t)n < sizeof interrupted_msg ? (size_t)n : sizeof interrupted_msg - 1;
	struct sigaction sa = { .sa_handler = summary_interrupted };
	sigemptyset(&sa.sa_mask);
	const int signals[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaction(signals[i], &sa, NULL);
	run_summary_print(dir, stderr);
}

static int supervise(struct launch *l, const struct run_options *o, bool *ended_by_ctrace)
{
	forward_signals(l->pid);
	struct watchdog *wd = watchdog_new(l->dir, l->pid, o->stall_timeout_s);
	while (!launch_wait(l, 200)) {
		if (wd && watchdog_check(wd, stderr)) {
			if (!o->kill_on_deadlock)
				continue;
			watchdog_kill_all(wd, SIGKILL);
			launch_kill(l, SIGKILL);
			launch_wait(l, -1);
			/* a program that ended by itself first keeps its status */
			*ended_by_ctrace = l->exit_signal == SIGKILL;
			break;
		}
	}
	watchdog_free(wd);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_options o = { .stack_depth = 16, .kill_on_deadlock = true, .stall_timeout_s = 10 };
	int r = parse_options(argc, argv, &o);
	if (r)
		return r;
	char **prog = argv + optind;
	char abs[PATH_MAX];
	if (o.dir && (r = prepare_dir(o.dir, abs)))
		return r;
	struct launch l = { .argv = prog, .dir = o.dir ? abs : NULL, .stack_depth = o.stack_depth,
			    .pidfd = -1 };
	struct ct_error err = { 0 };
	/* The program owns the terminal's signals; we outlive it to report. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if ((r = launch_start(&l, &err))) {
		if (o.dir)
			rmdir(abs);
		return cmd_fail("run", "%s", err.msg), r;
	}
	run_info_write_start(l.dir, &l);
	/* The watchdog reads every event while the program runs: it must yield
	 * the cores to the program; when the program hangs, they are free. */
	if (nice(10) == -1 && errno)
		errno = 0;
	bool ended_by_ctrace = false;
	supervise(&l, &o, &ended_by_ctrace);
	run_info_write_end(l.dir, &l, ended_by_ctrace);
	int status = ended_by_ctrace && l.exit_status == 0 ? 1 : l.exit_status;
	if (!o.quiet)
		interruptible_summary(l.dir, status);
	return status;
}
