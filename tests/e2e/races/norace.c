// SPDX-License-Identifier: MIT
// norace.c MODE - race-free patterns, one per synchronization kind, built
// with `ctrace cc`: `ctrace report` must find no race in any of them.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>

#define ITERS 1000
#define NT 4

static int counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static pthread_barrier_t bar;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int table[NT];
static int data, data2;
static atomic_int ready;
static atomic_int ready2;
static int once_value;
static long sum;

static void run(int n, void *(*fn)(void *))
{
	pthread_t t[NT];
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, fn, (void *)i);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* mutex: a counter every thread increments under one mutex */
static void *mutex_fn(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

/* rwlock: thread 0 writes, the others read, each under the rwlock */
static void *rwlock_fn(void *arg)
{
	long id = (long)arg, seen = 0;
	for (int i = 0; i < ITERS; i++) {
		if (id == 0) {
			pthread_rwlock_wrlock(&rw);
			counter++;
			table[i % NT] = i;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			seen += counter + table[i % NT];	/* reads only */
			pthread_rwlock_unlock(&rw);
		}
	}
	return (void *)seen;
}

/* cond: producer fills a one-slot buffer, consumer empties it */
static int slot, slot_full;
static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ITERS; i++) {
		pthread_mutex_lock(&mu);
		while (slot_full)
			pthread_cond_wait(&cv, &mu);
		slot = i;
		slot_full = 1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}
static void *consumer(void *arg)
{
	(void)arg;
	long s = 0;
	for (int i = 1; i <= ITERS; i++) {
		pthread_mutex_lock(&mu);
		while (!slot_full)
			pthread_cond_wait(&cv, &mu);
		s += slot;
		slot_full = 0;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	counter = (int)s;
	return NULL;
}

/* sem: a plain write, sem_post; the other thread sem_wait then reads */
static void *sem_writer(void *arg)
{
	(void)arg;
	data = 42;
	sem_post(&sem);
	return NULL;
}
static void *sem_reader(void *arg)
{
	(void)arg;
	sem_wait(&sem);
	counter = data;
	return NULL;
}

/* barrier: phase 1 each thread writes its slot, phase 2 reads the others' */
static void *barrier_fn(void *arg)
{
	long id = (long)arg;
	for (int round = 0; round < 10; round++) {
		table[id] = round * 10 + (int)id;
		pthread_barrier_wait(&bar);
		int s = 0;
		for (int i = 0; i < NT; i++)
			s += table[i];
		pthread_barrier_wait(&bar);
		if (id == 0)
			counter += s;
	}
	return NULL;
}

/* create/join: written before create, read in the thread; written in the thread, read after join */
static void *create_join_fn(void *arg)
{
	(void)arg;
	data2 = data + 1;
	return NULL;
}

/* once */
static void init_once(void)
{
	once_value = 7;
}
static void *once_fn(void *arg)
{
	(void)arg;
	pthread_once(&once, init_once);
	table[(long)arg] = once_value;
	return NULL;
}

/* atomics: release/acquire message passing */
static void *mp_writer(void *arg)
{
	(void)arg;
	data = 42;
	atomic_store_explicit(&ready, 1, memory_order_release);
	return NULL;
}
static void *mp_reader(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&ready, memory_order_acquire))
		;
	counter = data;
	return NULL;
}

/* a spin on one load that reads the same value from two stores, a relaxed
 * one and then, after data, a release one: the loads after the release
 * must be recorded although they repeat the last one (the shim merges a
 * repeated load only while no store comes between). The handshake is not
 * instrumented, so it orders nothing. */
#ifdef __clang__
#define UNSEEN __attribute__((noinline, disable_sanitizer_instrumentation))
#else
#define UNSEEN __attribute__((noinline, no_sanitize("thread")))
#endif
static volatile int unseen_spins, unseen_done;
static UNSEEN void unseen_set(volatile int *p, int v)
{
	*p = v;
}
static UNSEEN int unseen_get(volatile int *p)
{
	return *p;
}
/* The writer of both waits: a relaxed store of FIRST, then, once the reader
 * spun on it, the data and a release store of THEN. */
struct handover {
	atomic_int *word;
	int first, then;
};
static void *handover_writer(void *arg)
{
	const struct handover *h = arg;
	atomic_store_explicit(h->word, h->first, memory_order_relaxed);
	while (unseen_get(&unseen_spins) < 1000)
		;
	data = 42;
	atomic_store_explicit(h->word, h->then, memory_order_release);
	unseen_set(&unseen_done, 1);
	return NULL;
}
static struct handover same_value = { &ready, 1, 1 };
/* ARG 1: work (instrumented accesses of its own) between the loads, so
 * that no load repeats the last record: the shim merges them by what the
 * thread acquired already, until the store comes. */
