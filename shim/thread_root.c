/* SPDX-License-Identifier: MIT */
/* thread_root.c - calls a thread's start routine through a frame of known
 * shape (x86-64), so that the routine's CFA (the stack pointer at the call)
 * and the call's return address are known exactly: written as THREAD_ROOT
 * with the routine's address,
 * they let the analysis follow the thread's own frames inward from there
 * (a race on a local names its frame and variable). Elsewhere the routine
 * is called plainly and nothing is written. */
#include "shim.h"

#include "emit.h"

#if defined(__x86_64__)
/* shim_root_call(fn, arg, t): rbx and r12 keep fn and arg across the
 * record; rsp is 16-byte aligned at both calls; the CFI lets unwinders
 * (cancellation, pthread_exit) pass through. */
__asm__(".text\n"
	".p2align 4\n"
	".type shim_root_call, @function\n"
	".hidden shim_root_call\n"
	"shim_root_call:\n"
	".cfi_startproc\n"
	"push %rbx\n"
	".cfi_adjust_cfa_offset 8\n"
	".cfi_rel_offset %rbx, 0\n"
	"push %r12\n"
	".cfi_adjust_cfa_offset 8\n"
	".cfi_rel_offset %r12, 0\n"
	"sub $8, %rsp\n"
	".cfi_adjust_cfa_offset 8\n"
	"mov %rdi, %rbx\n"
	"mov %rsi, %r12\n"
	"mov %rdx, %rdi\n"
	"mov %rsp, %rsi\n"
	"lea 1f(%rip), %rdx\n"
	"mov %rbx, %rcx\n"
	"call shim_root_record\n"
	"mov %r12, %rdi\n"
	"call *%rbx\n"
	"1:\n"
	"add $8, %rsp\n"
	".cfi_adjust_cfa_offset -8\n"
	"pop %r12\n"
	".cfi_adjust_cfa_offset -8\n"
	".cfi_restore %r12\n"
	"pop %rbx\n"
	".cfi_adjust_cfa_offset -8\n"
	".cfi_restore %rbx\n"
	"ret\n"
	".cfi_endproc\n"
	".size shim_root_call, .-shim_root_call\n");

void *shim_root_call(void *(*fn)(void *), void *arg, struct shim_thread *t);
/* Called from the asm only (this file is built without LTO). */
__attribute__((used)) void shim_root_record(struct shim_thread *t, uintptr_t cfa, uintptr_t ret,
					    uintptr_t fn);

__attribute__((used)) void shim_root_record(struct shim_thread *t, uintptr_t cfa, uintptr_t ret,
					    uintptr_t fn)
{
	if (!t)
		return;
	struct shim_call c = { .t = t, .stack = 0 };
	shim_emit(&c, TRACE_OP_THREAD_ROOT, 0, 0, 0, cfa, ret, fn, NULL);
}

void *shim_thread_call_root(void *(*fn)(void *), void *arg, struct shim_thread *t)
{
	return shim_root_call(fn, arg, t);
}

/* The frame only calls and returns rax: an int result is its low half. */
int shim_thrd_call_root(int (*fn)(void *), void *arg, struct shim_thread *t)
{
	return (int)(intptr_t)shim_root_call((void *(*)(void *))(void (*)(void))fn, arg, t);
}
#else
void *shim_thread_call_root(void *(*fn)(void *), void *arg, struct shim_thread *t)
{
	(void)t;
	return fn(arg);
}

int shim_thrd_call_root(int (*fn)(void *), void *arg, struct shim_thread *t)
{
	(void)t;
	return fn(arg);
}
#endif
