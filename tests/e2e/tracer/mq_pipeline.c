/* SPDX-License-Identifier: MIT */
/* mq_pipeline.c - a producer and a consumer thread passing N messages
 * through a POSIX message queue (the fortified mq_open as Debian builds
 * it, and both untimed and timed calls). */
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define N 500
static char name[64];

static void *producer(void *arg)
{
	mqd_t q = mq_open(name, O_WRONLY);
	for (int i = 0; i < N; i++) {
		if (i % 2)
			mq_send(q, (char *)&i, sizeof i, (unsigned)(i % 3));
		else {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 10;
			mq_timedsend(q, (char *)&i, sizeof i, 0, &ts);
		}
	}
	mq_close(q);
	return arg;
}

int main(void)
{
	snprintf(name, sizeof name, "/ctrace-e2e-pipe-%d", (int)getpid());
	struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = sizeof(int) };
	mqd_t q = mq_open(name, O_CREAT | O_RDONLY, 0600, &attr);
	if (q == (mqd_t)-1)
		return perror("mq_open"), 2;
	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);
	long sum = 0;
	for (int i = 0; i < N; i++) {
		int v;
		unsigned prio;
		if (mq_receive(q, (char *)&v, sizeof v, &prio) == sizeof v)
			sum += v;
	}
	pthread_join(t, NULL);
	mq_close(q);
	mq_unlink(name);
	printf("{\"sum\": %ld}\n", sum);
	return sum == (long)N * (N - 1) / 2 ? 0 : 1;
}
