/* SPDX-License-Identifier: MIT */
/* intercept_gomp.c - OpenMP's order under GCC's libgomp. libgomp
 * synchronizes its threads with its own futexes and atomics, which the
 * trace does not see, so its GOMP_* entry points (what gcc compiles the
 * pragmas to) and the omp_*_lock functions are recorded as releases and
 * acquires (gomp_mark) on addresses in a range no program memory uses
 * (GOMP_ADDR):
 *   - a parallel region: the master releases its start before the team
 *     starts, each thread of the team (pool threads are reused from region
 *     to region) acquires it before running the region's body and releases
 *     the region's end after it, and the master acquires that end once the
 *     region is over. The body runs through gomp_region_run, a trampoline
 *     given to libgomp in the place of the outlined function;
 *   - barriers (GOMP_barrier and the worksharing ends that wait): a
 *     release before, an acquire after, on one address per region;
 *   - critical, named critical, atomic and ordered: an acquire when taken,
 *     a release before being left (the omp locks are mutexes:
 *     intercept_omp_lock.c);
 *   - copyprivate: the single thread's copy_end releases, the others'
 *     copy_start acquires;
 *   - tasks: the task's argument block gets a head (the task's real
 *     function and copy function) through a copy function of ours, which
 *     releases the task's block once it is copied; the task runs through
 *     gomp_task_run, which acquires its block (and every finished task if
 *     it has dependences), and releases "a task finished" after its body.
 *     Taskwait, taskgroup end, barriers and a region's end acquire every
 *     finished task.
 * Task reductions and scans: libgomp clears their blocks with memset
 * (recorded, as any library's) before its own unseen order hands them to
 * the team, so what libgomp itself writes in the calls that set them up is
 * not recorded.
 * The order is over-approximated (one address for every task done, one
 * per region for its barriers whatever the round, the whole region for
 * copyprivate),
 * which can hide a race but never make one. Nothing is recorded, and
 * nothing wrapped, without instrumented code (tsan_on): unmodified OpenMP
 * programs only pay a call. The real functions are found when first
 * called (most programs never load libgomp). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "emit.h"
#include "omp_runtime.h"
#include "real.h"
#include "tsan_record.h"
#include "tsan_thread.h"

/* The annotation addresses: kind in bits 48-55, an address below. */
#define GOMP_ADDR(kind, x) (0xfc00000000000000ull | (uint64_t)(kind) << 48 | \
			    ((uint64_t)(x) & 0xffffffffffffull))
enum gomp_kind {
	GOMP_REGION_START = 1,  /* x: the region's struct */
	GOMP_REGION_END,
	GOMP_BARRIER,           /* x: the region's struct, 0 outside any */
	GOMP_COPYPRIVATE,       /* x: as barriers */
	GOMP_CRITICAL,          /* x: 0 unnamed, else the name's pointer */
	GOMP_ATOMIC,
	GOMP_ORDERED,
	GOMP_TASK_MADE,         /* x: the task's argument block */
	GOMP_TASK_DONE,
};
#define GOMP_TASKS_DONE GOMP_ADDR(GOMP_TASK_DONE, 0)

#define GOMP_MO_ACQUIRE 2   /* C11's memory orders, as the atomics record them */
#define GOMP_MO_RELEASE 3

/* gomp-constants.h */
#define GOMP_CANCEL_TASKGROUP 8
#define GOMP_TASK_FLAG_DEPEND (1u << 3)
#define GOMP_TASK_FLAG_REDUCTION (1u << 12)
#define GOMP_TASK_FLAG_DETACH (1u << 13)

