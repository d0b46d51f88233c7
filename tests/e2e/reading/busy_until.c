/* SPDX-License-Identifier: MIT */
/* busy_until.c - four threads hand a mutex, a condition variable (with the
 * GIL's pattern: wait with a timeout, signal under the mutex) and a
 * semaphore around until the file argv[1] exists: a correct program that
 * is reported on while it runs. */
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t gil = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gil_free = PTHREAD_COND_INITIALIZER;
static bool held;
static sem_t tokens;
static const char *stop_file;

static bool stopped(void)
{
	return access(stop_file, F_OK) == 0;
}

static void take(void)
{
	pthread_mutex_lock(&gil);
	while (held) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 5000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&gil_free, &gil, &t);
	}
	held = true;
	pthread_mutex_unlock(&gil);
}

static void drop(void)
{
	pthread_mutex_lock(&gil);
	held = false;
	pthread_cond_signal(&gil_free);
	pthread_mutex_unlock(&gil);
}

static void *worker(void *arg)
{
	(void)arg;
	/* A trace of a few MB per second, then, after 20000 rounds, of a few
	 * KB: the commands that read it while it grows (instrumented ones are
	 * slower than the program) read a bounded trace, yet calls are still
	 * in flight. */
	for (unsigned i = 0;; i++) {
		bool slow = i >= 20000;
		if ((slow || i % 1024 == 0) && stopped())
			break;
		take();
		sem_post(&tokens);
		sem_wait(&tokens);
		drop();
		usleep(slow ? 10000 : 50);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	if (argc < 2)
		return 2;
	stop_file = argv[1];
	sem_init(&tokens, 0, 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	puts("stopped");
	return 0;
}