static int reader_work[64];
static void *same_value_reader(void *arg)
{
	int spins = 0, done;
	do {
		done = unseen_get(&unseen_done);
		if (atomic_load_explicit(&ready, memory_order_acquire))
			unseen_set(&unseen_spins, ++spins);
		if (arg)
			reader_work[spins % 64] += spins;
	} while (!done);
	counter = data;
	return NULL;
}

/* the same wait made by a compare-exchange that keeps failing (as libuv's
 * spin): its failures are loads, merged until the release store, after
 * which the one that sees 6 acquires */
static atomic_int cas_word;
static struct handover cas_value = { &cas_word, 5, 6 };
static void *cas_value_reader(void *arg)
{
	(void)arg;
	int spins = 0, seen;
	do {
		seen = 1;
		if (atomic_compare_exchange_strong_explicit(&cas_word, &seen, 2, memory_order_acquire,
							    memory_order_acquire))
			abort();   /* never 1 */
		if (seen == 5)
			unseen_set(&unseen_spins, ++spins);
	} while (seen != 6);
	counter = data;
	return NULL;
}

/* a mapping reused: one thread maps a buffer at a fixed place, fills it
 * and unmaps it; then another maps the same place and fills it. Nothing
 * orders the two (the handshake is not instrumented): the second mapping
 * is new memory, not a race with the first. */
#define MAP_AT ((void *)0x7e0000000000ull)
#define MAP_LEN (64 << 10)
static long map_sum[2];   /* each thread's */
static void fill_mapping(int v)
{
	int *p = mmap(MAP_AT, MAP_LEN, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != MAP_AT)
		abort();
	for (int i = 0; i < MAP_LEN / (int)sizeof(int); i++)
		p[i] = v;
	long s = 0;
	for (int i = 0; i < MAP_LEN / (int)sizeof(int); i += 1024)
		s += p[i];
	map_sum[v - 1] = s;
	munmap(p, MAP_LEN);
}
static void *map_first(void *arg)
{
	(void)arg;
	fill_mapping(1);
	unseen_set(&unseen_done, 1);
	return NULL;
}
static void *map_second(void *arg)
{
	(void)arg;
	while (!unseen_get(&unseen_done))
		;
	fill_mapping(2);
	return NULL;
}

/* a thread loads a flag nobody stores 100000 times and ends with no access
 * after: all but the first load are merged, and all of those counted. The
 * loads' sum is its return value (a register: no access; unused, clang
 * drops the loads). */
#define MERGED_LOADS 100000
static void *merged_loader(void *arg)
{
	uintptr_t sum = (uintptr_t)arg;
	for (int i = 0; i < MERGED_LOADS; i++)
		sum += (uintptr_t)atomic_load_explicit(&ready, memory_order_acquire) + 1;
	return (void *)sum;
}

/* seq_cst: plain operators on an _Atomic are seq_cst */
static void *sc_writer(void *arg)
{
	(void)arg;
	data = 42;
	ready = 1;
	return NULL;
}
static void *sc_reader(void *arg)
{
	(void)arg;
	while (!ready)
		;
	counter = data;
	return NULL;
}

/* fences: release fence + relaxed store, relaxed load + acquire fence */
static void *fence_writer(void *arg)
{
	(void)arg;
	data = 42;
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&ready, 1, memory_order_relaxed);
	return NULL;
}
static void *fence_reader(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&ready, memory_order_relaxed))
		;
	atomic_thread_fence(memory_order_acquire);
	counter = data;
	return NULL;
}

/* spinlock: a test-and-set lock on atomic_flag, and pthread_spin */
static atomic_flag spin = ATOMIC_FLAG_INIT;
static pthread_spinlock_t pspin;
static void *spin_fn(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
			;
		counter++;
		atomic_flag_clear_explicit(&spin, memory_order_release);
		pthread_spin_lock(&pspin);
		data++;
		pthread_spin_unlock(&pspin);
	}
	return NULL;
}

/* heap handoff: blocks allocated in one thread, queued under a mutex,
 * written, read and freed in another */