/* libgomp's ABI (libgomp_g.h, GCC 12; omp.h for the locks and events). */
typedef void gomp_fn(void *);
typedef void gomp_cpyfn(void *, void *);
void GOMP_parallel(gomp_fn *, void *, unsigned, unsigned);
unsigned GOMP_parallel_reductions(gomp_fn *, void *, unsigned, unsigned);
void GOMP_parallel_sections(gomp_fn *, void *, unsigned, unsigned, unsigned);
void GOMP_parallel_loop_static(gomp_fn *, void *, unsigned, long, long, long, long, unsigned);
void GOMP_parallel_loop_dynamic(gomp_fn *, void *, unsigned, long, long, long, long, unsigned);
void GOMP_parallel_loop_guided(gomp_fn *, void *, unsigned, long, long, long, long, unsigned);
void GOMP_parallel_loop_nonmonotonic_dynamic(gomp_fn *, void *, unsigned, long, long, long, long,
					     unsigned);
void GOMP_parallel_loop_nonmonotonic_guided(gomp_fn *, void *, unsigned, long, long, long, long,
					    unsigned);
void GOMP_parallel_loop_runtime(gomp_fn *, void *, unsigned, long, long, long, unsigned);
void GOMP_parallel_loop_nonmonotonic_runtime(gomp_fn *, void *, unsigned, long, long, long,
					     unsigned);
void GOMP_parallel_loop_maybe_nonmonotonic_runtime(gomp_fn *, void *, unsigned, long, long, long,
						   unsigned);
void GOMP_teams_reg(gomp_fn *, void *, unsigned, unsigned, unsigned);
void GOMP_parallel_start(gomp_fn *, void *, unsigned);
void GOMP_parallel_sections_start(gomp_fn *, void *, unsigned, unsigned);
void GOMP_parallel_loop_static_start(gomp_fn *, void *, unsigned, long, long, long, long);
void GOMP_parallel_loop_dynamic_start(gomp_fn *, void *, unsigned, long, long, long, long);
void GOMP_parallel_loop_guided_start(gomp_fn *, void *, unsigned, long, long, long, long);
void GOMP_parallel_loop_runtime_start(gomp_fn *, void *, unsigned, long, long, long);
void GOMP_parallel_end(void);
bool GOMP_loop_start(long, long, long, long, long, long *, long *, uintptr_t *, void **);
bool GOMP_loop_ordered_start(long, long, long, long, long, long *, long *, uintptr_t *, void **);
bool GOMP_loop_ull_start(bool, unsigned long long, unsigned long long, unsigned long long, long,
			 unsigned long long, unsigned long long *, unsigned long long *, uintptr_t *,
			 void **);
bool GOMP_loop_ull_ordered_start(bool, unsigned long long, unsigned long long, unsigned long long,
				 long, unsigned long long, unsigned long long *,
				 unsigned long long *, uintptr_t *, void **);
unsigned GOMP_sections2_start(unsigned, uintptr_t *, void **);
void GOMP_barrier(void);
bool GOMP_barrier_cancel(void);
void GOMP_loop_end(void);
bool GOMP_loop_end_cancel(void);
void GOMP_sections_end(void);
bool GOMP_sections_end_cancel(void);
void GOMP_workshare_task_reduction_unregister(bool);
void *GOMP_single_copy_start(void);
void GOMP_single_copy_end(void *);
void GOMP_critical_start(void);
void GOMP_critical_end(void);
void GOMP_critical_name_start(void **);
void GOMP_critical_name_end(void **);
void GOMP_atomic_start(void);
void GOMP_atomic_end(void);
void GOMP_ordered_start(void);
void GOMP_ordered_end(void);
void GOMP_task(gomp_fn *, void *, gomp_cpyfn *, long, long, bool, unsigned, void **, int, void *);
void GOMP_taskloop(gomp_fn *, void *, gomp_cpyfn *, long, long, unsigned, unsigned long, int, long,
		   long, long);
void GOMP_taskloop_ull(gomp_fn *, void *, gomp_cpyfn *, long, long, unsigned, unsigned long, int,
		       unsigned long long, unsigned long long, unsigned long long);
void GOMP_taskwait(void);
void GOMP_taskwait_depend(void **);
void GOMP_taskgroup_end(void);
void omp_fulfill_event(uintptr_t);

