/* SPDX-License-Identifier: MIT */
/* ompt.c - the order OpenMP gives, for LLVM's OpenMP runtime (libomp,
 * clang -fopenmp). libomp synchronizes its threads with its own atomics
 * and futexes, which the shim does not see; through the OpenMP tools
 * interface (OMPT) it tells a tool what it orders, and this tool records
 * that as happens-before annotations (as Archer does for TSan):
 *
 *   parallel_begin      release on the region's fork; each implicit task
 *                       acquires it when it begins (a league's: each team's
 *                       initial task, which releases on the league's end
 *                       when it ends)
 *   barrier begin/end   release / acquire on the region's barrier (two
 *                       addresses, alternating: a thread may enter the next
 *                       barrier before another left this one)
 *   parallel_end        acquires both barriers (every thread's work, up to
 *                       the region's closing barrier)
 *   task_create         release on the new task; it acquires when it starts
 *                       or resumes (a task suspended releases on itself)
 *   task completion     release on the barrier the task must end before,
 *                       and on the region's task set, which taskwait and
 *                       taskgroup ends acquire
 *   dependences         a task with depend() acquires, when it first
 *                       starts, what earlier tasks released on its
 *                       variables, and releases on them when it completes
 *   mutex_acquired /    acquire / release on the wait id (critical, atomic,
 *   mutex_released      ordered, locks and nest locks)
 *   reduction           the runtime's own combining of the threads'
 *                       copies (race-free by construction) is not recorded
 *   task completion     its private data, whose memory libomp reuses
 *                       unseen, is forgotten (as a freed block is)
 *
 * Single, master, sections and copyprivate are ordered by their barriers.
 * Addresses are in a range no program memory uses (0xfb...): a region's
 * number, a task's ompt_data_t address (8 bytes, so 8 slots unique while
 * it lives), a dependence variable or a wait id. Taskwait and taskgroup
 * acquire every completed task of the region, not only their own: this
 * can only hide a race (as can an address reused after its object ended),
 * never make one. libomp looks up ompt_start_tool at its initialization
 * (its first OpenMP call); the tool is there only if the shim records and
 * the process has instrumented code by then, and leaves the place to any
 * other tool (a later library's ompt_start_tool, OMP_TOOL_LIBRARIES).
 * Callbacks run on libomp's threads: no allocation, errno kept. */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "emit.h"
#include "omp_runtime.h"
#include "ompt_abi.h"
#include "tsan_record.h"
#include "tsan_thread.h"

#define OMPT_ADDR 0xfb00000000000000ull
#define OMPT_PTR ((1ull << 48) - 1)   /* user-space pointers, variables, wait ids */
/* Slot S of the ompt_data_t D (8-byte aligned: slots 0-7 are its own). */
#define OMPT_AT(d, s) (OMPT_ADDR | (((uint64_t)(uintptr_t)(d) & OMPT_PTR) + (s)))
#define OMPT_DEP(var, kind) (OMPT_ADDR | 1ull << 52 | ((var) & OMPT_PTR) << 2 | (kind))
#define OMPT_LOCK(id) (OMPT_ADDR | 2ull << 52 | ((id) & OMPT_PTR))
#define OMPT_DEPS_ALL (OMPT_ADDR | 3ull << 52)          /* every task with dependences */
#define OMPT_DEPS_UNKNOWN (OMPT_DEPS_ALL + 1)          /* those whose list was not kept */
/* Slot S of the region numbered ID. */
#define OMPT_REGION(id, s) (OMPT_ADDR | 4ull << 52 | ((id) & OMPT_PTR) << 3 | (s))

enum { SLOT_FORK, SLOT_BARRIER, SLOT_BARRIER_NEXT, SLOT_TASKS };  /* of a region */
enum { SLOT_TASK };                                              /* of a task */
enum { DEP_IN, DEP_OUT, DEP_INOUTSET };                          /* of a variable */

/* A region's ompt_data_t value is its number (libomp passes a copy of it
 * to the threads: its address is not the region's). A task's value: its
 * region's number and the parity of the barrier that comes next, or, for
 * a task with dependences, its record (which holds those). */
