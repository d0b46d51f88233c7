/* SPDX-License-Identifier: MIT */
/* test_export_perfetto.c - the protobuf encoder (viewer/protobuf.c) byte by
 * byte, and the Perfetto export of the sample trace: protoc decodes it
 * against perfetto_min.proto with no unknown field, the decoded text equals
 * the golden file, and a small decoder of our own checks what protoc cannot
 * (tracks described before use, slices balanced per track, flows closed);
 * a real deadlock's findings and ends are at their times. */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "event_source.h"
#include "export.h"
#include "protobuf.h"
#include "sample_trace.h"

/* ---- the encoder ---- */

static void test_pb_varints(void **state)
{
	(void)state;
	struct pb_buf b;
	pb_init(&b);
	pb_uint(&b, 1, 150);                      /* 08 96 01 */
	pb_int(&b, 2, -1);                        /* 10 ff*9 01 */
	pb_fixed64(&b, 47, 0x0102030405060708ull);/* f9 02 08 07 .. 01 */
	pb_string(&b, 23, "ab");                  /* ba 01 02 61 62 */
	const uint8_t want[] = {
		0x08, 0x96, 0x01,
		0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
		0xf9, 0x02, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
		0xba, 0x01, 0x02, 'a', 'b',
	};
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	assert_int_equal(b.error, 0);
	pb_release(&b);
}

static void test_pb_nested_lengths_patched(void **state)
{
	(void)state;
	struct pb_buf b;
	pb_init(&b);
	pb_begin(&b, 1);
	pb_uint(&b, 8, 1);
	pb_begin(&b, 8);                          /* empty: still written */
	pb_end(&b);
	pb_end(&b);
	const uint8_t want[] = {
		0x0a, 0x87, 0x80, 0x80, 0x00,         /* length 7, redundant 4 bytes */
		0x40, 0x01,
		0x42, 0x80, 0x80, 0x80, 0x00,         /* length 0 */
	};
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	pb_end(&b);                               /* unbalanced */
	assert_int_equal(b.error, 1);
	pb_release(&b);
}

/* ---- our own reading of the output ---- */

struct rd {
	const uint8_t *p, *end;
};

static uint64_t rd_varint(struct rd *r)
{
	uint64_t v = 0;
	for (unsigned s = 0; r->p < r->end && s < 70; s += 7) {
		uint8_t b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << s;
		if (!(b & 0x80))
			return v;
	}
	fail_msg("truncated varint");
	return 0;
}

/* Reads one field: its number, wire type, varint/fixed value or sub-range. */
static bool rd_field(struct rd *r, uint32_t *field, unsigned *wt, uint64_t *v, struct rd *sub)
{
	if (r->p >= r->end)
		return false;
	uint64_t key = rd_varint(r);
	*field = (uint32_t)(key >> 3);
	*wt = key & 7;
	if (*wt == 0) {
		*v = rd_varint(r);
	} else if (*wt == 1) {
		assert_true(r->end - r->p >= 8);
		*v = 0;
		for (int i = 0; i < 8; i++)
			*v |= (uint64_t)r->p[i] << (8 * i);
		r->p += 8;
	} else if (*wt == 2) {
		uint64_t n = rd_varint(r);
		assert_true((uint64_t)(r->end - r->p) >= n);
		sub->p = r->p;
		sub->end = r->p + n;
		r->p += n;
	} else {
		fail_msg("unexpected wire type %u", *wt);
	}
	return true;
}

/* A TrackEvent as read back, in file order. */
struct te {
	uint64_t ts, type, track, flow_out, flow_in;
	size_t order;
};

struct check {
	uint64_t described[64];
	size_t ndescribed;
	struct te ev[256];
	size_t nev;
	size_t flows_closed, flows_open, slices, instants, counters;
};

static bool described(const struct check *c, uint64_t uuid)
{
	for (size_t i = 0; i < c->ndescribed; i++)
		if (c->described[i] == uuid)
			return true;
	return false;
}

