/* SPDX-License-Identifier: MIT */
/* python_sample.h - a Python program's trace in memory, for the tests of
 * Python frames in the report and the viewer: demo.py's two threads take
 * lock_a and lock_b in opposite orders, the second through a C extension
 * that calls back into Python. Stacks interleave Python frames with the
 * interpreter's native frames as the shim records them (each eval loop's
 * Python frames just before its native frame). The maps file, written to a
 * temporary directory, places the interpreter, an extension module,
 * libsqlite3 and libc at fixed addresses; their files do not exist, so
 * native frames carry their module and no function. */
#ifndef CTRACE_PYTHON_SAMPLE_H
#define CTRACE_PYTHON_SAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_trace.h"

#define PYS_EXE "/opt/py/bin/python3.11"
#define PYS_LIB "/opt/py/lib/python3.11"
#define PYS_EXT "/opt/py/lib/python3.11/lib-dynload/_ext.cpython-311-x86_64-linux-gnu.so"
#define PYS_SQLITE "/opt/py/lib/libsqlite3.so.0"
#define PYS_LIBC "/opt/py/sysroot/libc.so.6"
#define PYS_DEMO "/src/app/demo.py"

/* module bases */
#define PYS_AT_EXE 0x400000ull
#define PYS_AT_EXT 0x7f1000000000ull
#define PYS_AT_SQLITE 0x7f2000000000ull
#define PYS_AT_LIBC 0x7f3000000000ull
/* native pcs of the interpreter */
#define PYS_ACQUIRE (PYS_AT_EXE + 0x1000)   /* PyThread_acquire_lock_timed */
#define PYS_ALLOC (PYS_AT_EXE + 0x1100)     /* PyThread_allocate_lock */
#define PYS_CALL (PYS_AT_EXE + 0x1200)      /* _PyObject_Vectorcall */
#define PYS_EVAL (PYS_AT_EXE + 0x2000)      /* _PyEval_EvalFrameDefault */
#define PYS_THREAD_RUN (PYS_AT_EXE + 0x3000)
#define PYS_RUN_MAIN (PYS_AT_EXE + 0x4000)
#define PYS_START (PYS_AT_EXE + 0x10)       /* _start */

struct python_sample {
	struct fake_trace t;
	char dir[64];                  /* temporary: the maps file */
	uint32_t t1, t2;               /* threads */
	uint32_t lock_a, lock_b, gil;  /* objects */
	uint32_t gil_cond;
	uint32_t a1, b1, b2, a2;       /* acquisition stacks: T1 a then b, T2 b then a */
	uint32_t gil_wait;             /* a wait for the GIL */
	uint32_t q_get;                /* a wait in Queue.get: library frames first */
	uint32_t code_worker;          /* the code of worker() */
};

static inline uint32_t pys_code(struct python_sample *s, const char *file, const char *qualname)
{
	return fake_pycode(&s->t, file, qualname);
}

static inline void pys_write_maps(struct python_sample *s)
{
	char path[128];
	snprintf(s->dir, sizeof s->dir, "/tmp/ctrace-pysample-XXXXXX");
	if (!mkdtemp(s->dir))
		abort();
	snprintf(path, sizeof path, "%s/proc-1000-0.maps", s->dir);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "ctrace-maps 1\nsnapshot 0 1\n");
	fprintf(f, "module 0x%llx 0x%llx 0x0 - %s\n", PYS_AT_EXE, PYS_AT_EXE + 0x800000, PYS_EXE);
	fprintf(f, "module 0x%llx 0x%llx 0x%llx - %s\n", PYS_AT_EXT, PYS_AT_EXT + 0x100000, PYS_AT_EXT, PYS_EXT);
	fprintf(f, "module 0x%llx 0x%llx 0x%llx - %s\n", PYS_AT_SQLITE, PYS_AT_SQLITE + 0x100000, PYS_AT_SQLITE,
		PYS_SQLITE);
	fprintf(f, "module 0x%llx 0x%llx 0x%llx - %s\n", PYS_AT_LIBC, PYS_AT_LIBC + 0x100000, PYS_AT_LIBC, PYS_LIBC);
	fprintf(f, "end 0\n");
	fclose(f);
	free(s->t.cat.processes[0].maps_file);
	s->t.cat.processes[0].maps_file = strdup(path);
}

