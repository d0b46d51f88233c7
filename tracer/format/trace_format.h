/* SPDX-License-Identifier: MIT */
/* trace_format.h - THE on-disk schema of a ctrace trace (version 6).
 * Shared by the writer (in the shim) and the reader. docs/trace-format.md
 * explains it in prose; this header is the authority. Never renumber. */
#ifndef CTRACE_TRACE_FORMAT_H
#define CTRACE_TRACE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define TRACE_FORMAT_VERSION 6
/* The oldest version read: 2, whose ALLOC records have no slack arg (3's
 * have the slack, not shifted: trace_alloc_slack); before 6, SEM_TRYWAIT
 * records have no arg. */
#define TRACE_FORMAT_VERSION_MIN 2

/* A process image writes one events file, "proc-<pid>-<gen>.ctr" (gen counts
 * the execs of that pid), made of chunks. Every chunk starts at a multiple of
 * TRACE_ALIGN; a chunk's header is written before any record in it, and bytes
 * never written read as zero, so a reader that finds a zero header skips
 * TRACE_ALIGN bytes and looks again. */
#define TRACE_ALIGN        4096u
#define TRACE_CHUNK_MAGIC  0x43524354u /* "TCRC" little endian: 'T','C','R','C' */

enum trace_chunk_type {
	TRACE_CHUNK_PROCESS = 1, /* the first chunk: struct trace_process_header */
	TRACE_CHUNK_EVENTS  = 2, /* one thread's records */
	TRACE_CHUNK_STACKS  = 3, /* stack table entries (struct trace_stack_entry) */
};

enum trace_clock {
	TRACE_CLOCK_MONOTONIC = 1, /* ticks are CLOCK_MONOTONIC nanoseconds */
	TRACE_CLOCK_TSC       = 2, /* ticks are rdtsc values >> TRACE_TSC_SHIFT (invariant TSC) */
};

/* TSC ticks drop their low bits: ~1.7 ns at 2.3 GHz is resolution enough,
 * and the deltas between a thread's records then mostly fit one byte. */
#define TRACE_TSC_SHIFT 2

#if defined(__x86_64__) || defined(__i386__)
static inline __attribute__((always_inline)) uint64_t trace_tsc_tick(void)
{
	return __builtin_ia32_rdtsc() >> TRACE_TSC_SHIFT;
}
#endif

/* A pair of readings taken at the same instant, to map ticks to ns. */
struct trace_calibration {
	uint64_t tick;
	uint64_t mono_ns;
};

struct trace_chunk_header {            /* 64 bytes, at the start of every chunk */
	uint32_t magic;                /* TRACE_CHUNK_MAGIC */
	uint16_t version;              /* TRACE_FORMAT_VERSION */
	uint16_t type;                 /* enum trace_chunk_type */
	uint32_t size;                 /* bytes, header included, multiple of TRACE_ALIGN */
	uint32_t thread;               /* EVENTS: thread index in the process */
	uint32_t seq;                  /* EVENTS: 0, 1, 2... per thread; STACKS: per process */
	uint32_t pid;
	struct trace_calibration cal;  /* taken when the chunk was opened */
	uint64_t base_tick;            /* EVENTS: ticks deltas start from */
	uint32_t records_end;          /* EVENTS: where the zero byte that ends the
	                                  records sits (from the chunk's start),
	                                  written when the thread leaves the chunk;
	                                  0 = not sealed (still being written, or
	                                  the thread was stopped in it) */
	uint8_t sealed_how;            /* EVENTS, with records_end: enum trace_seal */
	uint8_t reserved[11];
};

/* Why a thread left its chunk (sealed_how). */
enum trace_seal {
	TRACE_SEAL_NEXT  = 1,          /* it went on in the chunk with the next seq */
	TRACE_SEAL_CLOSE = 2,          /* its stream ended (the thread ended) */
};

#define TRACE_ARGV_MAX 2048
#define TRACE_PATH_MAX 512

