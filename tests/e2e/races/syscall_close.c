// SPDX-License-Identifier: MIT
// syscall_close.c - libuv's uv__close_nocancel under clang's TSan: a
// descriptor closed with syscall(SYS_close) between the sanitizer syscall
// hooks (<sanitizer/linux_syscall_hooks.h>). A thread fills a block, hands
// its pointer over by a relaxed store (orders nothing) and closes the write
// end of a pipe that way; main's read() returns 0 (the other end closed),
// then it reads the block. The close orders the block's writes before the
// reads, as ctrace orders a close() (docs/report.md; TSan's close does not
// release): no race. Before the shim defined the hooks, `ctrace cc --cc=clang` could
// not link such code (libuv's uv_run_tests).
#include <pthread.h>
#if __has_include(<sanitizer/linux_syscall_hooks.h>)
#include <sanitizer/linux_syscall_hooks.h>
#else /* gcc 12 ships no such header: its two macros */
void __sanitizer_syscall_pre_impl_close(long fd);
void __sanitizer_syscall_post_impl_close(long res, long fd);
#define __sanitizer_syscall_pre_close(fd) __sanitizer_syscall_pre_impl_close((long)(fd))
#define __sanitizer_syscall_post_close(res, fd) \
	__sanitizer_syscall_post_impl_close((long)(res), (long)(fd))
#endif
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fds[2];
static int *_Atomic handed;

static void *producer(void *arg)
{
	(void)arg;
	int *block = malloc(16 * sizeof *block);
	for (int i = 0; i < 16; i++)
		block[i] = i;
	atomic_store_explicit(&handed, block, memory_order_relaxed);
	__sanitizer_syscall_pre_close(fds[1]);
	long r = syscall(SYS_close, fds[1]);
	__sanitizer_syscall_post_close(r, fds[1]);
	return NULL;
}

int main(void)
{
	if (pipe(fds))
		return 1;
	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);
	char c;
	if (read(fds[0], &c, 1) != 0)   /* EOF: the write end was closed */
		return 1;
	int *block = atomic_load_explicit(&handed, memory_order_relaxed);
	int sum = 0;
	for (int i = 0; i < 16; i++)
		sum += block[i];
	pthread_join(t, NULL);   /* after the use: it orders nothing before it */
	free(block);
	printf("{\"counter\": %d, \"expect\": 120}\n", sum);
	return sum == 120 ? 0 : 1;
}