/* Builds the sample into S: the trace (threads, locks, stacks, runtime)
 * and its maps file. */
static inline void python_sample_init(struct python_sample *s)
{
	memset(s, 0, sizeof *s);
	fake_trace_init(&s->t);
	pys_write_maps(s);
	fake_runtime(&s->t, 0x030b02f0, TRACE_RUNTIME_FULL, NULL);
	free(s->t.cat.threads[0].name);
	s->t.cat.threads[0].name = strdup("MainThread");
	s->t1 = fake_thread(&s->t, 0, "Thread-1 (worker)");
	s->t2 = fake_thread(&s->t, 0, "Thread-2 (worker2)");

	uint32_t module = pys_code(s, PYS_DEMO, "<module>");
	s->code_worker = pys_code(s, PYS_DEMO, "worker");
	uint32_t worker2 = pys_code(s, PYS_DEMO, "worker2");
	uint32_t callback = pys_code(s, PYS_DEMO, "callback");
	uint32_t run = pys_code(s, PYS_LIB "/threading.py", "Thread.run");
	uint32_t inner = pys_code(s, PYS_LIB "/threading.py", "Thread._bootstrap_inner");
	uint32_t boot = pys_code(s, PYS_LIB "/threading.py", "Thread._bootstrap");
	uint32_t start = pys_code(s, PYS_LIB "/threading.py", "Thread.start");
	uint32_t wait = pys_code(s, PYS_LIB "/threading.py", "Condition.wait");
	uint32_t get = pys_code(s, PYS_LIB "/queue.py", "Queue.get");
	uint32_t consumer = pys_code(s, PYS_DEMO, "consumer");

	/* main thread: a lock made at module level, a thread started */
	const uint64_t init_a[] = { PYS_ALLOC, trace_pyframe(module, 2), PYS_EVAL, PYS_RUN_MAIN,
				    PYS_AT_LIBC + 0x300, PYS_START };
	const uint64_t init_b[] = { PYS_ALLOC, trace_pyframe(module, 3), PYS_EVAL, PYS_RUN_MAIN,
				    PYS_AT_LIBC + 0x300, PYS_START };
	const uint64_t create[] = { PYS_CALL, trace_pyframe(start, 957), trace_pyframe(module, 40),
				    PYS_EVAL, PYS_RUN_MAIN, PYS_AT_LIBC + 0x300, PYS_START };
	/* T1: worker() takes lock_a, then lock_b */
	const uint64_t a1[] = { PYS_ACQUIRE, PYS_CALL, trace_pyframe(s->code_worker, 12),
				trace_pyframe(run, 975), trace_pyframe(inner, 1038), trace_pyframe(boot, 995),
				PYS_EVAL, PYS_CALL, PYS_THREAD_RUN, PYS_AT_LIBC + 0x100, PYS_AT_LIBC + 0x200 };
	uint64_t b1[sizeof a1 / sizeof *a1];
	memcpy(b1, a1, sizeof a1);
	b1[2] = trace_pyframe(s->code_worker, 13);
	/* T2: worker2() holds lock_b taken inside libsqlite3 (through the
	 * extension), then the extension calls callback(), which takes lock_a */
	const uint64_t b2[] = { PYS_AT_SQLITE + 0x100, PYS_AT_EXT + 0x200, PYS_CALL,
				trace_pyframe(worker2, 24), trace_pyframe(run, 975), trace_pyframe(inner, 1038),
				trace_pyframe(boot, 995), PYS_EVAL, PYS_THREAD_RUN, PYS_AT_LIBC + 0x100,
				PYS_AT_LIBC + 0x200 };
	const uint64_t a2[] = { PYS_ACQUIRE, trace_pyframe(callback, 30), PYS_EVAL, PYS_CALL,
				PYS_AT_EXT + 0x100, PYS_CALL, trace_pyframe(worker2, 25), trace_pyframe(run, 975),
				trace_pyframe(inner, 1038), trace_pyframe(boot, 995), PYS_EVAL, PYS_THREAD_RUN,
				PYS_AT_LIBC + 0x100, PYS_AT_LIBC + 0x200 };
	const uint64_t gil_wait[] = { PYS_AT_EXE + 0x5000, PYS_CALL, trace_pyframe(s->code_worker, 14),
				      trace_pyframe(run, 975), PYS_EVAL, PYS_THREAD_RUN, PYS_AT_LIBC + 0x100 };
	const uint64_t q_get[] = { PYS_ACQUIRE, PYS_CALL, trace_pyframe(wait, 320), trace_pyframe(get, 171),
				   trace_pyframe(consumer, 50), trace_pyframe(run, 975), PYS_EVAL, PYS_THREAD_RUN,
				   PYS_AT_LIBC + 0x100 };
#define PYS_N(a) (uint32_t)(sizeof a / sizeof *a)
	uint32_t s_init_a = fake_stack_pcs(&s->t, init_a, PYS_N(init_a));
	uint32_t s_init_b = fake_stack_pcs(&s->t, init_b, PYS_N(init_b));
	uint32_t s_create = fake_stack_pcs(&s->t, create, PYS_N(create));
	s->a1 = fake_stack_pcs(&s->t, a1, PYS_N(a1));
	s->b1 = fake_stack_pcs(&s->t, b1, PYS_N(b1));
	s->b2 = fake_stack_pcs(&s->t, b2, PYS_N(b2));
	s->a2 = fake_stack_pcs(&s->t, a2, PYS_N(a2));
	s->gil_wait = fake_stack_pcs(&s->t, gil_wait, PYS_N(gil_wait));
	s->q_get = fake_stack_pcs(&s->t, q_get, PYS_N(q_get));
#undef PYS_N
	s->t.cat.threads[s->t1].create_stack = s_create;
	s->t.cat.threads[s->t2].create_stack = s_create;

	s->lock_a = fake_object(&s->t, TRACE_OBJ_SEM, 0x1d3e010);
	s->lock_b = fake_object(&s->t, TRACE_OBJ_SEM, 0x1d3e050);
	fake_object_desc(&s->t, s->lock_a)->init_stack = s_init_a;
	fake_object_desc(&s->t, s->lock_a)->initialized = true;
	fake_object_desc(&s->t, s->lock_b)->init_stack = s_init_b;
	fake_object_desc(&s->t, s->lock_b)->initialized = true;
	struct trace_object gil = { .key = 0xa563d8, .kind = TRACE_OBJ_MUTEX, .name = (char *)"GIL",
				    .role = TRACE_ROLE_GIL_MUTEX };
	s->gil = trace_catalog_add_object(&s->t.cat, trace_catalog_add_desc(&s->t.cat, &gil));
	struct trace_object cond = { .key = 0xa563a8, .kind = TRACE_OBJ_COND,
				     .name = (char *)"GIL cond", .role = TRACE_ROLE_GIL_COND };
	s->gil_cond = trace_catalog_add_object(&s->t.cat, trace_catalog_add_desc(&s->t.cat, &cond));
}

