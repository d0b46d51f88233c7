/* SPDX-License-Identifier: MIT */
/* launch.c - fork/exec of the traced program with LD_PRELOAD, checks that
 * it can be traced at all, and waiting with 128+N statuses. */
#include "launch.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "trace_writer.h"

uint64_t launch_tick(void)
{
#if defined(__x86_64__)
	return trace_tsc_tick();
#else
	return trace_mono_ns();
#endif
}

const char *launch_shim_path(void)
{
	static char path[PATH_MAX];
	return cmd_installed_path("libctrace-shim.so", "../lib/ctrace/libctrace-shim.so", path,
				  sizeof path);
}

/* PATH lookup as execvp does it, so we can inspect the file first. */
static int find_program(const char *name, char *out, size_t size)
{
	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return access(out, F_OK) == 0 ? 0 : -1;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchrnul(path, ':');
		int n = (int)(colon - path);
		snprintf(out, size, "%.*s/%s", n ? n : 1, n ? path : ".", name);
		struct stat st;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		path = *colon ? colon + 1 : colon;
	}
	return -1;
}

/* An ELF executable without PT_INTERP never runs the dynamic loader, so
 * LD_PRELOAD cannot reach it. Scripts are fine: their interpreter is traced. */
static bool is_static_elf(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	Elf64_Ehdr eh;
	bool is_static = false;
	if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof(Elf64_Phdr)) {
		is_static = true;
		for (int i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;
			if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (uint64_t)i * sizeof ph)) !=
			    (ssize_t)sizeof ph)
				break;
			if (ph.p_type == PT_INTERP)
				is_static = false;
		}
	}
	close(fd);
	return is_static;
}

/* ./ctrace-<prog>-<pid>, absolute: the child and the parent both name it. */
static void default_dir(struct launch *l, pid_t pid)
{
	char cwd[2048];
	const char *base = strrchr(l->argv[0], '/');
	if (!getcwd(cwd, sizeof cwd))
		snprintf(cwd, sizeof cwd, ".");
	snprintf(l->dir_buf, sizeof l->dir_buf, "%s/ctrace-%.1000s-%d", cwd,
		 base ? base + 1 : l->argv[0], (int)pid);
	mkdir(l->dir_buf, 0755);
	l->dir = l->dir_buf;
}

static void child_setup_env(const struct launch *l, const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	char preload[PATH_MAX * 2];
	if (old && *old)
		snprintf(preload, sizeof preload, "%s:%s", shim, old);
	else
		snprintf(preload, sizeof preload, "%s", shim);
	char depth[16];
	snprintf(depth, sizeof depth, "%u", l->stack_depth);
	setenv("LD_PRELOAD", preload, 1);
	setenv("CTRACE_DIR", l->dir, 1);
	setenv("CTRACE_STACK_DEPTH", depth, 1);
}

int launch_start(struct launch *l, struct ct_error *err)
{
	const char *name = l->argv[0];
	if (find_program(name, l->path, sizeof l->path) < 0) {
		ct_error_set(err, NULL, -1, "%s: command not found", name);
		return 127;
	}
	if (access(l->path, X_OK) != 0) {
		ct_error_set(err, NULL, -1, "%s: not executable", l->path);
		return 126;
	}
	if (is_static_elf(l->path)) {
		ct_error_set(err, NULL, -1, "cannot trace %s: it is statically linked "
			     "(ctrace needs the dynamic loader to preload its shim)", l->path);
		return 2;
	}
	const char *shim = launch_shim_path();
	if (!shim) {
		ct_error_set(err, NULL, -1, "libctrace-shim.so not found beside %s", cmd_self_dir());
		return 2;
	}
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return ct_error_set(err, NULL, -1, "pipe: %s", strerror(errno)), 2;
	l->start_tick = launch_tick();
	l->start_ns = trace_mono_ns();
	l->pid = fork();
	if (l->pid < 0)
		return ct_error_set(err, NULL, -1, "fork: %s", strerror(errno)), 2;
	bool named = l->dir != NULL;
	if (l->pid == 0) {
		close(pipefd[0]);
		if (!named)
			default_dir(l, getpid());
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		child_setup_env(l, shim);
		execv(l->path, l->argv);
		int e = errno;
		if (write(pipefd[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	if (!named)
		default_dir(l, l->pid);
	int e = 0;
	ssize_t n = read(pipefd[0], &e, sizeof e);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof e) {
		waitpid(l->pid, NULL, 0);
		ct_error_set(err, NULL, -1, "cannot run %s: %s", l->path, strerror(e));
		return e == EACCES ? 126 : 127;
	}
	return 0;
}

static int reap(struct launch *l, bool block)
{
	int status;
	struct rusage ru;
	pid_t r = wait4(l->pid, &status, block ? 0 : WNOHANG, &ru);
	if (r == l->pid) {
		l->have_usage = true;
		l->user_us = (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec;
		l->sys_us = (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
		l->max_rss_kb = (uint64_t)ru.ru_maxrss;
		if (l->pidfd >= 0)
			close(l->pidfd);
		l->pidfd = -1;
		l->end_tick = launch_tick();
		l->end_ns = trace_mono_ns();
		l->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		l->exit_status = WIFSIGNALED(status) ? 128 + l->exit_signal : WEXITSTATUS(status);
		return 1;
	}
	if (r < 0 && errno != EINTR) {
		l->exit_status = 2;
		return 1;
	}
	return 0;
}

/* A pidfd becomes readable the moment the child ends: no polling delay
 * added to short programs. Without one (old kernels), sleep in short steps. */
int launch_wait(struct launch *l, int timeout_ms)
{
	if (l->pidfd < 0)
		l->pidfd = (int)syscall(SYS_pidfd_open, l->pid, 0);
	uint64_t deadline = trace_mono_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000ull;
	for (;;) {
		if (reap(l, false))
			return 1;
		int64_t left = timeout_ms < 0 ? -1 : (int64_t)(deadline - trace_mono_ns()) / 1000000;
		if (timeout_ms >= 0 && left <= 0)
			return 0;
		if (l->pidfd >= 0) {
			struct pollfd p = { .fd = l->pidfd, .events = POLLIN };
			poll(&p, 1, (int)(left < 0 ? -1 : left));
		} else {
			poll(NULL, 0, left < 0 || left > 10 ? 10 : (int)left);
		}
	}
}

void launch_kill(struct launch *l, int signo)
{
	if (l->pid > 0)
		kill(l->pid, signo);
}