struct node {
	struct node *next;
	int payload[6];
};
static struct node *queue_head;
static int queue_done;
static void *heap_producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		struct node *n = malloc(sizeof *n);
		for (int j = 0; j < 6; j++)
			n->payload[j] = i + j;
		pthread_mutex_lock(&mu);
		n->next = queue_head;
		queue_head = n;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	queue_done = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}
static void *heap_consumer(void *arg)
{
	(void)arg;
	long s = 0;
	int got = 0;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!queue_head && !queue_done)
			pthread_cond_wait(&cv, &mu);
		struct node *n = queue_head;
		if (n)
			queue_head = n->next;
		pthread_mutex_unlock(&mu);
		if (!n)
			break;
		for (int j = 0; j < 6; j++)
			s += n->payload[j];
		n->payload[0] = -1;
		free(n);
		got++;
	}
	counter = got;
	sum = s;
	return NULL;
}

/* detached_stack: detached threads one after another, nothing ordering
 * one's end before the next's start (a relaxed flag and the kernel's
 * word that it is gone): glibc gives the next one the same stack, and
 * its locals are at the same addresses as the last one's. */
static atomic_int det_done;
static _Atomic uintptr_t det_local;

__attribute__((noinline)) static int det_fill(int *v, int n, int seed)
{
	for (int i = 0; i < n; i++)
		v[i] = seed + i;
	int s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

static void *detached_fn(void *arg)
{
	int local[32];
	det_fill(local, 32, (int)(long)arg);
	atomic_store_explicit(&det_local, (uintptr_t)local, memory_order_relaxed);
	atomic_store_explicit(&det_done, 1, memory_order_relaxed);
	return NULL;
}

/* The threads of this process, from /proc (no synchronization). */
static int task_count(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* detached_dtls: the same, each thread writing the dynamic TLS of a
 * library loaded with dlopen (RACE_LIB, dtls_lib.c): glibc frees the
 * ended thread's block in the pthread_create that reuses its stack,
 * ordered by its own lock; not the program's write (libtsan ignores
 * what pthread_create does too). */
static int (*dtls_fill)(int seed);

static void *detached_dtls_fn(void *arg)
{
	int local = dtls_fill((int)(long)arg);
	atomic_store_explicit(&det_local, (uintptr_t)&local, memory_order_relaxed);
	atomic_store_explicit(&det_done, 1, memory_order_relaxed);
	return NULL;
}

static int detached_stacks(int threads, void *(*fn)(void *))
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	int base = task_count(), reused = 0;
	uintptr_t last = 0;
	for (int i = 0; i < threads; i++) {
		atomic_store_explicit(&det_done, 0, memory_order_relaxed);
		pthread_t t;
		if (pthread_create(&t, &a, fn, (void *)(long)i))
			return -1;
		while (!atomic_load_explicit(&det_done, memory_order_relaxed))
			usleep(1000);
		for (int w = 0; task_count() > base && w < 10000; w++)
			usleep(1000);
		uintptr_t at = atomic_load_explicit(&det_local, memory_order_relaxed);
		reused += at == last;
		last = at;
	}
	pthread_attr_destroy(&a);
	return reused;
}

/* wide_readers: many threads alive at once, each reading a shared array
 * twice in one interval (20000 distinct reads: the largest table):
 * the tables all threads grow share a budget, so past it a thread's
 * table starts over instead (its second pass is kept again), and memory
 * stays bounded. Ends after all are done (a barrier), so all are alive. */
#define WIDE_READERS 160
#define WIDE_N 20000
static int wide[WIDE_N];
static pthread_barrier_t wide_bar;
static void *wide_reader(void *arg)
{
	(void)arg;
	long s = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < WIDE_N; i++)
			s += ((volatile int *)wide)[i];
	pthread_barrier_wait(&wide_bar);
	return (void *)s;
}
static int wide_readers(void)
{
	pthread_t t[WIDE_READERS];
	for (int i = 0; i < WIDE_N; i++)
		wide[i] = 1;
	pthread_barrier_init(&wide_bar, NULL, WIDE_READERS);
	for (int i = 0; i < WIDE_READERS; i++)
		pthread_create(&t[i], NULL, wide_reader, NULL);
	int ok = 0;
	for (int i = 0; i < WIDE_READERS; i++) {
		void *s;
		pthread_join(t[i], &s);
		ok += (long)s == 2 * WIDE_N;
	}
	pthread_barrier_destroy(&wide_bar);
	return ok;
}

/* alloc_slack: T1 frees a 2000-byte block with no order to main (a
 * relaxed flag); main's malloc(1990) gets the same chunk (above the
 * per-thread cache's sizes: from the bins), and main writes all its
 * usable size, as glibc allows (redis's listpacks do). The bytes past
 * 1990 are main's new memory too, not a race with T1's free. */
