/* SPDX-License-Identifier: MIT */
/* cli_prog.c - the subject of the export_cli test: two workers contend on
 * g_lock (each holds it 2 ms, so the other waits), one message goes through
 * a POSIX queue, and main unlocks g_lock once too often (a misuse). */
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *queue = "/ctrace_viewer_cli";

static void *worker(void *arg)
{
	for (int i = 0; i < 5; i++) {
		pthread_mutex_lock(&g_lock);
		usleep(2000);
		pthread_mutex_unlock(&g_lock);
		usleep(100);
	}
	if (arg) {
		mqd_t q = mq_open(queue, O_WRONLY);
		mq_send(q, "done", 4, 1);
		mq_close(q);
	}
	return NULL;
}

int main(void)
{
	struct mq_attr at = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	mq_unlink(queue);
	mqd_t q = mq_open(queue, O_CREAT | O_RDONLY, 0600, &at);
	if (q == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	pthread_t t[2];
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	char buf[16];
	mq_receive(q, buf, sizeof buf, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_unlock(&g_lock); /* not locked: a misuse finding */
	mq_close(q);
	mq_unlink(queue);
	return 0;
}
