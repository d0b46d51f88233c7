// SPDX-License-Identifier: MIT
// race.c MODE - one data race (or none, where it says so) per mode, built
// with `ctrace cc`. Deterministic: thread "first" (T1) makes its access(es),
// then sets `go` with a relaxed store; thread "second" (T2) spins on `go`
// with relaxed loads, then makes the other access. Relaxed atomics order
// nothing, so the pair is unordered by happens-before and must be reported,
// in every run. The last stdout line is JSON for the .jq checks.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static atomic_int go;
static const char *mode;

static void handoff(void)
{
	atomic_store_explicit(&go, 1, memory_order_relaxed);
}
static void wait_go(void)
{
	while (!atomic_load_explicit(&go, memory_order_relaxed))
		;
}

int counter;
char g1;
short g2;
int g4;
long g8;
__int128 g16;
struct s16 {
	long a, b;
} s16;
/* annotated_readers: a lock annotated as a reader-writer lock
 * (AnnotateRWLock*), held to read by both threads: readers do not order
 * each other */
void AnnotateRWLockAcquired(const char *f, int l, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *f, int l, const volatile void *lock, long is_w);
static long annotated_lock;
/* unaligned_api: what code built for a sanitizer calls for an access at
 * any alignment (<sanitizer/common_interface_defs.h>) */
uint32_t __sanitizer_unaligned_load32(const void *p);
void __sanitizer_unaligned_store32(void *p, uint32_t x);
struct __attribute__((packed)) packed {
	char tag;
	int value;	/* offset 1: unaligned */
} packed;
struct fields {
	char a;
	char b;
	short c;
	int d;
} fields;
int data;
atomic_int ready;
int mixed;	/* atomic_plain: an atomic store, a plain read */
struct item {
	int id;
	long count;
} items[4];
int *block;
/* array_line: T1 writes four elements of garr in one line (four stores),
 * T2 reads them in one line: one race (one variable, one pair of lines),
 * not one per element.
 * heap_site: two blocks made by one allocation stack (a loop's), each
 * written by T1 and read by T2 at the same two lines: one race */
int garr[8];
int *sites[2];
__attribute__((noinline)) static int *site_alloc(void)
{
	return calloc(4, sizeof(int));
}
__attribute__((noinline)) static void site_write(int *p)
{
	p[1] = 1;
}
__attribute__((noinline)) static int site_read(const int *p)
{
	return p[1];
}
/* block_reused: T1's block, made where T1 freed one it wrote, and whether
 * malloc gave the freed one back (glibc's per-thread cache does) */
static _Atomic(int *) reused;
static int reused_same;
/* calloc_zeroed, realloc_moved, calloc_far, malloc_unwritten,
 * mmap_unwritten (a mapping: written by its mmap too): a block
 * T1's allocation call wrote (the zeroing, the copy; malloc: its garbage,
 * as TSan takes it), handed to T2 with a relaxed store; whether the
 * realloc moved it. T2 reads made[3], or made[FAR_AT] (calloc_far: past
 * the first 64 KiB, once the most the shim recorded of a zeroing). */
static _Atomic(int *) made;
static int made_moved;
int far;
char buf[32];
char copy[32];
static volatile int twenty = 20;	/* a size the compiler cannot see: memcpy stays a call */
static volatile int eight = 8;	/* (gcc expands a memset of a known size uninstrumented) */
#define FAR_N (1 << 20)
#define FAR_AT (3 << 16)	/* calloc_far: int 196608, byte 786432 */
/* wide_interval: more distinct accesses in one interval than the shim's
 * first table holds (2048 slots): it grows, and the later passes of an
 * interval merge */
#define WIDE_N 12000
int wide[WIDE_N];
__attribute__((noinline)) static void wide_pass(int round)
{
	for (int i = 0; i < WIDE_N; i++)
		wide[i] = wide[i] * 3 + round;
}
static int far_area[FAR_N];
/* a thread's local, made visible to the other (relaxed atomics: the
 * pointer is no race, and orders nothing) */
