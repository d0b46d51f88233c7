/* SPDX-License-Identifier: MIT */
/* cond_destroy_woken.c - a legal program that destroys a condition variable
 * right after broadcasting it, while the woken waiters are still getting
 * their mutex back (POSIX: destroying a condition variable no thread is
 * blocked on is safe). Each round uses its own condition variable; many
 * rounds make the waiters' returns fall after the destroy in the trace.
 * Nothing may be reported (cond_destroy_woken.jq). */
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 300
#define WAITERS 2

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_waiting = PTHREAD_COND_INITIALIZER;
static pthread_cond_t round_cond[ROUNDS];
static int waiting[ROUNDS];
static int go[ROUNDS];

static void *waiter(void *arg)
{
	for (int r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&state_lock);
		if (++waiting[r] == WAITERS)
			pthread_cond_signal(&all_waiting);
		while (!go[r])
			pthread_cond_wait(&round_cond[r], &state_lock);
		pthread_mutex_unlock(&state_lock);
	}
	return arg;
}

int main(void)
{
	pthread_t t[WAITERS];
	for (int r = 0; r < ROUNDS; r++)
		pthread_cond_init(&round_cond[r], NULL);
	for (int i = 0; i < WAITERS; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	for (int r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&state_lock);
		while (waiting[r] < WAITERS)
			pthread_cond_wait(&all_waiting, &state_lock);
		/* every waiter of this round is blocked in its wait now */
		go[r] = 1;
		pthread_cond_broadcast(&round_cond[r]);
		pthread_mutex_unlock(&state_lock);
		pthread_cond_destroy(&round_cond[r]);
	}
	for (int i = 0; i < WAITERS; i++)
		pthread_join(t[i], NULL);
	printf("{\"rounds\": %d}\n", ROUNDS);
	return 0;
}