static void read_track_event(struct check *c, struct rd te, uint64_t ts)
{
	uint32_t f;
	unsigned wt;
	uint64_t v;
	struct rd sub;
	assert_true(c->nev < 256);
	struct te *e = &c->ev[c->nev];
	*e = (struct te){ .ts = ts, .order = c->nev };
	c->nev++;
	while (rd_field(&te, &f, &wt, &v, &sub)) {
		if (f == 9)
			e->type = v;
		else if (f == 11)
			e->track = v;
		else if (f == 47 && wt == 1)
			e->flow_out = v;
		else if (f == 48 && wt == 1)
			e->flow_in = v;
	}
	assert_true(described(c, e->track));   /* descriptor earlier in the file */
	assert_true(e->track < 64);
}

/* Trace processor sorts packets by timestamp (ties: file order) before it
 * builds slices and flows; so do we. */
static int te_cmp(const void *a, const void *b)
{
	const struct te *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : 1;
}

static void check_events(struct check *c)
{
	int depth[64] = { 0 };
	uint64_t open[64];
	size_t nopen = 0;
	qsort(c->ev, c->nev, sizeof *c->ev, te_cmp);
	for (size_t i = 0; i < c->nev; i++) {
		const struct te *e = &c->ev[i];
		if (e->type == 1) {
			depth[e->track]++;
			c->slices++;
		} else if (e->type == 2) {
			assert_true(depth[e->track] > 0);
			depth[e->track]--;
		} else if (e->type == 3) {
			c->instants++;
		} else {
			assert_int_equal(e->type, 4);
			c->counters++;
		}
		if (e->flow_in) {
			size_t k = 0;
			while (k < nopen && open[k] != e->flow_in)
				k++;
			assert_true(k < nopen);  /* its source came first */
			open[k] = open[--nopen];
			c->flows_closed++;
		}
		if (e->flow_out) {
			assert_true(nopen < 64);
			open[nopen++] = e->flow_out;
		}
	}
	for (size_t t = 0; t < 64; t++)
		assert_int_equal(depth[t], 0);   /* every slice closed */
	c->flows_open = nopen;
}

static void check_stream(const uint8_t *data, size_t len, struct check *c)
{
	struct rd r = { data, data + len }, pkt;
	uint32_t f;
	unsigned wt;
	uint64_t v;
	while (rd_field(&r, &f, &wt, &v, &pkt)) {
		assert_int_equal(f, 1);
		struct rd sub;
		uint64_t seq = 0, ts = 0;
		struct rd te = { NULL, NULL };
		while (rd_field(&pkt, &f, &wt, &v, &sub)) {
			if (f == 10)
				seq = v;
			if (f == 8)
				ts = v;
			if (f == 60) {
				uint32_t g;
				unsigned gwt;
				uint64_t gv;
				struct rd gs;
				while (rd_field(&sub, &g, &gwt, &gv, &gs))
					if (g == 1 && c->ndescribed < 64)
						c->described[c->ndescribed++] = gv;
			}
			if (f == 11)
				te = sub;
		}
		assert_true(seq != 0);
		if (te.p)
			read_track_event(c, te, ts);
	}
	check_events(c);
}

/* ---- the export ---- */

/* Exports T with FINDINGS (and the sample's fake symbols), releases T,
 * checks the stream into C if given; returns the file's path (owned). */
static char *export_trace(struct fake_trace *t, const struct tl_finding *findings, size_t n,
			  size_t *len, struct check *c)
{
	struct tl_names names = sample_names(t);
	struct export_options opt = { .names = &names, .findings = findings, .nfindings = n };
	struct event_source src;
	event_source_from_array(&src, &t->cat, t->ev, t->nev);
	char path[] = "/tmp/ctrace-test-pftrace-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *out = fdopen(fd, "wb");
	struct ct_error err = { 0 };
	assert_int_equal(export_perfetto(&src, out, &opt, &err), 0);
	fclose(out);
	event_source_release(&src);
	fake_trace_release(t);
	char *data = sample_read_file(path, len);
	assert_non_null(data);
	if (c)
		check_stream((const uint8_t *)data, *len, c);
	char *keep = strdup(path);
	free(data);
	return keep;
}

