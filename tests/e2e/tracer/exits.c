/* SPDX-License-Identifier: MIT */
/* exits.c - ends a process by _exit(3), abort() or exit(5) after some
 * locking, per argv[1]; the trace records the way out. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	const char *how = argc > 1 ? argv[1] : "exit";
	if (!strcmp(how, "_exit"))
		_exit(3);
	if (!strcmp(how, "abort"))
		abort();
	exit(5);
}