static inline bool gomp_recording(void)
{
	return __builtin_expect(atomic_load_explicit(&tsan_on, memory_order_relaxed), 0);
}

/* f: the real function of the interceptor NAME (its own type). */
#define GOMP_REAL(name, version)                                                   \
	static _Atomic(void *) real_;                                              \
	__typeof__(name) *f = (__typeof__(name) *)shim_omp_real(&real_, #name, version)

/* A release (RELEASE) or an acquire on A, then on B if not 0. They are
 * recorded as atomic operations on these addresses, a release
 * read-modify-write (which adds to what the address holds, as a release
 * sequence goes on) and an acquire load, rather than as annotations: an
 * atomic's place in its location's order is stamped, so an acquire comes
 * after the release it follows even when the two threads' clocks are a
 * little apart (an annotation is placed by its time only). */
static void gomp_mark(bool release, uint64_t a, uint64_t b)
{
	for (int i = 0; i < 2; i++) {
		const void *addr = (const void *)(uintptr_t)(i ? b : a);
		uint64_t token = addr ? tsan_record_atomic_begin(addr) : 0;
		tsan_record_atomic_end(token, 0, addr, release ? TRACE_ATOMIC_RMW : TRACE_ATOMIC_LOAD,
				       release ? GOMP_MO_RELEASE : GOMP_MO_ACQUIRE, 8);
	}
}

#define GOMP_RELEASE(a, b) gomp_mark(true, a, b)
#define GOMP_ACQUIRE(a, b) gomp_mark(false, a, b)

/* ---- parallel regions ---- */

struct gomp_region {
	gomp_fn *fn;
	void *data;
	uint64_t team;     /* the calling thread's, restored after the region */
	bool wrapped;      /* a *_start form's: this one records */
};

/* The region the thread runs, for the barriers' address (0: none). */
static __thread uint64_t gomp_team;

/* GOMP_parallel_reductions: libgomp sets up the task reductions' block
 * before the team starts, unrecorded until the master runs the body. */
static __thread bool gomp_setting_up;

static uint64_t gomp_region_id(const struct gomp_region *r)
{
	return (uintptr_t)r;
}

/* What libgomp runs on every thread of the team, the master too. The
 * master waits for the whole team before the region's struct goes. */
static void gomp_region_run(void *p)
{
	struct gomp_region *r = p;
	gomp_fn *fn = r->fn;
	void *data = r->data;
	uint64_t id = gomp_region_id(r), outer = gomp_team;
	gomp_team = id;
	if (gomp_setting_up) {   /* the master, out of GOMP_parallel_reductions' set-up */
		gomp_setting_up = false;
		tsan_record_ignore(false);
	}
	GOMP_ACQUIRE(GOMP_ADDR(GOMP_REGION_START, id), 0);
	fn(data);
	GOMP_RELEASE(GOMP_ADDR(GOMP_REGION_END, id), 0);
	gomp_team = outer;
}

/* GOMP_parallel and the combined forms: fn, data, then ARGS. */
#define GOMP_ARGS(...) , __VA_ARGS__
#define GOMP_PARALLEL(name, PARAMS, ARGS)                                            \
	SHIM_EXPORT void name(gomp_fn *fn, void *data PARAMS)                        \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		if (!f)                                                              \
			return;                                                      \
		if (!gomp_recording()) {                                             \
			shim_omp_unordered();                                        \
			f(fn, data ARGS);                                            \
			return;                                                      \
		}                                                                    \
		struct gomp_region r = { fn, data, 0, true };                        \
		GOMP_RELEASE(GOMP_ADDR(GOMP_REGION_START, gomp_region_id(&r)), 0);   \
		f(gomp_region_run, &r ARGS);                                         \
		GOMP_ACQUIRE(GOMP_ADDR(GOMP_REGION_END, gomp_region_id(&r)), GOMP_TASKS_DONE); \
	}

