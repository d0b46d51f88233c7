/* SPDX-License-Identifier: MIT */
/* ordered_pairs.c - four threads move money between eight accounts,
 * always locking the lower-numbered account first: no lock-order
 * inversion, as long as no lock is believed held that was released (what
 * events lost in a damaged trace would make up). */
#include <pthread.h>
#include <stdio.h>

#define ACCOUNTS 8
#define TRANSFERS 20000

static struct {
	pthread_mutex_t lock;
	long balance;
} accounts[ACCOUNTS];

static void *teller(void *arg)
{
	unsigned seed = (unsigned)(long)arg;
	for (int i = 0; i < TRANSFERS; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned a = seed % ACCOUNTS, b = (a + 1 + seed / ACCOUNTS % (ACCOUNTS - 1)) % ACCOUNTS;
		unsigned lo = a < b ? a : b, hi = a < b ? b : a;
		pthread_mutex_lock(&accounts[lo].lock);
		pthread_mutex_lock(&accounts[hi].lock);
		accounts[a].balance--;
		accounts[b].balance++;
		pthread_mutex_unlock(&accounts[hi].lock);
		pthread_mutex_unlock(&accounts[lo].lock);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	long total = 0;
	for (int i = 0; i < ACCOUNTS; i++)
		pthread_mutex_init(&accounts[i].lock, NULL);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, teller, (void *)(i + 1));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < ACCOUNTS; i++)
		total += accounts[i].balance;
	printf("%ld\n", total);
	return total != 0;
}