#define V_PARITY (1ull << 63)
#define V_DEPS (1ull << 62)      /* the pointer is a struct deps record */
#define V_STARTED (1ull << 61)   /* its dependences were acquired */
#define V_UNKNOWN (1ull << 60)   /* it has dependences, not kept */
#define V_IMPLICIT (1ull << 59)  /* tied to its thread: no release when suspended */
#define V_LEAGUE (1ull << 58)    /* the initial task of a team of a league (teams) */

/* ---- dependence lists, in a fixed pool (no allocation in callbacks) ---- */

#define DEPS_MAX 8
#define DEPS_RECORDS 4096

struct deps {
	uint64_t team;              /* the task's team and parity */
	uint32_t n;
	_Atomic uint32_t next;      /* free list: index + 1 */
	uint64_t dep[DEPS_MAX];     /* variable | type << 56 */
};

static struct deps deps_pool[DEPS_RECORDS];
static _Atomic uint64_t deps_free;      /* index + 1 | generation << 32 */
static _Atomic uint32_t deps_fresh;     /* records never used: from here */
static _Atomic bool deps_unknown_seen;
static _Atomic uint64_t regions;
static int (*get_task_memory)(void **, size_t *, int);   /* ompt_get_task_memory */

static struct deps *deps_new(void)
{
	uint64_t head = atomic_load_explicit(&deps_free, memory_order_acquire);
	while ((uint32_t)head) {
		struct deps *d = &deps_pool[(uint32_t)head - 1];
		uint64_t next = ((head >> 32) + 1) << 32 |
				atomic_load_explicit(&d->next, memory_order_relaxed);
		if (atomic_compare_exchange_weak_explicit(&deps_free, &head, next,
							  memory_order_acquire, memory_order_acquire))
			return d;
	}
	if (atomic_load_explicit(&deps_fresh, memory_order_relaxed) >= DEPS_RECORDS)
		return NULL;
	uint32_t i = atomic_fetch_add_explicit(&deps_fresh, 1, memory_order_relaxed);
	return i < DEPS_RECORDS ? &deps_pool[i] : NULL;
}

static void deps_delete(struct deps *d)
{
	uint64_t head = atomic_load_explicit(&deps_free, memory_order_relaxed), next;
	do {
		atomic_store_explicit(&d->next, (uint32_t)head, memory_order_relaxed);
		next = ((head >> 32) + 1) << 32 | (uint32_t)(d - deps_pool + 1);
	} while (!atomic_compare_exchange_weak_explicit(&deps_free, &head, next, memory_order_release,
							memory_order_relaxed));
}

/* ---- recording ---- */

/* Only with instrumented code: otherwise nothing reads the order. */
static bool ompt_enter(struct shim_call *c, uintptr_t pc0, uintptr_t sp)
{
	if (!atomic_load_explicit(&tsan_on, memory_order_relaxed))
		return false;
	int e = errno;
	bool r = shim_enter(c, pc0, sp);
	errno = e;
	return r;
}
#define OMPT_ENTER(c) ompt_enter(c, SHIM_SITE())

static void release(struct shim_call *c, uint64_t addr)
{
	shim_emit_how(c, TRACE_ORDER_NONE, TRACE_OP_ANNOTATE, 0, 0, 0, TRACE_ANN_HAPPENS_BEFORE, addr,
		      0, NULL);
}

static void acquire(struct shim_call *c, uint64_t addr)
{
	shim_emit_how(c, TRACE_ORDER_NONE, TRACE_OP_ANNOTATE, 0, 0, 0, TRACE_ANN_HAPPENS_AFTER, addr,
		      0, NULL);
}

/* The team (region) and barrier parity of a task's value. */
static uint64_t task_team(uint64_t v)
{
	return v & V_DEPS ? ((struct deps *)(uintptr_t)(v & OMPT_PTR))->team : v & (OMPT_PTR | V_PARITY);
}

