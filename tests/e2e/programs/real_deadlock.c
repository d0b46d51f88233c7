/* SPDX-License-Identifier: MIT */
/* real_deadlock.c - two threads really deadlock (each holds one lock and
 * waits for the other's). `ctrace run` must detect it while it hangs,
 * report it and end the program.
 *
 * With the argument "busy", a third thread keeps the CPU busy meanwhile,
 * locking and unlocking its own mutex around some work (traced, a few
 * hundred thousand events a second, for up to 60 s): the watchdog leaves a
 * busy program's trace unread while it runs, so it must see that the
 * deadlocked threads stopped and catch up. It must outrun the writer to
 * catch up: the rate stays well below what it reads under ASan on a
 * loaded machine. */
#include <pthread.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;
static volatile unsigned long spins, work;

static void *holds_a_wants_b(void *arg)
{
	pthread_mutex_lock(&lock_a);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_b);
	return arg;
}

static void *holds_b_wants_a(void *arg)
{
	pthread_mutex_lock(&lock_b);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_a);
	return arg;
}

static void *busy(void *arg)
{
	time_t end = time(NULL) + 60;
	while (time(NULL) < end)
		for (int i = 0; i < 10000; i++) {
			pthread_mutex_lock(&own);
			spins++;
			pthread_mutex_unlock(&own);
			for (int k = 0; k < 10000; k++)
				work++;
		}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t1, t2, t3;
	pthread_barrier_init(&both_hold, NULL, 2);
	if (argc > 1 && !strcmp(argv[1], "busy")) {
		pthread_create(&t3, NULL, busy, NULL);
		struct timespec half = { 0, 500 * 1000 * 1000 };
		nanosleep(&half, NULL);  /* the watchdog sees a busy program first */
	}
	pthread_create(&t1, NULL, holds_a_wants_b, NULL);
	pthread_create(&t2, NULL, holds_b_wants_a, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}
