/* SPDX-License-Identifier: MIT */
/* test_python.c - Python in the analyzers' outputs: the interpreter's
 * frames left out of stacks (python_frames.c), lock names from the line
 * that made the lock (python_lock_name.c), the note for a CPython whose
 * frames could not be read, suppressions by Python names, and a GIL named
 * by the trace. The printers' view of it is in test_printers.c. */
#include "an_test.h"
#include "python_report.h"

#include <stdio.h>
#include <sys/stat.h>

#include "print.h"
#include "python_frames.h"
#include "python_lock_name.h"
#include "suppress.h"

/* ---- python_frames_filter ---- */

#define NATIVE(mod, fn) { .pc = 0x1000, .function = fn, .module = mod }
#define PY(fn, ln) { .pc = TRACE_PYFRAME, .function = fn, .file = "/src/demo.py", .line = ln, .python = true }

static void assert_functions(const struct sym_frame *f, size_t n, const char *const *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(f[i].function ? f[i].function : "-", want[i]);
}

static void test_filter_leaves_native_stacks(void **state)
{
	struct sym_frame f[] = { NATIVE("/usr/lib/libc.so.6", "pthread_mutex_lock"),
				 NATIVE("/usr/bin/python3.11", "main"),
				 NATIVE("/usr/lib/libc.so.6", "__libc_start_main") };
	(void)state;
	assert_int_equal(python_frames_filter(f, 3), 3);
	assert_string_equal(f[2].function, "__libc_start_main");
}

/* Interpreter frames go, wherever they are; an extension module and the
 * libraries it calls stay between the Python frames; libc goes outside the
 * outermost Python frame only. */
static void test_filter_interleaved(void **state)
{
	struct sym_frame f[] = {
		NATIVE("/usr/lib/libsqlite3.so.0", "sqlite3_step"),
		NATIVE("/usr/lib/libc.so.6", "qsort"),
		NATIVE("/usr/lib/_sqlite3.cpython-311.so", "pysqlite_step"),
		NATIVE("/usr/bin/python3.11", "_PyObject_Call"),
		PY("query", 20),
		PY("worker", 12),
		NATIVE("/usr/bin/python3.11", "_PyEval_EvalFrameDefault"),
		NATIVE("/usr/bin/python3.11", "thread_run"),
		NATIVE("/usr/lib/libc.so.6", "start_thread"),
		NATIVE("/usr/lib/libc.so.6", "clone3"),
	};
	static const char *const want[] = { "sqlite3_step", "qsort", "pysqlite_step", "query", "worker" };
	(void)state;
	size_t n = python_frames_filter(f, sizeof f / sizeof *f);
	assert_functions(f, n, want, sizeof want / sizeof *want);
	assert_true(f[3].python);
}

/* The interpreter is known by the eval loop's position (right after a run
 * of Python frames) whatever its file is called: an embedding program's
 * libpython, a renamed binary; the embedding program's own main stays. */
static void test_filter_by_eval_position(void **state)
{
	struct sym_frame f[] = {
		NATIVE("/opt/app/lib/libpy-embedded.so", "PyThread_acquire_lock_timed"),
		PY("handler", 7),
		NATIVE("/opt/app/lib/libpy-embedded.so", NULL),
		NATIVE("/opt/app/lib/libpy-embedded.so", "PyObject_Call"),
		NATIVE("/opt/app/bin/app", "main"),
		NATIVE("/lib/x86_64-linux-gnu/libc.so.6", "__libc_start_call_main"),
		NATIVE("/lib64/ld-linux-x86-64.so.2", "_dl_start_user"),
	};
	static const char *const want[] = { "handler", "main" };
	(void)state;
	size_t n = python_frames_filter(f, sizeof f / sizeof *f);
	assert_functions(f, n, want, sizeof want / sizeof *want);
}

/* Without maps, modules are unknown: only the eval loop's own frame (right
 * after each run of Python frames) is known to be the interpreter's. */
static void test_filter_without_modules(void **state)
{
	struct sym_frame f[] = { NATIVE(NULL, NULL), PY("inner", 3), NATIVE(NULL, "eval"),
				 NATIVE(NULL, "c_call"), PY("outer", 9), NATIVE(NULL, "eval"),
				 NATIVE(NULL, "start") };
	static const char *const want[] = { "-", "inner", "c_call", "outer", "start" };
	(void)state;
	size_t n = python_frames_filter(f, sizeof f / sizeof *f);
	assert_functions(f, n, want, sizeof want / sizeof *want);
}