static char *slack_victim;
static atomic_int slack_freed;
static void *slack_freer(void *arg)
{
	(void)arg;
	free(slack_victim);
	atomic_store_explicit(&slack_freed, 1, memory_order_relaxed);
	return NULL;
}
/* ignored_alloc: main makes a block between AnnotateIgnoreWritesBegin and
 * End (written by no one it tells of) and hands it over with a relaxed
 * store; T1 writes it. Not a race with the allocation, as TSan takes it. */
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);
static _Atomic(int *) ignored_block;
static void *ignored_writer(void *arg)
{
	(void)arg;
	int *p;
	while (!(p = atomic_load_explicit(&ignored_block, memory_order_relaxed)))
		;
	*p = 42;
	return NULL;
}

/* Threads resolving names at once: glibc's getaddrinfo caches its
 * interface list among threads under its own lock and an atomic count
 * (it frees one thread's block in another): not the program's accesses. */
static void *resolve_many(void *arg)
{
	for (int i = 0; i < 50; i++) {
		struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_ADDRCONFIG }, *res;
		if (getaddrinfo("localhost", "80", &hints, &res) == 0)
			freeaddrinfo(res);
	}
	return arg;
}

static int getaddrinfo_threads(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, resolve_many, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 42;
}

/* A thread writes and frees blocks and ends; another, ordered after it
 * by nothing (a relaxed flag main sets once it joined the first), then
 * gets blocks of the same size and writes them: an allocator of its own
 * (tcmalloc, run with it preloaded) hands it the first thread's memory,
 * and its calloc clears that memory itself (not the program's write). */
#define REUSE_BLOCKS 64
static atomic_int first_gone;

static void *write_and_free(void *arg)
{
	for (int i = 0; i < REUSE_BLOCKS; i++) {
		char *p = malloc(152);
		memset(p, 1, 152);
		free(p);
	}
	return arg;
}

static void *reuse_blocks(void *arg)
{
	while (!atomic_load_explicit(&first_gone, memory_order_relaxed))
		sched_yield();
	char *keep[REUSE_BLOCKS];
	long sum = 0;
	for (int i = 0; i < REUSE_BLOCKS; i++) {
		keep[i] = calloc(1, 152);
		sum += keep[i][0];
		keep[i][5] = 2;
	}
	for (int i = 0; i < REUSE_BLOCKS; i++)
		free(keep[i]);
	return (void *)sum;
}

static int allocator_reuse(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, write_and_free, NULL);
	pthread_create(&b, NULL, reuse_blocks, NULL);
	pthread_join(a, NULL);
	atomic_store_explicit(&first_gone, 1, memory_order_relaxed);
	void *sum;
	pthread_join(b, &sum);
	return sum == NULL ? 42 : 0;
}

static int ignored_alloc(void)
{
	pthread_t t;
	pthread_create(&t, NULL, ignored_writer, NULL);
	AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
	int *p = malloc(sizeof *p);
	AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
	atomic_store_explicit(&ignored_block, p, memory_order_relaxed);
	pthread_join(t, NULL);
	int v = *p;
	free(p);
	return v;
}

/* stdio_lock: a stream's lock taken by the program (flockfile,
 * ftrylockfile, funlockfile) orders what it guards, as a mutex: main
 * counts under stdout's lock, then T1 (after a relaxed flag, which orders
 * nothing) under it too, once by ftrylockfile's success. */
static int stdio_count;
static atomic_int stdio_turn;
static void *stdio_peer(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stdio_turn, memory_order_relaxed))
		;
	flockfile(stdout);
	stdio_count++;
	funlockfile(stdout);
	while (ftrylockfile(stdout) != 0)
		;
	stdio_count++;
	funlockfile(stdout);
	return NULL;
}

static int stdio_lock(void)
{
	pthread_t t;
	pthread_create(&t, NULL, stdio_peer, NULL);
	flockfile(stdout);
	stdio_count += 40;
	funlockfile(stdout);
	atomic_store_explicit(&stdio_turn, 1, memory_order_relaxed);
	pthread_join(t, NULL);
	return stdio_count;
}

/* pipe_buffers: the buffers a pipe's write and read take are accesses of
 * the program: main fills one and writes it, T1 reads into its own, then
 * reuses main's (ordered: main's buffer was read before the write
 * released), and writes back into a second pipe that main reads into the
 * first buffer again. */
