/* SPDX-License-Identifier: MIT */
/* wait_cycles.c - waits that form a cycle, or seem to:
 *   join-under-lock  main holds a mutex and joins the thread that waits for
 *                    it: a real deadlock through a join (the watchdog ends it)
 *   timed-backoff    two threads take two mutexes in opposite orders, one
 *                    with pthread_mutex_timedlock, which gives up, backs off
 *                    and retries: a correct program (no deadlock, no
 *                    lock-order inversion: the timed wait cannot last)
 *   handoff          a thread ends holding a normal mutex, main waits for
 *                    it, and another thread unlocks it later (misuse that
 *                    glibc allows): not a hang, the program ends normally
 *   pshared-cond     the only thread waits on a process-shared condition
 *                    variable that a child process signals 2 s later
 *   pshared-inherited a child process waits on a process-shared mutex, then
 *                    on a process-shared condition variable, then on a
 *                    process-shared rwlock, all made by its parent before
 *                    the fork (the child never saw their init), which the
 *                    parent holds or signals 2 s later each
 *   mq               the only thread waits on a message queue that a child
 *                    process sends to 2 s later: neither is a stall (run
 *                    with a stall timeout under 2 s)
 *   once-under-lock  main holds a mutex and calls pthread_once while a
 *                    worker runs the routine, which waits for that mutex:
 *                    a real deadlock through the once
 *   once-recursive   a worker's once routine calls the same once again:
 *                    it waits for itself, a deadlock at once
 *   once-long        the only thread runs a once routine that computes for
 *                    2 s without a call the shim sees: it is inside its
 *                    once call all along, running, not stalled
 *   timed-poll      a worker polls for work with a 2 s timed wait, twice,
 *                    while main joins it: it runs again, no stall
 *   timer-thread     the only thread the trace knows waits on a condition
 *                    variable that a SIGEV_THREAD timer's callback signals
 *                    2 s later (glibc's helper thread, which the shim does
 *                    not see, makes the callback's thread): not a stall
 *   sem-handler      a thread takes a binary semaphore and ends; main waits
 *                    for it, and a SIGALRM handler posts it 2 s later
 *                    (sem_post is async-signal-safe): neither a dead
 *                    owner's lock nor a stall */
#include <signal.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static sem_t a_taken, b_taken, greedy_done;

static void *worker_needs_state(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&state_lock);
	pthread_mutex_unlock(&state_lock);
	return NULL;
}

static void join_under_lock(void)
{
	pthread_t t;
	pthread_mutex_lock(&state_lock);
	pthread_create(&t, NULL, worker_needs_state, NULL);
	pthread_join(t, NULL);
	pthread_mutex_unlock(&state_lock);
}

/* Takes a then b with a timed wait for b, backing off until it gets both. */
static void *polite(void *arg)
{
	(void)arg;
	for (int attempt = 0;; attempt++) {
		pthread_mutex_lock(&a);
		if (attempt == 0) {
			sem_post(&a_taken);
			sem_wait(&b_taken);   /* the other thread holds b now */
		}
		struct timespec deadline;
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 1;
		int rc = pthread_mutex_timedlock(&b, &deadline);
		if (rc == 0) {
			pthread_mutex_unlock(&b);
			pthread_mutex_unlock(&a);
			printf("polite: both after %d back-offs\n", attempt);
			return NULL;
		}
		pthread_mutex_unlock(&a);   /* ETIMEDOUT: let the other one finish */
		sem_wait(&greedy_done);
	}
}

static void *greedy(void *arg)
{
	(void)arg;
	sem_wait(&a_taken);
	pthread_mutex_lock(&b);
	sem_post(&b_taken);
	pthread_mutex_lock(&a);      /* waits until polite backs off */
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	sem_post(&greedy_done);
	return NULL;
}

static void timed_backoff(void)
{
	pthread_t t1, t2;
	sem_init(&a_taken, 0, 0);
	sem_init(&b_taken, 0, 0);
	sem_init(&greedy_done, 0, 0);
	pthread_create(&t1, NULL, polite, NULL);
	pthread_create(&t2, NULL, greedy, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
}

static void *lock_and_leave(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&state_lock);
	return NULL;
}

static void *unlock_later(void *arg)
{
	(void)arg;
	usleep(500000);
	pthread_mutex_unlock(&state_lock);
	return NULL;
}

static void handoff(void)
{
	pthread_t t;
	pthread_create(&t, NULL, lock_and_leave, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, unlock_later, NULL);
	pthread_mutex_lock(&state_lock);
	pthread_mutex_unlock(&state_lock);
	pthread_join(t, NULL);
}

/* A child that runs FN 2 s after the fork (sleep is no recorded wait). */
static pid_t later_in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		sleep(2);
		fn(arg);
		_exit(0);
	}
	return pid;
}

struct shared_flag {
	pthread_mutex_t m;
	pthread_cond_t c;
	int ready;
};

static void raise_flag(void *arg)
{
	struct shared_flag *f = arg;
	pthread_mutex_lock(&f->m);
	f->ready = 1;
	pthread_cond_signal(&f->c);
	pthread_mutex_unlock(&f->m);
}

/* F's mutex and condition, process-shared. */
static void shared_flag_init(struct shared_flag *f)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&f->m, &ma);
	pthread_cond_init(&f->c, &ca);
}

static void pshared_cond(void)
{
	struct shared_flag *f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared_flag_init(f);
	pid_t child = later_in_child(raise_flag, f);
	pthread_mutex_lock(&f->m);
	while (!f->ready)
		pthread_cond_wait(&f->c, &f->m);
	pthread_mutex_unlock(&f->m);
	waitpid(child, NULL, 0);
}

struct inherited {
	struct shared_flag f;
	pthread_rwlock_t rw;
};