GOMP_PARALLEL(GOMP_parallel, GOMP_ARGS(unsigned n, unsigned flags), GOMP_ARGS(n, flags))
GOMP_PARALLEL(GOMP_parallel_sections, GOMP_ARGS(unsigned n, unsigned count, unsigned flags),
	      GOMP_ARGS(n, count, flags))
GOMP_PARALLEL(GOMP_teams_reg, GOMP_ARGS(unsigned teams, unsigned limit, unsigned flags),
	      GOMP_ARGS(teams, limit, flags))
#define GOMP_PARALLEL_LOOP(name)                                                     \
	GOMP_PARALLEL(name, GOMP_ARGS(unsigned n, long start, long end, long incr, long chunk, \
				      unsigned flags),                               \
		      GOMP_ARGS(n, start, end, incr, chunk, flags))
GOMP_PARALLEL_LOOP(GOMP_parallel_loop_static)
GOMP_PARALLEL_LOOP(GOMP_parallel_loop_dynamic)
GOMP_PARALLEL_LOOP(GOMP_parallel_loop_guided)
GOMP_PARALLEL_LOOP(GOMP_parallel_loop_nonmonotonic_dynamic)
GOMP_PARALLEL_LOOP(GOMP_parallel_loop_nonmonotonic_guided)
#define GOMP_PARALLEL_LOOP_RUNTIME(name)                                             \
	GOMP_PARALLEL(name, GOMP_ARGS(unsigned n, long start, long end, long incr, unsigned flags), \
		      GOMP_ARGS(n, start, end, incr, flags))
GOMP_PARALLEL_LOOP_RUNTIME(GOMP_parallel_loop_runtime)
GOMP_PARALLEL_LOOP_RUNTIME(GOMP_parallel_loop_nonmonotonic_runtime)
GOMP_PARALLEL_LOOP_RUNTIME(GOMP_parallel_loop_maybe_nonmonotonic_runtime)

SHIM_EXPORT unsigned GOMP_parallel_reductions(gomp_fn *fn, void *data, unsigned n, unsigned flags)
{
	GOMP_REAL(GOMP_parallel_reductions, NULL);
	if (!f)
		return 0;
	if (!gomp_recording()) {
		shim_omp_unordered();
		return f(fn, data, n, flags);
	}
	struct gomp_region r = { fn, data, 0, true };
	GOMP_RELEASE(GOMP_ADDR(GOMP_REGION_START, gomp_region_id(&r)), 0);
	tsan_record_ignore(true);
	gomp_setting_up = true;
	unsigned ret = f(gomp_region_run, &r, n, flags);
	if (gomp_setting_up) {   /* the master never ran the body */
		gomp_setting_up = false;
		tsan_record_ignore(false);
	}
	GOMP_ACQUIRE(GOMP_ADDR(GOMP_REGION_END, gomp_region_id(&r)), GOMP_TASKS_DONE);
	return ret;
}

/* The old forms (gcc before 4.9): *_start starts the team, the master
 * then calls fn(data) itself, and GOMP_parallel_end ends the region. The
 * struct lives in the master's open regions until then; deeper nesting
 * than GOMP_OPEN_MAX regions runs unrecorded. */
#define GOMP_OPEN_MAX 8
static __thread struct gomp_region gomp_open[GOMP_OPEN_MAX];
static __thread unsigned gomp_open_n;   /* opened and not ended, past the max too */

#define GOMP_PARALLEL_START(name, PARAMS, ARGS)                                      \
	SHIM_EXPORT void name(gomp_fn *fn, void *data PARAMS)                        \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		if (!f)                                                              \
			return;                                                      \
		unsigned i = gomp_open_n++;                                          \
		if (i >= GOMP_OPEN_MAX || !gomp_recording()) {                       \
			shim_omp_unordered();                                        \
			if (i < GOMP_OPEN_MAX)                                       \
				gomp_open[i].wrapped = false;                        \
			f(fn, data ARGS);                                            \
			return;                                                      \
		}                                                                    \
		struct gomp_region *r = &gomp_open[i];                               \
		*r = (struct gomp_region){ fn, data, gomp_team, true };              \
		GOMP_RELEASE(GOMP_ADDR(GOMP_REGION_START, gomp_region_id(r)), 0);    \
		gomp_team = gomp_region_id(r);                                       \
		f(gomp_region_run, r ARGS);                                          \
	}

