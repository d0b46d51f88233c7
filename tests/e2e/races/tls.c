// SPDX-License-Identifier: MIT
// tls.c worker|main - a data race on a thread-local array element: its
// owner (a worker, or main) writes it, the other thread writes it through
// a pointer the owner published. A relaxed flag, which orders nothing,
// makes the second write come after the first; the owner waits for it
// before it ends. Named as TSan's "TLS of thread T1", with the variable.
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static __thread int tls_counters[4];
static _Atomic(int *) published;
static atomic_int step;

__attribute__((noinline)) static void owner_writes(void)
{
	atomic_store_explicit(&published, &tls_counters[2], memory_order_relaxed);
	tls_counters[2] = 1;
	atomic_store_explicit(&step, 1, memory_order_relaxed);
	while (atomic_load_explicit(&step, memory_order_relaxed) != 2)
		usleep(1000);
}

__attribute__((noinline)) static void other_writes(void)
{
	while (atomic_load_explicit(&step, memory_order_relaxed) != 1)
		usleep(1000);
	*atomic_load_explicit(&published, memory_order_relaxed) = 2;
	atomic_store_explicit(&step, 2, memory_order_relaxed);
}

static void *worker(void *arg)
{
	if (*(bool *)arg)
		owner_writes();
	else
		other_writes();
	return NULL;
}

int main(int argc, char **argv)
{
	bool worker_owns = argc > 1 && !strcmp(argv[1], "worker");
	pthread_t t;
	pthread_create(&t, NULL, worker, &worker_owns);
	if (worker_owns)
		other_writes();
	else
		owner_writes();
	pthread_join(t, NULL);
	printf("{\"counter\": 2, \"expect\": 2}\n");
	return 0;
}
