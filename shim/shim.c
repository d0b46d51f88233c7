/* SPDX-License-Identifier: MIT */
/* shim.c - starting the shim (CTRACE_* environment, the process file),
 * per-thread states and their end, fork. Starts from the constructor or
 * from the first intercepted call, whichever comes first. */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "elf_symbol.h"
#include "emit.h"
#include "loader_gate.h"
#include "python.h"
#include "real.h"
#include "stack.h"
#include "tsan_modules.h"
#include "tsan_thread.h"

struct shim_process shim = { .maps_lock = ATOMIC_FLAG_INIT };

__thread struct shim_thread *shim_tls __attribute__((tls_model("initial-exec")));

static pthread_key_t thread_key;
static atomic_flag free_lock = ATOMIC_FLAG_INIT;
static struct shim_thread *free_list;
extern void *__libc_stack_end;

static uint32_t gettid_now(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

bool shim_is_own_process(void)
{
	return (uint32_t)getpid() == shim.pid;
}

/* ---- thread states ---- */

static struct shim_thread *state_alloc(void)
{
	while (atomic_flag_test_and_set_explicit(&free_lock, memory_order_acquire))
		;
	struct shim_thread *t = free_list;
	if (t)
		free_list = t->next_free;
	atomic_flag_clear_explicit(&free_lock, memory_order_release);
	if (t) {
		shim_stack_forget(t);
		return t;
	}
	void *p = mmap(NULL, sizeof *t, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	t = p;
	t->next_all = atomic_load(&shim.all);
	while (!atomic_compare_exchange_weak(&shim.all, &t->next_all, t))
		;
	return t;
}

static void state_free(struct shim_thread *t)
{
	while (atomic_flag_test_and_set_explicit(&free_lock, memory_order_acquire))
		;
	__atomic_store_n(&t->tid, 0, __ATOMIC_RELAXED);  /* no more to ask (tsan_exit.c) */
	t->next_free = free_list;
	free_list = t;
	atomic_flag_clear_explicit(&free_lock, memory_order_release);
}

void shim_thread_stack_record(struct shim_thread *t)
{
	if (!t->stack_hi)
		return;
	struct shim_call c = { .t = t, .stack = 0 };
	shim_emit(&c, TRACE_OP_THREAD_STACK, 0, 0, 0, t->stack_lo, t->stack_hi, 0, NULL);
}

static void thread_start_record(struct shim_thread *t, uint64_t spawn_key, uint32_t parent)
{
	char name[16] = "";
	prctl(PR_GET_NAME, name, 0, 0, 0);
	struct shim_call c = { .t = t, .stack = 0 };
	shim_emit(&c, TRACE_OP_THREAD_START, spawn_key, 0, 0, parent == UINT32_MAX ? ~0ull : parent,
		  t->tid, t->handle, name);
	shim_thread_stack_record(t);
}

static struct shim_thread *state_setup(uint32_t index, uintptr_t stack_lo, uintptr_t stack_hi)
{
	struct shim_thread *t = state_alloc();
	if (!t)
		return NULL;
	trace_stream_init(&t->stream, &shim.writer, index);
	tsan_thread_reset(t);
	t->index = index;
	t->in_shim = t->in_dlopen = t->in_unwind = 0;
	t->unwinds = 0;
	t->key_rounds = 0;
	t->deferred_release = 0;
	t->end_how = TRACE_THREAD_END_UNWOUND;
	t->handle = (uint64_t)pthread_self();
	__atomic_store_n(&t->tid, gettid_now(), __ATOMIC_RELAXED);
	t->errno_at = &errno;
	t->stack_lo = stack_lo;
	t->stack_hi = stack_hi;
	t->stack_root = SHIM_ROOT_NONE;
	t->pyname[0] = 0;
	shim_tls = t;
	shim_real.pthread_setspecific(thread_key, t);
	return t;
}

struct shim_thread *shim_thread_begin(uint32_t index, uint64_t spawn_key, uint32_t parent,
				      uintptr_t stack_lo, uintptr_t stack_hi)
{
	struct shim_thread *t = state_setup(index, stack_lo, stack_hi);
	if (t)
		thread_start_record(t, spawn_key, parent);
	return t;
}

/* The main thread's stack: below __libc_stack_end, as deep as the limit. */
static void main_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
	struct rlimit rl;
	uintptr_t size = 8u << 20;
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		size = rl.rlim_cur;
	*hi = (uintptr_t)__libc_stack_end;
	*lo = *hi > size ? *hi - size + 4096 : 0;
}

/* A thread we did not start (the main thread, or one started by libc or
 * before the shim): no known stack bounds except for the main thread. */
static struct shim_thread *thread_adopt(void)
{
	uintptr_t lo = 0, hi = 0;
	uint32_t index;
	if (gettid_now() == shim.pid) {
		index = 0;
		main_stack_bounds(&lo, &hi);
	} else {
		index = trace_writer_new_thread(&shim.writer);
	}
	struct shim_thread *t = state_setup(index, lo, hi);
	if (t)
		thread_start_record(t, t->handle, UINT32_MAX);
	else  /* no memory for a state: this event is lost, and counted */
		atomic_fetch_add((_Atomic uint64_t *)&shim.writer.hdr->dropped, 1);
	return t;
}

struct shim_thread *shim_thread_self(void)
{
	struct shim_thread *t = shim_tls;
	if (__builtin_expect(t != NULL, 1))
		return t == SHIM_THREAD_GONE ? NULL : t;
	if (atomic_load_explicit(&shim.state, memory_order_acquire) != SHIM_ACTIVE)
		return NULL;
	return thread_adopt();
}

/* The state goes last, after the thread's THREAD_END: its cleanup
 * handlers, C++ thread_local destructors and the program's key destructors
 * (which run in the same rounds as ours) may still lock. glibc runs the
 * destructors in up to PTHREAD_DESTRUCTOR_ITERATIONS rounds while a value
 * is set again: ours sets its own again until the last round. */
static void thread_key_destructor(void *p)
{
	struct shim_thread *t = p;
	if (!t || t == SHIM_THREAD_GONE)
		return;
	if (++t->key_rounds < PTHREAD_DESTRUCTOR_ITERATIONS) {
		shim_real.pthread_setspecific(thread_key, t);
		return;
	}
	struct shim_call c = { .t = t, .stack = 0 };
	shim_emit(&c, TRACE_OP_THREAD_END, t->handle, 0, 0, t->end_how, 0, 0, NULL);
	t->in_shim++;  /* a signal handler now must not write: the chunk goes away */
	shim_tls = SHIM_THREAD_GONE;
	tsan_thread_gone();
	tsan_fiber_thread_gone();
	trace_stream_close(&t->stream);
	state_free(t);
}

/* ---- starting ---- */

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return (ssize_t)n;
}