/* The barrier address of a team and parity. */
static uint64_t team_barrier(uint64_t team)
{
	return OMPT_REGION(team, team & V_PARITY ? SLOT_BARRIER_NEXT : SLOT_BARRIER);
}

/* ---- parallel regions and barriers ---- */

static void on_parallel_begin(ompt_data_t *task, const ompt_frame_t *frame, ompt_data_t *region,
			      unsigned int n, int flags, const void *ra)
{
	(void)task, (void)frame, (void)n, (void)flags, (void)ra;
	if (!region)
		return;
	region->value = atomic_fetch_add_explicit(&regions, 1, memory_order_relaxed) + 1;
	struct shim_call c;
	if (OMPT_ENTER(&c))
		release(&c, OMPT_REGION(region->value, SLOT_FORK));
}

static void on_parallel_end(ompt_data_t *region, ompt_data_t *task, int flags, const void *ra)
{
	(void)task, (void)flags, (void)ra;
	struct shim_call c;
	if (region && OMPT_ENTER(&c)) {
		acquire(&c, OMPT_REGION(region->value, SLOT_BARRIER));
		acquire(&c, OMPT_REGION(region->value, SLOT_BARRIER_NEXT));
	}
}

static void on_implicit_task(int endpoint, ompt_data_t *region, ompt_data_t *task, unsigned int n,
			     unsigned int index, int flags)
{
	(void)n, (void)index;
	struct shim_call c;
	/* A team of a league (teams) ends its initial task: what it did goes
	 * to the league's end, as a region's threads' work goes by its
	 * closing barrier (which the initial task of a team has not). */
	if (endpoint == ompt_scope_end && task && (flags & ompt_task_initial) &&
	    (task->value & V_LEAGUE) && OMPT_ENTER(&c))
		release(&c, OMPT_REGION(task_team(task->value), SLOT_BARRIER));
	if (endpoint != ompt_scope_begin || !task || !region)
		return;
	/* the process's initial task has a region with no parallel_begin; a
	 * team's initial task in a league has one */
	bool league = region->value != 0 && (flags & ompt_task_initial);
	if (!region->value)
		region->value = atomic_fetch_add_explicit(&regions, 1, memory_order_relaxed) + 1;
	task->value = (region->value & OMPT_PTR) | V_IMPLICIT | (league ? V_LEAGUE : 0);
	if ((!(flags & ompt_task_initial) || league) && OMPT_ENTER(&c))
		acquire(&c, OMPT_REGION(region->value, SLOT_FORK));
}

static bool is_barrier(int kind)
{
	switch (kind) {
	case ompt_sync_region_barrier: case ompt_sync_region_barrier_implicit:
	case ompt_sync_region_barrier_explicit: case ompt_sync_region_barrier_implementation:
	case ompt_sync_region_barrier_implicit_workshare:
	case ompt_sync_region_barrier_implicit_parallel: case ompt_sync_region_barrier_teams:
		return true;
	}
	return false;
}

static void on_sync_region(int kind, int endpoint, ompt_data_t *region, ompt_data_t *task,
			   const void *ra)
{
	(void)ra;
	if (!task)
		return;
	uint64_t team = task_team(task->value);
	struct shim_call c;
	if (is_barrier(kind)) {
		if (endpoint != ompt_scope_end && OMPT_ENTER(&c))
			release(&c, team_barrier(team));
		if (endpoint == ompt_scope_begin)
			return;
		/* No region: a worker's end of a region's closing barrier, told
		 * when the next region starts; nothing of it follows. */
		if (region && OMPT_ENTER(&c))
			acquire(&c, team_barrier(team));
		if (!(task->value & V_DEPS))
			task->value ^= V_PARITY;
	} else if ((kind == ompt_sync_region_taskwait || kind == ompt_sync_region_taskgroup) &&
		   endpoint != ompt_scope_begin && OMPT_ENTER(&c)) {
		acquire(&c, OMPT_REGION(team, SLOT_TASKS));
	}
}

/* ---- tasks ---- */

