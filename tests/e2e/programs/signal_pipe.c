// SPDX-License-Identifier: MIT
// signal_pipe.c - a signal handler writes to a wake-up pipe (as CPython's
// and many event loops' do) while its thread keeps locking a mutex: many
// of the signals land while the thread is inside ctrace's shim, where the
// write's release cannot be recorded at once. It must be kept for the
// thread's next call, not lost: no dropped event, no finding.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

static int wake[2];
static volatile sig_atomic_t signals;

static void on_alarm(int sig)
{
	(void)sig;
	char c = 1;
	(void)!write(wake[1], &c, 1);
	signals++;
}

int main(void)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	if (pipe(wake) != 0 || fcntl(wake[1], F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(wake[0], F_SETFL, O_NONBLOCK) != 0)
		return 2;
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval every = { { 0, 200 }, { 0, 200 } };
	setitimer(ITIMER_REAL, &every, NULL);
	char buf[256];
	long n = 0;
	while (signals < 300) {
		pthread_mutex_lock(&mu);
		n++;
		pthread_mutex_unlock(&mu);
		if (n % 1024 == 0)
			(void)!read(wake[0], buf, sizeof buf);
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("{\"signals\": %d}\n", (int)signals);
	return 0;
}