static _Atomic(volatile int *) escaped;
static atomic_int done;	/* stack_local: T2 read it, T1's frame may end */
static pthread_mutex_t mu_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mu_b = PTHREAD_MUTEX_INITIALIZER;
static volatile long sink;

/* recursion: g8 written at each of 20 depths, each in an interval of its
 * own (a release store on the thread's own atomic ends it): every write is
 * kept, with its own stack */
static __thread atomic_int own_tick;
__attribute__((noinline)) static void descend(int n)
{
	g8 = n;
	atomic_store_explicit(&own_tick, n, memory_order_release);
	if (n)
		descend(n - 1);
	atomic_store_explicit(&own_tick, n, memory_order_relaxed);  /* no tail call */
}

__attribute__((noinline)) static void first_access(void)
{
	if (!strcmp(mode, "recursion")) {
		descend(20);
	} else if (!strcmp(mode, "counter")) {
		counter++;
	} else if (!strcmp(mode, "size1")) {
		g1 = 1;
	} else if (!strcmp(mode, "size2")) {
		g2 = 2;
	} else if (!strcmp(mode, "size4")) {
		g4 = 4;
	} else if (!strcmp(mode, "annotated_readers")) {
		AnnotateRWLockAcquired(__FILE__, __LINE__, &annotated_lock, 0);
		g4 = 4;
		AnnotateRWLockReleased(__FILE__, __LINE__, &annotated_lock, 0);
	} else if (!strcmp(mode, "size8")) {
		g8 = 8;
	} else if (!strcmp(mode, "size16")) {
		g16 = (__int128)1 << 100;
	} else if (!strcmp(mode, "struct16")) {
		struct s16 v = {(long)mode, 2};
		s16 = v;
	} else if (!strcmp(mode, "unaligned")) {
		packed.value = 5;
	} else if (!strcmp(mode, "unaligned_api")) {
		__sanitizer_unaligned_store32(&packed.value, 5);
	} else if (!strcmp(mode, "overlap")) {
		packed.value = 5;	/* bytes 1-4 of packed */
	} else if (!strcmp(mode, "fields")) {
		fields.a = 1;	/* T2 writes fields.b: different byte, no race */
		fields.d = 1;	/* T2 writes fields.d too: a race */
	} else if (!strcmp(mode, "two_mutexes")) {
		pthread_mutex_lock(&mu_a);
		counter++;
		pthread_mutex_unlock(&mu_a);
	} else if (!strcmp(mode, "relaxed_flag")) {
		data = 42;
		atomic_store_explicit(&ready, 1, memory_order_relaxed);
	} else if (!strcmp(mode, "array_line")) {
		garr[0] = 10, garr[1] = 11, garr[2] = 12, garr[3] = 13;
	} else if (!strcmp(mode, "heap_site")) {
		site_write(sites[0]);
		site_write(sites[1]);
	} else if (!strcmp(mode, "free_after_access") || !strcmp(mode, "valloc_block")) {
		block[3] = 3;
	} else if (!strcmp(mode, "access_after_free")) {
		free(block);
	} else if (!strcmp(mode, "wide_interval")) {
		for (int round = 0; round < 2; round++)
			wide_pass(round);
		/* short intervals: the grown table is halved, its pages let go */
		for (int k = 0; k < 100; k++) {
			pthread_mutex_lock(&mu_a);
			counter++;
			pthread_mutex_unlock(&mu_a);
		}
		for (int round = 2; round < 6; round++)	/* and grows again */
			wide_pass(round);
	} else if (!strcmp(mode, "calloc_zeroed")) {
		atomic_store_explicit(&made, calloc(8, sizeof(int)), memory_order_relaxed);
	} else if (!strcmp(mode, "calloc_far")) {
		atomic_store_explicit(&made, calloc(FAR_N, sizeof(int)), memory_order_relaxed);
	} else if (!strcmp(mode, "malloc_unwritten")) {
		atomic_store_explicit(&made, malloc(8 * sizeof(int)), memory_order_relaxed);
	} else if (!strcmp(mode, "mmap_unwritten")) {
		int *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			abort();
		atomic_store_explicit(&made, m, memory_order_relaxed);
	} else if (!strcmp(mode, "realloc_moved")) {
		int *small = malloc(8 * sizeof *small);
		uintptr_t small_at = (uintptr_t)small;
		small[3] = 3;
		int *big = realloc(small, 1 << 20);	/* mapped apart: moved */
		made_moved = (uintptr_t)big != small_at;
		atomic_store_explicit(&made, big, memory_order_relaxed);
	} else if (!strcmp(mode, "block_reused")) {
		int *old = malloc(8 * sizeof *old);
		uintptr_t old_at = (uintptr_t)old;
		((volatile int *)old)[3] = 1;	/* volatile: not a dead store */
		free(old);
		int *fresh = malloc(8 * sizeof *fresh);
		reused_same = (uintptr_t)fresh == old_at;
		fresh[3] = 3;	/* merged with old[3] = 1: one interval */
		atomic_store_explicit(&reused, fresh, memory_order_relaxed);
	} else if (!strcmp(mode, "range")) {
		memcpy(buf, "0123456789abcdefghijklmnop", twenty);	/* bytes 0-19 */
	} else if (!strcmp(mode, "const_range")) {
		/* a size gcc sees: expanded inline unless ctrace cc says no */
		memcpy(buf, "0123456789abcdefghijklmnop", 20);	/* bytes 0-19 */
	} else if (!strcmp(mode, "read_buffer") || !strcmp(mode, "pread_buffer")) {
		int fd = open("/dev/zero", O_RDONLY);	/* the kernel writes bytes 0-19 */
		if (fd < 0 || (!strcmp(mode, "read_buffer") ? read(fd, buf, twenty) : pread(fd, buf, twenty, 0)) != 20)
			abort();
		close(fd);
	} else if (!strcmp(mode, "write_buffer")) {
		int fd = open("/dev/null", O_WRONLY);	/* the kernel reads bytes 0-19 */
		if (fd < 0 || write(fd, buf, twenty) != 20)
			abort();
		close(fd);
	} else if (!strcmp(mode, "fread_buffer")) {
		FILE *f = fopen("/dev/zero", "r");	/* stdio writes bytes 0-19 */
		if (!f || fread(buf, 1, twenty, f) != 20)
			abort();
		fclose(f);
	} else if (!strcmp(mode, "fwrite_buffer")) {
		FILE *f = fopen("/dev/null", "w");	/* stdio reads bytes 0-19 */
		if (!f || fwrite(buf, 1, twenty, f) != 20)
			abort();
		fclose(f);
	} else if (!strcmp(mode, "atomic_plain")) {
		__atomic_store_n(&mixed, 1, __ATOMIC_RELAXED);
	} else if (!strcmp(mode, "array_field")) {
		items[2].count = 5;
	} else if (!strcmp(mode, "main_stack")) {
		*atomic_load_explicit(&escaped, memory_order_relaxed) = 1;	/* main's local */
	} else if (!strcmp(mode, "far_apart")) {
		far = 1;
		/* then many accesses to many addresses, with synchronization */
		for (int round = 0; round < 4; round++)
			for (int i = 0; i < FAR_N; i += 4) {
				pthread_mutex_lock(&mu_a);
				far_area[i] += round;
				pthread_mutex_unlock(&mu_a);
			}
	}
}

