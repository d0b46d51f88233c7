/* SPDX-License-Identifier: MIT */
/* killed_waiter.c - a child blocked in sem_wait is ended by SIGTERM (as
 * multiprocessing's terminate() does to idle pool workers); the parent
 * lives on past the stall timeout. The child is over, not stalled. */
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	sem_t *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sem_init(s, 1, 0);
	pid_t p = fork();
	if (p == 0) {
		sem_wait(s);
		_exit(1);
	}
	usleep(200000);
	kill(p, SIGTERM);
	int st;
	waitpid(p, &st, 0);
	puts(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "child killed" : "child survived");
	usleep(1500000);
	return 0;
}