/* The first chunk of the file, TRACE_ALIGN bytes. Fields after the header
 * are written once at start, except the "live" ones updated atomically. */
struct trace_process_header {
	struct trace_chunk_header h;   /* type TRACE_CHUNK_PROCESS, thread 0, seq 0 */
	uint32_t pid, ppid;
	uint32_t parent_pid;           /* traced parent process (fork) or 0 */
	uint32_t parent_thread;        /* thread index in the parent that forked */
	uint32_t exec_gen;             /* 0 for the first image of this pid */
	uint32_t clock;                /* enum trace_clock */
	uint32_t order_groups;         /* number of order groups (see records) */
	uint32_t stack_depth;          /* configured maximum frames per stack */
	uint64_t start_realtime_ns;    /* CLOCK_REALTIME at start */
	uint64_t parent_fork_tick;     /* fork: parent's tick at the fork event */
	/* live, updated while the process runs: */
	uint64_t dropped;              /* events dropped, all threads, all causes */
	uint32_t threads;              /* thread indexes handed out so far */
	uint32_t exit_flags;           /* TRACE_EXIT_* */
	int32_t exit_status;           /* valid with TRACE_EXIT_STATUS */
	int32_t exit_signal;           /* valid with TRACE_EXIT_SIGNAL */
	struct trace_calibration exit_cal; /* valid with TRACE_EXIT_CAL */
	uint64_t stacks_dropped;       /* stacks not stored (table full) */
	uint64_t accesses_seen;        /* memory accesses the hooks saw (ctrace cc) */
	uint64_t accesses_kept;        /* of those, written (one read and one write
	                                  per address and size per interval); both
	                                  are added at each flush of a thread's
	                                  interval, so accesses still buffered at a
	                                  crash count in neither */
	uint64_t atomic_loads_merged;  /* atomic loads not written: the same load
	                                  of a thread again, nothing written by it
	                                  since and no store on the location between
	                                  (it reads and acquires what the written one
	                                  did), added at each flush as the accesses */
	uint8_t reserved[40];
	uint32_t argv_len;             /* bytes of argv used: NUL-separated args */
	char exe[TRACE_PATH_MAX];      /* /proc/self/exe at start, NUL-terminated */
	char argv[TRACE_ARGV_MAX];
};

enum trace_exit_flags {
	TRACE_EXIT_STATUS = 1,  /* exit()/_exit() seen, exit_status valid */
	TRACE_EXIT_SIGNAL = 2,  /* a fatal signal was seen, exit_signal valid */
	TRACE_EXIT_CAL    = 4,  /* exit_cal valid */
	TRACE_EXIT_EXEC   = 8,  /* the image was replaced by exec */
};

/* A STACKS chunk holds entries back to back after its header; an entry is
 * valid once its id is non-zero (the id is written last). Two kinds share
 * the chunks, told apart by the field after depth: stacks, and the Python
 * code objects their Python frames name (trace_event.h, TRACE_PYFRAME). A
 * code entry is written before any stack that refers to it, so a reader
 * that goes through the entries in order knows every code it meets. */
enum trace_stack_entry_kind {
	TRACE_ENTRY_STACK  = 0,        /* depth pcs */
	TRACE_ENTRY_PYCODE = 1,        /* depth words: struct trace_pycode_entry */
};

struct trace_stack_entry {
	uint32_t id;                   /* >= 1, unique in the process (stacks and
	                                  codes count apart) */
	uint16_t depth;                /* u64 words that follow, 1..TRACE_ENTRY_WORDS_MAX */
	uint16_t kind;                 /* enum trace_stack_entry_kind */
	uint64_t pc[];                 /* innermost first; pc[0] is the call site */
};

/* A stack holds at most 64 native frames and 64 Python frames. */
#define TRACE_ENTRY_WORDS_MAX 128u