/* rdtsc only where the kernel says the TSC is invariant. */
static enum trace_clock pick_clock(void)
{
#if defined(__x86_64__)
	static char buf[16384];
	ssize_t n = read_file("/proc/cpuinfo", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = 0;
		if (strstr(buf, " constant_tsc") && strstr(buf, " nonstop_tsc"))
			return TRACE_CLOCK_TSC;
	}
#endif
	return TRACE_CLOCK_MONOTONIC;
}

static void copy_env(char *dst, size_t size, const char *name, const char *value)
{
	size_t n = strlen(name);
	if (!value || n + 2 + strlen(value) > size)
		return;
	memcpy(dst, name, n);
	dst[n] = '=';
	strcpy(dst + n + 1, value);
}

static bool read_config(void)
{
	const char *dir = getenv("CTRACE_DIR");
	if (!dir || !*dir || strlen(dir) >= sizeof shim.dir - 64)
		return false;
	strcpy(shim.dir, dir);
	const char *depth = getenv("CTRACE_STACK_DEPTH");
	long d = depth ? strtol(depth, NULL, 10) : 16;
	shim.stack_depth = d < 0 ? 0 : d > (long)TRACE_STACK_DEPTH_MAX ? TRACE_STACK_DEPTH_MAX : (uint32_t)d;
	copy_env(shim.env_preload, sizeof shim.env_preload, "LD_PRELOAD", getenv("LD_PRELOAD"));
	copy_env(shim.env_dir, sizeof shim.env_dir, "CTRACE_DIR", dir);
	copy_env(shim.env_depth, sizeof shim.env_depth, "CTRACE_STACK_DEPTH", depth ? depth : "16");
	copy_env(shim.env_pylayout, sizeof shim.env_pylayout, "CTRACE_PYTHON_LAYOUT",
		 getenv("CTRACE_PYTHON_LAYOUT"));
	return true;
}

