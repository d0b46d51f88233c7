/* SPDX-License-Identifier: MIT */
/* main.c - the test project's program: four threads add up shapes' sides
 * into the archive's counter. */
#include <pthread.h>
#include <stdio.h>

#include "count.h"
#include "shape.h"

static void *work(void *arg)
{
	for (int i = 0; i < 1000; i++)
		count_add(shape_sides((int)(long)arg + i));
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("total %ld%s\n", count_total(), CTRACE_CC ? " (ctrace cc)" : "");
	return count_total() != 18000;
}