/* A stack's frames are return addresses, and for a thread running Python,
 * Python frames too: a pc with TRACE_PYFRAME set holds a code id (in a
 * file, the id of a TRACE_ENTRY_PYCODE entry of the process; in a catalog,
 * an index into its pycodes, trace-wide) and a line (0 = unknown). The
 * shim puts a C eval loop's Python frames just before that eval loop's own
 * native frame, innermost first; Python frames beyond the native depth
 * come last. */
#define TRACE_PYFRAME (1ull << 63)
#define TRACE_PYFRAME_LINE_BITS 24

static inline bool trace_pc_is_python(uint64_t pc)
{
	return (pc & TRACE_PYFRAME) != 0;
}
static inline uint64_t trace_pyframe(uint32_t code, uint32_t line)
{
	return TRACE_PYFRAME | (uint64_t)code << TRACE_PYFRAME_LINE_BITS |
	       (line & ((1u << TRACE_PYFRAME_LINE_BITS) - 1));
}
static inline uint32_t trace_pyframe_code(uint64_t pc)
{
	return (uint32_t)((pc & ~TRACE_PYFRAME) >> TRACE_PYFRAME_LINE_BITS);
}
static inline uint32_t trace_pyframe_line(uint64_t pc)
{
	return (uint32_t)(pc & ((1u << TRACE_PYFRAME_LINE_BITS) - 1));
}

/* The words of a TRACE_ENTRY_PYCODE entry: a Python code object as a frame
 * shows it. The strings follow each other, without NULs, zero-padded to
 * the entry's end. */
struct trace_pycode_entry {
	uint32_t firstlineno;          /* co_firstlineno */
	uint16_t filename_len;         /* bytes of co_filename */
	uint16_t qualname_len;         /* bytes of co_qualname, after the filename */
	char text[];
};
#define TRACE_PYCODE_FILENAME_MAX 512u
#define TRACE_PYCODE_QUALNAME_MAX 256u

/* ---------------------------------------------------------------------------
 * Records. In an EVENTS chunk, records follow the header back to back until a
 * zero byte (the op byte is written last, after the rest of the record).
 *
 *   u8   op               trace_op, | TRACE_OP_BEGIN for the request of a
 *                         blocking call that had to wait
 *   var  tick delta       zigzag, from the previous record of this chunk
 *                         (the first from the header's base_tick)
 *   then per op, from trace_op_desc:
 *   var  stack            stack id, 0 = none                   (calls)
 *   u8   slot             object slot, defined by TRACE_OP_OBJ_DEF  (OBJ)
 *   var  seq delta        zigzag, from the slot's previous seq (OBJ)
 *   u8   slot2            second object (no seq)                (OBJ2)
 *   var  result           zigzag; not in BEGIN records          (calls)
 *   var  arg[n]           unsigned, n = nargs                   (ARGS)
 *   u8   len, bytes       a string                              (STR)
 *
 * var = LEB128 unsigned varint; zigzag maps signed to unsigned.
 *
 * Order. Each object key belongs to one order group, given by the OBJ_DEF
 * that defines its slot. A group is a counter: an operation that takes
 * effect on an object takes the next value of its group's counter (its seq,
 * from 1) at that moment (before a release, after an acquisition), so
 * sorting a group by seq gives the true order of operations on each of its
 * objects, whatever the clocks say. Most objects have a group of their own;
 * when the writer's table is full, objects share groups. The seq field is
 * 0 for a record that takes no part in the order (the request of a lock, a
 * failed acquisition: observations, ordered by time only), else
 * zigzag(seq - the slot's previous seq in this chunk) + 1.
 *
 * Slots and the tick delta restart empty at each chunk, so every chunk
 * decodes alone. */

#define TRACE_OP_BEGIN   0x80u
#define TRACE_OP_MASK    0x7fu
#define TRACE_SLOTS      256u
#define TRACE_STR_MAX    255u
#define TRACE_RECORD_MAX 400u  /* reserve at the end of a chunk */