static int open_writer(uint32_t parent_pid, uint32_t parent_thread, uint64_t fork_tick)
{
	static char exe[TRACE_PATH_MAX], argv[TRACE_ARGV_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	ssize_t alen = read_file("/proc/self/cmdline", argv, sizeof argv);
	shim.pid = (uint32_t)getpid();
	struct trace_writer_config cfg = {
		.dir = shim.dir, .pid = shim.pid, .ppid = (uint32_t)getppid(),
		.parent_pid = parent_pid, .parent_thread = parent_thread,
		.parent_fork_tick = fork_tick, .stack_depth = shim.stack_depth,
		.clock = pick_clock(), .exe = exe, .argv = argv,
		.argv_len = alen > 0 ? (uint32_t)alen : 0,
	};
	return trace_writer_open(&shim.writer, &cfg);
}

static struct {
	uint32_t pid, thread;
	uint64_t tick;
} fork_origin;

/* Runs last of the prepare handlers (ours was registered first): the
 * program's own have taken their locks, so the FORK request recorded here
 * marks the state the child inherits. Also sees forks made inside libc
 * (daemon) that our wrapper never sees. */
static void fork_prepare(void)
{
	struct shim_call c;
	if (shim_is_own_process() && shim_enter(&c, SHIM_SITE()))
		shim_begin(&c, TRACE_OP_FORK, NULL);
	struct shim_thread *t = shim_tls;
	fork_origin.pid = shim.pid;
	fork_origin.thread = t && t != SHIM_THREAD_GONE ? t->index : UINT32_MAX;
	fork_origin.tick = trace_writer_tick(&shim.writer);
	shim_loader_fork_prepare();
}

static void fork_child(void)
{
	shim_loader_fork_child();
	if (atomic_load(&shim.state) != SHIM_ACTIVE)
		return;
	shim_after_fork_child(fork_origin.pid, fork_origin.thread, fork_origin.tick);
}

/* clock_gettime by the system call, where there is no vDSO. */
static int kernel_clock(clockid_t id, struct timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, id, ts);
}

static bool process_start(void)
{
	/* The trace's times come from the kernel's clock, the vDSO's,
	 * whatever the program interposes on clock_gettime (libfaketime). */
	int (*vdso_clock)(clockid_t, struct timespec *) =
		(int (*)(clockid_t, struct timespec *))shim_elf_symbol("__vdso_clock_gettime");
	trace_writer_set_clock(vdso_clock ? vdso_clock : kernel_clock);
	if (!read_config())
		return false;
	if (shim_real.pthread_key_create(&thread_key, thread_key_destructor) != 0)
		return false;
	shim_stack_init();
	shim_emit_init();
	if (open_writer(0, 0, 0) < 0)
		return false;
	atomic_store_explicit(&shim.state, SHIM_ACTIVE, memory_order_release);
	pthread_atfork(fork_prepare, shim_loader_fork_parent, fork_child);
	if (gettid_now() == shim.pid)
		shim_thread_self();  /* the main thread is in the trace from the start */
	shim_maps_snapshot();
	shim_py_detect(shim_thread_self());
	shim_signals_install();
	return true;
}

