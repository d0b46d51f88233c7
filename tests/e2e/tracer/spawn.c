/* SPDX-License-Identifier: MIT */
/* spawn.c - posix_spawn, system() and vfork+exec of programs, with an
 * environment that lacks LD_PRELOAD: each child is still traced. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	(void)argc;
	char *env[] = { "PATH=/usr/bin:/bin", NULL };
	char *args[] = { "true", NULL };
	pid_t pid;
	int st1 = -1, st2 = -1, st3;
	if (posix_spawnp(&pid, "true", NULL, NULL, args, env) == 0)
		waitpid(pid, &st1, 0);
	st3 = system("exit 4");
	pid = vfork();
	if (pid == 0) {
		execve("/bin/true", args, env);
		_exit(9);
	}
	waitpid(pid, &st2, 0);
	(void)argv;
	printf("{\"spawn\": %d, \"vfork\": %d, \"system\": %d}\n", WEXITSTATUS(st1), WEXITSTATUS(st2),
	       WEXITSTATUS(st3));
	return st1 == 0 && st2 == 0 && WEXITSTATUS(st3) == 4 ? 0 : 1;
}