static void on_task_create(ompt_data_t *parent, const ompt_frame_t *frame, ompt_data_t *task,
			   int flags, int has_dependences, const void *ra)
{
	(void)frame, (void)has_dependences, (void)ra;
	if (!task)
		return;
	task->value = parent && !(flags & ompt_task_initial) ? task_team(parent->value) : 0;
	struct shim_call c;
	if (!(flags & ompt_task_undeferred) && OMPT_ENTER(&c))
		release(&c, OMPT_AT(task, SLOT_TASK));
}

static void on_dependences(ompt_data_t *task, const ompt_dependence_t *deps, int ndeps)
{
	if (!task || ndeps <= 0 || (task->value & V_IMPLICIT))   /* doacross loops: not tasks */
		return;
	struct deps *d = ndeps <= DEPS_MAX ? deps_new() : NULL;
	if (!d) {
		atomic_store_explicit(&deps_unknown_seen, true, memory_order_relaxed);
		task->value |= V_UNKNOWN;
		return;
	}
	d->team = task_team(task->value);
	d->n = 0;
	for (int i = 0; i < ndeps; i++) {
		int type = deps[i].dependence_type;
		if (type != ompt_dependence_type_source && type != ompt_dependence_type_sink)
			d->dep[d->n++] = (deps[i].variable.value & OMPT_PTR) | (uint64_t)type << 56;
	}
	task->value = (uint64_t)(uintptr_t)d | V_DEPS;
}

/* Which of a variable's addresses a dependence of TYPE waits for (as
 * bits of 1 << DEP_*), and the one it releases. */
static unsigned dep_waits_for(int type)
{
	switch (type) {
	case ompt_dependence_type_in: return 1u << DEP_OUT | 1u << DEP_INOUTSET;
	case ompt_dependence_type_inoutset: return 1u << DEP_IN | 1u << DEP_OUT;
	}
	return 1u << DEP_IN | 1u << DEP_OUT | 1u << DEP_INOUTSET;  /* out, inout, mutexinoutset */
}

static unsigned dep_releases(int type)
{
	switch (type) {
	case ompt_dependence_type_in: return DEP_IN;
	case ompt_dependence_type_inoutset: return DEP_INOUTSET;
	}
	return DEP_OUT;
}

/* A task's first start (or a taskwait with depend()): after the tasks it
 * depends on. */
static void deps_acquire(struct shim_call *c, uint64_t v)
{
	if (v & V_UNKNOWN) {
		acquire(c, OMPT_DEPS_ALL);
		return;
	}
	if (!(v & V_DEPS))
		return;
	struct deps *d = (struct deps *)(uintptr_t)(v & OMPT_PTR);
	for (uint32_t i = 0; i < d->n; i++) {
		uint64_t var = d->dep[i] & OMPT_PTR;
		unsigned waits = dep_waits_for((int)(d->dep[i] >> 56));
		for (unsigned k = DEP_IN; k <= DEP_INOUTSET; k++)
			if (waits & 1u << k)
				acquire(c, OMPT_DEP(var, k));
	}
	if (atomic_load_explicit(&deps_unknown_seen, memory_order_relaxed))
		acquire(c, OMPT_DEPS_UNKNOWN);
}

static void deps_release(struct shim_call *c, uint64_t v)
{
	if (!(v & (V_DEPS | V_UNKNOWN)))
		return;
	if (v & V_DEPS) {
		struct deps *d = (struct deps *)(uintptr_t)(v & OMPT_PTR);
		for (uint32_t i = 0; i < d->n; i++)
			release(c, OMPT_DEP(d->dep[i] & OMPT_PTR, dep_releases((int)(d->dep[i] >> 56))));
	} else {
		release(c, OMPT_DEPS_UNKNOWN);
	}
	release(c, OMPT_DEPS_ALL);   /* for the tasks whose list was not kept */
}

static void task_start(ompt_data_t *task)
{
	struct shim_call c;
	if (!task || !OMPT_ENTER(&c))
		return;
	if (!(task->value & V_STARTED)) {
		deps_acquire(&c, task->value);
		task->value |= V_STARTED;
	}
	acquire(&c, OMPT_AT(task, SLOT_TASK));
}