GOMP_PARALLEL_START(GOMP_parallel_start, GOMP_ARGS(unsigned n), GOMP_ARGS(n))
GOMP_PARALLEL_START(GOMP_parallel_sections_start, GOMP_ARGS(unsigned n, unsigned count),
		    GOMP_ARGS(n, count))
GOMP_PARALLEL_START(GOMP_parallel_loop_static_start,
		    GOMP_ARGS(unsigned n, long start, long end, long incr, long chunk),
		    GOMP_ARGS(n, start, end, incr, chunk))
GOMP_PARALLEL_START(GOMP_parallel_loop_dynamic_start,
		    GOMP_ARGS(unsigned n, long start, long end, long incr, long chunk),
		    GOMP_ARGS(n, start, end, incr, chunk))
GOMP_PARALLEL_START(GOMP_parallel_loop_guided_start,
		    GOMP_ARGS(unsigned n, long start, long end, long incr, long chunk),
		    GOMP_ARGS(n, start, end, incr, chunk))
GOMP_PARALLEL_START(GOMP_parallel_loop_runtime_start,
		    GOMP_ARGS(unsigned n, long start, long end, long incr),
		    GOMP_ARGS(n, start, end, incr))

SHIM_EXPORT void GOMP_parallel_end(void)
{
	GOMP_REAL(GOMP_parallel_end, NULL);
	if (f)
		f();
	if (!gomp_open_n)
		return;
	unsigned i = --gomp_open_n;
	if (i < GOMP_OPEN_MAX && gomp_open[i].wrapped) {
		struct gomp_region *r = &gomp_open[i];
		GOMP_ACQUIRE(GOMP_ADDR(GOMP_REGION_END, gomp_region_id(r)), GOMP_TASKS_DONE);
		gomp_team = r->team;
	}
}

/* ---- barriers: every thread's arrival before every departure; tasks
 * are done there ---- */

/* A thread arrives at its region's barrier: released there (when it
 * records, then true and *B is the barrier's address). */
static bool gomp_barrier_arrive(uint64_t *b)
{
	if (!gomp_recording())
		return false;
	*b = GOMP_ADDR(GOMP_BARRIER, gomp_team);
	GOMP_RELEASE(*b, 0);
	return true;
}

/* It leaves: every arrival, and every task finished, before what follows. */
static void gomp_barrier_leave(bool recorded, uint64_t b)
{
	if (recorded)
		GOMP_ACQUIRE(b, GOMP_TASKS_DONE);
}

#define GOMP_BARRIER(name)                                                           \
	SHIM_EXPORT void name(void)                                                  \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		uint64_t b = 0;                                                      \
		bool rec = gomp_barrier_arrive(&b);                                  \
		if (f)                                                               \
			f();                                                         \
		gomp_barrier_leave(rec, b);                                          \
	}
/* The same, returning whether the region was cancelled. */
#define GOMP_BARRIER_CANCEL(name)                                                    \
	SHIM_EXPORT bool name(void)                                                  \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		uint64_t b = 0;                                                      \
		bool rec = gomp_barrier_arrive(&b);                                  \
		bool r = f ? f() : false;                                            \
		gomp_barrier_leave(rec, b);                                          \
		return r;                                                            \
	}

GOMP_BARRIER(GOMP_barrier)
GOMP_BARRIER_CANCEL(GOMP_barrier_cancel)
GOMP_BARRIER(GOMP_loop_end)
GOMP_BARRIER_CANCEL(GOMP_loop_end_cancel)
GOMP_BARRIER(GOMP_sections_end)
GOMP_BARRIER_CANCEL(GOMP_sections_end_cancel)

