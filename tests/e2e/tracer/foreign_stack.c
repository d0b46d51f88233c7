/* SPDX-License-Identifier: MIT */
/* foreign_stack.c - code that runs on a stack the program made itself and
 * switched to by hand, as fiber schedulers (marl) do in assembly with no
 * unwind information: below the first function's frame there is no valid
 * caller, its frame pointer and return address are garbage (here pointers
 * into unmapped memory). Intercepted calls made there (locks, malloc) must
 * not crash the program: libunwind, which reads frames unchecked, walked
 * into that garbage; their stacks there are their call sites only. One
 * unlock of an unlocked mutex there is a finding with that stack. Prints
 * "ok N". */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define STACK_SIZE (256 * 1024)

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total;

static __attribute__((noinline)) void work(void)
{
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&mu);
		void *p = malloc(64 + (size_t)i);
		total += p != NULL;
		free(p);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_unlock(&mu);  /* not locked: a finding, with its stack */
}

/* Code with no unwind information, as a scheduler's switch in assembly:
 * the return address the switch below leaves points into it. */
__asm__(".text\n"
	".globl foreign_stack_trampoline\n"
	".type foreign_stack_trampoline, @function\n"
	"foreign_stack_trampoline:\n"
	"\tnop\n"
	"\tnop\n"
	"\tret\n");
void foreign_stack_trampoline(void);

/* Called on the new stack: its return address points into code without
 * unwind information, and the frame pointer saved below it into unmapped
 * memory. */
static __attribute__((noinline, used)) void on_foreign_stack(void)
{
	work();
}

/* Switches to TOP (16-byte aligned), with a garbage return address and
 * frame pointer above the first frame, calls on_foreign_stack and comes
 * back. No unwind information describes the switch. */
static void run_on(void *top)
{
	void *saved_sp;
	__asm__ volatile(
		"mov %%rsp, (%1)\n\t"     /* rbx: kept across the call */
		"mov %0, %%rsp\n\t"
		"push %%rbp\n\t"            /* the caller's, restored below */
		"push %%rbp\n\t"            /* 16-byte aligned at the call */
		"lea foreign_stack_trampoline+1(%%rip), %%rax\n\t"
		"push %%rax\n\t"            /* a return address without unwind info */
		"movabs $0x00007f0000000008, %%rax\n\t"
		"push %%rax\n\t"            /* a saved frame pointer to unmapped memory */
		"mov %%rsp, %%rbp\n\t"
		"call on_foreign_stack\n\t"
		"add $24, %%rsp\n\t"
		"pop %%rbp\n\t"
		"mov (%1), %%rsp\n\t"
		:
		: "r"(top), "b"(&saved_sp)
		: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
}

static void *thread_main(void *arg)
{
	(void)arg;
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	if (stack == MAP_FAILED)
		return NULL;
	for (size_t i = 0; i < STACK_SIZE / 8; i++)  /* garbage everywhere */
		((uint64_t *)stack)[i] = 0x00007f0000000008ull + i * 8;
	run_on(stack + STACK_SIZE - 64);
	munmap(stack, STACK_SIZE);
	return NULL;
}

int main(void)
{
	pthread_t t;
	for (int i = 0; i < 4; i++) {
		pthread_create(&t, NULL, thread_main, NULL);
		pthread_join(t, NULL);
	}
	printf("ok %ld\n", total);
	return 0;
}
