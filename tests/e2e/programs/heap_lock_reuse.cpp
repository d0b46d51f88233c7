// SPDX-License-Identifier: MIT
// heap_lock_reuse.cpp - locks made without an init call and freed without
// a destroy: two std::mutex in an object made by new (libstdc++'s
// constructor is a static initializer, its destructor nothing), and two
// pthread mutexes in a malloc'd struct set from PTHREAD_MUTEX_INITIALIZER.
// Each pair is locked in one order, freed, and new ones the allocator puts
// at the same addresses are locked in the other order, by another thread:
// other locks, no lock-order inversion (TSan drops them at the free too).
// The same for a struct that realloc moves (a block after it keeps it
// from growing in place). Prints whether the addresses were really reused.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <thread>

struct pair_cxx {
	std::mutex first, second;
};

struct pair_c {
	pthread_mutex_t first, second;
};

static void lock_cxx(pair_cxx *p, bool reverse)
{
	std::mutex &a = reverse ? p->second : p->first, &b = reverse ? p->first : p->second;
	std::lock_guard<std::mutex> ga(a);
	std::lock_guard<std::mutex> gb(b);
}

static void lock_c(pair_c *p, bool reverse)
{
	pthread_mutex_t *a = reverse ? &p->second : &p->first, *b = reverse ? &p->first : &p->second;
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

int main()
{
	pair_cxx *x = new pair_cxx;
	lock_cxx(x, false);
	void *old_x = x;
	delete x;
	pair_cxx *y = new pair_cxx;
	std::thread([y] { lock_cxx(y, true); }).join();
	bool cxx_reused = (void *)y == old_x;
	delete y;

	pair_c *c = (pair_c *)malloc(sizeof *c);
	c->first = c->second = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	lock_c(c, false);
	void *old_c = c;
	free(c);
	pair_c *d = (pair_c *)malloc(sizeof *d);
	d->first = d->second = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	std::thread([d] { lock_c(d, true); }).join();
	bool c_reused = (void *)d == old_c;
	free(d);

	pair_c *e = (pair_c *)malloc(sizeof *e);
	void *fence = malloc(sizeof *e);   /* keeps e from growing in place */
	e->first = e->second = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	lock_c(e, false);
	void *old_e = e;
	pair_c *moved = (pair_c *)realloc(e, 64 * sizeof *e);   /* locks not in use: moved with it */
	pair_c *f = (pair_c *)malloc(sizeof *f);
	f->first = f->second = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	std::thread([f] { lock_c(f, true); }).join();
	bool realloc_reused = (void *)moved != old_e && (void *)f == old_e;
	free(f);
	free(moved);
	free(fence);
	printf("{\"cxx_reused\": %d, \"c_reused\": %d, \"realloc_reused\": %d}\n", cxx_reused, c_reused,
	       realloc_reused);
	return 0;
}