/* The real symbolizer over the sample's maps: Python frames from the
 * catalog, in place of the interpreter's. */
static void test_symbolizer_stack(void **state)
{
	struct python_sample s;
	(void)state;
	python_sample_init(&s);
	struct symbolizer *sym = symbolizer_new(&s.t.cat);
	const struct sym_frame *f;
	size_t n = symbolizer_stack(sym, s.a2, &f);
	assert_int_equal(n, 6);
	assert_true(f[0].python);
	assert_string_equal(f[0].function, "callback");
	assert_string_equal(f[0].file, PYS_DEMO);
	assert_int_equal(f[0].line, 30);
	assert_null(f[0].module);
	assert_false(f[1].python);
	assert_string_equal(f[1].module, PYS_EXT);
	assert_int_equal(f[1].pc, PYS_AT_EXT + 0x100);
	assert_string_equal(f[2].function, "worker2");
	const struct sym_frame *one = symbolizer_pc(sym, 0, trace_pyframe(s.code_worker, 77));
	assert_true(one->python);
	assert_string_equal(one->function, "worker");
	assert_int_equal(one->line, 77);
	symbolizer_free(sym);
	python_sample_release(&s);
}

/* Without a symbol source, the report still shows the Python frames. */
static void test_resolve_without_symbols(void **state)
{
	struct python_sample s;
	struct report r;
	(void)state;
	python_sample_init(&s);
	report_init(&r);
	report_add_misuse(&r, REPORT_MISUSE_SEM_OVERFLOW, s.t1, s.lock_a, s.a1, "{lock} overflows");
	report_resolve(&r, &s.t.cat, NULL);
	report_finalize(&r);
	const struct report_stack *st = report_stack_find(&r, s.a1);
	assert_non_null(st);
	/* the raw pcs, but the eval loop's frame after the Python run left out */
	assert_int_equal(st->nframes, 10);
	assert_int_equal(st->frames[0].pc, PYS_ACQUIRE);
	assert_true(st->frames[2].python);
	assert_string_equal(st->frames[2].function, "worker");
	assert_int_equal(st->frames[6].pc, PYS_CALL);
	assert_string_equal(r.misuses[0].message, "sem 'demo.py:2' overflows");
	report_release(&r);
	python_sample_release(&s);
}

/* ---- lock names ---- */

static void test_assignment_target(void **state)
{
	static const struct { const char *line, *target; } cases[] = {
		{ "lock_a = threading.Lock()", "lock_a" },
		{ "        self.mutex = threading.Lock()  # guards x", "self.mutex" },
		{ "\tlocks[i] = Lock()", "locks[i]" },
		{ "lock: threading.Lock = threading.Lock()", "lock" },
		{ "a = b = Lock()", "a" },
		{ "q = queue.Queue(maxsize=3)", "q" },
		{ "if lock == other: pass", NULL },
		{ "x += make()", NULL },
		{ "a, b = Lock(), Lock()", NULL },
		{ "else: lock = Lock()", NULL },
		{ "return threading.Lock()", NULL },
		{ "with threading.Lock():", NULL },
		{ "do(lock=threading.Lock())", NULL },
		{ "a = threading.Lock(); b = threading.Lock()", NULL },  /* which is whose? */
		{ "a = Lock();  # b = Lock(); c", "a" },
		{ "a = Lock('x; y')", "a" },
		{ "a = Lock(\"#\"); b = Lock()", NULL },
		{ "", NULL },
	};
	char buf[80];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = python_assignment_target(cases[i].line, buf, sizeof buf);
		if (!cases[i].target && got)
			fail_msg("'%s': got '%s', wanted none", cases[i].line, got);
		if (cases[i].target && (!got || strcmp(got, cases[i].target)))
			fail_msg("'%s': got '%s', wanted '%s'", cases[i].line, got ? got : "(none)",
				 cases[i].target);
	}
}

