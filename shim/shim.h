/* SPDX-License-Identifier: MIT */
/* shim.h - the shim's process-wide and per-thread state.
 * Per-thread state lives in mmap'd blocks reached through one initial-exec
 * TLS pointer (big TLS would shrink every thread's stack). Blocks are never
 * unmapped, only recycled, so a pointer to one stays valid. */
#ifndef CTRACE_SHIM_SHIM_H
#define CTRACE_SHIM_SHIM_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "trace_writer.h"

#define SHIM_STACK_CACHE     256u  /* entries per thread */
#define SHIM_STACK_WAYS      4u    /* entries a call's stack may be in */
#define SHIM_STACK_VERIFY    16u   /* frames checked on a cache hit */
#define SHIM_STACK_ROOTED    32u   /* entries remembered as counting on the root */
#define SHIM_PY_CACHE        256u  /* stacks with Python frames, per thread */
#define SHIM_PY_WAYS         4u    /* entries per set (one cache line) */
#define SHIM_PY_NAME_MAX     48u
#define SHIM_PY_CALLS        16u   /* Python call sites read, per thread */

/* A cached stack: valid for a call from pc0 with the caller's stack pointer
 * at sp, as long as the return addresses still sit where they were found. */
struct shim_stack_slot {
	uintptr_t at;                       /* where a return address sits */
	uintptr_t pc;                       /* the value it must still have */
};

struct shim_stack_entry {
	uintptr_t pc0, sp;
	uint32_t id;
	uint32_t nverify;
	struct shim_stack_slot slot[SHIM_STACK_VERIFY]; /* frames 1.. */
};

/* A stack with Python frames (python.c): valid for a call whose native stack
 * is NATIVE and whose chain of Python frames hashes to HASH. */
struct shim_py_entry {
	uint64_t hash;
	uint32_t native, id;
};

/* The shape of a Python call site (python_call.c): where the arguments of
 * `X.acquire(...)` at unit AT of CODE (with constants CONSTS) come from. */
struct shim_py_call {
	const void *code, *consts, *names;  /* names: its keywords, or NULL */
	uint32_t at;
	uint8_t op;                         /* the call's opcode, unspecialized */
	uint8_t acquire;                    /* 0: not a call read as one */
	uint8_t unread;                     /* its code could not be stepped through */
	uint8_t nargs;
	uint8_t local[2];                   /* argument i is a local, not a constant */
	uint16_t index[2];                  /* its index */
};

struct tsan_thread;

struct shim_thread {
	struct trace_stream stream;
	struct tsan_thread *tsan;    /* memory-access recording (tsan_thread.h),
	                                kept with the state when it is recycled */
	uint32_t index;              /* thread index in the process */
	int in_shim;                 /* > 0 while the shim works: re-entry forwards */
	int in_dlopen;               /* no unwinding: the loader lock may be held */
	int in_unwind;               /* inside libunwind: its lock calls are ours */
	int in_call_once;            /* C11 call_once runs pthread_once: one call */
	uint64_t deferred_release;   /* a signal handler's release that found the
	                                thread inside the shim: recorded at its
	                                next call (emit.h), 0 = none */
	uint32_t unwinds;            /* stacks unwound by this thread */
	uint32_t key_rounds;         /* rounds of key destructors seen */
	uint8_t end_how;             /* enum trace_thread_end: how it is ending; its
	                                THREAD_END comes from the last round of key
	                                destructors (shim.c) */
	uint64_t handle;             /* pthread_self() */
	uint32_t tid;                /* its kernel thread id; 0 once it ended */
	int *errno_at;               /* &errno of this thread: no PLT call per record */
	uintptr_t stack_lo, stack_hi;/* thread stack bounds; 0 = unknown */
	uintptr_t stack_root;        /* the thread's root frames start here (stack.h) */
	uint32_t nrooted;            /* cache entries that count on the root: */
	uint8_t rooted[SHIM_STACK_ROOTED];  /* their indexes (more: all are forgotten) */
	struct shim_thread *next_all;
	struct shim_thread *next_free;
	char pyname[SHIM_PY_NAME_MAX];  /* the Python name last written, or "" */
	struct shim_py_call pycalls[SHIM_PY_CALLS];
	struct shim_stack_entry cache[SHIM_STACK_CACHE];
	struct shim_py_entry pycache[SHIM_PY_CACHE] __attribute__((aligned(64)));
};

