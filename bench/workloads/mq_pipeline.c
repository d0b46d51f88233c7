/* SPDX-License-Identifier: MIT */
/* mq_pipeline.c - a pipeline of THREADS stages (2 or 3) joined by POSIX
 * message queues of 10 messages of 64 bytes: the first sends ITERS messages,
 * a middle stage forwards them, the last sums them. */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

#define MSG_SIZE 64

struct stage {
	mqd_t in, out;          /* (mqd_t)-1 at the ends */
	long messages;
	uint64_t sum;
} __attribute__((aligned(64)));

static void *stage_main(void *arg)
{
	struct stage *s = arg;
	char msg[MSG_SIZE];
	unsigned prio;
	memset(msg, 0, sizeof msg);
	for (long i = 0; i < s->messages; i++) {
		uint64_t v = (uint64_t)i;
		prio = (unsigned)(i & 3);
		if (s->in != (mqd_t)-1) {
			if (mq_receive(s->in, msg, sizeof msg, &prio) < 0) {
				perror("mq_receive");
				exit(1);
			}
			memcpy(&v, msg, sizeof v);
			v = v * 3 + 1;
		}
		memcpy(msg, &v, sizeof v);
		if (s->out != (mqd_t)-1 && mq_send(s->out, msg, sizeof msg, prio) < 0) {
			perror("mq_send");
			exit(1);
		}
		s->sum += v;
	}
	return NULL;
}

static mqd_t queue_open(int n)
{
	struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = MSG_SIZE };
	char name[64];
	snprintf(name, sizeof name, "/ctrace-bench-%d-%d", (int)getpid(), n);
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (q == (mqd_t)-1)
		perror(name);
	else
		mq_unlink(name);
	return q;
}

int main(int argc, char **argv)
{
	struct workload_args a;
	static struct stage s[3];
	workload_parse(argc, argv, &a, 200000, 2, 2, 3);
	mqd_t q[2] = { (mqd_t)-1, (mqd_t)-1 };
	for (int i = 0; i < a.threads - 1; i++)
		if ((q[i] = queue_open(i)) == (mqd_t)-1)
			return 1;
	for (int i = 0; i < a.threads; i++) {
		s[i].in = i > 0 ? q[i - 1] : (mqd_t)-1;
		s[i].out = i < a.threads - 1 ? q[i] : (mqd_t)-1;
		s[i].messages = a.iters;
	}
	workload_run(a.threads, stage_main, s, sizeof s[0]);
	for (int i = 0; i < a.threads - 1; i++)
		mq_close(q[i]);
	workload_checksum(s[a.threads - 1].sum);
	return 0;
}