enum trace_op {
	TRACE_OP_NONE = 0,
	/* meta records (no stack, no result) */
	TRACE_OP_OBJ_DEF       = 1,  /* u8 slot, var key, var group: defines a slot */
	TRACE_OP_DROPPED       = 2,  /* var count: events this thread lost here */
	TRACE_OP_THREAD_START  = 3,  /* obj (spawn key, seq), args: parent thread
	                                index (~0 = none), tid, pthread_t; str: name */
	TRACE_OP_THREAD_END    = 4,  /* obj = own pthread_t, args: enum trace_thread_end */
	TRACE_OP_COND_RELEASE  = 5,  /* obj = mutex, slot2 = cond: the wait releases it */
	TRACE_OP_COND_REACQUIRE= 6,  /* obj = mutex, slot2 = cond: the wait got it back */
	TRACE_OP_SIGNAL        = 7,  /* args: signo (a fatal signal arrived) */
	TRACE_OP_MAPS          = 8,  /* args: snapshot number written to the maps file */
	TRACE_OP_THREAD_ATTR   = 9,  /* args: 1 created detached, 0 joinable (threads
	                                started through the shim, after THREAD_START) */
	TRACE_OP_OBJ_ROLE      = 10, /* obj (no seq), args: enum trace_obj_role; str:
	                                display name. What the object at this key is
	                                to a runtime (CPython's GIL...), for every
	                                incarnation at that key in this process */
	TRACE_OP_THREAD_NAME   = 11, /* str: the name a language runtime gave the
	                                calling thread (Python's threading name), when
	                                it set no OS name */
	TRACE_OP_RUNTIME       = 12, /* args: enum trace_runtime, version (CPython:
	                                PY_VERSION_HEX), enum trace_runtime_support;
	                                str: a note for the user (why frames are missing) */
	TRACE_OP_THREAD_STACK  = 13, /* args: the writing thread's stack bounds, low
	                                and high (its locals lie in [low, high)) */
	TRACE_OP_THREAD_ROOT   = 14, /* args: the CFA of the thread's start routine (the
	                                stack pointer at its call), the call's return
	                                address (in the shim's caller frame), the
	                                routine's address */
	TRACE_OP_FREED         = 15, /* args: address, size, enum trace_freed_flags:
	                                a heap block freed that may hold
	                                sync objects (version 5; a call, its stack
	                                the free's): an object in it used later is
	                                a new one */