static void test_path_is_library(void **state)
{
	(void)state;
	assert_true(python_path_is_library("/usr/lib/python3.11/threading.py", "/usr/lib/python3.11"));
	assert_true(python_path_is_library("/usr/lib/python3.11/concurrent/futures/thread.py",
					   "/usr/lib/python3.11"));
	assert_false(python_path_is_library("/usr/lib/python3.11-extra/x.py", "/usr/lib/python3.11"));
	assert_false(python_path_is_library("/usr/local/lib/python3.11/site-packages/requests/x.py",
					    "/usr/local/lib/python3.11"));
	assert_false(python_path_is_library("/home/u/demo.py", "/usr/lib/python3.11"));
	/* the directory unknown: a path that looks like a library */
	assert_true(python_path_is_library("/opt/py/lib/python3.12/queue.py", NULL));
	assert_false(python_path_is_library("/usr/lib/python3/dist-packages/apt/x.py", NULL));
	assert_true(python_path_is_library("<frozen importlib._bootstrap>", NULL));
	assert_false(python_path_is_library("<string>", NULL));
}

struct demo_dir {
	char dir[64], py[128];
};

static void demo_write(struct demo_dir *d, const char *source)
{
	snprintf(d->dir, sizeof d->dir, "/tmp/ctrace-pylock-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	snprintf(d->py, sizeof d->py, "%s/demo.py", d->dir);
	FILE *f = fopen(d->py, "w");
	assert_non_null(f);
	fputs(source, f);
	fclose(f);
}

static void demo_remove(struct demo_dir *d)
{
	unlink(d->py);
	rmdir(d->dir);
}

/* A semaphore made with init stack PCS (innermost first). */
static uint32_t demo_lock(struct fake_trace *t, const uint64_t *pcs, uint32_t n)
{
	uint32_t id = fake_object(t, TRACE_OBJ_SEM, 0x1000 + 0x40 * t->cat.nobjects);
	fake_object_desc(t, id)->init_stack = fake_stack_pcs(t, pcs, n);
	return id;
}

static const char *demo_name(struct fake_trace *t, uint32_t id, char *buf, size_t size)
{
	return python_lock_name(&t->cat, trace_catalog_object(&t->cat, id), buf, size);
}

static void test_lock_names(void **state)
{
	struct demo_dir d;
	struct fake_trace t;
	char buf[256];
	(void)state;
	demo_write(&d, "import threading, queue\n"
		       "lock_a = threading.Lock()\n"
		       "class Box:\n"
		       "    def __init__(self):\n"
		       "        self.mutex = threading.RLock()\n"
		       "q = queue.Queue()\n"
		       "item = q.get()\n"
		       "make(threading.Lock())\n");
	fake_trace_init(&t);
	uint32_t module = fake_pycode(&t, d.py, "<module>");
	uint32_t init = fake_pycode(&t, d.py, "Box.__init__");
	uint32_t rlock = fake_pycode(&t, "/usr/lib/python3.11/threading.py", "RLock");
	uint32_t queue_init = fake_pycode(&t, "/usr/lib/python3.11/queue.py", "Queue.__init__");
	uint32_t get = fake_pycode(&t, "/usr/lib/python3.11/queue.py", "Queue.get");
	uint32_t wait = fake_pycode(&t, "/usr/lib/python3.11/threading.py", "Condition.wait");

	const uint64_t direct[] = { 0x401000, trace_pyframe(module, 2), 0x402000 };
	const uint64_t in_ctor[] = { 0x401000, trace_pyframe(rlock, 101), trace_pyframe(init, 5),
				     trace_pyframe(module, 9) };
	const uint64_t by_queue[] = { 0x401000, trace_pyframe(queue_init, 35), trace_pyframe(module, 6) };
	const uint64_t waiter[] = { 0x401000, trace_pyframe(wait, 313), trace_pyframe(get, 171),
				    trace_pyframe(module, 7) };
	const uint64_t argument[] = { trace_pyframe(module, 8) };
	const uint64_t library_only[] = { trace_pyframe(wait, 313) };
	const uint64_t native_only[] = { 0x401000, 0x402000 };
	assert_string_equal(demo_name(&t, demo_lock(&t, direct, 3), buf, sizeof buf), "lock_a (demo.py:2)");
	assert_string_equal(demo_name(&t, demo_lock(&t, in_ctor, 4), buf, sizeof buf),
			    "self.mutex (demo.py:5)");
	assert_string_equal(demo_name(&t, demo_lock(&t, by_queue, 3), buf, sizeof buf), "q (demo.py:6)");
	/* a waiter lock Queue.get made is not what the line assigns */
	assert_string_equal(demo_name(&t, demo_lock(&t, waiter, 4), buf, sizeof buf), "demo.py:7");
	assert_string_equal(demo_name(&t, demo_lock(&t, argument, 1), buf, sizeof buf), "demo.py:8");
	assert_null(demo_name(&t, demo_lock(&t, library_only, 1), buf, sizeof buf));
	assert_null(demo_name(&t, demo_lock(&t, native_only, 2), buf, sizeof buf));

	/* a relative path is the program's working directory's, not ours */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(d.dir), 0);
	uint32_t relative = fake_pycode(&t, "demo.py", "<module>");
	const uint64_t from_cwd[] = { trace_pyframe(relative, 2) };
	assert_string_equal(demo_name(&t, demo_lock(&t, from_cwd, 1), buf, sizeof buf), "demo.py:2");
	assert_int_equal(chdir(cwd), 0);
	/* the file gone: where, without the variable */
	uint32_t gone = demo_lock(&t, direct, 3);
	demo_remove(&d);
	assert_string_equal(demo_name(&t, gone, buf, sizeof buf), "demo.py:2");
	/* named objects, runtime objects and other kinds are not renamed */
	fake_object_desc(&t, gone)->role = TRACE_ROLE_GIL_MUTEX;
	assert_null(demo_name(&t, gone, buf, sizeof buf));
	uint32_t cond = fake_object(&t, TRACE_OBJ_COND, 0x9000);
	fake_object_desc(&t, cond)->init_stack = fake_stack_pcs(&t, direct, 3);
	assert_null(demo_name(&t, cond, buf, sizeof buf));
	fake_trace_release(&t);
}