SHIM_EXPORT void GOMP_workshare_task_reduction_unregister(bool cancelled)
{
	GOMP_REAL(GOMP_workshare_task_reduction_unregister, NULL);
	if (!f)
		return;
	uint64_t b = 0;
	bool rec = gomp_barrier_arrive(&b);
	f(cancelled);
	gomp_barrier_leave(rec, b);
}

/* Worksharing constructs with task reductions or a scan's memory: the
 * first thread sets them up, the others use them once libgomp lets them. */
#define GOMP_WORKSHARE(ret, name, PARAMS, ARGS)                                      \
	SHIM_EXPORT ret name PARAMS                                                  \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		if (!f)                                                              \
			return 0;                                                    \
		bool quiet = (reductions || mem) && gomp_recording();                \
		if (quiet)                                                           \
			tsan_record_ignore(true);                                    \
		ret r = f ARGS;                                                      \
		if (quiet)                                                           \
			tsan_record_ignore(false);                                   \
		return r;                                                            \
	}

GOMP_WORKSHARE(bool, GOMP_loop_start,
	       (long start, long end, long incr, long sched, long chunk, long *istart, long *iend,
		uintptr_t *reductions, void **mem),
	       (start, end, incr, sched, chunk, istart, iend, reductions, mem))
GOMP_WORKSHARE(bool, GOMP_loop_ordered_start,
	       (long start, long end, long incr, long sched, long chunk, long *istart, long *iend,
		uintptr_t *reductions, void **mem),
	       (start, end, incr, sched, chunk, istart, iend, reductions, mem))
GOMP_WORKSHARE(bool, GOMP_loop_ull_start,
	       (bool up, unsigned long long start, unsigned long long end, unsigned long long incr,
		long sched, unsigned long long chunk, unsigned long long *istart,
		unsigned long long *iend, uintptr_t *reductions, void **mem),
	       (up, start, end, incr, sched, chunk, istart, iend, reductions, mem))
GOMP_WORKSHARE(bool, GOMP_loop_ull_ordered_start,
	       (bool up, unsigned long long start, unsigned long long end, unsigned long long incr,
		long sched, unsigned long long chunk, unsigned long long *istart,
		unsigned long long *iend, uintptr_t *reductions, void **mem),
	       (up, start, end, incr, sched, chunk, istart, iend, reductions, mem))
GOMP_WORKSHARE(unsigned, GOMP_sections2_start, (unsigned count, uintptr_t *reductions, void **mem),
	       (count, reductions, mem))

/* single copyprivate: the single thread hands its copy over in copy_end,
 * the others take it when copy_start returns it. */
SHIM_EXPORT void *GOMP_single_copy_start(void)
{
	GOMP_REAL(GOMP_single_copy_start, NULL);
	void *r = f ? f() : NULL;
	if (r && gomp_recording())
		GOMP_ACQUIRE(GOMP_ADDR(GOMP_COPYPRIVATE, gomp_team), 0);
	return r;
}

SHIM_EXPORT void GOMP_single_copy_end(void *data)
{
	GOMP_REAL(GOMP_single_copy_end, NULL);
	if (gomp_recording())
		GOMP_RELEASE(GOMP_ADDR(GOMP_COPYPRIVATE, gomp_team), 0);
	if (f)
		f(data);
}

/* ---- mutual exclusion: acquired when taken, released before left ---- */

#define GOMP_ENTER(name, PARAMS, ARGS, addr)                                         \
	SHIM_EXPORT void name(PARAMS)                                                \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		if (!f)                                                              \
			return;                                                      \
		f(ARGS);                                                             \
		if (gomp_recording())                                                \
			GOMP_ACQUIRE(addr, 0);                                       \
	}
#define GOMP_LEAVE(name, PARAMS, ARGS, addr)                                         \
	SHIM_EXPORT void name(PARAMS)                                                \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		if (gomp_recording())                                                \
			GOMP_RELEASE(addr, 0);                                       \
		if (f)                                                               \
			f(ARGS);                                                     \
	}
#define GOMP_NOTHING

