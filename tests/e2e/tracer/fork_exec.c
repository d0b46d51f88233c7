/* SPDX-License-Identifier: MIT */
/* fork_exec.c - the parent locks, forks; the child locks, then execs this
 * program again ("child" mode) which locks too: three process images, all
 * traced into one directory, each with its own counts. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void lock_n(int n)
{
	for (int i = 0; i < n; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		lock_n(30);
		return 0;
	}
	lock_n(10);
	pid_t pid = fork();
	if (pid == 0) {
		lock_n(20);
		char *args[] = { argv[0], "child", NULL };
		char *env[] = { "PATH=/usr/bin:/bin", NULL };  /* no LD_PRELOAD: ctrace must add it */
		execve("/proc/self/exe", args, env);
		_exit(99);
	}
	int status;
	waitpid(pid, &status, 0);
	lock_n(5);
	printf("{\"child\": %d}\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
