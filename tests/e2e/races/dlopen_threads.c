/* SPDX-License-Identifier: MIT */
/* dlopen_threads.c - four threads each load, call and unload a library
 * (RACE_LIB) three hundred times at once: the loader's own memory (a loaded
 * object's descriptors, made by one thread's dlopen and freed by another's
 * dlclose) is ordered by the loader's lock, which is not seen: no race.
 * Prints {"mode", "counter", "expect"}. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define ROUNDS 300

static const char *path;
static _Atomic(void *) handed;

static void *unloader(void *arg)
{
	void *h;
	while (!(h = atomic_load_explicit(&handed, memory_order_relaxed)))
		;
	dlclose(h);
	return arg;
}

static void *worker(void *arg)
{
	long *sum = arg;
	for (int i = 0; i < ROUNDS; i++) {
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			fprintf(stderr, "dlopen: %s\n", dlerror());
			exit(3);
		}
		long (*work)(int) = (long (*)(int))dlsym(h, "lib_work");
		*sum += work(10);
		dlclose(h);
	}
	return NULL;
}

int main(void)
{
	path = getenv("RACE_LIB");
	if (!path) {
		fprintf(stderr, "RACE_LIB is not set\n");
		return 2;
	}
	pthread_t t[THREADS];
	pthread_create(&t[0], NULL, unloader, NULL);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return 3;
	atomic_store_explicit(&handed, h, memory_order_relaxed);
	pthread_join(t[0], NULL);
	long sums[THREADS] = { 0 }, counter = 0;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, &sums[i]);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		counter += sums[i];
	}
	printf("{\"mode\": \"dlopen_threads\", \"counter\": %ld, \"expect\": %d}\n", counter,
	       THREADS * ROUNDS * 45);
	return 0;
}