__attribute__((noinline)) static void second_access(void)
{
	if (!strcmp(mode, "recursion")) {
		descend(20);
	} else if (!strcmp(mode, "counter")) {
		counter++;
	} else if (!strcmp(mode, "size1")) {
		sink = g1;
	} else if (!strcmp(mode, "size2")) {
		sink = g2;
	} else if (!strcmp(mode, "size4")) {
		sink = g4;
	} else if (!strcmp(mode, "annotated_readers")) {
		AnnotateRWLockAcquired(__FILE__, __LINE__, &annotated_lock, 0);
		sink = g4;
		AnnotateRWLockReleased(__FILE__, __LINE__, &annotated_lock, 0);
	} else if (!strcmp(mode, "size8")) {
		sink = g8;
	} else if (!strcmp(mode, "size16")) {
		sink = (long)(g16 >> 100);
	} else if (!strcmp(mode, "struct16")) {
		struct s16 v = s16;
		sink = v.a + v.b;
	} else if (!strcmp(mode, "unaligned")) {
		sink = packed.value;
	} else if (!strcmp(mode, "unaligned_api")) {
		sink = (int)__sanitizer_unaligned_load32(&packed.value);
	} else if (!strcmp(mode, "overlap")) {
		sink = ((volatile char *)&packed)[0];	/* packed.tag: no race */
		sink = ((volatile char *)&packed)[4];	/* the last byte of packed.value */
	} else if (!strcmp(mode, "fields")) {
		fields.b = 2;
		fields.d = 2;
	} else if (!strcmp(mode, "two_mutexes")) {
		pthread_mutex_lock(&mu_b);
		sink = counter;
		pthread_mutex_unlock(&mu_b);
	} else if (!strcmp(mode, "relaxed_flag")) {
		while (!atomic_load_explicit(&ready, memory_order_relaxed))
			;
		sink = data;
	} else if (!strcmp(mode, "free_after_access")) {
		free(block);
	} else if (!strcmp(mode, "array_line")) {
		sink = garr[0] + garr[1] * 2 + garr[2] * 3 + garr[3] * 4;
	} else if (!strcmp(mode, "heap_site")) {
		sink += site_read(sites[0]);
		sink += site_read(sites[1]);
	} else if (!strcmp(mode, "access_after_free") || !strcmp(mode, "valloc_block")) {
		sink = block[3];
	} else if (!strcmp(mode, "wide_interval")) {
		sink = wide[WIDE_N - 7];
	} else if (!strcmp(mode, "calloc_zeroed") || !strcmp(mode, "realloc_moved") ||
		   !strcmp(mode, "malloc_unwritten") || !strcmp(mode, "mmap_unwritten")) {
		sink = atomic_load_explicit(&made, memory_order_relaxed)[3];
	} else if (!strcmp(mode, "calloc_far")) {
		sink = atomic_load_explicit(&made, memory_order_relaxed)[FAR_AT];
	} else if (!strcmp(mode, "block_reused")) {
		sink = atomic_load_explicit(&reused, memory_order_relaxed)[3];
	} else if (!strcmp(mode, "range")) {
		memcpy(copy, buf + 24, 8);	/* bytes 24-31: no race */
		memcpy(copy + 8, buf + 16, 8);	/* bytes 16-23: a race on 16-19 */
		sink = copy[0] + copy[8];
	} else if (!strcmp(mode, "read_buffer") || !strcmp(mode, "pread_buffer") ||
		   !strcmp(mode, "fread_buffer")) {
		memcpy(copy + 8, buf + 16, 8);	/* bytes 16-23: a race on 16-19 */
		sink = copy[8];
	} else if (!strcmp(mode, "write_buffer") || !strcmp(mode, "fwrite_buffer")) {
		memset(buf + 16, 1, eight);	/* bytes 16-23: a race on 16-19 */
	} else if (!strcmp(mode, "const_range")) {
		memset(buf + 16, 1, 12);	/* bytes 16-27: a race on 16-19 */
	} else if (!strcmp(mode, "atomic_plain")) {
		sink = mixed;
	} else if (!strcmp(mode, "array_field")) {
		sink = items[2].count;
	} else if (!strcmp(mode, "main_stack") || !strcmp(mode, "stack_local") ||
		   !strcmp(mode, "stack_array")) {
		sink = *atomic_load_explicit(&escaped, memory_order_relaxed);
		atomic_store_explicit(&done, 1, memory_order_relaxed);
	} else if (!strcmp(mode, "far_apart")) {
		for (int i = 2; i < FAR_N; i += 4)	/* other addresses, unordered */
			far_area[i] = 1;
		sink = far;
	}
}

