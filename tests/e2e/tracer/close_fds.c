/* SPDX-License-Identifier: MIT */
/* close_fds.c - a daemon-like program closes every descriptor, then opens
 * its own file, which takes the numbers the shim had: the shim must keep
 * tracing into its own file and never write into the program's. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/ctrace-close-fds.txt";
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	int mine[8];
	for (int i = 0; i < 8; i++)  /* take the lowest numbers again */
		mine[i] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	const char text[] = "the program's own data\n";
	if (write(mine[0], text, sizeof text - 1) != (ssize_t)(sizeof text - 1))
		return 2;
	for (int i = 0; i < 300000; i++) {  /* several new chunks */
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	char buf[256] = "";
	ssize_t n = pread(mine[0], buf, sizeof buf - 1, 0);
	off_t size = lseek(mine[0], 0, SEEK_END);
	int intact = n == (ssize_t)(sizeof text - 1) && !memcmp(buf, text, sizeof text - 1) &&
		     size == (off_t)(sizeof text - 1);
	unlink(path);
	printf("{\"intact\": %d}\n", intact);
	return intact ? 0 : 1;
}
