/* SPDX-License-Identifier: MIT */
/* prog_c.c - test subject for the symbolizer (built PIE and non-PIE): writes
 * "key value" facts (return addresses, data addresses, the source lines the
 * addresses must map to) to argv[1] and its maps file to argv[2]. */
#include "maps_dump.h"
#include "symlib.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct holder {
	int x;
	pthread_mutex_t mu;
};

struct table_entry {
	long n;
	pthread_mutex_t lock;
};

pthread_mutex_t forks[5];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread struct {
	int hits;
	long slots[3];
} tls_state;
struct holder obj;
struct table_entry table[4];
pthread_mutex_t grid[2][3];
pthread_spinlock_t spins[3];

static FILE *out;

static void fact_addr(const char *key, const void *addr)
{
	fprintf(out, "%s %p\n", key, addr);
}

static void fact_line(const char *key, int line)
{
	fprintf(out, "%s %d\n", key, line);
}

static __attribute__((noinline)) void capture(const char *key)
{
	fact_addr(key, __builtin_return_address(0));
	__asm__ volatile("");
}

static inline __attribute__((always_inline)) void inner_inl(void)
{
	capture("inl"); fact_line("inl_line", __LINE__);
}

static inline __attribute__((always_inline)) void middle_inl(void)
{
	inner_inl(); fact_line("inl_mid_line", __LINE__);
}

__attribute__((noinline)) void outer_fn(void)
{
	middle_inl(); fact_line("inl_outer_line", __LINE__);
}

static void data_facts(void)
{
	static pthread_mutex_t fs_lock = PTHREAD_MUTEX_INITIALIZER;
	int local = 0;
	void *heap = malloc(64);

	fact_addr("forks3", &forks[3]);
	fact_addr("forks3_in", (const char *)&forks[3] + 8);
	fact_addr("g_lock", &g_lock);
	fact_addr("obj_mu", &obj.mu);
	fact_addr("table2", &table[2].lock);
	fact_addr("grid12", &grid[1][2]);
	fact_addr("spins1", (const void *)&spins[1]);
	fact_addr("fs_lock", &fs_lock);
	fact_addr("heap", heap);
	fact_addr("stack", &local);
	fact_addr("self", (const void *)pthread_self());
	fact_addr("tls_slots1", &tls_state.slots[1]);
	free(heap);
}

int main(int argc, char **argv)
{
	if (argc != 3 || !(out = fopen(argv[1], "w")))
		return 2;
	capture("main"); fact_line("main_line", __LINE__);
	outer_fn();
	lib_entry(fact_addr, fact_line);
	data_facts();
	pthread_mutex_lock(&g_lock);
	pthread_mutex_unlock(&g_lock);
	if (fclose(out) || maps_dump_write(argv[2]))
		return 1;
	return 0;
}