/* Events: T1 waits for lock_a (a sem) in worker(), then for the GIL as
 * CPython's take_gil does: gil.mutex, a timed wait on gil.cond, unlock. */
static inline void python_sample_waits(struct python_sample *s)
{
	struct fake_trace *t = &s->t;
	fake_begin(t, s->t1, TRACE_OP_SEM_WAIT, s->lock_a)->stack = s->a1;
	struct trace_event *e = fake_event(t, s->t1, TRACE_OP_SEM_WAIT, s->lock_a);
	e->had_begin = 1;
	e->stack = s->a1;
	fake_lock(t, s->t1, s->gil, s->gil_wait);
	fake_begin(t, s->t1, TRACE_OP_COND_TIMEDWAIT, s->gil_cond)->obj2 = s->gil;
	fake_event(t, s->t1, TRACE_OP_COND_RELEASE, s->gil)->obj2 = s->gil_cond;
	fake_event(t, s->t1, TRACE_OP_COND_REACQUIRE, s->gil)->obj2 = s->gil_cond;
	e = fake_event(t, s->t1, TRACE_OP_COND_TIMEDWAIT, s->gil_cond);
	e->obj2 = s->gil;
	e->had_begin = 1;
	fake_unlock(t, s->t1, s->gil, s->gil_wait);
}

static inline void python_sample_release(struct python_sample *s)
{
	char path[128];
	snprintf(path, sizeof path, "%s/proc-1000-0.maps", s->dir);
	unlink(path);
	rmdir(s->dir);
	fake_trace_release(&s->t);
}

#endif