/* The timeline and the page name locks through the symbolizer. */
static void test_object_label(void **state)
{
	struct python_sample s;
	(void)state;
	python_sample_init(&s);
	struct symbolizer *sym = symbolizer_new(&s.t.cat);
	assert_string_equal(symbolizer_object_label(sym, trace_catalog_object(&s.t.cat, s.lock_b)),
			    "demo.py:3");
	assert_null(symbolizer_object_label(sym, trace_catalog_object(&s.t.cat, s.gil)));
	symbolizer_free(sym);
	python_sample_release(&s);
}

/* ---- the report ---- */

static const char *fake_data_symbol(void *ctx, uint32_t process, uint64_t addr)
{
	(void)ctx;
	(void)process;
	(void)addr;
	return "_PyRuntime+0x1b8";
}

/* The GIL is called by the name the trace gives it, not by the variable it
 * lives in. */
static void test_gil_named(void **state)
{
	struct python_sample s;
	struct report r;
	(void)state;
	python_sample_init(&s);
	report_init(&r);
	report_add_lockstat(&r, s.gil);
	struct report_symbols rs = { .data_symbol = fake_data_symbol };
	report_resolve(&r, &s.t.cat, &rs);
	const struct report_lock *l = report_lock_find(&r, s.gil);
	assert_string_equal(l->name, "GIL");
	assert_null(l->symbol);
	report_release(&r);
	python_sample_release(&s);
}