GOMP_ENTER(GOMP_critical_start, void, GOMP_NOTHING, GOMP_ADDR(GOMP_CRITICAL, 0))
GOMP_LEAVE(GOMP_critical_end, void, GOMP_NOTHING, GOMP_ADDR(GOMP_CRITICAL, 0))
GOMP_ENTER(GOMP_critical_name_start, void **id, id, GOMP_ADDR(GOMP_CRITICAL, id))
GOMP_LEAVE(GOMP_critical_name_end, void **id, id, GOMP_ADDR(GOMP_CRITICAL, id))
GOMP_ENTER(GOMP_atomic_start, void, GOMP_NOTHING, GOMP_ADDR(GOMP_ATOMIC, 0))
GOMP_LEAVE(GOMP_atomic_end, void, GOMP_NOTHING, GOMP_ADDR(GOMP_ATOMIC, 0))
GOMP_ENTER(GOMP_ordered_start, void, GOMP_NOTHING, GOMP_ADDR(GOMP_ORDERED, 0))
GOMP_LEAVE(GOMP_ordered_end, void, GOMP_NOTHING, GOMP_ADDR(GOMP_ORDERED, 0))


/* ---- tasks ---- */

/* Whether the task can be wrapped: a taskloop's task reductions read the
 * maker's block. */
static bool gomp_task_wrappable(unsigned flags)
{
	return gomp_recording() && !(flags & GOMP_TASK_FLAG_REDUCTION);
}

/* With OMP_CANCELLATION, libgomp drops a task of a cancelled region or
 * taskgroup that has not started, unless the task has a copy function:
 * when ours stands for none, gomp_task_run drops it as libgomp would. */
static bool gomp_task_droppable(gomp_cpyfn *cpyfn)
{
	static _Atomic(void *) real_;
	int (*cancellation)(void) = (int (*)(void))shim_omp_real(&real_, "omp_get_cancellation", NULL);
	return !cpyfn && cancellation && cancellation();
}

static bool gomp_task_cancelled(void)
{
	static _Atomic(void *) real_;
	bool (*point)(int) = (bool (*)(int))shim_omp_real(&real_, "GOMP_cancellation_point", NULL);
	return point && point(GOMP_CANCEL_TASKGROUP);  /* the taskgroup's or the region's */
}

/* The head of a wrapped task's argument block; the program's block
 * follows at off. bounds first: GOMP_taskloop writes each task's start
 * and end into the block's first two words, which gomp_task_run moves
 * into the program's block. */
struct gomp_task_head {
	long bounds[2];
	gomp_fn *fn;
	gomp_cpyfn *cpyfn;
	void *data;             /* the maker's block, while it is copied */
	size_t size, off;
	bool taskloop, detach, depend, droppable;
};

/* libgomp's copy of the block, on the making thread, before the task can
 * run: the head, then the program's block by its own copy function or
 * plainly (as libgomp would: unrecorded from here). */
static void gomp_task_copy(void *to, void *from)
{
	struct gomp_task_head *w = from, *h = to;
	*h = *w;
	/* a detached task's event: libgomp put it in our block's first word */
	if (w->detach && w->data)
		memcpy(w->data, w->bounds, sizeof(void *));
	char *block = (char *)to + w->off;
	if (w->cpyfn)
		w->cpyfn(block, w->data);
	else if (w->size)
		memcpy(block, w->data, w->size);
	GOMP_RELEASE(GOMP_ADDR(GOMP_TASK_MADE, to), 0);
}

/* The task's body, on whichever thread runs it. */
static void gomp_task_run(void *arg)
{
	struct gomp_task_head *h = arg;
	char *block = (char *)arg + h->off;
	if (h->taskloop)
		memcpy(block, h->bounds, sizeof h->bounds);
	GOMP_ACQUIRE(GOMP_ADDR(GOMP_TASK_MADE, arg), h->depend ? GOMP_TASKS_DONE : 0);
	if (!h->droppable || !gomp_task_cancelled())
		h->fn(block);
	GOMP_RELEASE(GOMP_TASKS_DONE, 0);
}

