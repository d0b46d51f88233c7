/* SPDX-License-Identifier: MIT */
/* bank.c - the bundled example: tellers move money between accounts, each
 * transfer locking two accounts (lower number first, so it cannot
 * deadlock), so ctrace has contention to show. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ACCOUNTS 8
#define TELLERS 4

struct account {
	pthread_mutex_t lock;
	long balance;
};

static struct account accounts[ACCOUNTS];

static void transfer(int from, int to, long amount)
{
	int first = from < to ? from : to, second = from < to ? to : from;
	pthread_mutex_lock(&accounts[first].lock);
	pthread_mutex_lock(&accounts[second].lock);
	accounts[from].balance -= amount;
	accounts[to].balance += amount;
	pthread_mutex_unlock(&accounts[second].lock);
	pthread_mutex_unlock(&accounts[first].lock);
}

static void *teller(void *arg)
{
	unsigned seed = (unsigned)(long)arg;
	for (int i = 0; i < 20000; i++) {
		int from = rand_r(&seed) % ACCOUNTS, to = rand_r(&seed) % ACCOUNTS;
		if (from != to)
			transfer(from, to, rand_r(&seed) % 100);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[TELLERS];
	for (int i = 0; i < ACCOUNTS; i++) {
		pthread_mutex_init(&accounts[i].lock, NULL);
		accounts[i].balance = 1000;
	}
	for (long i = 0; i < TELLERS; i++)
		pthread_create(&t[i], NULL, teller, (void *)(i + 1));
	for (int i = 0; i < TELLERS; i++)
		pthread_join(t[i], NULL);
	long total = 0;
	for (int i = 0; i < ACCOUNTS; i++)
		total += accounts[i].balance;
	printf("total %ld (expected %d)\n", total, ACCOUNTS * 1000);
	return total == ACCOUNTS * 1000 ? 0 : 1;
}