/* stack_local: T1's own local, written by T1, read by T2 while T1's frame
 * lives (T1 waits for T2's relaxed `done`, which orders nothing). */
__attribute__((noinline)) static void own_local(void)
{
	volatile int local = 0;
	atomic_store_explicit(&escaped, &local, memory_order_relaxed);
	local = 7;
	handoff();
	while (!atomic_load_explicit(&done, memory_order_relaxed))
		;
}

/* stack_array: an element of T1's start routine's own array, written by
 * a function it calls, read by T2 while the routine waits. */
__attribute__((noinline)) static void poke_slot(volatile int *slot)
{
	atomic_store_explicit(&escaped, slot, memory_order_relaxed);
	*slot = 7;
	handoff();
}

/* merged_load: T1's acquire load of `polled` is recorded and ordered
 * before T2's plain write of it (through mu_a); T1's second load, after
 * the write (which T1 waits for with relaxed loads), acquires nothing new,
 * so the shim keeps it as an access only: it races with the write. */
static atomic_int polled;
static atomic_int written;

__attribute__((noinline)) static int first_load_again(void)
{
	while (!atomic_load_explicit(&written, memory_order_relaxed))
		;
	return atomic_load_explicit(&polled, memory_order_acquire);
}

__attribute__((noinline)) static void second_plain_write(void)
{
	pthread_mutex_lock(&mu_a);
	pthread_mutex_unlock(&mu_a);
	*(volatile int *)&polled = 1;	/* plain: not an atomic store */
	atomic_store_explicit(&written, 1, memory_order_relaxed);
}