static void task_suspend(ompt_data_t *task)
{
	struct shim_call c;
	if (task && !(task->value & V_IMPLICIT) && OMPT_ENTER(&c))
		release(&c, OMPT_AT(task, SLOT_TASK));
}

/* Before the barrier it was made for, taskwait and taskgroup, and the
 * tasks that depend on it. Its record goes back to the pool. CURRENT: it
 * is the thread's current task (not one fulfilled late, from elsewhere). */
/* The private data (firstprivate copies) of the task the thread runs:
 * libomp gives its memory to a later task, through an allocator the shim
 * does not see. What this task did there is forgotten, as in a block of
 * unknown origin that is freed. */
static void forget_private(struct shim_call *c)
{
	void *addr;
	size_t size;
	if (get_task_memory && get_task_memory(&addr, &size, 0) == 1 && size)
		tsan_access_with_stack(c->t, (uintptr_t)addr, size,
				       TRACE_ACCESS_WRITE | TRACE_ACCESS_FREE | TRACE_ACCESS_RANGE, c->stack);
}

static void task_complete(ompt_data_t *task, bool current)
{
	if (!task)
		return;
	uint64_t v = task->value, team = task_team(v);
	struct shim_call c;
	if (OMPT_ENTER(&c)) {
		if (current)
			forget_private(&c);
		release(&c, team_barrier(team));
		release(&c, OMPT_REGION(team, SLOT_TASKS));
		deps_release(&c, v);
	}
	if (v & V_DEPS) {
		task->value = team;
		deps_delete((struct deps *)(uintptr_t)(v & OMPT_PTR));
	}
}

static void on_task_schedule(ompt_data_t *prior, int status, ompt_data_t *next)
{
	switch (status) {
	case ompt_task_complete:   /* back to the task it interrupted, on this thread */
		task_complete(prior, true);
		return;
	case ompt_task_cancel:
		task_complete(prior, true);
		task_start(next);
		return;
	case ompt_task_yield: case ompt_task_switch: case ompt_task_detach:
		task_suspend(prior);
		task_start(next);
		return;
	case ompt_task_early_fulfill:   /* omp_fulfill_event before the task ended */
		task_suspend(prior);
		return;
	case ompt_task_late_fulfill: {
		struct shim_call c;
		if (prior && OMPT_ENTER(&c))
			acquire(&c, OMPT_AT(prior, SLOT_TASK));
		task_complete(prior, false);
		return;
	}
	case ompt_taskwait_complete: {   /* taskwait depend(): after what it names */
		struct shim_call c;
		if (!prior)
			return;
		uint64_t v = prior->value;
		if (OMPT_ENTER(&c))
			deps_acquire(&c, v);
		if (v & V_DEPS) {
			prior->value = task_team(v);
			deps_delete((struct deps *)(uintptr_t)(v & OMPT_PTR));
		}
		return;
	}
	}
}

/* ---- mutual exclusion ---- */

/* libomp reports a release after the release: the next owner's acquire
 * could be recorded before it. Each wait id has a flag, set from
 * mutex_acquired to mutex_released, that the next owner waits for (a few
 * instructions; bounded, so that a lock never seen released, or a table
 * full, cannot hang the program: only the order would be missing). */
#define LOCKS 4096u
#define LOCK_PROBES 16u
#define LOCK_WAIT_YIELDS (1u << 20)

static struct {
	_Atomic uint64_t id;
	_Atomic uint32_t held;
} lock_table[LOCKS];

static _Atomic uint32_t *lock_held(uint64_t id)
{
	if (!id)
		return NULL;
	uint32_t h = (uint32_t)((id * 0x9e3779b97f4a7c15ull) >> 52);
	for (uint32_t i = 0; i < LOCK_PROBES; i++) {
		uint32_t k = (h + i) & (LOCKS - 1);
		uint64_t cur = atomic_load_explicit(&lock_table[k].id, memory_order_acquire);
		if (!cur && atomic_compare_exchange_strong(&lock_table[k].id, &cur, id))
			return &lock_table[k].held;
		if (cur == id)
			return &lock_table[k].held;
	}
	return NULL;
}

