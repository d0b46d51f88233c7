/* SPDX-License-Identifier: MIT */
/* families.c - calls every intercepted function at least once, with known
 * counts, so each appears in `ctrace info`'s by_kind. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static once_flag c11_once = ONCE_FLAG_INIT;
static int inits;

static void init_once(void) { inits++; }
static void *idle(void *arg) { return arg; }
static void *sleeper(void *arg) { for (;;) sleep(1); return arg; }
static int c11_worker(void *arg) { (void)arg; return 7; }

static struct timespec soon(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static void mutexes(void)
{
	pthread_mutex_t m;
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &a);
	struct timespec ts = soon();
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_trylock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_timedlock(&m, &ts);
	pthread_mutex_unlock(&m);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec++;
	pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &ts);
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&a);
	mtx_t cm;
	mtx_init(&cm, mtx_timed);
	mtx_lock(&cm);
	mtx_unlock(&cm);
	mtx_trylock(&cm);
	mtx_unlock(&cm);
	ts = soon();
	mtx_timedlock(&cm, &ts);
	mtx_unlock(&cm);
	mtx_destroy(&cm);
}

static void rwlocks_and_spins(void)
{
	pthread_rwlock_t rw;
	pthread_rwlock_init(&rw, NULL);
	struct timespec ts = soon();
	pthread_rwlock_rdlock(&rw); pthread_rwlock_unlock(&rw);
	pthread_rwlock_tryrdlock(&rw); pthread_rwlock_unlock(&rw);
	pthread_rwlock_timedrdlock(&rw, &ts); pthread_rwlock_unlock(&rw);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec++;
	pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &ts); pthread_rwlock_unlock(&rw);
	pthread_rwlock_wrlock(&rw); pthread_rwlock_unlock(&rw);
	pthread_rwlock_trywrlock(&rw); pthread_rwlock_unlock(&rw);
	ts = soon();
	pthread_rwlock_timedwrlock(&rw, &ts); pthread_rwlock_unlock(&rw);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec++;
	pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &ts); pthread_rwlock_unlock(&rw);
	pthread_rwlock_destroy(&rw);
	pthread_spinlock_t s;
	pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_lock(&s); pthread_spin_unlock(&s);
	pthread_spin_trylock(&s); pthread_spin_unlock(&s);
	pthread_spin_destroy(&s);
}

static void conds(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv;
	pthread_cond_init(&cv, NULL);
	pthread_cond_signal(&cv);
	pthread_cond_broadcast(&cv);
	pthread_mutex_lock(&m);
	struct timespec ts = soon();
	pthread_cond_timedwait(&cv, &m, &ts);                  /* times out */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec = 0;
	pthread_cond_clockwait(&cv, &m, CLOCK_MONOTONIC, &ts); /* in the past */
	pthread_mutex_unlock(&m);
	pthread_cond_destroy(&cv);
	mtx_t cm;
	cnd_t c;
	mtx_init(&cm, mtx_plain);
	cnd_init(&c);
	cnd_signal(&c);
	cnd_broadcast(&c);
	mtx_lock(&cm);
	ts = soon();
	cnd_timedwait(&c, &cm, &ts);
	mtx_unlock(&cm);
	cnd_destroy(&c);
	mtx_destroy(&cm);
}

static void semaphores_and_barriers(void)
{
	sem_t s;
	sem_init(&s, 0, 2);
	sem_wait(&s);
	sem_trywait(&s);
	sem_post(&s);
	struct timespec ts = soon();
	sem_timedwait(&s, &ts);
	sem_post(&s);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sem_clockwait(&s, CLOCK_MONOTONIC, &ts);
	sem_destroy(&s);
	char name[64];
	snprintf(name, sizeof name, "/ctrace-e2e-sem-%d", (int)getpid());
	sem_t *ns = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	if (ns != SEM_FAILED) {
		sem_wait(ns);
		sem_post(ns);
		sem_close(ns);
	}
	sem_unlink(name);
	pthread_barrier_t b;
	pthread_barrier_init(&b, NULL, 1);
	pthread_barrier_wait(&b);
	pthread_barrier_destroy(&b);
}

static void queues(void)
{
	char name[64], buf[64];
	snprintf(name, sizeof name, "/ctrace-e2e-mq-%d", (int)getpid());
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1) {
		perror("mq_open");
		return;
	}
	struct timespec ts = soon();
	mq_send(q, "one", 4, 1);
	mq_timedsend(q, "two", 4, 2, &ts);
	unsigned prio;
	mq_receive(q, buf, sizeof buf, &prio);
	ts = soon();
	mq_timedreceive(q, buf, sizeof buf, &prio, &ts);
	mq_notify(q, NULL);
	mq_close(q);
	mq_unlink(name);
}

static void threads(void)
{
	pthread_t t;
	pthread_create(&t, NULL, idle, NULL);
	pthread_setname_np(t, "idler");
	pthread_join(t, NULL);
	pthread_create(&t, NULL, idle, NULL);
	while (pthread_tryjoin_np(t, NULL) == EBUSY)
		usleep(1000);
	pthread_create(&t, NULL, idle, NULL);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_timedjoin_np(t, NULL, &ts);
	pthread_create(&t, NULL, idle, NULL);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 5;
	pthread_clockjoin_np(t, NULL, CLOCK_MONOTONIC, &ts);
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_cancel(t);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, idle, NULL);
	pthread_detach(t);
	pthread_once(&once, init_once);
	pthread_once(&once, init_once);
	thrd_t ct;
	int res;
	thrd_create(&ct, c11_worker, NULL);
	thrd_join(ct, &res);
	thrd_create(&ct, c11_worker, NULL);
	thrd_detach(ct);
	call_once(&c11_once, init_once);
	usleep(20000);
}

int main(void)
{
	mutexes();
	rwlocks_and_spins();
	conds();
	semaphores_and_barriers();
	queues();
	threads();
	printf("{\"inits\": %d}\n", inits);
	return 0;
}