/* The head for FN's block of SIZE bytes aligned to *ALIGN, which becomes
 * the wrapped block's size and alignment. */
static void gomp_task_wrap(struct gomp_task_head *w, gomp_fn *fn, void *data, gomp_cpyfn *cpyfn,
			   long *size, long *align, bool taskloop, unsigned flags)
{
	long a = *align > (long)_Alignof(struct gomp_task_head) ? *align
							       : (long)_Alignof(struct gomp_task_head);
	size_t off = (sizeof *w + (size_t)a - 1) & ~((size_t)a - 1);
	*w = (struct gomp_task_head){ { 0, 0 }, fn, cpyfn, data, (size_t)*size, off, taskloop,
				      !taskloop && (flags & GOMP_TASK_FLAG_DETACH),
				      !taskloop && (flags & GOMP_TASK_FLAG_DEPEND),
				      gomp_task_droppable(cpyfn) };
	*size += (long)off;
	*align = a;
}

SHIM_EXPORT void GOMP_task(gomp_fn *fn, void *data, gomp_cpyfn *cpyfn, long size, long align,
			   bool if_clause, unsigned flags, void **depend, int priority,
			   void *detach)
{
	GOMP_REAL(GOMP_task, NULL);
	if (!f)
		return;
	if (!gomp_task_wrappable(flags)) {
		f(fn, data, cpyfn, size, align, if_clause, flags, depend, priority, detach);
		return;
	}
	struct gomp_task_head w;
	gomp_task_wrap(&w, fn, data, cpyfn, &size, &align, false, flags);
	f(gomp_task_run, &w, gomp_task_copy, size, align, if_clause, flags, depend, priority, detach);
}

#define GOMP_TASKLOOP(name, T)                                                       \
	SHIM_EXPORT void name(gomp_fn *fn, void *data, gomp_cpyfn *cpyfn, long size, long align, \
			      unsigned flags, unsigned long num_tasks, int priority, T start, \
			      T end, T step)                                         \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		if (!f)                                                              \
			return;                                                      \
		if (!gomp_task_wrappable(flags)) {                            \
			f(fn, data, cpyfn, size, align, flags, num_tasks, priority, start, end, step); \
			return;                                                      \
		}                                                                    \
		struct gomp_task_head w;                                             \
		gomp_task_wrap(&w, fn, data, cpyfn, &size, &align, true, flags);     \
		f(gomp_task_run, &w, gomp_task_copy, size, align, flags, num_tasks, priority, start, \
		  end, step);                                                        \
		GOMP_ACQUIRE(GOMP_TASKS_DONE, 0);  /* its taskgroup's end, if any */ \
	}

GOMP_TASKLOOP(GOMP_taskloop, long)
GOMP_TASKLOOP(GOMP_taskloop_ull, unsigned long long)

#define GOMP_TASK_WAIT(name, PARAMS, ARGS)                                           \
	SHIM_EXPORT void name(PARAMS)                                                \
	{                                                                            \
		GOMP_REAL(name, NULL);                                               \
		if (f)                                                               \
			f(ARGS);                                                     \
		if (gomp_recording())                                                \
			GOMP_ACQUIRE(GOMP_TASKS_DONE, 0);                            \
	}

GOMP_TASK_WAIT(GOMP_taskwait, void, GOMP_NOTHING)
GOMP_TASK_WAIT(GOMP_taskwait_depend, void **depend, depend)
GOMP_TASK_WAIT(GOMP_taskgroup_end, void, GOMP_NOTHING)

/* A detached task is done when its event is fulfilled, not when its body
 * returns. */
SHIM_EXPORT void omp_fulfill_event(uintptr_t event)
{
	GOMP_REAL(omp_fulfill_event, NULL);
	if (gomp_recording())
		GOMP_RELEASE(GOMP_TASKS_DONE, 0);
	if (f)
		f(event);
}