	/* threads */
	TRACE_OP_CREATE = 16, TRACE_OP_JOIN, TRACE_OP_TRYJOIN_NP, TRACE_OP_TIMEDJOIN_NP,
	TRACE_OP_CLOCKJOIN_NP, TRACE_OP_DETACH, TRACE_OP_EXIT, TRACE_OP_CANCEL,
	TRACE_OP_SETNAME_NP, TRACE_OP_ONCE,
	TRACE_OP_THRD_CREATE = 26, TRACE_OP_THRD_JOIN, TRACE_OP_THRD_DETACH,
	TRACE_OP_THRD_EXIT, TRACE_OP_CALL_ONCE,
	/* mutexes */
	TRACE_OP_MUTEX_INIT = 32, TRACE_OP_MUTEX_DESTROY, TRACE_OP_MUTEX_LOCK,
	TRACE_OP_MUTEX_TRYLOCK, TRACE_OP_MUTEX_TIMEDLOCK, TRACE_OP_MUTEX_CLOCKLOCK,
	TRACE_OP_MUTEX_UNLOCK, TRACE_OP_MUTEX_CONSISTENT,
	TRACE_OP_MTX_INIT = 40, TRACE_OP_MTX_DESTROY, TRACE_OP_MTX_LOCK,
	TRACE_OP_MTX_TRYLOCK, TRACE_OP_MTX_TIMEDLOCK, TRACE_OP_MTX_UNLOCK,
	/* rwlocks */
	TRACE_OP_RWLOCK_INIT = 48, TRACE_OP_RWLOCK_DESTROY, TRACE_OP_RWLOCK_RDLOCK,
	TRACE_OP_RWLOCK_TRYRDLOCK, TRACE_OP_RWLOCK_TIMEDRDLOCK, TRACE_OP_RWLOCK_CLOCKRDLOCK,
	TRACE_OP_RWLOCK_WRLOCK, TRACE_OP_RWLOCK_TRYWRLOCK, TRACE_OP_RWLOCK_TIMEDWRLOCK,
	TRACE_OP_RWLOCK_CLOCKWRLOCK, TRACE_OP_RWLOCK_UNLOCK,
	/* spinlocks */
	TRACE_OP_SPIN_INIT = 60, TRACE_OP_SPIN_DESTROY, TRACE_OP_SPIN_LOCK,
	TRACE_OP_SPIN_TRYLOCK, TRACE_OP_SPIN_UNLOCK,
	/* condition variables */
	TRACE_OP_COND_INIT = 66, TRACE_OP_COND_DESTROY, TRACE_OP_COND_WAIT,
	TRACE_OP_COND_TIMEDWAIT, TRACE_OP_COND_CLOCKWAIT, TRACE_OP_COND_SIGNAL,
	TRACE_OP_COND_BROADCAST,
	TRACE_OP_CND_INIT = 73, TRACE_OP_CND_DESTROY, TRACE_OP_CND_WAIT,
	TRACE_OP_CND_TIMEDWAIT, TRACE_OP_CND_SIGNAL, TRACE_OP_CND_BROADCAST,
	/* semaphores */
	TRACE_OP_SEM_INIT = 80, TRACE_OP_SEM_DESTROY, TRACE_OP_SEM_OPEN, TRACE_OP_SEM_CLOSE,
	TRACE_OP_SEM_UNLINK, TRACE_OP_SEM_WAIT, TRACE_OP_SEM_TRYWAIT, TRACE_OP_SEM_TIMEDWAIT,
	TRACE_OP_SEM_CLOCKWAIT, TRACE_OP_SEM_POST,
	/* barriers */
	TRACE_OP_BARRIER_INIT = 90, TRACE_OP_BARRIER_DESTROY, TRACE_OP_BARRIER_WAIT,
	/* POSIX message queues */
	TRACE_OP_MQ_OPEN = 96, TRACE_OP_MQ_CLOSE, TRACE_OP_MQ_UNLINK, TRACE_OP_MQ_SEND,
	TRACE_OP_MQ_TIMEDSEND, TRACE_OP_MQ_RECEIVE, TRACE_OP_MQ_TIMEDRECEIVE, TRACE_OP_MQ_NOTIFY,
	/* processes */
	TRACE_OP_FORK = 108, TRACE_OP_EXEC, TRACE_OP_PROC_EXIT, TRACE_OP__EXIT,
	TRACE_OP_ABORT, TRACE_OP_DLOPEN, TRACE_OP_POSIX_SPAWN,
	/* memory (programs built with `ctrace cc`: the __tsan_* hooks) */
	TRACE_OP_ACCESSES = 116, /* a batch of plain accesses of this thread since its
	                            previous record (encoding: "Accesses" below); the
	                            reader gives one TRACE_OP_ACCESS event per access */
	TRACE_OP_ACCESS   = 117, /* reader only, never on disk: one access; args:
	                            address, size, enum trace_access_flags; its stack */
	TRACE_OP_ATOMIC   = 118, /* obj = the location (kind ATOMIC, ordered: the true
	                            order of atomic operations on it), args: enum
	                            trace_atomic_op, memory order (C11: 0 relaxed ..
	                            5 seq_cst), size in bytes */
	TRACE_OP_FENCE    = 119, /* args: memory order (atomic_thread_fence) */
	TRACE_OP_ALLOC    = 120, /* args: address, size, slack << 1 | enum
	                            trace_alloc_flags (version 4; slack: the bytes
	                            past size the allocator gave with it, which the
	                            program may use too, malloc_usable_size): a heap
	                            block or a mapping made (its stack is where);
	                            a block's free() is an ACCESS with FREE */
	TRACE_OP_ANNOTATE = 121, /* ctrace.h: args: enum trace_annotation, address,
	                            size; str: a name */

