/* SPDX-License-Identifier: MIT */
/* single_thread.c - a program that never creates a thread. glibc then locks
 * a free private mutex with a plain store, and the shim takes the same path;
 * every other lock must still go by trylock: a recursive or errorcheck
 * relock (same results as without ctrace), a process-shared mutex held by
 * another process (the wait is recorded). Prints the results as JSON. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;

static void init_typed(pthread_mutex_t *m, int type, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, type);
	pthread_mutexattr_setpshared(&a, pshared);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

/* Locks a process-shared mutex that a child process holds for 200 ms (it
 * marks its release last, under the lock): 1 if this process got the lock
 * only after that mark, as without ctrace, however late it came to wait. */
static int wait_for_child(void)
{
	struct shared {
		pthread_mutex_t m;
		volatile int released;
	} *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int ready[2];
	if (s == MAP_FAILED || pipe(ready))
		return -1;
	init_typed(&s->m, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_SHARED);
	pid_t child = fork();
	if (child == 0) {
		pthread_mutex_lock(&s->m);
		write(ready[1], "x", 1);
		usleep(200000);
		s->released = 1;
		pthread_mutex_unlock(&s->m);
		_exit(0);
	}
	char c;
	read(ready[0], &c, 1);
	pthread_mutex_lock(&s->m);
	int after_release = s->released;
	pthread_mutex_unlock(&s->m);
	waitpid(child, NULL, 0);
	return after_release;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, counter = 0;
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&plain);
		counter++;
		pthread_mutex_unlock(&plain);
	}

	pthread_mutex_t rec, errc;
	init_typed(&rec, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PROCESS_PRIVATE);
	int rec1 = pthread_mutex_lock(&rec), rec2 = pthread_mutex_lock(&rec);
	pthread_mutex_unlock(&rec);
	pthread_mutex_unlock(&rec);
	int rec_free = pthread_mutex_trylock(&rec);  /* 0 only if unlocked twice */
	pthread_mutex_unlock(&rec);

	init_typed(&errc, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PROCESS_PRIVATE);
	int err1 = pthread_mutex_lock(&errc), err2 = pthread_mutex_lock(&errc);
	pthread_mutex_unlock(&errc);

	struct timespec later;
	clock_gettime(CLOCK_REALTIME, &later);
	later.tv_sec += 5;
	int timed = pthread_mutex_timedlock(&plain, &later);
	pthread_mutex_unlock(&plain);

	mtx_t m11;
	mtx_init(&m11, mtx_plain | mtx_recursive);
	int c1 = mtx_lock(&m11), c2 = mtx_lock(&m11);
	mtx_unlock(&m11);
	mtx_unlock(&m11);
	mtx_destroy(&m11);

	int after_release = wait_for_child();
	printf("{\"counter\": %ld, \"rec\": [%d, %d, %d], \"errc\": [%d, %d], \"timed\": %d, "
	       "\"c11\": [%d, %d], \"c11_success\": %d, \"edeadlk\": %d, \"after_release\": %d}\n",
	       counter, rec1, rec2, rec_free, err1, err2, timed, c1, c2, thrd_success, EDEADLK,
	       after_release);
	return 0;
}