enum shim_state {
	SHIM_UNINIT = 0, SHIM_STARTING, SHIM_ACTIVE, SHIM_OFF,
};

struct shim_process {
	_Atomic int state;                  /* enum shim_state */
	struct trace_writer writer;
	uint32_t stack_depth;
	uint32_t pid;
	char dir[TRACE_PATH_MAX];
	/* environment to hand on across exec (the program may drop it) */
	char env_preload[TRACE_PATH_MAX + 16];
	char env_dir[TRACE_PATH_MAX + 16];
	char env_depth[48];
	char env_pylayout[48];
	_Atomic uint64_t early_drops;       /* events lost before the writer existed */
	_Atomic uint32_t starter_tid;       /* the thread in process_start */
	uint32_t maps_snapshots;
	atomic_flag maps_lock;
	_Atomic(struct shim_thread *) all;  /* every state ever made */
};

extern struct shim_process shim;

extern __thread struct shim_thread *shim_tls __attribute__((tls_model("initial-exec")));

/* A thread past its key destructor: its calls are forwarded. */
#define SHIM_THREAD_GONE ((struct shim_thread *)1)

/* The calling thread's state if it has one (never creates it). */
static inline struct shim_thread *shim_thread_peek(void)
{
	return shim_tls == SHIM_THREAD_GONE ? NULL : shim_tls;
}

/* The calling thread's state, created on first use; NULL when the shim is
 * not active or no memory can be had (the caller then forwards). */
struct shim_thread *shim_thread_self(void);

/* Starts the shim (from the constructor or the first intercepted call).
 * Returns true once it is active. */
bool shim_start(void);

/* Creates the state of a thread started through our trampoline and writes
 * its THREAD_START (ordered after the creator's CREATE on SPAWN_KEY). */
struct shim_thread *shim_thread_begin(uint32_t index, uint64_t spawn_key, uint32_t parent,
				      uintptr_t stack_lo, uintptr_t stack_hi);

/* Calls a thread's start routine fn(arg) (thread_root.c): on x86-64
 * through a frame that writes the routine's CFA and return address
 * (THREAD_ROOT) first, for thread T (NULL: none written); the same for a
 * C11 thread's routine. */
void *shim_thread_call_root(void *(*fn)(void *), void *arg, struct shim_thread *t);
int shim_thrd_call_root(int (*fn)(void *), void *arg, struct shim_thread *t);

/* Writes t's stack bounds (THREAD_STACK), when they are known. */
void shim_thread_stack_record(struct shim_thread *t);

/* A forked child: abandon the parent's files, open our own. */
void shim_after_fork_child(uint32_t parent_pid, uint32_t parent_thread, uint64_t fork_tick);

/* A forked child: the thread-spawn lock a thread that is not in it may
 * have held is free again (intercept_thread.c). */
void shim_spawns_after_fork(void);

struct dl_phdr_info;

/* The address range [*lo, *hi) of a loaded object's PT_LOAD segments
 * (*hi = 0 if it has none). */
void shim_object_range(const struct dl_phdr_info *info, uintptr_t *lo, uintptr_t *hi);

/* Appends a snapshot of the memory map to the maps file; returns its number. */
uint32_t shim_maps_snapshot(void);

/* Prepares the record fast paths (at start). */
void shim_emit_init(void);

/* Installs the fatal-signal recorders where the program keeps the default. */
void shim_signals_install(void);

/* Installs HANDLER (SA_SIGINFO | FLAGS, every signal blocked while it runs)
 * for SIGNO if the program keeps its default action there, hidden as the
 * recorders are: the program reads SIG_DFL, and what it installs replaces
 * ours. True if ours is there. */
bool shim_signal_install_hidden(int signo, void (*handler)(int, siginfo_t *, void *), int flags);

/* True if the calling process is the one the writer belongs to (false in a
 * vfork child or a child forked behind our back). */
bool shim_is_own_process(void);

#endif
