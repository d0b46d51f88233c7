/* SPDX-License-Identifier: MIT */
/* tsan_record.c - the recording side of `ctrace cc` programs, driven
 * directly: the hooks' functions (shim/tsan_record.h) are looked up in the
 * preloaded shim and called as the __tsan_* entry points would. Each step
 * marks its start with a distinctive access so tsan_record_check.c can find
 * it in the trace; the last line of stdout gives the addresses used. */
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define W 1u
#define RANGE 4u

static void (*init)(uintptr_t);   /* a pc of the instrumented module */
static void (*entry_at)(uintptr_t, uintptr_t);
static void (*leave)(void);
static void (*access_)(uintptr_t, const volatile void *, size_t, unsigned);
static uint64_t (*atomic_begin)(const volatile void *);
static void (*atomic_end)(uint64_t, uintptr_t, const volatile void *, unsigned, int, unsigned);
static void (*fence)(uintptr_t, int);
static void (*annotate)(uintptr_t, unsigned, const volatile void *, size_t, const char *);
static void (*ignore)(_Bool);

static uint32_t x, y;
static uint64_t z, counter;
static char src[100], dst[100];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static jmp_buf jb;

static void *sym(const char *name)
{
	void *p = dlsym(RTLD_DEFAULT, name);
	if (!p) {
		fprintf(stderr, "%s: not found (is the shim preloaded?)\n", name);
		exit(77);
	}
	return p;
}

/* A function entry at PC, its frame the caller's (as the entry hook's
 * frame address is). */
static inline __attribute__((always_inline)) void entry(uintptr_t pc)
{
	entry_at(pc, (uintptr_t)__builtin_frame_address(0));
}

/* Between steps: a lock and an unlock end the interval. */
static void step(void)
{
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
}

/* Step 1: one interval keeps the first read and the first write of each
 * (address, size); the lock ends it. */
static __attribute__((noinline)) void intervals(void)
{
	entry(0xA0);
	access_(0x101, &x, 4, W);
	access_(0x102, &x, 4, 0);
	access_(0x103, &x, 4, W);  /* merged */
	access_(0x104, &x, 1, 0);  /* another size: kept */
	access_(0x105, &x, 4, 0);  /* merged */
	pthread_mutex_lock(&m);
	access_(0x106, &x, 4, W);  /* a new interval */
	pthread_mutex_unlock(&m);
	leave();
}

/* Step 2: stacks of nested calls; a longjmp skips two exits, and the
 * next call at the same level finds the stack as it really is. */
static __attribute__((noinline)) void deep2(void)
{
	entry(0xC2);
	access_(0x201, &y, 4, W);
	longjmp(jb, 1);
}

static __attribute__((noinline)) void level1(int jump)
{
	entry(jump ? 0xC1 : 0xD1);
	if (jump)
		deep2();
	access_(0x202, &y, 4, 0);
	leave();
}

/* Step 3: deeper than the shadow stack's bound, and back. */
static __attribute__((noinline)) void recurse(int n)
{
	entry(0xE0 + (n == 0));
	if (n)
		recurse(n - 1);
	else
		access_(0x301, &z, 8, W);
	leave();
}

/* Step 4: a relaxed atomic does not end the interval, a release does. */
static void atomics(void)
{
	access_(0x401, &z, 8, W);
	uint64_t tok = atomic_begin(&counter);
	__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	atomic_end(tok, 0x402, &counter, 3, 0, 8);
	access_(0x403, &z, 8, W);  /* merged: same interval */
	tok = atomic_begin(&counter);
	__atomic_store_n(&counter, 5, __ATOMIC_RELEASE);
	atomic_end(tok, 0x404, &counter, 2, 3, 8);
	access_(0x405, &z, 8, W);  /* kept: a new interval */
	fence(0x406, 5);
	annotate(0x407, 3, &z, 8, "benign");
}

/* Step 5: heap blocks and string functions, ignored accesses. */
static void library(void)
{
	access_(0x501, &x, 2, W);  /* marks the step */
	char *p = malloc(24);
	memset(p, 1, 24);
	free(p);
	memset(src, 'a', sizeof src - 1);
	memcpy(dst, src, sizeof dst);
	ignore(1);
	access_(0x502, &y, 2, W);  /* not recorded */
	ignore(0);
	access_(0x503, &y, 1, W);
}

/* Step 6: two threads' atomic operations on one location. */
static void *adder(void *arg)
{
	entry(0xF0);
	for (int i = 0; i < 2000; i++) {
		uint64_t tok = atomic_begin(&counter);
		__atomic_fetch_add(&counter, 1, __ATOMIC_ACQ_REL);
		atomic_end(tok, 0x601, &counter, 3, 4, 8);
	}
	leave();
	return arg;
}

/* Step 7: a signal handler's accesses while the thread records. */
static volatile sig_atomic_t signalled;
static void handler(int sig)
{
	(void)sig;
	access_(0x701, &y, 4, W);
	signalled = 1;
}

int main(void)
{
	init = sym("tsan_record_init");
	entry_at = sym("tsan_record_func_entry");
	leave = sym("tsan_record_func_exit");
	access_ = sym("tsan_record_access");
	atomic_begin = sym("tsan_record_atomic_begin");
	atomic_end = sym("tsan_record_atomic_end");
	fence = sym("tsan_record_fence");
	annotate = sym("tsan_record_annotate");
	ignore = sym("tsan_record_ignore");
	init((uintptr_t)&library);
	init((uintptr_t)&library);  /* once per instrumented module: idempotent */

	intervals();
	step();
	if (!setjmp(jb))
		level1(1);
	level1(0);
	step();
	recurse(300);
	step();
	atomics();
	step();
	library();
	step();
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, adder, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	signal(SIGUSR1, handler);
	step();
	for (int i = 0; i < 1000; i++)
		access_(0x702, &z, 8, 0);
	raise(SIGUSR1);
	step();
	/* Step 8: a forked child records into its own file. */
	access_(0x801, &x, 8, W);  /* open in the parent at the fork */
	pid_t pid = fork();
	if (pid == 0) {
		access_(0x802, &x, 8, W);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("{\"x\": %lu, \"y\": %lu, \"z\": %lu, \"counter\": %lu, \"src\": %lu, \"dst\": %lu, "
	       "\"value\": %lu}\n", (unsigned long)(uintptr_t)&x, (unsigned long)(uintptr_t)&y,
	       (unsigned long)(uintptr_t)&z, (unsigned long)(uintptr_t)&counter,
	       (unsigned long)(uintptr_t)src, (unsigned long)(uintptr_t)dst,
	       (unsigned long)counter);
	return signalled ? 0 : 1;
}
