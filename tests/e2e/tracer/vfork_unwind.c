// SPDX-License-Identifier: MIT
// vfork_unwind.c - four threads each vfork 20 children that close every
// descriptor and exec /bin/true from a function without unwind tables,
// then take a lock there, then unlock an error-checking mutex they do not
// hold (one unlock-not-locked each). A vfork child shares its parent's
// memory: libunwind run in it found its pipe closed and reopened it, the
// new numbers stored where the parent's libunwind reads them; the
// parent's later unwinds then checked addresses through the wrong
// descriptors (stacks cut short, or the program's own pipes read and
// written). Every finding's stack must reach the worker.
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

pthread_mutex_t vu_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t vu_unlocked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
void vu_exec_true(void);
void vu_lock_at(int depth);
void vu_unlock_unlocked(int depth);

/* One child: vfork's own frame, so nothing of the caller's is live across it. */
static __attribute__((noinline)) void spawn_true(void)
{
	pid_t p = vfork();
	if (p == 0) {
		for (int fd = 3; fd < 4096; fd++)
			close(fd);
		vu_exec_true();
	}
	waitpid(p, NULL, 0);
}

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	for (int r = 0; r < 20; r++) {
		spawn_true();
		vu_lock_at(r % 7 + id);
	}
	vu_unlock_unlocked(id);
	return arg;
}

int main(void)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("{\"threads\": 4}\n");
	return 0;
}