bool shim_start(void)
{
	int s = atomic_load_explicit(&shim.state, memory_order_acquire);
	if (s == SHIM_ACTIVE)
		return true;
	if (s == SHIM_OFF || shim_real_resolve() < 0)
		return false;
	int expected = SHIM_UNINIT;
	if (!atomic_compare_exchange_strong(&shim.state, &expected, SHIM_STARTING)) {
		/* Another thread's call while the shim starts is lost. The
		 * starting thread's own are the shim's: what the calls it makes
		 * then call (an allocator's hook in the writer's mmap). */
		if (expected == SHIM_STARTING &&
		    atomic_load_explicit(&shim.starter_tid, memory_order_relaxed) != gettid_now())
			atomic_fetch_add(&shim.early_drops, 1);
		return atomic_load(&shim.state) == SHIM_ACTIVE;
	}
	atomic_store_explicit(&shim.starter_tid, gettid_now(), memory_order_relaxed);
	if (!process_start()) {
		atomic_store(&shim.state, SHIM_OFF);
		return false;
	}
	uint64_t early = atomic_exchange(&shim.early_drops, 0);
	if (early)
		atomic_fetch_add((_Atomic uint64_t *)&shim.writer.hdr->dropped, early);
	return true;
}

void shim_after_fork_child(uint32_t parent_pid, uint32_t parent_thread, uint64_t fork_tick)
{
	struct shim_thread *self = shim_tls;
	/* The parent's chunks are shared mappings: unmap, never write. */
	for (struct shim_thread *t = atomic_load(&shim.all); t; t = t->next_all)
		trace_stream_abandon(&t->stream);
	if (self && self != SHIM_THREAD_GONE)
		tsan_thread_reset(self);  /* its open batch was in a parent's chunk */
	trace_writer_abandon(&shim.writer);
	free_list = NULL;
	atomic_flag_clear(&free_lock);
	atomic_flag_clear(&shim.maps_lock);
	shim.maps_snapshots = 0;
	tsan_sync_after_fork();
	tsan_modules_after_fork();
	shim_spawns_after_fork();
	for (struct shim_thread *t = atomic_load(&shim.all); t; t = t->next_all)
		if (t != self)
			state_free(t);
	if (open_writer(parent_pid, parent_thread, fork_tick) < 0) {
		atomic_store(&shim.state, SHIM_OFF);
		tsan_thread_gone();  /* nothing to record into */
		return;
	}
	if (self && self != SHIM_THREAD_GONE) {
		uintptr_t lo = 0, hi = 0;
		if (self->index == 0)
			main_stack_bounds(&lo, &hi);
		else
			lo = self->stack_lo, hi = self->stack_hi;
		int in_shim = self->in_shim;
		trace_stream_init(&self->stream, &shim.writer, 0);
		tsan_thread_reset(self);
		shim_stack_forget(self);
		self->index = 0;
		self->tid = gettid_now();
		self->stack_lo = lo;
		self->stack_hi = hi;
		self->in_shim = 0;
		thread_start_record(self, self->handle, UINT32_MAX);
		shim_py_after_fork(self);
		self->in_shim = in_shim;
	}
	shim_maps_snapshot();
}

__attribute__((constructor(101))) static void shim_constructor(void)
{
	shim_start();
}

/* Normal ends (return from main) do not pass our exit wrapper. */
__attribute__((destructor)) static void shim_destructor(void)
{
	if (atomic_load(&shim.state) == SHIM_ACTIVE && shim_is_own_process()) {
		tsan_publish_all();   /* after the program's exit handlers */
		trace_writer_set_exit(&shim.writer, TRACE_EXIT_CAL, 0);
	}
}
