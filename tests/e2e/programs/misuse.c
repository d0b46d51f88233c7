/* SPDX-License-Identifier: MIT */
/* misuse.c - one API misuse per run, chosen by argv[1] (a misuse kind). The
 * last stdout line tells the check what to expect: {"kind": K} and, where
 * the finding names them, the symbols of its "lock" and "cond" and its
 * "severity" (misuse.jq). Modes ending in "-ok" misuse nothing. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t plain_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t checked_lock;
static pthread_mutex_t other_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond_var = PTHREAD_COND_INITIALIZER;
static volatile int ready;
static volatile pid_t leaked_tid;
static sem_t sema;
static pthread_barrier_t barrier;

static void init_errorcheck(pthread_mutex_t *m, int type)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, type);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

static struct timespec soon(int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

static void *do_unlock_other(void *arg)
{
	pthread_mutex_unlock(&plain_lock);   /* main holds it */
	return arg;
}

/* Changes what the waiters wait for without their mutex, and signals:
 * the classic lost wakeup (legal, reported as a note). */
static void *do_signal_unlocked(void *arg)
{
	ready = 1;
	pthread_cond_signal(&cond_var);
	return arg;
}

static void unlock_plain(void *arg)
{
	(void)arg;
	pthread_mutex_unlock(&plain_lock);
}

/* Waits on cond_var with plain_lock until main sets ready to 2 (or
 * cancels it: the mutex is let go then). */
static void *do_wait_plain(void *arg)
{
	pthread_mutex_lock(&plain_lock);
	pthread_cleanup_push(unlock_plain, NULL);
	ready = 1;
	while (ready != 2)
		pthread_cond_wait(&cond_var, &plain_lock);
	pthread_cleanup_pop(1);
	return arg;
}

static void *do_sem_wait(void *arg)
{
	sem_wait(&sema);
	return arg;
}

static void *do_exit_holding(void *arg)
{
	pthread_mutex_lock(&plain_lock);
	return arg;
}

static pthread_mutex_t robust_lock;
static void *do_exit_holding_robust(void *arg)
{
	pthread_mutex_lock(&robust_lock);
	return arg;
}

static void *do_wait_forever(void *arg)
{
	sem_wait(&sema);
	return arg;
}

static void *do_return(void *arg)
{
	leaked_tid = (pid_t)syscall(SYS_gettid);
	return arg;
}

static void *do_return_later(void *arg)
{
	usleep(20000);
	return arg;
}

/* A joinable thread that ends and is never joined; main waits until the
 * kernel has removed it (its end is recorded before), then exits. */
static void do_leak(void)
{
	pthread_t t;
	char task[64];
	pthread_create(&t, NULL, do_return, NULL);
	while (!leaked_tid)
		usleep(1000);
	snprintf(task, sizeof task, "/proc/self/task/%d", (int)leaked_tid);
	while (access(task, F_OK) == 0)
		usleep(1000);
}

/* Created detached, or joinable but still running at exit (exit ends it):
 * no leak. */
static void do_unknown_threads(void)
{
	pthread_t t;
	pthread_attr_t a;
	sem_init(&sema, 0, 0);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_create(&t, &a, do_wait_forever, NULL);
	pthread_attr_destroy(&a);
	pthread_create(&t, NULL, do_wait_forever, NULL);
}