static void *first(void *arg)
{
	(void)arg;
	if (!strcmp(mode, "merged_load")) {
		sink = atomic_load_explicit(&polled, memory_order_acquire);
		pthread_mutex_lock(&mu_a);
		pthread_mutex_unlock(&mu_a);
		handoff();
		sink += first_load_again();
		return NULL;
	}
	if (!strcmp(mode, "stack_local")) {
		own_local();
		return NULL;
	}
	if (!strcmp(mode, "stack_array")) {
		volatile int slots[4] = { 0 };
		poke_slot(&slots[2]);
		while (!atomic_load_explicit(&done, memory_order_relaxed))
			;
		return NULL;
	}
	first_access();
	handoff();
	return NULL;
}

static void *second(void *arg)
{
	(void)arg;
	wait_go();
	if (!strcmp(mode, "merged_load"))
		second_plain_write();
	else
		second_access();
	return NULL;
}

int main(int argc, char **argv)
{
	mode = argc > 1 ? argv[1] : "";
	block = strcmp(mode, "valloc_block") ? malloc(8 * sizeof *block) : valloc(8 * sizeof *block);
	memset(block, 0, 8 * sizeof *block);
	for (int i = 0; i < 2; i++)
		sites[i] = site_alloc();
	volatile int main_local = 0;
	if (!strcmp(mode, "main_stack"))
		atomic_store_explicit(&escaped, &main_local, memory_order_relaxed);
	pthread_t t1, t2;
	pthread_create(&t1, NULL, first, NULL);
	pthread_create(&t2, NULL, second, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	if (strcmp(mode, "free_after_access") && strcmp(mode, "access_after_free"))
		free(block);
	printf("{\"mode\": \"%s\", \"block\": \"%p\", \"packed\": \"%p\", \"buf\": \"%p\", "
	       "\"local\": \"%p\", \"reused\": \"%p\", \"reused_same\": %s, \"made\": \"%p\", "
	       "\"made_moved\": %s}\n", mode, (void *)block,
	       (void *)&packed, (void *)buf, (void *)atomic_load_explicit(&escaped, memory_order_relaxed),
	       (void *)atomic_load_explicit(&reused, memory_order_relaxed), reused_same ? "true" : "false",
	       (void *)atomic_load_explicit(&made, memory_order_relaxed), made_moved ? "true" : "false");
	return 0;
}
