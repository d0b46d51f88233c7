/* SPDX-License-Identifier: MIT */
/* self_deadlock.c - a thread locks a normal mutex it already holds: it
 * waits for itself forever. A real deadlock (a cycle of one) and a
 * relock-non-recursive misuse. */
#include <pthread.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

static void reload_config(void)
{
	pthread_mutex_lock(&config_lock);   /* already held by the caller */
	pthread_mutex_unlock(&config_lock);
}

int main(void)
{
	pthread_mutex_lock(&config_lock);
	reload_config();
	pthread_mutex_unlock(&config_lock);
	return 0;
}