static char pipe_out[64], pipe_in[64];
static volatile size_t pipe_len = 64;   /* gcc expands a memset of a known size uninstrumented */
static int pipe_there[2], pipe_back[2];
static void *pipe_peer(void *arg)
{
	(void)arg;
	if (read(pipe_there[0], pipe_in, sizeof pipe_in) != sizeof pipe_in)
		return NULL;
	memset(pipe_out, 2, pipe_len);   /* main's buffer, handed over */
	pipe_in[0] = (char)(pipe_in[0] + pipe_out[0]);
	if (write(pipe_back[1], pipe_in, sizeof pipe_in) != sizeof pipe_in)
		return NULL;
	return NULL;
}

static int pipe_buffers(void)
{
	if (pipe(pipe_there) || pipe(pipe_back))
		return -1;
	pthread_t t;
	pthread_create(&t, NULL, pipe_peer, NULL);
	memset(pipe_out, 40, pipe_len);
	if (write(pipe_there[1], pipe_out, sizeof pipe_out) != sizeof pipe_out)
		return -1;
	if (read(pipe_back[0], pipe_out, sizeof pipe_out) != sizeof pipe_out)
		return -1;
	pthread_join(t, NULL);
	return pipe_out[0];   /* 40 + 2 */
}

/* mq_pingpong: two threads take turns on a buffer, handing the turn over
 * through two message queues; each side mostly finds the other blocked in
 * mq_receive, which the real mq_send wakes before it returns. */
#define MQ_ROUNDS 300
static mqd_t mq_there, mq_back;
static int mq_buf[8];
static void *mq_peer(void *arg)
{
	(void)arg;
	long sum = 0;
	char c;
	for (int r = 0; r < MQ_ROUNDS; r++) {
		if (mq_receive(mq_there, &c, 8, NULL) < 0)
			return NULL;
		for (int i = 0; i < 8; i++) {
			sum += mq_buf[i];
			mq_buf[i] = 0;
		}
		if (mq_send(mq_back, &c, 1, 0))
			return NULL;
	}
	return (void *)sum;
}

static int mq_pingpong(void)
{
	char there[64], back[64];
	snprintf(there, sizeof there, "/ctrace_norace_a_%d", (int)getpid());
	snprintf(back, sizeof back, "/ctrace_norace_b_%d", (int)getpid());
	struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 8 };
	mq_there = mq_open(there, O_CREAT | O_RDWR, 0600, &at);
	mq_back = mq_open(back, O_CREAT | O_RDWR, 0600, &at);
	mq_unlink(there);
	mq_unlink(back);
	if (mq_there == (mqd_t)-1 || mq_back == (mqd_t)-1)
		return -1;
	pthread_t t;
	pthread_create(&t, NULL, mq_peer, NULL);
	char c = 1;
	for (int r = 0; r < MQ_ROUNDS; r++) {
		for (int i = 0; i < 8; i++)
			mq_buf[i] = 1;
		if (mq_send(mq_there, &c, 1, 0) || mq_receive(mq_back, &c, 8, NULL) < 0)
			return -1;
	}
	void *sum;
	pthread_join(t, &sum);
	mq_close(mq_there);
	mq_close(mq_back);
	return (int)(intptr_t)sum;
}

/* handler_plain, handler_siginfo, handler_signal, handler_resethand: main
 * writes a global, installs a handler (sigaction, with SA_SIGINFO,
 * signal(), SA_RESETHAND), and sends the signal to T1 (pthread_kill), on
 * which the handler reads the global: ordered after the install, as TSan
 * orders it. The program reads its own handler back, never the shim's. */
static int handler_global;
static atomic_int handler_seen;
static pthread_t handler_thread;
static void handler_plain(int sig)
{
	(void)sig;
	atomic_store_explicit(&handler_seen, handler_global, memory_order_relaxed);
}

static void handler_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si && si->si_signo == sig)
		handler_plain(sig);
}

static void *handler_target(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&handler_seen, memory_order_relaxed))
		usleep(1000);   /* the signal lands here */
	return NULL;
}

