/* SPDX-License-Identifier: MIT */
/* fd_numbers.c - the descriptor numbers a program gets: the same under
 * ctrace run as natively (the trace's own files keep out of the way), in
 * the process and in a forked child, after threads. Prints them. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *nothing(void *arg)
{
	return arg;
}

static void print_free_fds(const char *who)
{
	int fd = open("/dev/null", O_RDONLY);
	int p[2];
	if (pipe(p) < 0)
		return;
	printf("%s: open %d, pipe %d %d\n", who, fd, p[0], p[1]);
	fflush(stdout);
	close(fd);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	pthread_t t;
	print_free_fds("start");
	pthread_create(&t, NULL, nothing, NULL);
	pthread_join(t, NULL);
	print_free_fds("after a thread");
	pid_t pid = fork();
	if (pid == 0) {
		print_free_fds("forked child");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