static void run_thread(void *(*fn)(void *))
{
	pthread_t t;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

static void do_misuse(const char *kind)
{
	if (!strcmp(kind, "unlock-not-locked")) {
		pthread_mutex_unlock(&plain_lock);
	} else if (!strcmp(kind, "unlock-not-owner")) {
		pthread_mutex_lock(&plain_lock);
		run_thread(do_unlock_other);
	} else if (!strcmp(kind, "relock-non-recursive")) {
		init_errorcheck(&checked_lock, PTHREAD_MUTEX_ERRORCHECK);
		pthread_mutex_lock(&checked_lock);
		for (int i = 0; i < 3; i++)
			if (pthread_mutex_lock(&checked_lock) != EDEADLK)
				puts("no EDEADLK?");
		pthread_mutex_unlock(&checked_lock);
	} else if (!strcmp(kind, "destroy-locked")) {
		pthread_mutex_lock(&plain_lock);
		pthread_mutex_destroy(&plain_lock);
		pthread_mutex_unlock(&plain_lock);
	} else if (!strcmp(kind, "destroy-with-waiters")) {
		pthread_t t;
		sem_init(&sema, 0, 0);
		pthread_create(&t, NULL, do_wait_forever, NULL);
		usleep(200000);
		sem_destroy(&sema);   /* the waiter never returns; exit ends it */
	} else if (!strcmp(kind, "use-after-destroy")) {
		pthread_mutex_destroy(&other_lock);
		pthread_mutex_lock(&other_lock);
		pthread_mutex_unlock(&other_lock);
	} else if (!strcmp(kind, "cond-wait-not-held")) {
		struct timespec ts = soon(10);
		init_errorcheck(&checked_lock, PTHREAD_MUTEX_ERRORCHECK);
		pthread_cond_timedwait(&cond_var, &checked_lock, &ts);
	} else if (!strcmp(kind, "cond-mixed-mutex")) {
		/* a worker waits with plain_lock (main sees it inside the wait:
		 * the wait released the lock main then gets, with ready set);
		 * main waits at the same time with other_lock */
		pthread_t t;
		pthread_create(&t, NULL, do_wait_plain, NULL);
		pthread_mutex_lock(&plain_lock);
		while (!ready) {
			pthread_mutex_unlock(&plain_lock);
			sched_yield();
			pthread_mutex_lock(&plain_lock);
		}
		pthread_mutex_unlock(&plain_lock);
		struct timespec ts = soon(10);
		pthread_mutex_lock(&other_lock);
		pthread_cond_timedwait(&cond_var, &other_lock, &ts);
		pthread_mutex_unlock(&other_lock);
		pthread_mutex_lock(&plain_lock);
		ready = 2;
		pthread_cond_broadcast(&cond_var);
		pthread_mutex_unlock(&plain_lock);
		pthread_join(t, NULL);
	} else if (!strcmp(kind, "cancelled-waiters-ok")) {
		/* threads cancelled inside sem_wait and pthread_cond_wait,
		 * joined: then the semaphore and the condition are destroyed
		 * and the condition made again, with nobody waiting */
		pthread_t s, c;
		sem_init(&sema, 0, 0);
		pthread_create(&s, NULL, do_sem_wait, NULL);
		pthread_create(&c, NULL, do_wait_plain, NULL);
		usleep(50000);   /* likelier inside their waits; either way correct */
		pthread_cancel(s);
		pthread_cancel(c);
		pthread_join(s, NULL);
		pthread_join(c, NULL);
		sem_destroy(&sema);
		pthread_cond_destroy(&cond_var);
		pthread_cond_init(&cond_var, NULL);
		pthread_cond_destroy(&cond_var);
	} else if (!strcmp(kind, "cond-mixed-seq-ok")) {
		/* one wait after the other, each with its own mutex: POSIX
		 * binds the condition to a mutex only while waits last */
		struct timespec ts = soon(10);
		pthread_mutex_lock(&plain_lock);
		pthread_cond_timedwait(&cond_var, &plain_lock, &ts);
		pthread_mutex_unlock(&plain_lock);
		ts = soon(10);
		pthread_mutex_lock(&other_lock);
		pthread_cond_timedwait(&cond_var, &other_lock, &ts);
		pthread_mutex_unlock(&other_lock);
	} else if (!strcmp(kind, "exit-holding-lock")) {
		run_thread(do_exit_holding);
	} else if (!strcmp(kind, "join-invalid")) {
		pthread_join(pthread_self(), NULL);
	} else if (!strcmp(kind, "sem-overflow")) {
		sem_init(&sema, 0, SEM_VALUE_MAX);
		sem_post(&sema);
	} else if (!strcmp(kind, "bad-argument")) {
		pthread_barrier_init(&barrier, NULL, 0);
	} else if (!strcmp(kind, "reinit-in-use")) {
		pthread_mutex_lock(&plain_lock);
		pthread_mutex_init(&plain_lock, NULL);
		pthread_mutex_unlock(&plain_lock);
	} else if (!strcmp(kind, "cond-signal-not-held")) {
		struct timespec ts = soon(10);
		pthread_t t;
		pthread_mutex_lock(&plain_lock);
		pthread_cond_timedwait(&cond_var, &plain_lock, &ts);
		pthread_mutex_unlock(&plain_lock);
		pthread_create(&t, NULL, do_signal_unlocked, NULL);
		pthread_join(t, NULL);
	} else if (!strcmp(kind, "thread-leak")) {
		do_leak();
	} else if (!strcmp(kind, "trylock-self-held")) {
		pthread_mutex_lock(&plain_lock);
		if (pthread_mutex_trylock(&plain_lock) != EBUSY)
			puts("no EBUSY?");
		pthread_mutex_unlock(&plain_lock);
	} else if (!strcmp(kind, "unknown-threads-ok")) {
		do_unknown_threads();
	} else if (!strcmp(kind, "robust-owner-died-ok")) {
		/* a robust mutex is made for this: its owner ends holding it,
		 * the next lock returns EOWNERDEAD and makes it consistent */
		pthread_mutexattr_t a;
		pthread_mutexattr_init(&a);
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
		pthread_mutex_init(&robust_lock, &a);
		pthread_mutexattr_destroy(&a);
		run_thread(do_exit_holding_robust);
		if (pthread_mutex_lock(&robust_lock) != EOWNERDEAD)
			puts("no EOWNERDEAD?");
		pthread_mutex_consistent(&robust_lock);
		pthread_mutex_unlock(&robust_lock);
	} else if (!strcmp(kind, "pthread-exit-last-ok")) {
		/* main leaves by pthread_exit; the joinable worker, the last
		 * thread, ends the process (glibc calls exit): nobody could
		 * join it, no leak */
		pthread_t t;
		printf("{\"kind\": \"%s\"}\n", kind);
		fflush(stdout);
		pthread_create(&t, NULL, do_return_later, NULL);
		pthread_exit(NULL);
	} else if (!strcmp(kind, "process-exit-holding-ok")) {
		/* main parks a worker on a mutex it holds, then exits holding
		 * it: the lock ends with the process (Redis does so) */
		pthread_t t;
		pthread_mutex_lock(&plain_lock);
		pthread_create(&t, NULL, do_exit_holding, NULL);
		usleep(100000);
	} else if (!strcmp(kind, "freed-locked-reused-ok")) {
		/* an object freed by its last user under its own lock (no
		 * destroy: a normal mutex needs none), and a new one that malloc
		 * makes in its block: the new mutex's init is no re-init */
		struct counted { pthread_mutex_t m; int refs; } *a = malloc(sizeof *a), *b;
		pthread_mutex_init(&a->m, NULL);
		pthread_mutex_lock(&a->m);
		free(a);
		b = malloc(sizeof *b);
		pthread_mutex_init(&b->m, NULL);
		pthread_mutex_lock(&b->m);
		pthread_mutex_unlock(&b->m);
		pthread_mutex_destroy(&b->m);
		free(b);
	} else if (!strcmp(kind, "recursive-ok")) {
		init_errorcheck(&checked_lock, PTHREAD_MUTEX_RECURSIVE);
		for (int i = 0; i < 3; i++)
			pthread_mutex_lock(&checked_lock);
		for (int i = 0; i < 3; i++)
			pthread_mutex_unlock(&checked_lock);
	}
}

/* What the finding of KIND names (misuse.jq checks it when given). */
static const char *expect(const char *kind)
{
	if (!strcmp(kind, "cond-wait-not-held"))
		return ", \"lock\": \"checked_lock\", \"cond\": \"cond_var\"";
	if (!strcmp(kind, "cond-signal-not-held"))
		return ", \"lock\": \"plain_lock\", \"cond\": \"cond_var\", \"severity\": \"note\"";
	if (!strcmp(kind, "reinit-in-use") || !strcmp(kind, "trylock-self-held"))
		return ", \"lock\": \"plain_lock\"";
	return "";
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "recursive-ok";
	do_misuse(kind);
	printf("{\"kind\": \"%s\"%s}\n", kind, expect(kind));
	fflush(stdout);
	return 0;
}