static char *export_sample(size_t *len, struct check *c)
{
	struct fake_trace t;
	struct sample_ids id;
	sample_trace(&t, &id);
	struct tl_finding f = sample_finding(&id);
	return export_trace(&t, &f, 1, len, c);
}

/* A real deadlock ended by the watchdog: the findings are instants where
 * the waits began, every slice ends when the run ended. */
static void test_export_hang_times(void **state)
{
	(void)state;
	struct check c = { 0 };
	struct fake_trace t;
	struct hang_ids id;
	struct tl_finding f[2];
	size_t len;
	hang_trace(&t, &id, f);
	char *path = export_trace(&t, f, 2, &len, &c);
	uint64_t instants[2], last_end = 0;
	size_t ni = 0;
	for (size_t i = 0; i < c.nev; i++) {
		if (c.ev[i].type == 3 && ni < 2)
			instants[ni++] = c.ev[i].ts;
		if (c.ev[i].type == 2 && c.ev[i].ts > last_end)
			last_end = c.ev[i].ts;
	}
	assert_int_equal(ni, 2);
	assert_int_equal(instants[0], id.left_waits_ns);
	assert_int_equal(instants[1], id.right_waits_ns);
	assert_int_equal(last_end, HANG_RUN_END_NS);
	unlink(path);
	free(path);
}

static void test_export_structure(void **state)
{
	(void)state;
	struct check c = { 0 };
	size_t len;
	char *path = export_sample(&len, &c);
	assert_int_equal(c.flows_open, 0);         /* every flow reached its end */
	assert_int_equal(c.flows_closed, 2);       /* a release, a message */
	assert_true(c.counters >= 4);
	assert_int_equal(c.instants, 3);           /* send, receive, finding */
	unlink(path);
	free(path);
}

/* protoc's text, with the exit status; NULL if protoc could not run. */
static char *protoc_decode(const char *pftrace, int *status)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "protoc --proto_path=%s --decode=perfetto.protos.Trace %s/perfetto_min.proto < %s",
		 VIEWER_TEST_SOURCE_DIR, VIEWER_TEST_SOURCE_DIR, pftrace);
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		strbuf_add(&sb, buf, n);
	*status = pclose(p);
	return strbuf_detach(&sb);
}

static void test_protoc_decodes_cleanly(void **state)
{
	(void)state;
	size_t len;
	char *path = export_sample(&len, NULL);
	int status = -1;
	char *text = protoc_decode(path, &status);
	assert_non_null(text);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	regex_t unknown;
	assert_int_equal(regcomp(&unknown, "^[[:space:]]*[0-9]+:", REG_EXTENDED | REG_NEWLINE), 0);
	regmatch_t m;
	if (regexec(&unknown, text, 1, &m, 0) == 0)
		fail_msg("unknown field in protoc output at: %.60s", text + m.rm_so);
	regfree(&unknown);
	assert_non_null(strstr(text, "flow_ids: "));
	assert_non_null(strstr(text, "terminating_flow_ids: "));
	assert_non_null(strstr(text, "name: \"hold mutex g_lock\""));
	assert_int_equal(sample_golden("sample.perfetto.txt", text, strlen(text)), 0);
	free(text);
	unlink(path);
	free(path);
}

/* A truncated file must not decode: protoc is really checking our bytes. */
static void test_protoc_rejects_truncation(void **state)
{
	(void)state;
	size_t len;
	char *path = export_sample(&len, NULL);
	assert_int_equal(truncate(path, (off_t)(len - 3)), 0);
	int status = -1;
	char *text = protoc_decode(path, &status);
	assert_non_null(text);
	assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(text);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_varints),
		cmocka_unit_test(test_pb_nested_lengths_patched),
		cmocka_unit_test(test_export_structure),
		cmocka_unit_test(test_export_hang_times),
		cmocka_unit_test(test_protoc_decodes_cleanly),
		cmocka_unit_test(test_protoc_rejects_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
