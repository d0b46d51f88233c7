// SPDX-License-Identifier: MIT
// fd_handoff.c pipe|socketpair|eventfd|epoll|vfork|fcntl|connect - a thread fills a block
// with a mutex in it and hands it to another through a descriptor, nothing
// else ordering them: the descriptor orders the block's writes and the
// mutex's init before the other thread's use. Built plainly (sync events
// only: no sync-object race) and with `ctrace cc` (no data race either).
// vfork: a pipe, after a vfork child (in the parent's memory) closed its
// ends before _exit: the parent's descriptors are still a channel. fcntl: a
// pipe whose write end is moved up by fcntl(F_DUPFD_CLOEXEC) (fcntl64 with
// _FILE_OFFSET_BITS=64), as libraries do: the copy is the same channel.
// connect: the thread connects to main's listening socket and sends
// nothing; main's accept of the connection is the order (as in TSan).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *how;
static int fds[2], efd, ep, listener, connected = -1;
static struct sockaddr_in listening;
struct block {
	pthread_mutex_t mu;
	int payload[16];
};
static struct block *_Atomic handed;   /* eventfd: the block goes here */

static void *producer(void *arg)
{
	(void)arg;
	struct block *mu = malloc(sizeof *mu);
	pthread_mutex_init(&mu->mu, NULL);
	for (int i = 0; i < 16; i++)
		mu->payload[i] = i;
	if (!strcmp(how, "eventfd")) {
		atomic_store_explicit(&handed, mu, memory_order_relaxed);
		eventfd_write(efd, 1);
	} else if (!strcmp(how, "connect")) {
		atomic_store_explicit(&handed, mu, memory_order_relaxed);
		connected = socket(AF_INET, SOCK_STREAM, 0);   /* closed by main, after the join */
		if (connected < 0 || connect(connected, (struct sockaddr *)&listening, sizeof listening))
			abort();
	} else if (!strcmp(how, "epoll")) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = mu };
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
		if (write(fds[1], "x", 1) != 1)
			abort();
	} else if (!strcmp(how, "socketpair")) {
		if (send(fds[0], &mu, sizeof mu, 0) != sizeof mu)
			abort();
	} else if (write(fds[1], &mu, sizeof mu) != sizeof mu) {
		abort();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	how = argc > 1 ? argv[1] : "pipe";
	if (!strcmp(how, "socketpair") ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds))
		return 1;
	if (!strcmp(how, "fcntl")) {
		int w = fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
		if (w < 10 || close(fds[1]) != 0)
			return 1;
		fds[1] = w;
	}
	efd = eventfd(0, 0);
	ep = epoll_create1(0);
	if (!strcmp(how, "vfork")) {
		pid_t pid = vfork();
		if (pid == 0) {
			close(fds[0]);
			close(fds[1]);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			return 1;
	}
	if (!strcmp(how, "connect")) {
		socklen_t len = sizeof listening;
		listening.sin_family = AF_INET;
		listening.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		listener = socket(AF_INET, SOCK_STREAM, 0);
		if (listener < 0 || bind(listener, (struct sockaddr *)&listening, sizeof listening) ||
		    getsockname(listener, (struct sockaddr *)&listening, &len) || listen(listener, 1))
			return 1;
	}
	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);
	struct block *mu = NULL;
	if (!strcmp(how, "connect")) {
		int c = accept(listener, NULL, NULL);
		if (c < 0)
			return 1;
		mu = atomic_load_explicit(&handed, memory_order_relaxed);
		close(c);
	} else if (!strcmp(how, "eventfd")) {
		eventfd_t v;
		if (eventfd_read(efd, &v))
			return 1;
		mu = atomic_load_explicit(&handed, memory_order_relaxed);
	} else if (!strcmp(how, "epoll")) {
		struct epoll_event ev;
		if (epoll_wait(ep, &ev, 1, -1) != 1)
			return 1;
		mu = ev.data.ptr;
	} else if (read(fds[!strcmp(how, "socketpair")], &mu, sizeof mu) != sizeof mu) {
		return 1;
	}
	pthread_mutex_lock(&mu->mu);
	int sum = 0;
	for (int i = 0; i < 16; i++)
		sum += mu->payload[i];
	pthread_mutex_unlock(&mu->mu);
	pthread_join(t, NULL);   /* after the use: it orders nothing before it */
	if (connected >= 0)
		close(connected);
	pthread_mutex_destroy(&mu->mu);
	free(mu);
	printf("{\"counter\": %d, \"expect\": 120}\n", sum);
	return sum == 120 ? 0 : 1;
}