static void on_mutex_acquired(int kind, ompt_wait_id_t id, const void *ra)
{
	(void)kind, (void)ra;
	_Atomic uint32_t *held = lock_held(id);
	for (uint32_t n = 0; held && atomic_exchange_explicit(held, 1, memory_order_acquire) &&
			     n < LOCK_WAIT_YIELDS; n++)
		sched_yield();
	struct shim_call c;
	if (OMPT_ENTER(&c))
		acquire(&c, OMPT_LOCK(id));
}

static void on_mutex_released(int kind, ompt_wait_id_t id, const void *ra)
{
	(void)kind, (void)ra;
	struct shim_call c;
	if (OMPT_ENTER(&c))
		release(&c, OMPT_LOCK(id));
	_Atomic uint32_t *held = lock_held(id);
	if (held)
		atomic_store_explicit(held, 0, memory_order_release);
}

/* ---- reductions ---- */

/* The runtime combines the threads' copies inside the barrier (a tree):
 * ordered by its flags, which the shim does not see. Not recorded. */
static void on_reduction(int kind, int endpoint, ompt_data_t *region, ompt_data_t *task,
			 const void *ra)
{
	(void)region, (void)task, (void)ra;
	if (kind == ompt_sync_region_reduction && endpoint != ompt_scope_beginend)
		tsan_record_ignore(endpoint == ompt_scope_begin);
}

/* ---- the tool ---- */

static int ompt_initialize(ompt_function_lookup_t lookup, int device, ompt_data_t *tool_data)
{
	(void)device, (void)tool_data;
	ompt_set_callback_t set = (ompt_set_callback_t)lookup("ompt_set_callback");
	if (!set)
		return 0;
	get_task_memory = (int (*)(void **, size_t *, int))lookup("ompt_get_task_memory");
	set(ompt_callback_parallel_begin, (ompt_callback_t)on_parallel_begin);
	set(ompt_callback_parallel_end, (ompt_callback_t)on_parallel_end);
	set(ompt_callback_implicit_task, (ompt_callback_t)on_implicit_task);
	set(ompt_callback_sync_region, (ompt_callback_t)on_sync_region);
	set(ompt_callback_task_create, (ompt_callback_t)on_task_create);
	set(ompt_callback_task_schedule, (ompt_callback_t)on_task_schedule);
	set(ompt_callback_dependences, (ompt_callback_t)on_dependences);
	set(ompt_callback_mutex_acquired, (ompt_callback_t)on_mutex_acquired);
	set(ompt_callback_mutex_released, (ompt_callback_t)on_mutex_released);
	set(ompt_callback_reduction, (ompt_callback_t)on_reduction);
	return 1;
}

static void ompt_finalize(ompt_data_t *tool_data)
{
	(void)tool_data;
}

SHIM_EXPORT ompt_start_tool_result_t *ompt_start_tool(unsigned int omp_version,
						      const char *runtime_version)
{
	static ompt_start_tool_result_t tool = { ompt_initialize, ompt_finalize, { 0 } };
	/* A tool of a library loaded after the shim (or libomp's own lookup
	 * of one) comes first, as it would without the shim. */
	shim_omp_runtime_at((uintptr_t)__builtin_return_address(0));   /* libomp */
	ompt_start_tool_t next = (ompt_start_tool_t)dlsym(RTLD_NEXT, "ompt_start_tool");
	ompt_start_tool_result_t *r = next ? next(omp_version, runtime_version) : NULL;
	const char *libs = getenv("OMP_TOOL_LIBRARIES");
	int e = errno;
	/* the user's tool (which libomp loads if this returns none), or no
	 * instrumented code: libomp's order goes unrecorded */
	bool on = !r && !(libs && *libs) && atomic_load(&tsan_on) && shim_start();
	if (!on)
		shim_omp_unordered();
	errno = e;
	return r ? r : on ? &tool : NULL;
}