static int signal_handler_order(const char *how)
{
	pthread_create(&handler_thread, NULL, handler_target, NULL);
	handler_global = 42;
	struct sigaction act, back;
	memset(&act, 0, sizeof act);
	sigemptyset(&act.sa_mask);
	int shown;
	if (!strcmp(how, "handler_signal")) {
		shown = signal(SIGUSR2, handler_plain) == SIG_DFL;
	} else {
		if (!strcmp(how, "handler_siginfo")) {
			act.sa_flags = SA_SIGINFO;
			act.sa_sigaction = handler_info;
		} else {
			act.sa_flags = !strcmp(how, "handler_resethand") ? SA_RESETHAND : 0;
			act.sa_handler = handler_plain;
		}
		shown = sigaction(SIGUSR2, &act, NULL) == 0;
	}
	sigaction(SIGUSR2, NULL, &back);
	if (!strcmp(how, "handler_siginfo"))
		shown &= (back.sa_flags & SA_SIGINFO) && back.sa_sigaction == handler_info;
	else
		shown &= !(back.sa_flags & SA_SIGINFO) && back.sa_handler == handler_plain;
	pthread_kill(handler_thread, SIGUSR2);
	pthread_join(handler_thread, NULL);
	sigaction(SIGUSR2, NULL, &back);   /* reset by the kernel, or still there */
	shown &= !strcmp(how, "handler_resethand") ? back.sa_handler == SIG_DFL
						    : back.sa_handler != SIG_DFL;
	return shown ? atomic_load_explicit(&handler_seen, memory_order_relaxed) : -1;
}

/* annotated_rwlock: a lock annotated as a reader-writer lock
 * (AnnotateRWLock*): T1 writes under it as a writer, T2 then reads under
 * it as a reader, T1 then writes again as a writer (the turns taken by
 * relaxed flags, which order nothing): the writer's release orders the
 * reader, the reader's release the next writer. */
void AnnotateRWLockAcquired(const char *f, int l, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *f, int l, const volatile void *lock, long is_w);
static long rw_annotated;
static int rw_value;
static atomic_int rw_turn;
static void *rw_reader(void *arg)
{
	(void)arg;
	while (atomic_load_explicit(&rw_turn, memory_order_relaxed) != 1)
		;
	AnnotateRWLockAcquired(__FILE__, __LINE__, &rw_annotated, 0);
	int v = rw_value;
	AnnotateRWLockReleased(__FILE__, __LINE__, &rw_annotated, 0);
	atomic_store_explicit(&rw_turn, 2, memory_order_relaxed);
	return (void *)(intptr_t)v;
}

static int annotated_rwlock(void)
{
	pthread_t t;
	pthread_create(&t, NULL, rw_reader, NULL);
	AnnotateRWLockAcquired(__FILE__, __LINE__, &rw_annotated, 1);
	rw_value = 20;
	AnnotateRWLockReleased(__FILE__, __LINE__, &rw_annotated, 1);
	atomic_store_explicit(&rw_turn, 1, memory_order_relaxed);
	while (atomic_load_explicit(&rw_turn, memory_order_relaxed) != 2)
		;
	AnnotateRWLockAcquired(__FILE__, __LINE__, &rw_annotated, 1);
	rw_value += 22;
	AnnotateRWLockReleased(__FILE__, __LINE__, &rw_annotated, 1);
	void *seen;
	pthread_join(t, &seen);
	return (intptr_t)seen == 20 ? rw_value : -1;
}

/* signal_thread, signal_process: a block handed over by a signal. T1
 * makes a block (written by its allocation) and writes it, leaves it in a
 * global with a relaxed store, and sends SIGUSR1 (blocked in every
 * thread) to T2 (pthread_kill) or to the process (kill); T2 waits for it
 * (sigwait, sigtimedwait), then reads and writes the block. */
static _Atomic(int *) signalled;
static pthread_t signal_receiver;
static int signal_by_kill;
static void *signal_sender(void *arg)
{
	(void)arg;
	int *p = malloc(4 * sizeof *p);
	p[0] = 40;
	atomic_store_explicit(&signalled, p, memory_order_relaxed);
	if (signal_by_kill)
		kill(getpid(), SIGUSR1);
	else
		pthread_kill(signal_receiver, SIGUSR1);
	return NULL;
}
static void *signal_waiter(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	int sig = 0;
	if (signal_by_kill)
		sig = sigtimedwait(&set, NULL, &(struct timespec){ 60, 0 });
	else
		sigwait(&set, &sig);
	int *p = atomic_load_explicit(&signalled, memory_order_relaxed);
	p[1] = 2;
	int v = sig == SIGUSR1 ? p[0] + p[1] : -1;
	free(p);
	return (void *)(intptr_t)v;
}
static int signal_handoff(int by_kill)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);   /* inherited by both */
	signal_by_kill = by_kill;
	pthread_t sender;
	void *v;
	pthread_create(&signal_receiver, NULL, signal_waiter, NULL);
	pthread_create(&sender, NULL, signal_sender, NULL);
	pthread_join(sender, NULL);
	pthread_join(signal_receiver, &v);
	return (int)(intptr_t)v;
}