static void pshared_inherited(void)
{
	struct inherited *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
	shared_flag_init(&s->f);
	pthread_rwlock_init(&s->rw, &ra);
	pthread_mutex_lock(&s->f.m);
	pid_t child = fork();
	if (child == 0) {
		pthread_mutex_lock(&s->f.m);   /* the parent holds it for 2 s */
		while (!s->f.ready)            /* the parent signals it 2 s later */
			pthread_cond_wait(&s->f.c, &s->f.m);
		pthread_mutex_unlock(&s->f.m);
		pthread_rwlock_wrlock(&s->rw);   /* the parent read-holds it for 2 s */
		pthread_rwlock_unlock(&s->rw);
		_exit(0);
	}
	sleep(2);
	pthread_mutex_unlock(&s->f.m);
	sleep(2);
	pthread_rwlock_rdlock(&s->rw);
	raise_flag(&s->f);
	sleep(2);
	pthread_rwlock_unlock(&s->rw);
	int status = 1;
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		exit(1);
}

static void send_hello(void *arg)
{
	mq_send(*(mqd_t *)arg, "hello", 5, 0);
}

static void queue_wait(void)
{
	char name[64], buf[64];
	snprintf(name, sizeof(name), "/ctrace-wait-cycles-%d", (int)getpid());
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = sizeof(buf) };
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (q == (mqd_t)-1) {
		perror("mq_open");
		exit(1);
	}
	mq_unlink(name);
	pid_t child = later_in_child(send_hello, &q);
	ssize_t n = mq_receive(q, buf, sizeof(buf), NULL);
	printf("received %zd bytes\n", n);
	waitpid(child, NULL, 0);
	mq_close(q);
}

static void run_and_join(void *(*fn)(void *))
{
	pthread_t t;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static sem_t routine_started;

static void init_needing_state(void)
{
	sem_post(&routine_started);
	usleep(100000);   /* let main take state_lock and call pthread_once */
	pthread_mutex_lock(&state_lock);
	pthread_mutex_unlock(&state_lock);
}

static void *call_once(void *arg)
{
	(void)arg;
	pthread_once(&init_once, init_needing_state);
	return NULL;
}

static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void init_calling_itself(void)
{
	pthread_once(&self_once, init_calling_itself);
}

static void *call_self_once(void *arg)
{
	(void)arg;
	pthread_once(&self_once, init_calling_itself);
	return NULL;
}

static void once_under_lock(void)
{
	pthread_t t;
	sem_init(&routine_started, 0, 0);
	pthread_create(&t, NULL, call_once, NULL);
	sem_wait(&routine_started);
	pthread_mutex_lock(&state_lock);
	pthread_once(&init_once, init_needing_state);
	pthread_mutex_unlock(&state_lock);
	pthread_join(t, NULL);
}

static volatile unsigned long spins;

static void compute_2s(void)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			spins++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 2000000000L);
}

static pthread_cond_t ticked = PTHREAD_COND_INITIALIZER;
static int ticks;

static void tick(union sigval v)
{
	(void)v;
	pthread_mutex_lock(&state_lock);
	ticks++;
	pthread_cond_signal(&ticked);
	pthread_mutex_unlock(&state_lock);
}

static void timer_thread(void)
{
	timer_t timer;
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = tick };
	struct itimerspec when = { .it_value = { 2, 0 } };
	timer_create(CLOCK_MONOTONIC, &ev, &timer);
	timer_settime(timer, 0, &when, NULL);
	pthread_mutex_lock(&state_lock);
	while (!ticks)
		pthread_cond_wait(&ticked, &state_lock);
	pthread_mutex_unlock(&state_lock);
	timer_delete(timer);
}

static void *poll_twice(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&state_lock);
	for (int i = 0; i < 2; i++) {
		struct timespec deadline;
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 2;
		pthread_cond_timedwait(&ticked, &state_lock, &deadline);
	}
	pthread_mutex_unlock(&state_lock);
	return NULL;
}

static sem_t token;

static void give_token_back(int sig)
{
	(void)sig;
	sem_post(&token);
}

static void *take_token(void *arg)
{
	(void)arg;
	sem_wait(&token);
	return NULL;
}

static void sem_handler(void)
{
	struct sigaction sa = { .sa_handler = give_token_back };
	sigaction(SIGALRM, &sa, NULL);
	sem_init(&token, 0, 1);
	run_and_join(take_token);
	alarm(2);
	while (sem_wait(&token) == -1 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "join-under-lock"))
		join_under_lock();
	else if (!strcmp(mode, "timed-backoff"))
		timed_backoff();
	else if (!strcmp(mode, "handoff"))
		handoff();
	else if (!strcmp(mode, "pshared-cond"))
		pshared_cond();
	else if (!strcmp(mode, "pshared-inherited"))
		pshared_inherited();
	else if (!strcmp(mode, "mq"))
		queue_wait();
	else if (!strcmp(mode, "once-under-lock"))
		once_under_lock();
	else if (!strcmp(mode, "once-recursive"))
		run_and_join(call_self_once);
	else if (!strcmp(mode, "once-long"))
		pthread_once(&init_once, compute_2s);
	else if (!strcmp(mode, "timer-thread"))
		timer_thread();
	else if (!strcmp(mode, "timed-poll"))
		run_and_join(poll_twice);
	else if (!strcmp(mode, "sem-handler"))
		sem_handler();
	else {
		fprintf(stderr, "usage: %s join-under-lock|timed-backoff|handoff|pshared-cond|pshared-inherited|mq|once-under-lock|once-recursive|once-long|timer-thread|timed-poll|sem-handler\n", argv[0]);
		return 2;
	}
	puts("done");
	return 0;
}