	TRACE_OP_COUNT = 128
};

/* FREED arg 2. */
enum trace_freed_flags {
	TRACE_FREED_INSTRUMENTED = 1,  /* instrumented code (`ctrace cc`) freed it */
	TRACE_FREED_DELETE       = 2,  /* an operator delete (C++), not free() */
};

enum trace_thread_end {
	TRACE_THREAD_END_RETURN  = 0, /* the start routine returned */
	TRACE_THREAD_END_EXIT    = 1, /* pthread_exit / thrd_exit */
	TRACE_THREAD_END_UNWOUND = 2, /* cancelled, or ended without passing our trampoline */
};

/* TRACE_OP_OBJ_ROLE: objects a language runtime uses for its own purposes. */
enum trace_obj_role {
	TRACE_ROLE_NONE = 0,
	TRACE_ROLE_GIL_MUTEX = 1,        /* CPython gil.mutex: guards the GIL's state */
	TRACE_ROLE_GIL_COND = 2,         /* gil.cond: waiters for the GIL */
	TRACE_ROLE_GIL_SWITCH_MUTEX = 3, /* gil.switch_mutex (forced switching) */
	TRACE_ROLE_GIL_SWITCH_COND = 4,  /* gil.switch_cond */
	TRACE_ROLE_PSHARED = 5,          /* a process-shared lock or condition whose
	                                    init the process did not make (its memory
	                                    says so: inherited over fork, or mapped
	                                    from a file another process set up) */
};

/* TRACE_OP_RUNTIME: the language runtime found in the process. */
enum trace_runtime {
	TRACE_RUNTIME_NONE = 0,
	TRACE_RUNTIME_CPYTHON = 1,
	TRACE_RUNTIME_OPENMP = 2,        /* an OpenMP runtime (libgomp, libomp); support
	                                    TRACE_RUNTIME_NO_ORDER: its order is not
	                                    recorded (no instrumented code) */
};
/* SEM_TRYWAIT's arg (version 6): what the call that tried asked for, when
 * the shim can tell (CPython's lock acquire tries first, whatever its
 * arguments): a blocking acquire (or not known: the trace says no more),
 * one that must not block (`acquire(blocking=False)`), a timed one. */
enum trace_sem_call {
	TRACE_SEM_CALL_PLAIN = 0,
	TRACE_SEM_CALL_TRY = 1,
	TRACE_SEM_CALL_TIMED = 2,
};

enum trace_runtime_support {
	TRACE_RUNTIME_FULL = 0,          /* frames, names and GIL recorded */
	TRACE_RUNTIME_UNKNOWN_LAYOUT = 1,/* version without known layouts: C frames only */
	TRACE_RUNTIME_NO_STACKS = 2,     /* stacks off (depth 0): no frames, no names;
	                                    the GIL's roles recorded */
	TRACE_RUNTIME_NO_ORDER = 3,      /* OpenMP: what the runtime orders (its team's
	                                    start, barriers, end) is not recorded */
};

/* TRACE_OP_ACCESS flags. */
/* ALLOC's third arg, below its slack (version 4). */
enum trace_alloc_flags {
	TRACE_ALLOC_INSTRUMENTED = 1 << 0, /* a heap block asked for by instrumented
	                                      code (the call's return address is in
	                                      it): the program's, whose allocation
	                                      writes it as TSan takes it */
};

static inline uint64_t trace_alloc_slack(uint64_t arg2)
{
	return arg2 >> 1;
}

