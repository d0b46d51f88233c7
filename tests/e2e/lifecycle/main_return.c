/* SPDX-License-Identifier: MIT */
/* main_return.c - main returns 3 while holding a lock: the process exit is
 * recorded (libc calls exit past the shim's wrapper), and the lock, which
 * ends with the process, is no misuse. */
#include <pthread.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	pthread_mutex_lock(&state_lock);
	return 3;
}