/* mutex_reused: a heap mutex destroyed and freed; malloc gives its block
 * back for a counter the threads add to with atomics: a new object, not
 * a use of the destroyed mutex. Returns the count if the block was the
 * mutex's, -1 if not. */
static atomic_int *reused_counter;
static void *reused_adder(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++)
		atomic_fetch_add(reused_counter, 1);
	return NULL;
}
static int mutex_reused(void)
{
	pthread_mutex_t *m = malloc(sizeof *m);
	pthread_mutex_init(m, NULL);
	pthread_mutex_lock(m);
	pthread_mutex_unlock(m);
	pthread_mutex_destroy(m);
	uintptr_t was = (uintptr_t)m;
	free(m);
	reused_counter = malloc(sizeof *m);
	atomic_init(reused_counter, 0);
	run(2, reused_adder);
	int n = (uintptr_t)reused_counter == was ? atomic_load(reused_counter) : -1;
	free(reused_counter);
	return n;
}

static int alloc_slack(void)
{
	slack_victim = malloc(2000);
	memset(slack_victim, 1, 2000);
	void *guard = malloc(100);   /* keeps the chunk from the top */
	uintptr_t was = (uintptr_t)slack_victim;
	pthread_t t;
	pthread_create(&t, NULL, slack_freer, NULL);
	while (!atomic_load_explicit(&slack_freed, memory_order_relaxed))
		usleep(1000);
	char *p = malloc(1990);
	size_t usable = malloc_usable_size(p);
	memset(p, 3, usable);
	pthread_join(t, NULL);
	int reused = (uintptr_t)p == was && usable > 1990;
	free(p);
	free(guard);
	return reused;
}

/* block_reuse: the producer writes a block, frees it and gets it back
 * from malloc at once (glibc's per-thread cache), writes the same bytes
 * (merged by the shim with the first writes: one interval), and hands it
 * over with a release store; the consumer reads it after an acquire load,
 * frees it and says so. The allocation stands for the merged writes, and
 * is ordered before the consumer's reads: no race. */
static _Atomic(struct node *) handed;
static void *reuse_producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		struct node *scratch = malloc(sizeof *scratch);
		for (int j = 0; j < 6; j++)
			scratch->payload[j] = -j;
		sum += scratch->payload[5];
		free(scratch);
		struct node *n = malloc(sizeof *n);
		for (int j = 0; j < 6; j++)
			n->payload[j] = i + j;
		atomic_store_explicit(&handed, n, memory_order_release);
		while (atomic_load_explicit(&handed, memory_order_acquire))
			;
	}
	return NULL;
}
static void *reuse_consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		struct node *n;
		while (!(n = atomic_load_explicit(&handed, memory_order_acquire)))
			;
		if (n->payload[1] == i + 1)
			counter++;
		free(n);
		atomic_store_explicit(&handed, NULL, memory_order_release);
	}
	return NULL;
}

static void pair_with(void *(*a)(void *), void *a_arg, void *(*b)(void *), void *b_arg)
{
	pthread_t ta, tb;
	pthread_create(&tb, NULL, b, b_arg);
	pthread_create(&ta, NULL, a, a_arg);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
}