enum trace_access_flags {
	TRACE_ACCESS_WRITE    = 1 << 0,
	TRACE_ACCESS_VOLATILE = 1 << 1,
	TRACE_ACCESS_RANGE    = 1 << 2, /* memcpy, memset, strcpy..., __tsan_*_range */
	TRACE_ACCESS_FREE     = 1 << 3, /* free(): a write to the whole block */
	TRACE_ACCESS_VPTR     = 1 << 4, /* a C++ vtable pointer (update or read) */
	TRACE_ACCESS_ATOMIC   = 1 << 5, /* (version 4) an atomic load not recorded as an
	                                   `atomic` (it acquired nothing the thread's
	                                   earlier one of the location had not): a
	                                   read that orders nothing and races with
	                                   plain accesses only */
	TRACE_ACCESS_FLAGS_END = 1 << 6,
};

/* ---------------------------------------------------------------------------
 * Accesses. A thread's plain memory accesses are buffered per
 * synchronization-free interval: between two of its records, the shim keeps
 * the first read and the first write of each (address, size) (byte-exact,
 * with the stack of that first access) and writes them, in the order of
 * their first occurrence, as ACCESSES records: a record is filled in place
 * as accesses come and published when full or when the thread writes any
 * other record, so the accesses of an interval come before the record
 * that ends it (any record but a relaxed ATOMIC and an ALLOC: those two
 * close the open batch and leave the interval going on). A batch record:
 *
 *   u8   op               TRACE_OP_ACCESSES
 *   var  tick delta       as every record; every access of the batch has
 *                         this tick (when its first access came)
 *   var  count            >= 1 accesses follow (the writer uses a two-byte
 *                         varint)
 *   then per access:
 *   u8   header           bit 0 write; bits 1-3 (the class): 0-4 = log2
 *                         of the size (1, 2, 4, 8 or 16 bytes) and no other
 *                         flag; 7 (TRACE_ACCESSES_EXT): flags and size
 *                         follow; 5, 6 and bits 4-7 set are invalid
 *   var  flags            (EXT only) enum trace_access_flags, bit 0 = header's
 *   var  size             (EXT only) bytes
 *   var  address delta    zigzag, from the previous access of this record (0
 *                         for the first)
 *   var  stack delta      zigzag, stack id from the previous access's (0 for
 *                         the first): the shadow call stack + the access pc
 *
 * A record stays within TRACE_RECORD_MAX bytes like any other; the reader
 * yields one TRACE_OP_ACCESS event per access. */
#define TRACE_ACCESSES_EXT 7u  /* the header's class with flags and size */

/* TRACE_OP_ATOMIC operations. */
enum trace_atomic_op {
	TRACE_ATOMIC_LOAD = 1,
	TRACE_ATOMIC_STORE = 2,
	TRACE_ATOMIC_RMW = 3,       /* exchange, fetch_*, a compare-exchange that succeeded */
	TRACE_ATOMIC_CAS_FAIL = 4,  /* a compare-exchange that failed: a load (its fail order) */
	TRACE_ATOMIC_OP_MASK = 7,
	TRACE_ATOMIC_UNCHECKED = 8, /* flag: made where its thread's accesses are ignored
	                               (AnnotateIgnore*, an annotated lock's own work): it
	                               orders as any other, but is no access to race with */
};

/* Whether an `atomic` record's memory order (C11: 0 relaxed, 1 consume,
 * 2 acquire, 3 release, 4 acq_rel, 5 seq_cst) acquires, and releases. */
static inline bool trace_mo_acquires(uint64_t mo)
{
	return mo == 1 || mo == 2 || mo == 4 || mo == 5;
}

static inline bool trace_mo_releases(uint64_t mo)
{
	return mo == 3 || mo == 4 || mo == 5;
}

/* TRACE_OP_ANNOTATE kinds (ctrace.h). */
enum trace_annotation {
	TRACE_ANN_HAPPENS_BEFORE = 1, /* address: a release on it */
	TRACE_ANN_HAPPENS_AFTER = 2,  /* address: an acquire of what was released on it */
	TRACE_ANN_BENIGN_RACE = 3,    /* address, size: races on it are not reported */
	TRACE_ANN_LOCK_NAME = 4,      /* address: a lock; str: its name */
	TRACE_ANN_THREAD_NAME = 5,    /* str: the calling thread's name */
};

