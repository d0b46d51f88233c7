/* SPDX-License-Identifier: MIT */
/* test_export_ctf.c - viewer/export_ctf.c and ctf_source.c: exports traces
 * (in memory, and written by the real writer) and reads them back with the
 * babeltrace2 command; the plugin source.ctrace.native; the Trace Compass
 * XML analysis against the event classes and fields we really write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "event_source.h"
#include "export_ctf.h"
#include "fake_trace.h"
#include "sample_trace.h"
#include "strbuf.h"
#include "trace_writer.h"

#define MUTEX_ADDR 0x601040ull
#define COND_ADDR  0x601080ull
#define MQ_KEY     (TRACE_KEY_MQ_FLAG | 0x1234ull)

/* ---- helpers ---- */

/* Runs the shell command FMT and returns its stdout (owned); *status gets
 * the exit status (-1 if it did not exit). */
static char *run(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *run(int *status, const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT, out = STRBUF_INIT;
	char buf[4096];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	int len = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	assert_true(len > 0 && (size_t)len < sizeof buf);
	strbuf_addf(&cmd, "%s%s", CTF_TEST_TOOL_ENV, buf);
	FILE *p = popen(cmd.buf, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		strbuf_add(&out, buf, n);
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	strbuf_release(&cmd);
	return strbuf_detach(&out);
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The line of HAY holding NEEDLE (owned), or NULL. */
static char *line_with(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	if (!p)
		return NULL;
	const char *b = p, *e = strchr(p, '\n');
	while (b > hay && b[-1] != '\n')
		b--;
	return strndup(b, e ? (size_t)(e - b) : strlen(b));
}

static void assert_line(const char *text, const char *event, const char *field)
{
	char *l = line_with(text, event);
	if (!l || !strstr(l, field))
		fail_msg("no '%s' in the line of '%s': %s", field, event, l ? l : "(none)");
	free(l);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct tmp {
	char dir[256];
	char out[288];
};

/* Each test gets a fresh directory, removed even when the test fails. */
static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);
	const char *base = getenv("TMPDIR");

	if (!t)
		return -1;
	snprintf(t->dir, sizeof t->dir, "%s/ctrace-ctf-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->out, sizeof t->out, "%s/ctf", t->dir);
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* The count on the line of sink.utils.counter naming WHAT, or -1. */
static long counter_value(const char *out, const char *what)
{
	char *l = line_with(out, what);
	long v = l ? strtol(l, NULL, 10) : -1;
	free(l);
	return v;
}

/* ---- an in-memory trace: two threads, contention, a cond wait, an mq ---- */

static void build_contention(struct fake_trace *t)
{
	fake_trace_init(t);
	uint32_t w = fake_thread(t, 0, "worker");
	uint32_t m = fake_object(t, TRACE_OBJ_MUTEX, MUTEX_ADDR);
	uint32_t c = fake_object(t, TRACE_OBJ_COND, COND_ADDR);
	uint32_t q = fake_object(t, TRACE_OBJ_MQ, MQ_KEY);
	uint32_t s = fake_stack(t, 0x401000, 3);
	fake_object_desc(t, q)->name = strdup("/jobs");

	struct trace_event *e = fake_event(t, 0, TRACE_OP_CREATE, 0);
	e->peer_thread = w;
	e->args[0] = 1;
	e = fake_event(t, w, TRACE_OP_THREAD_START, 0);
	e->peer_thread = 0;
	e->str = "worker";
	fake_lock(t, 0, m, s);
	fake_begin(t, w, TRACE_OP_MUTEX_LOCK, m)->stack = s;
	fake_unlock(t, 0, m, s);
	e = fake_lock(t, w, m, s);
	e->had_begin = 1;
	fake_begin(t, w, TRACE_OP_COND_WAIT, c)->obj2 = m;
	fake_event(t, w, TRACE_OP_COND_RELEASE, m)->obj2 = c;
	fake_lock(t, 0, m, s);
	fake_event(t, 0, TRACE_OP_COND_SIGNAL, c);
	fake_unlock(t, 0, m, s);
	fake_event(t, w, TRACE_OP_COND_REACQUIRE, m)->obj2 = c;
	e = fake_event(t, w, TRACE_OP_COND_WAIT, c);
	e->obj2 = m;
	e->had_begin = 1;
	fake_unlock(t, w, m, s);
	e = fake_event(t, w, TRACE_OP_MQ_SEND, q);
	e->args[0] = 3;
	e->args[1] = 16;
	e->args[2] = 7;
	fake_lock(t, w, m, s);
	fake_event(t, 0, TRACE_OP_MUTEX_TRYLOCK, m)->result = EBUSY;
	fake_unlock(t, w, m, s);
	fake_event(t, w, TRACE_OP_THREAD_END, 0);
	fake_event(t, 0, TRACE_OP_JOIN, 0)->peer_thread = w;
}

static void export_fake(struct fake_trace *t, const char *out)
{
	struct event_source src;
	struct ct_error err = { 0 };

	event_source_from_array(&src, &t->cat, t->ev, t->nev);
	int ret = export_ctf_source(&src, out, NULL, &err);
	if (ret)
		fail_msg("export: %s", err.msg);
	assert_int_equal(err.msg[0], 0);
	event_source_release(&src);
}

static void test_export_text(void **state)
{
	struct fake_trace t;
	struct tmp *d = *state;
	int st;

	build_contention(&t);
	export_fake(&t, d->out);
	char *text = run(&st, "babeltrace2 '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(count(text, "\n"), t.nev);
	assert_int_equal(count(text, "ctrace:mutex_lock_begin:"), 1);
	assert_int_equal(count(text, "ctrace:mutex_lock:"), 4);
	assert_int_equal(count(text, "ctrace:mutex_unlock:"), 4);
	assert_int_equal(count(text, "ctrace:cond_wait_begin:"), 1);
	assert_line(text, "ctrace:mutex_lock_begin:", "obj = 0x601040");
	assert_line(text, "ctrace:mutex_lock_begin:", "vtid = 1001");
	assert_line(text, "ctrace:mutex_lock_begin:", "procname = \"worker\"");
	assert_line(text, "ctrace:mutex_lock_begin:", "ip = 0x401000");
	assert_line(text, "ctrace:mutex_trylock:", "result = 16");
	assert_line(text, "ctrace:mutex_trylock:", "vtid = 1000");
	assert_line(text, "ctrace:cond_release:", "obj2 = 0x601080");
	assert_line(text, "ctrace:cond_wait_begin:", "obj_kind = \"cond\"");
	assert_line(text, "ctrace:mq_send:", "obj_name = \"/jobs\"");
	assert_line(text, "ctrace:mq_send:", "fd = 3, size = 16, prio = 7");
	assert_line(text, "ctrace:thread_start:", "str = \"worker\"");
	assert_line(text, "ctrace:create:", "peer_tid = 1001");
	assert_line(text, "ctrace:join:", "peer_thread = 1");
	free(text);

	char *meta = run(&st, "babeltrace2 -o ctf-metadata '%s'", d->out);
	assert_int_equal(st, 0);
	assert_non_null(strstr(meta, "tracer_name = \"ctrace\""));
	assert_non_null(strstr(meta, "_vtid;"));
	assert_non_null(strstr(meta, "offset_s = 0;"));
	free(meta);
	fake_trace_release(&t);
}

static void test_export_counter(void **state)
{
	struct fake_trace t;
	struct tmp *d = *state;
	int st;

	build_contention(&t);
	export_fake(&t, d->out);
	char *out = run(&st, "babeltrace2 -c sink.utils.counter -p step=+0 '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(counter_value(out, " Event message"), (long)t.nev);
	/* one stream per thread; the worker's ends at its THREAD_END */
	assert_int_equal(counter_value(out, " Stream beginning message"), 2);
	assert_int_equal(counter_value(out, " Stream end message"), 2);
	free(out);
	fake_trace_release(&t);
}

/* Times that step back across threads are clamped: babeltrace2 rejects a
 * message sequence that goes back in time. */
static void test_export_clamps_time(void **state)
{
	struct fake_trace t;
	struct tmp *d = *state;
	int st;

	fake_trace_init(&t);
	uint32_t w = fake_thread(&t, 0, "worker");
	uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, MUTEX_ADDR);
	fake_trace_at(&t, 5000);
	fake_unlock(&t, 0, m, 0);
	fake_trace_at(&t, 4000);
	fake_lock(&t, w, m, 0);
	fake_trace_at(&t, 7000);
	fake_unlock(&t, w, m, 0);
	export_fake(&t, d->out);
	char *text = run(&st, "babeltrace2 --clock-cycles '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(count(text, "\n"), 3);
	assert_non_null(strstr(text, "[00000000000000005000] (+?????????\?\?\?) prog:(1000) ctrace:mutex_unlock"));
	assert_non_null(strstr(text, "[00000000000000005000] (+000000000000) prog:(1000) ctrace:mutex_lock"));
	assert_non_null(strstr(text, "[00000000000000007000] (+000000002000) prog:(1000) ctrace:mutex_unlock"));
	free(text);
	fake_trace_release(&t);
}

/* Threads blocked when the watchdog ended the program (a real deadlock):
 * their streams, never ended by a thread_end, last until the run ended, so
 * that a reader shows them waiting until then, not until the last event. */
static void test_export_hang_until_run_end(void **state)
{
	struct fake_trace t;
	struct hang_ids id;
	struct tmp *d = *state;
	int st;

	hang_trace(&t, &id, NULL);
	export_fake(&t, d->out);
	char *out = run(&st, "babeltrace2 -c sink.text.details -p color=never '%s' | "
			"grep -B2 'Packet end'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(count(out, "Packet end"), 3);
	assert_int_equal(count(out, "[1,020,000 cycles"), 3);   /* HANG_RUN_END_NS */
	free(out);
	out = run(&st, "babeltrace2 '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(count(out, "ctrace:mutex_lock_begin:"), 2);
	free(out);
	fake_trace_release(&t);
}

/* Long streams are cut into packets (readers seek by packet). */
static void test_export_packets(void **state)
{
	struct fake_trace t;
	struct tmp *d = *state;
	int st;

	fake_trace_init(&t);
	uint32_t m = fake_object(&t, TRACE_OBJ_MUTEX, MUTEX_ADDR);
	for (unsigned i = 0; i < 20000; i++) {
		fake_lock(&t, 0, m, 0);
		fake_unlock(&t, 0, m, 0);
	}
	export_fake(&t, d->out);
	char *out = run(&st, "babeltrace2 -c sink.utils.counter -p step=+0 '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(counter_value(out, " Event message"), 40000);
	assert_int_equal(counter_value(out, " Packet beginning message"), 3);
	assert_int_equal(counter_value(out, " Packet end message"), 3);
	free(out);
	fake_trace_release(&t);
}

static void test_export_out_dir(void **state)
{
	char path[512];
	struct fake_trace t;
	struct tmp *d = *state;
	struct event_source src;
	struct ct_error err = { 0 };

	build_contention(&t);
	export_fake(&t, d->out);
	event_source_from_array(&src, &t.cat, t.ev, t.nev);
	assert_int_equal(export_ctf_source(&src, d->out, NULL, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "exists and is not an empty directory"));
	event_source_release(&src);

	/* an existing empty directory is fine; one that cannot be made is not */
	snprintf(path, sizeof path, "%s/empty", d->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	export_fake(&t, path);
	snprintf(path, sizeof path, "%s/empty/metadata/ctf", d->dir);
	memset(&err, 0, sizeof err);
	event_source_from_array(&src, &t.cat, t.ev, t.nev);
	assert_int_equal(export_ctf_source(&src, path, NULL, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "cannot create the directory"));
	event_source_release(&src);
	fake_trace_release(&t);
}

static void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	uint64_t *last = ctx;
	assert_true(done >= last[0]);
	last[0] = done;
	last[1] = total;
	last[2]++;
}

static void test_export_progress(void **state)
{
	struct fake_trace t;
	struct tmp *d = *state;
	struct event_source src;
	struct ct_error err = { 0 };
	uint64_t seen[3] = { 0 };
	struct export_ctf_progress progress = { progress_cb, seen };

	build_contention(&t);
	event_source_from_array(&src, &t.cat, t.ev, t.nev);
	assert_int_equal(export_ctf_source(&src, d->out, &progress, &err), 0);
	assert_int_equal(seen[0], t.nev);
	assert_int_equal(seen[1], t.nev);
	assert_true(seen[2] >= 1);
	event_source_release(&src);
	fake_trace_release(&t);
}

static void test_export_bad_dir(void **state)
{
	struct ct_error err = { 0 };
	(void)state;

	assert_true(export_ctf("/nonexistent/ctrace-trace", "/tmp/unused-ctf-out", &err) < 0);
	assert_true(err.msg[0] != 0);
}

/* ---- a real trace directory, written by the writer and read by the reader ---- */

#define REAL_EVENTS 10

struct real_writer {
	struct trace_writer w;
	struct trace_stream s[2];
	uint64_t tick;
};

static void real_write(struct real_writer *rw, uint32_t idx, struct trace_rec rec)
{
	rec.tick = rw->tick += 1000;
	if (trace_op_desc(rec.op)->flags & TRACE_F_OBJ)
		rec.seq = trace_writer_stamp(&rw->w, rec.key);
	assert_int_equal(trace_stream_write(&rw->s[idx], &rec), 0);
}

/* Two threads and one contended mutex, times close to now. */
static void write_real_trace(const char *dir)
{
	static const char argv[] = "prog\0-v";
	struct trace_writer_config cfg = {
		.dir = dir, .pid = 4242, .ppid = 1, .stack_depth = 16,
		.clock = TRACE_CLOCK_MONOTONIC, .exe = "/usr/bin/prog", .argv = argv,
		.argv_len = sizeof argv,
	};
	struct real_writer rw;
	uint64_t spawn = 0x9000, h0 = 0xaaa0, h1 = 0xbbb0;

	memset(&rw, 0, sizeof rw);
	assert_int_equal(trace_writer_open(&rw.w, &cfg), 0);
	uint32_t child = trace_writer_new_thread(&rw.w);
	assert_int_equal(child, 1);
	trace_stream_init(&rw.s[0], &rw.w, 0);
	trace_stream_init(&rw.s[1], &rw.w, child);
	rw.tick = trace_mono_ns();
	real_write(&rw, 0, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .key = spawn + 8,
					       .args = { ~0ull, 500, h0 }, .str = "main" });
	real_write(&rw, 0, (struct trace_rec){ .op = TRACE_OP_CREATE, .key = spawn,
					       .args = { child, h1 } });
	real_write(&rw, 1, (struct trace_rec){ .op = TRACE_OP_THREAD_START, .key = spawn,
					       .args = { 0, 501, h1 }, .str = "worker" });
	real_write(&rw, 0, (struct trace_rec){ .op = TRACE_OP_MUTEX_LOCK, .key = MUTEX_ADDR });
	real_write(&rw, 1, (struct trace_rec){ .op = TRACE_OP_MUTEX_LOCK | TRACE_OP_BEGIN,
					       .key = MUTEX_ADDR });
	real_write(&rw, 0, (struct trace_rec){ .op = TRACE_OP_MUTEX_UNLOCK, .key = MUTEX_ADDR });
	real_write(&rw, 1, (struct trace_rec){ .op = TRACE_OP_MUTEX_LOCK, .key = MUTEX_ADDR });
	real_write(&rw, 1, (struct trace_rec){ .op = TRACE_OP_MUTEX_UNLOCK, .key = MUTEX_ADDR });
	real_write(&rw, 1, (struct trace_rec){ .op = TRACE_OP_THREAD_END, .key = h1 });
	real_write(&rw, 0, (struct trace_rec){ .op = TRACE_OP_JOIN, .key = h1 });
	trace_stream_close(&rw.s[0]);
	trace_stream_close(&rw.s[1]);
	trace_writer_abandon(&rw.w);
}

static void test_export_real_trace(void **state)
{
	struct tmp *d = *state;
	struct ct_error err = { 0 };
	char trace[300];
	int st;

	snprintf(trace, sizeof trace, "%s/trace", d->dir);
	assert_int_equal(mkdir(trace, 0755), 0);
	write_real_trace(trace);
	if (export_ctf(trace, d->out, &err))
		fail_msg("export: %s", err.msg);
	assert_int_equal(err.msg[0], 0);
	char *text = run(&st, "babeltrace2 --clock-seconds '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(count(text, "\n"), REAL_EVENTS);
	assert_line(text, "ctrace:mutex_lock_begin:", "vtid = 501");
	assert_line(text, "ctrace:mutex_lock_begin:", "procname = \"worker\"");
	assert_line(text, "ctrace:mutex_lock_begin:", "obj = 0x601040");
	assert_line(text, "ctrace:thread_start:", "procname = \"main\"");
	/* the main thread has no parent: -1, as peer_thread says, not 2^64-1 */
	assert_line(text, "ctrace:thread_start:", "peer_thread = -1, peer_tid = 0, parent_index = -1,");
	assert_int_equal(count(text, "parent_index = 0,"), 1);
	/* the clock is placed in wall-clock time: seconds since the epoch */
	double secs = strtod(text + 1, NULL);
	assert_true(secs > (double)time(NULL) - 86400 && secs < (double)time(NULL) + 86400);
	free(text);
	char *meta = run(&st, "babeltrace2 -o ctf-metadata '%s'", d->out);
	assert_non_null(strstr(meta, "vpid = 4242;"));
	assert_non_null(strstr(meta, "procname = \"prog\";"));
	free(meta);
}

#define PLUGIN "babeltrace2 --plugin-path='" CTF_TEST_PLUGIN_DIR "' "

/* The plugin reads a trace directory directly, given its path or found by
 * babeltrace2 itself. */
static void test_plugin(void **state)
{
	struct tmp *d = *state;
	char trace[300];
	int st;

	snprintf(trace, sizeof trace, "%s/trace", d->dir);
	assert_int_equal(mkdir(trace, 0755), 0);
	write_real_trace(trace);
	char *out = run(&st, PLUGIN "-c source.ctrace.native -p 'path=\"%s\"' "
			"-c sink.utils.counter -p step=+0", trace);
	assert_int_equal(st, 0);
	assert_int_equal(counter_value(out, " Event message"), REAL_EVENTS);
	assert_int_equal(counter_value(out, " Stream beginning message"), 2);
	free(out);
	out = run(&st, PLUGIN "'%s'", trace);
	assert_int_equal(st, 0);
	assert_int_equal(count(out, "\n"), REAL_EVENTS);
	assert_line(out, "ctrace:mutex_unlock:", "result = 0");
	free(out);
	/* and through sink.ctf.fs, as `ctrace export` does in-process */
	out = run(&st, PLUGIN "-c source.ctrace.native -p 'path=\"%s\"' -o ctf -w '%s'",
		  trace, d->out);
	assert_int_equal(st, 0);
	free(out);
	out = run(&st, "babeltrace2 '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(count(out, "\n"), REAL_EVENTS);
	free(out);
	out = run(&st, PLUGIN "-c source.ctrace.native -p 'path=\"%s/none\"' 2>&1", d->dir);
	assert_true(st != 0);
	assert_non_null(strstr(out, "cannot read"));
	free(out);
}

/* ---- the Trace Compass analysis ---- */

/* The values of the XPath attribute query Q on the XML, one per line. */
static char *xml_values(const char *q)
{
	int st;
	char *out = run(&st, "xmllint --xpath '%s' '%s' | tr ' ' '\\n' | "
			"sed -n 's/^[a-zA-Z]*=\"\\(.*\\)\"$/\\1/p'", q, CTF_TEST_XML);
	assert_int_equal(st, 0);
	return out;
}

/* One event of every op and phase, so that sink.ctf.fs (which describes
 * only the event classes it saw) writes every class into the metadata. */
static void build_every_op(struct fake_trace *t)
{
	fake_trace_init(t);
	uint32_t w = fake_thread(t, 0, "worker");
	uint32_t m = fake_object(t, TRACE_OBJ_MUTEX, MUTEX_ADDR);
	for (unsigned op = 1; op < TRACE_OP_COUNT; op++) {
		const struct trace_op_desc *d = trace_op_desc(op);
		if (!d || op == TRACE_OP_OBJ_DEF)
			continue;
		if (d->flags & TRACE_F_BLOCKING)
			fake_begin(t, w, op, m);
		fake_event(t, w, op, m)->str = d->name;
	}
}

/* Every op and phase exports and reads back; a thread with events after
 * its thread_end gets a second stream. */
static void test_export_every_op(void **state)
{
	struct fake_trace t;
	struct tmp *d = *state;
	int st;

	build_every_op(&t);
	export_fake(&t, d->out);
	char *text = run(&st, "babeltrace2 '%s'", d->out);
	assert_int_equal(st, 0);
	assert_int_equal(count(text, "\n"), t.nev);
	free(text);
	text = run(&st, "ls '%s'", d->out);
	assert_string_equal(text, "metadata\nthread-1-1001\nthread-1-1001-2\n");
	free(text);
	fake_trace_release(&t);
}

/* Each event name the XML handles is an event class of META. */
static void xml_check_names(const char *meta)
{
	char want[128];
	unsigned n = 0;
	char *names = xml_values("//eventHandler/@eventName");

	for (char *l = strtok(names, "\n"); l; l = strtok(NULL, "\n"), n++) {
		if (!strcmp(l, "ctrace:*"))
			continue;
		snprintf(want, sizeof want, "name = \"%s\";", l);
		if (!strstr(meta, want))
			fail_msg("the XML handles %s, which the CTF export never writes", l);
	}
	assert_true(n > 40);
	free(names);
}

/* Each field the XML reads is a field of META. sink.ctf.fs writes every
 * name with a leading '_'; Trace Compass strips it from payload fields, not
 * from context fields ("context._vtid"). */
static void xml_check_fields(const char *meta)
{
	char want[128];
	unsigned n = 0;
	char *fields = xml_values("//field/@name | //*[@type=\"eventField\"]/@value");

	for (char *l = strtok(fields, "\n"); l; l = strtok(NULL, "\n"), n++) {
		const char *ctx = !strncmp(l, "context.", 8) ? l + 8 : NULL;
		snprintf(want, sizeof want, " %s%s;", ctx ? "" : "_", ctx ? ctx : l);
		if (!strstr(meta, want))
			fail_msg("the XML reads field %s, which the CTF export never writes", l);
	}
	assert_true(n > 10);
	free(fields);
}

/* The analysis is well-formed (and valid, given Trace Compass's schema in
 * CTRACE_TC_XSD), and every event name and field it uses is one we write. */
static void test_tracecompass_xml(void **state)
{
	struct fake_trace t;
	struct tmp *d = *state;
	int st;

	char *out = run(&st, "xmllint --noout '%s' 2>&1", CTF_TEST_XML);
	assert_int_equal(st, 0);
	free(out);
	const char *xsd = getenv("CTRACE_TC_XSD");
	if (xsd && *xsd) {
		out = run(&st, "xmllint --noout --schema '%s' '%s' 2>&1", xsd, CTF_TEST_XML);
		if (st)
			fail_msg("%s", out);
		free(out);
	}
	build_every_op(&t);
	export_fake(&t, d->out);
	char *meta = run(&st, "babeltrace2 -o ctf-metadata '%s'", d->out);
	assert_int_equal(st, 0);
	xml_check_names(meta);
	xml_check_fields(meta);
	free(meta);
	fake_trace_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_export_text, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_export_counter, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_export_clamps_time, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_export_hang_until_run_end, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_export_packets, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_export_out_dir, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_export_progress, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_export_bad_dir),
		cmocka_unit_test_setup_teardown(test_export_real_trace, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_plugin, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_export_every_op, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_tracecompass_xml, tmp_setup, tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
