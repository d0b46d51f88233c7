/* SPDX-License-Identifier: MIT */
/* ctrace.h - annotations for ctrace's race analysis: synchronization the
 * trace cannot see, races meant to be, names of locks and threads.
 *
 * Each annotation calls ctrace_annotate(), a weak reference: under
 * `ctrace run` the preloaded shim defines it and records the annotation; in
 * a program built with `ctrace cc` the stub runtime defines it and does
 * nothing; in any other program it is absent and the annotation costs a
 * test and a branch. Works in C and C++, with or without `ctrace cc`.
 * Define CTRACE_NO_ANNOTATIONS to compile every annotation away. */
#ifndef CTRACE_H
#define CTRACE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an annotation says (the trace format's enum trace_annotation). */
enum ctrace_annotation {
	CTRACE_ANN_HAPPENS_BEFORE = 1, /* addr: a release on it */
	CTRACE_ANN_HAPPENS_AFTER = 2,  /* addr: an acquire of what was released on it */
	CTRACE_ANN_BENIGN_RACE = 3,    /* [addr, addr+size): races there are not reported */
	CTRACE_ANN_LOCK_NAME = 4,      /* addr: a lock; name: what to call it */
	CTRACE_ANN_THREAD_NAME = 5,    /* name: the calling thread's name */
};

/* The runtime's entry point. NAME is copied before it returns. The caller's
 * return address is the annotation's place in the trace. */
void ctrace_annotate(unsigned kind, const volatile void *addr, size_t size, const char *name)
	__attribute__((weak));
void __tsan_ignore_thread_begin(void) __attribute__((weak));
void __tsan_ignore_thread_end(void) __attribute__((weak));

/* Always inlined, so that the runtime sees the annotation's own place. */
static inline __attribute__((always_inline)) void ctrace_annotate_if_traced(
	unsigned kind, const volatile void *addr, size_t size, const char *name)
{
	if (ctrace_annotate)
		ctrace_annotate(kind, addr, size, name);
}

#ifdef __cplusplus
}
#endif

#ifndef CTRACE_NO_ANNOTATIONS
/* Custom synchronization: everything this thread did before
 * CTRACE_HAPPENS_BEFORE(a) happens before everything another thread does
 * after a later CTRACE_HAPPENS_AFTER(a) on the same address. */
#define CTRACE_HAPPENS_BEFORE(addr) \
	ctrace_annotate_if_traced(CTRACE_ANN_HAPPENS_BEFORE, (addr), 0, NULL)
#define CTRACE_HAPPENS_AFTER(addr) \
	ctrace_annotate_if_traced(CTRACE_ANN_HAPPENS_AFTER, (addr), 0, NULL)
/* A race on [addr, addr+size) is intended: it is not reported. */
#define CTRACE_BENIGN_RACE(addr, size) \
	ctrace_annotate_if_traced(CTRACE_ANN_BENIGN_RACE, (addr), (size), NULL)
/* Names for the report: the lock at addr, the calling thread. */
#define CTRACE_NAME_LOCK(addr, name) \
	ctrace_annotate_if_traced(CTRACE_ANN_LOCK_NAME, (addr), 0, (name))
#define CTRACE_NAME_THREAD(name) \
	ctrace_annotate_if_traced(CTRACE_ANN_THREAD_NAME, NULL, 0, (name))
/* The calling thread's memory accesses between these two are not recorded
 * (in code built with `ctrace cc`; they nest). */
#define CTRACE_IGNORE_BEGIN() \
	(__tsan_ignore_thread_begin ? __tsan_ignore_thread_begin() : (void)0)
#define CTRACE_IGNORE_END() \
	(__tsan_ignore_thread_end ? __tsan_ignore_thread_end() : (void)0)
#else
#define CTRACE_HAPPENS_BEFORE(addr) ((void)(addr))
#define CTRACE_HAPPENS_AFTER(addr) ((void)(addr))
#define CTRACE_BENIGN_RACE(addr, size) ((void)(addr), (void)(size))
#define CTRACE_NAME_LOCK(addr, name) ((void)(addr), (void)(name))
#define CTRACE_NAME_THREAD(name) ((void)(name))
#define CTRACE_IGNORE_BEGIN() ((void)0)
#define CTRACE_IGNORE_END() ((void)0)
#endif

#endif