static void *pair(void *(*a)(void *), void *(*b)(void *))
{
	pair_with(a, (void *)0L, b, (void *)1L);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	int expect;
	if (!strcmp(m, "mutex")) {
		run(NT, mutex_fn);
		expect = NT * ITERS;
	} else if (!strcmp(m, "rwlock")) {
		run(NT, rwlock_fn);
		expect = ITERS;
	} else if (!strcmp(m, "cond")) {
		pair(producer, consumer);
		expect = ITERS * (ITERS + 1) / 2;
	} else if (!strcmp(m, "sem")) {
		sem_init(&sem, 0, 0);
		pair(sem_writer, sem_reader);
		sem_destroy(&sem);
		expect = 42;
	} else if (!strcmp(m, "barrier")) {
		pthread_barrier_init(&bar, NULL, NT);
		run(NT, barrier_fn);
		pthread_barrier_destroy(&bar);
		expect = 0;
		for (int r = 0; r < 10; r++)
			expect += 40 * r + 6;
	} else if (!strcmp(m, "create_join")) {
		data = 41;
		pthread_t t;
		pthread_create(&t, NULL, create_join_fn, NULL);
		pthread_join(t, NULL);
		counter = data2;
		expect = 42;
	} else if (!strcmp(m, "once")) {
		run(NT, once_fn);
		counter = table[0] + table[NT - 1];
		expect = 14;
	} else if (!strcmp(m, "release_acquire")) {
		pair(mp_writer, mp_reader);
		expect = 42;
	} else if (!strcmp(m, "spin_same_value")) {
		pair_with(handover_writer, &same_value, same_value_reader, NULL);
		expect = 42;
	} else if (!strcmp(m, "poll_same_value")) {
		pair_with(handover_writer, &same_value, same_value_reader, (void *)1L);
		expect = 42;
	} else if (!strcmp(m, "cas_spin")) {
		pair_with(handover_writer, &cas_value, cas_value_reader, NULL);
		expect = 42;
	} else if (!strcmp(m, "merged_count")) {
		pthread_t t;
		void *sum;
		pthread_create(&t, NULL, merged_loader, NULL);
		pthread_join(t, &sum);
		counter = (int)(uintptr_t)sum;
		expect = MERGED_LOADS;
	} else if (!strcmp(m, "mmap_reuse")) {
		pair(map_first, map_second);
		counter = (int)(map_sum[0] + map_sum[1]);
		expect = 16 + 32;
	} else if (!strcmp(m, "seq_cst")) {
		pair(sc_writer, sc_reader);
		expect = 42;
	} else if (!strcmp(m, "fence")) {
		pair(fence_writer, fence_reader);
		expect = 42;
	} else if (!strcmp(m, "spinlock")) {
		pthread_spin_init(&pspin, PTHREAD_PROCESS_PRIVATE);
		run(NT, spin_fn);
		pthread_spin_destroy(&pspin);
		expect = NT * ITERS;
		if (data != expect)
			return 1;
	} else if (!strcmp(m, "heap_handoff")) {
		pair(heap_producer, heap_consumer);
		expect = ITERS;
	} else if (!strcmp(m, "wide_readers")) {
		counter = wide_readers();
		expect = WIDE_READERS;
	} else if (!strcmp(m, "alloc_slack")) {
		counter = alloc_slack();   /* 1: the chunk was reused, with slack */
		expect = 1;
	} else if (!strcmp(m, "signal_thread") || !strcmp(m, "signal_process")) {
		counter = signal_handoff(!strcmp(m, "signal_process"));
		expect = 42;
	} else if (!strcmp(m, "stdio_lock")) {
		counter = stdio_lock();
		expect = 42;
	} else if (!strcmp(m, "mq_pingpong")) {
		counter = mq_pingpong();
		expect = 8 * MQ_ROUNDS;
	} else if (!strcmp(m, "pipe_buffers")) {
		counter = pipe_buffers();
		expect = 42;
	} else if (!strncmp(m, "handler_", 8)) {
		counter = signal_handler_order(m);
		expect = 42;
	} else if (!strcmp(m, "annotated_rwlock")) {
		counter = annotated_rwlock();
		expect = 42;
	} else if (!strcmp(m, "allocator_reuse")) {
		counter = allocator_reuse();
		expect = 42;
	} else if (!strcmp(m, "getaddrinfo")) {
		counter = getaddrinfo_threads();
		expect = 42;
	} else if (!strcmp(m, "ignored_alloc")) {
		counter = ignored_alloc();
		expect = 42;
	} else if (!strcmp(m, "mutex_reused")) {
		counter = mutex_reused();
		expect = 2 * ITERS;
	} else if (!strcmp(m, "block_reuse")) {
		pair(reuse_producer, reuse_consumer);
		expect = ITERS;
	} else if (!strcmp(m, "detached_stack")) {
		counter = detached_stacks(6, detached_fn);   /* each stack the last one's */
		expect = 5;
	} else if (!strcmp(m, "detached_dtls")) {
		void *lib = getenv("RACE_LIB") ? dlopen(getenv("RACE_LIB"), RTLD_NOW) : NULL;
		if (!lib || !(dtls_fill = (int (*)(int))dlsym(lib, "dtls_fill")))
			return 2;
		counter = detached_stacks(6, detached_dtls_fn);
		expect = 5;
	} else {
		fprintf(stderr, "usage: norace MODE\n");
		return 2;
	}
	printf("{\"mode\": \"%s\", \"counter\": %d, \"expect\": %d}\n", m, counter, expect);
	return counter == expect ? 0 : 1;
}
