/* SPDX-License-Identifier: MIT */
/* mu_test.h - the fixture of the misuse analyzer's tests (test_misuse*.c):
 * a mutex, two threads created by main, two stacks; running the analyzer;
 * checking that one finding alone was made; a whole condition wait. */
#ifndef CTRACE_MU_TEST_H
#define CTRACE_MU_TEST_H

#include "an_test.h"

#include <string.h>

struct mu_fixture {
	struct fake_trace t;
	struct report r;
	uint32_t m, t1, t2, s1, s2;
};

static int setup(void **state)
{
	struct mu_fixture *f = calloc(1, sizeof(*f));
	fake_trace_init(&f->t);
	report_init(&f->r);
	f->m = fake_object(&f->t, TRACE_OBJ_MUTEX, 0x1000);
	f->t1 = an_spawn(&f->t, 0, "t1");
	f->t2 = an_spawn(&f->t, 0, "t2");
	f->s1 = fake_stack(&f->t, 0x100, 2);
	f->s2 = fake_stack(&f->t, 0x200, 2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct mu_fixture *f = *state;
	report_release(&f->r);
	fake_trace_release(&f->t);
	free(f);
	return 0;
}

static inline void run(struct mu_fixture *f)
{
	an_run(&analyzer_misuse, &f->t, &f->r);
	report_finalize(&f->r);
	for (size_t i = 0; i < f->r.nmisuses; i++)
		print_message("finding: %s: %s\n", report_misuse_kind_name(f->r.misuses[i].kind),
			      f->r.misuses[i].message);
}

/* The only finding is of KIND on LOCK at STACK; returns it. */
static inline const struct report_misuse *only(struct mu_fixture *f, enum report_misuse_kind kind,
						       uint32_t lock, uint32_t stack)
{
	assert_int_equal(f->r.nmisuses, 1);
	const struct report_misuse *m = &f->r.misuses[0];
	assert_string_equal(report_misuse_kind_name(m->kind), report_misuse_kind_name(kind));
	assert_int_equal(m->lock, lock);
	assert_int_equal(m->stack, stack);
	assert_non_null(m->message);
	return m;
}

static inline void none(struct mu_fixture *f)
{
	assert_int_equal(f->r.nmisuses, 0);
}

static inline void set_type(struct mu_fixture *f, uint32_t lock, enum trace_mutex_type type)
{
	fake_object_desc(&f->t, lock)->attr = type;
	fake_object_desc(&f->t, lock)->initialized = true;
}

/* The BEGIN of a condition wait on CV with MUTEX, and the release of MUTEX. */
static inline void cond_wait_begin(struct mu_fixture *f, uint32_t thread, uint32_t cv,
				   uint32_t mutex, uint32_t stack)
{
	struct trace_event *e = fake_begin(&f->t, thread, TRACE_OP_COND_WAIT, cv);
	e->obj2 = mutex;
	e->stack = stack;
	fake_event(&f->t, thread, TRACE_OP_COND_RELEASE, mutex)->obj2 = cv;
}

/* The reacquisition of MUTEX and the END of the wait. */
static inline void cond_wait_end(struct mu_fixture *f, uint32_t thread, uint32_t cv, uint32_t mutex,
				 uint32_t stack)
{
	fake_event(&f->t, thread, TRACE_OP_COND_REACQUIRE, mutex)->obj2 = cv;
	struct trace_event *e = an_call(&f->t, thread, TRACE_OP_COND_WAIT, cv, stack, 0);
	e->obj2 = mutex;
	e->had_begin = 1;
}

/* A whole wait, the mutex locked before and unlocked after. */
static inline void cond_wait(struct mu_fixture *f, uint32_t thread, uint32_t cv, uint32_t mutex,
			     uint32_t stack)
{
	fake_lock(&f->t, thread, mutex, 0);
	cond_wait_begin(f, thread, cv, mutex, stack);
	cond_wait_end(f, thread, cv, mutex, stack);
	fake_unlock(&f->t, thread, mutex, 0);
}

/* Waits on CV by T1 with M1 and, while it lasts, by T2 with M2. */
static inline void cond_waits_at_once(struct mu_fixture *f, uint32_t cv, uint32_t m1, uint32_t s1,
				      uint32_t m2, uint32_t s2)
{
	fake_lock(&f->t, f->t1, m1, 0);
	cond_wait_begin(f, f->t1, cv, m1, s1);
	cond_wait(f, f->t2, cv, m2, s2);
	cond_wait_end(f, f->t1, cv, m1, s1);
	fake_unlock(&f->t, f->t1, m1, 0);
}

/* A DROPPED event: THREAD lost events here. */
static inline void dropped(struct mu_fixture *f, uint32_t thread)
{
	fake_event(&f->t, thread, TRACE_OP_DROPPED, 0)->args[0] = 3;
}

#endif
