// SPDX-License-Identifier: MIT
// vfork_unwind_frames.c - functions built without unwind tables (see
// cases.cmake): libunwind steps through them by their frame pointers,
// checking each address it reads through a pipe of its own.
#include <pthread.h>
#include <unistd.h>

extern pthread_mutex_t vu_lock, vu_unlocked;

__attribute__((noinline)) void vu_exec_true(void)
{
	char *argv[] = { "true", NULL };
	execv("/bin/true", argv);
	_exit(127);
}

__attribute__((noinline)) void vu_lock_at(int depth)
{
	if (depth) {
		vu_lock_at(depth - 1);
		return;
	}
	pthread_mutex_lock(&vu_lock);
	pthread_mutex_unlock(&vu_lock);
}

__attribute__((noinline)) void vu_unlock_unlocked(int depth)
{
	if (depth) {
		vu_unlock_unlocked(depth - 1);
		return;
	}
	pthread_mutex_unlock(&vu_unlocked);
}