/* What kind of object an op works on. */
enum trace_obj_kind {
	TRACE_OBJ_NONE = 0, TRACE_OBJ_THREAD, TRACE_OBJ_MUTEX, TRACE_OBJ_RWLOCK,
	TRACE_OBJ_SPINLOCK, TRACE_OBJ_COND, TRACE_OBJ_SEM, TRACE_OBJ_BARRIER,
	TRACE_OBJ_MQ, TRACE_OBJ_ONCE, TRACE_OBJ_SPAWN,
	TRACE_OBJ_ATOMIC,      /* a memory location used by atomic operations */
	TRACE_OBJ_KIND_COUNT
};

/* Mutex attributes packed into arg[0] of *_INIT records. */
enum trace_mutex_attr {
	TRACE_MUTEX_TYPE_MASK  = 0x3,  /* 0 normal, 1 recursive, 2 errorcheck, 3 default(adaptive) */
	TRACE_MUTEX_ROBUST     = 0x4,
	TRACE_MUTEX_PSHARED    = 0x8,
	TRACE_MUTEX_TIMED      = 0x10, /* C11 mtx_timed */
	TRACE_MUTEX_PROTO_SHIFT= 5,    /* protocol: 0 none, 1 inherit, 2 protect */
	TRACE_MUTEX_OMP        = 0x80, /* an OpenMP lock (omp_init_lock, omp_init_nest_lock) */
};
enum trace_mutex_type {
	TRACE_MUTEX_NORMAL = 0, TRACE_MUTEX_RECURSIVE = 1, TRACE_MUTEX_ERRORCHECK = 2,
	TRACE_MUTEX_DEFAULT = 3,
};

/* Object keys of things that are not addresses. */
#define TRACE_KEY_MQ_FLAG (1ull << 63) /* mq: flag | 63-bit hash of the queue name */

enum trace_op_flags {
	TRACE_F_CALL     = 1 << 0, /* an intercepted function: stack + result */
	TRACE_F_OBJ      = 1 << 1, /* slot + seq field */
	TRACE_F_OBJ2     = 1 << 2, /* slot2 */
	TRACE_F_STR      = 1 << 3, /* string at the end */
	TRACE_F_BLOCKING = 1 << 4, /* may have a BEGIN record */
};

/* The per-op schema: what follows the tick delta. */
struct trace_op_desc {
	const char *name;      /* by_kind name: "mutex_lock", "cond_wait", ... */
	uint8_t kind;          /* enum trace_obj_kind of obj */
	uint8_t flags;         /* enum trace_op_flags */
	uint8_t nargs;         /* args in END/CALL records */
	uint8_t nargs_begin;   /* args in BEGIN records */
};

/* Indexed by enum trace_op; name == NULL marks an unused value. */
extern const struct trace_op_desc trace_op_descs[TRACE_OP_COUNT];

static inline const struct trace_op_desc *trace_op_desc(unsigned op)
{
	op &= TRACE_OP_MASK;
	return trace_op_descs[op].name ? &trace_op_descs[op] : NULL;
}

/* ---- encoding helpers, shared by writer and reader ---- */

static inline uint64_t trace_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t trace_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static inline uint8_t *trace_put_var(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* Decodes a varint from [*p, end). Returns 0 on success, -1 if truncated or
 * longer than 10 bytes. */
static inline int trace_get_var(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	const uint8_t *q = *p;
	while (q < end && shift < 70) {
		uint8_t b = *q++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*p = q;
			*out = v;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* The seq field of a record (see "Order"): 0 = not ordered. */
static inline uint64_t trace_seq_field(uint64_t seq, uint64_t prev)
{
	return seq ? trace_zigzag((int64_t)(seq - prev)) + 1 : 0;
}

/* The slot a writer puts an object key in (a direct-mapped cache). */
static inline uint32_t trace_slot_of(uint64_t key)
{
	uint64_t h = (key >> 3) * 0xff51afd7ed558ccdull;
	return (uint32_t)(h >> 56);
}

#endif
