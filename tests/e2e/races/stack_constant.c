// SPDX-License-Identifier: MIT
// stack_constant.c - a local whose address another thread writes through,
// while its own thread sets it to a constant: an optimizing compiler (clang
// -O1) says at that store that the variable holds the constant, not where
// it lives; its slot comes from the rest of its location list. The race is
// named "local_val" in outer's frame.
#include <pthread.h>
#include <stdio.h>

static void *inner(void *p)
{
	int *v = p;
	*v = 2;   /* races with outer's store */
	return NULL;
}

static void *outer(void *arg)
{
	(void)arg;
	int local_val = 0;
	pthread_t t;
	pthread_create(&t, NULL, inner, &local_val);
	local_val = 1;
	pthread_join(t, NULL);
	printf("{\"value\": %d}\n", local_val);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, outer, NULL);
	pthread_join(t, NULL);
	return 0;
}