static void test_runtime_note(void **state)
{
	struct python_sample s;
	struct report r;
	(void)state;
	python_sample_init(&s);
	fake_runtime(&s.t, 0x030e00a1, TRACE_RUNTIME_UNKNOWN_LAYOUT, "no frame layout for 3.14");
	/* a forked child with the same interpreter: one note for both */
	struct trace_process *p = realloc(s.t.cat.processes, 2 * sizeof *p);
	assert_non_null(p);
	s.t.cat.processes = p;
	p[1] = (struct trace_process){ .pid = 1001, .parent = 0, .runtime = TRACE_RUNTIME_CPYTHON,
		.runtime_version = 0x030e00a1, .runtime_support = TRACE_RUNTIME_UNKNOWN_LAYOUT,
		.runtime_note = strdup("no frame layout for 3.14") };
	s.t.cat.nprocesses = 2;
	report_init(&r);
	report_resolve(&r, &s.t.cat, NULL);
	report_finalize(&r);
	size_t found = 0;
	for (size_t i = 0; i < r.nnotes; i++)
		found += !strcmp(r.notes[i], "Python frames are not available for CPython 3.14.0a1 "
				 "(pids 1000, 1001): no frame layout for 3.14");
	assert_int_equal(found, 1);
	char *text = an_render(print_text, &r, NULL);
	assert_non_null(strstr(text, "ctrace: note: Python frames are not available for CPython 3.14.0a1"));
	free(text);
	report_release(&r);
	/* full support: nothing to say */
	fake_runtime(&s.t, 0x030b02f0, TRACE_RUNTIME_FULL, NULL);
	s.t.cat.processes[1].runtime_support = TRACE_RUNTIME_FULL;
	report_init(&r);
	report_resolve(&r, &s.t.cat, NULL);
	for (size_t i = 0; i < r.nnotes; i++)
		assert_null(strstr(r.notes[i], "Python frames"));
	report_release(&r);
	python_sample_release(&s);
}

/* A finding is located at the program's code, past Python's library
 * frames (Condition.wait in threading.py, Queue.get in queue.py). */
static void test_located_past_library(void **state)
{
	struct python_sample s;
	struct report r;
	(void)state;
	python_sample_init(&s);
	report_init(&r);
	struct report_deadlock *d = report_add_deadlock(&r, REPORT_DEADLOCK_STALL);
	*report_deadlock_add_edge(d) = (struct report_edge){ .thread = s.t1, .acquiring = s.lock_a,
		.acquiring_stack = s.q_get, .owner = TRACE_NONE, .waiting_for = TRACE_NONE,
		.op = TRACE_OP_SEM_WAIT };
	report_resolve(&r, &s.t.cat, NULL);
	report_finalize(&r);
	const struct report_stack *st = report_stack_find(&r, s.q_get);
	assert_true(st->frames[2].python_library);
	assert_false(st->frames[4].python_library);
	char *text = an_render(print_text, &r, NULL);
	assert_non_null(strstr(text, "    #2 Condition.wait " PYS_LIB "/threading.py:320 (python)\n"));
	assert_non_null(strstr(text, "SUMMARY: ctrace: stall (every thread blocked) " PYS_DEMO ":50 in consumer"));
	free(text);
	text = an_render(print_sarif, &r, NULL);
	assert_non_null(strstr(text, "\"uri\":\"file://" PYS_DEMO "\""));
	assert_non_null(strstr(text, "\"fullyQualifiedName\":\"consumer\""));
	assert_null(strstr(text, "threading.py"));
	free(text);
	report_release(&r);
	python_sample_release(&s);
}

/* Suppressions match Python function names and .py paths. */
static void test_suppress_python(void **state)
{
	static const char *const rules[] = {
		"lock-order-inversion:callback", "deadlock:/src/app/demo.py", "deadlock:^worker2$",
	};
	(void)state;
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
		struct python_sample s;
		struct report r;
		struct suppressions sup = SUPPRESSIONS_INIT;
		struct ct_error err = { 0 };
		python_sample_init(&s);
		report_init(&r);
		python_report(&s, &r);
		assert_int_equal(suppressions_parse(&sup, rules[i], "f", &err), 0);
		suppressions_apply(&sup, &r);
		assert_int_equal(r.ndeadlocks, 0);
		assert_int_equal(r.suppressed, 1);
		suppressions_release(&sup);
		report_release(&r);
		python_sample_release(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_leaves_native_stacks),
		cmocka_unit_test(test_filter_interleaved),
		cmocka_unit_test(test_filter_by_eval_position),
		cmocka_unit_test(test_filter_without_modules),
		cmocka_unit_test(test_symbolizer_stack),
		cmocka_unit_test(test_resolve_without_symbols),
		cmocka_unit_test(test_assignment_target),
		cmocka_unit_test(test_path_is_library),
		cmocka_unit_test(test_lock_names),
		cmocka_unit_test(test_object_label),
		cmocka_unit_test(test_gil_named),
		cmocka_unit_test(test_runtime_note),
		cmocka_unit_test(test_located_past_library),
		cmocka_unit_test(test_suppress_python),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
