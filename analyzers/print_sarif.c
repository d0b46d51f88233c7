/* SPDX-License-Identifier: MIT */
/* print_sarif.c - the report as SARIF 2.1.0 for code scanning: one rule per
 * finding kind, each result located at the innermost frame with a source
 * file of its main stack, the other stacks as related locations, and for
 * deadlocks one thread flow per thread of the cycle. Contention is not a
 * finding and is left out. */
#include "print.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fnv.h"
#include "json_writer.h"
#include "print_common.h"
#include "strbuf.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

struct sarif_rule {
	const char *id, *text, *level;
};

struct sarif {
	struct json_writer w;
	const struct report *r;
	int related_id;
};

/* Rule order: deadlock kinds, data race, misuse kinds, sync-object race
 * (the ruleIndex; later rules are added last to keep the others'). */
#define SARIF_NDEADLOCK 3
#define SARIF_OBJECT_RACE (SARIF_NDEADLOCK + 1 + REPORT_MISUSE_KIND_COUNT)
#define SARIF_NRULES (SARIF_OBJECT_RACE + 1)

static struct sarif_rule sarif_rule(size_t i)
{
	if (i < SARIF_NDEADLOCK) {
		enum report_deadlock_kind k = (enum report_deadlock_kind)i;
		return (struct sarif_rule){ report_deadlock_kind_name(k),
					    report_deadlock_kind_title(k), "error" };
	}
	if (i == SARIF_NDEADLOCK || i == SARIF_OBJECT_RACE) {
		enum report_race_kind k = i == SARIF_NDEADLOCK ? REPORT_RACE_DATA : REPORT_RACE_OBJECT;
		return (struct sarif_rule){ report_race_kind_name(k), report_race_kind_title(k), "error" };
	}
	enum report_misuse_kind k = (enum report_misuse_kind)(i - SARIF_NDEADLOCK - 1);
	return (struct sarif_rule){ report_misuse_kind_name(k), report_misuse_kind_title(k),
				    report_severity_name(report_misuse_kind_severity(k)) };
}

/* "lock-order-inversion" -> "LockOrderInversion" */
static void sarif_camel(const char *id, char *buf, size_t size)
{
	size_t n = 0;
	bool up = true;
	for (const char *p = id; *p && n + 1 < size; p++) {
		if (*p == '-') {
			up = true;
			continue;
		}
		buf[n++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		up = false;
	}
	buf[n] = 0;
}

static void sarif_rules(struct sarif *s)
{
	struct json_writer *w = &s->w;
	char name[64];
	json_writer_key(w, "rules");
	json_writer_begin_array(w);
	for (size_t i = 0; i < SARIF_NRULES; i++) {
		struct sarif_rule rule = sarif_rule(i);
		sarif_camel(rule.id, name, sizeof(name));
		json_writer_begin_object(w);
		json_writer_key_string(w, "id", rule.id);
		json_writer_key_string(w, "name", name);
		json_writer_key(w, "shortDescription");
		json_writer_begin_object(w);
		json_writer_key_string(w, "text", rule.text);
		json_writer_end_object(w);
		json_writer_key(w, "defaultConfiguration");
		json_writer_begin_object(w);
		json_writer_key_string(w, "level", rule.level);
		json_writer_end_object(w);
		json_writer_key(w, "properties");
		json_writer_begin_object(w);
		json_writer_key(w, "tags");
		json_writer_begin_array(w);
		json_writer_string(w, "concurrency");
		json_writer_end_array(w);
		json_writer_end_object(w);
		json_writer_end_object(w);
	}
	json_writer_end_array(w);
}

/* A file path as a URI reference: absolute paths as file:// URIs, bytes
 * outside the unreserved set percent-encoded. */
static void sarif_uri(struct strbuf *sb, const char *path)
{
	static const char keep[] = "-._~/";
	if (path[0] == '/')
		strbuf_addstr(sb, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(keep, *p))
			strbuf_addch(sb, (char)*p);
		else
			strbuf_addf(sb, "%%%02X", *p);
	}
}

static void sarif_physical(struct sarif *s, uint32_t stack)
{
	struct json_writer *w = &s->w;
	const struct report_frame *f = print_top_frame_with_file(s->r, stack);
	const struct report_stack *st = report_stack_find(s->r, stack);
	const char *path = f ? f->file : NULL;
	if (!path && st && st->nframes)
		path = st->frames[0].module;
	if (!path)
		path = s->r->program.argc ? s->r->program.argv[0] : "unknown";
	struct strbuf uri = STRBUF_INIT;
	sarif_uri(&uri, path);
	json_writer_key(w, "physicalLocation");
	json_writer_begin_object(w);
	json_writer_key(w, "artifactLocation");
	json_writer_begin_object(w);
	json_writer_key_string(w, "uri", uri.buf);
	json_writer_end_object(w);
	if (f && f->line) {
		json_writer_key(w, "region");
		json_writer_begin_object(w);
		json_writer_key_uint(w, "startLine", f->line);
		json_writer_end_object(w);
	}
	json_writer_end_object(w);
	strbuf_release(&uri);
	const struct report_frame *fn = f && f->function ? f : print_top_frame_with_function(s->r, stack);
	if (fn) {
		json_writer_key(w, "logicalLocations");
		json_writer_begin_array(w);
		json_writer_begin_object(w);
		json_writer_key_string(w, "fullyQualifiedName", fn->function);
		json_writer_key_string(w, "kind", "function");
		json_writer_end_object(w);
		json_writer_end_array(w);
	}
}

static void sarif_location(struct sarif *s, uint32_t stack, const char *message, bool related)
{
	struct json_writer *w = &s->w;
	json_writer_begin_object(w);
	if (related)
		json_writer_key_int(w, "id", ++s->related_id);
	sarif_physical(s, stack);
	if (message) {
		json_writer_key(w, "message");
		json_writer_begin_object(w);
		json_writer_key_string(w, "text", message);
		json_writer_end_object(w);
	}
	json_writer_end_object(w);
}

static void sarif_message(struct json_writer *w, const char *text)
{
	json_writer_key(w, "message");
	json_writer_begin_object(w);
	json_writer_key_string(w, "text", text);
	json_writer_end_object(w);
}

/* A fingerprint stable across runs and rebuilds: rule and function names. */
static void sarif_fingerprint(struct sarif *s, const char *rule, const uint32_t *stacks, size_t n)
{
	uint64_t h = fnv1a_str(FNV1A_INIT, rule);
	for (size_t i = 0; i < n; i++) {
		const struct report_frame *f = print_top_frame_with_function(s->r, stacks[i]);
		h = fnv1a_byte(fnv1a_str(h, f ? f->function : "?"), '|');
	}
	char buf[24];
	snprintf(buf, sizeof(buf), "%016" PRIx64, h);
	json_writer_key(&s->w, "partialFingerprints");
	json_writer_begin_object(&s->w);
	json_writer_key_string(&s->w, "ctraceFinding/v1", buf);
	json_writer_end_object(&s->w);
}

static void sarif_result_begin(struct sarif *s, size_t rule_index, const char *text)
{
	struct sarif_rule rule = sarif_rule(rule_index);
	json_writer_begin_object(&s->w);
	json_writer_key_string(&s->w, "ruleId", rule.id);
	json_writer_key_uint(&s->w, "ruleIndex", rule_index);
	json_writer_key_string(&s->w, "level", rule.level);
	sarif_message(&s->w, text);
	s->related_id = 0;
}

static void sarif_deadlock_text(const struct report *r, const struct report_deadlock *d,
				struct strbuf *sb)
{
	char a[160], b[160], th[128];
	strbuf_addf(sb, "%s: ", report_deadlock_kind_title(d->kind));
	for (size_t i = 0; i < d->ncycle; i++) {
		const struct report_edge *e = &d->cycle[i];
		print_thread_label(r, e->thread, th, sizeof(th));
		if (d->kind == REPORT_DEADLOCK_LOCK_ORDER)
			strbuf_addf(sb, "%sthread %s acquires %s while holding %s", i ? "; " : "", th,
				    print_lock_label(r, e->acquiring, a, sizeof(a)),
				    print_lock_label(r, e->holding, b, sizeof(b)));
		else
			strbuf_addf(sb, "%sthread %s waits on %s", i ? "; " : "", th,
				    print_lock_label(r, e->acquiring, a, sizeof(a)));
		if (d->kind != REPORT_DEADLOCK_LOCK_ORDER && e->owner != TRACE_NONE)
			strbuf_addf(sb, " held by thread %s", print_thread_label(r, e->owner, th, sizeof(th)));
	}
	strbuf_addch(sb, '.');
	if (d->note)
		strbuf_addf(sb, " Note: %s.", d->note);
}

/* "codeFlows": [{"threadFlows": [ ... ]}]: open and close. */
static void sarif_flows_begin(struct json_writer *w)
{
	json_writer_key(w, "codeFlows");
	json_writer_begin_array(w);
	json_writer_begin_object(w);
	json_writer_key(w, "threadFlows");
	json_writer_begin_array(w);
}

static void sarif_flows_end(struct json_writer *w)
{
	json_writer_end_array(w);
	json_writer_end_object(w);
	json_writer_end_array(w);
}

/* One thread flow: its thread named, then its steps (thread_flow_step). */
static void sarif_thread_flow_begin(struct sarif *s, uint32_t thread)
{
	char th[128], text[160];
	json_writer_begin_object(&s->w);
	snprintf(text, sizeof(text), "thread %s", print_thread_label(s->r, thread, th, sizeof(th)));
	sarif_message(&s->w, text);
	json_writer_key(&s->w, "locations");
	json_writer_begin_array(&s->w);
}

static void sarif_thread_flow_step(struct sarif *s, uint32_t stack, const char *text)
{
	json_writer_begin_object(&s->w);
	json_writer_key(&s->w, "location");
	sarif_location(s, stack, text, false);
	json_writer_end_object(&s->w);
}

static void sarif_thread_flow_end(struct sarif *s)
{
	json_writer_end_array(&s->w);
	json_writer_end_object(&s->w);
}

static void sarif_thread_flows(struct sarif *s, const struct report_deadlock *d)
{
	char text[256], a[160];
	sarif_flows_begin(&s->w);
	for (size_t i = 0; i < d->ncycle; i++) {
		const struct report_edge *e = &d->cycle[i];
		sarif_thread_flow_begin(s, e->thread);
		if (e->holding) {
			snprintf(text, sizeof(text), "acquires %s", print_lock_label(s->r, e->holding, a, sizeof(a)));
			sarif_thread_flow_step(s, e->holding_stack, text);
		}
		snprintf(text, sizeof(text), "%s %s", d->kind == REPORT_DEADLOCK_LOCK_ORDER ? "acquires" : "waits on",
			 print_lock_label(s->r, e->acquiring, a, sizeof(a)));
		sarif_thread_flow_step(s, e->acquiring_stack, text);
		sarif_thread_flow_end(s);
	}
	sarif_flows_end(&s->w);
}

static void sarif_deadlock(struct sarif *s, const struct report_deadlock *d)
{
	struct json_writer *w = &s->w;
	struct strbuf text = STRBUF_INIT;
	char msg[512], th[128], a[160];
	uint32_t stacks[64];
	size_t n = 0;
	sarif_deadlock_text(s->r, d, &text);
	sarif_result_begin(s, (size_t)d->kind, text.buf);
	strbuf_release(&text);
	json_writer_key(w, "locations");
	json_writer_begin_array(w);
	sarif_location(s, d->ncycle ? d->cycle[0].acquiring_stack : 0, NULL, false);
	json_writer_end_array(w);
	json_writer_key(w, "relatedLocations");
	json_writer_begin_array(w);
	for (size_t i = 0; i < d->ncycle; i++) {
		const struct report_edge *e = &d->cycle[i];
		print_thread_label(s->r, e->thread, th, sizeof(th));
		snprintf(msg, sizeof(msg), "thread %s %s %s", th,
			 d->kind == REPORT_DEADLOCK_LOCK_ORDER ? "acquires" : "waits on",
			 print_lock_label(s->r, e->acquiring, a, sizeof(a)));
		if (i)
			sarif_location(s, e->acquiring_stack, msg, true);
		if (e->holding) {
			snprintf(msg, sizeof(msg), "thread %s acquired %s here", th,
				 print_lock_label(s->r, e->holding, a, sizeof(a)));
			sarif_location(s, e->holding_stack, msg, true);
		}
		if (n < 64)
			stacks[n++] = e->acquiring_stack;
	}
	json_writer_end_array(w);
	sarif_thread_flows(s, d);
	sarif_fingerprint(s, report_deadlock_kind_name(d->kind), stacks, n);
	json_writer_end_object(w);
}

static void sarif_misuse(struct sarif *s, const struct report_misuse *m)
{
	struct json_writer *w = &s->w;
	char msg[512], th[128], a[160];
	if (m->count > 1)
		snprintf(msg, sizeof(msg), "%s (%" PRIu64 " times)", m->message, m->count);
	else
		snprintf(msg, sizeof(msg), "%s", m->message);
	sarif_result_begin(s, SARIF_NDEADLOCK + 1 + (size_t)m->kind, msg);
	json_writer_key(w, "locations");
	json_writer_begin_array(w);
	sarif_location(s, m->stack, NULL, false);
	json_writer_end_array(w);
	json_writer_key(w, "relatedLocations");
	json_writer_begin_array(w);
	if (m->other_stack) {
		snprintf(msg, sizeof(msg), "%s acquired by thread %s here",
			 m->lock ? print_lock_label(s->r, m->lock, a, sizeof(a)) : "it",
			 print_thread_label(s->r, m->other_thread, th, sizeof(th)));
		sarif_location(s, m->other_stack, msg, true);
	}
	const uint32_t objs[] = { m->lock, m->cond, m->other_lock };
	for (size_t i = 0; i < 3; i++) {
		const struct report_lock *l = objs[i] ? report_lock_find(s->r, objs[i]) : NULL;
		if (!l || !l->init_stack)
			continue;
		snprintf(msg, sizeof(msg), "%s created here", print_lock_label(s->r, objs[i], a, sizeof(a)));
		sarif_location(s, l->init_stack, msg, true);
	}
	json_writer_end_array(w);
	uint32_t stacks[1] = { m->stack };
	sarif_fingerprint(s, report_misuse_kind_name(m->kind), stacks, 1);
	json_writer_end_object(w);
}

/* Both accesses as a flow of two threads: where each touched the bytes. */
static void sarif_race_flows(struct sarif *s, const struct report_race *x)
{
	char text[512];
	sarif_flows_begin(&s->w);
	for (int a = 1; a >= 0; a--) {
		const struct report_access *ac = &x->accesses[a];
		sarif_thread_flow_begin(s, ac->thread);
		sarif_thread_flow_step(s, ac->stack, print_race_access_locks(s->r, ac, text, sizeof(text)));
		sarif_thread_flow_end(s);
	}
	sarif_flows_end(&s->w);
}

static void sarif_race(struct sarif *s, const struct report_race *x)
{
	struct json_writer *w = &s->w;
	char a0[512], a1[512], where[256], msg[1536];
	snprintf(msg, sizeof(msg), "%s: %s, and previous %s; location: %s.", report_race_kind_title(x->kind),
		 print_race_access_locks(s->r, &x->accesses[0], a0, sizeof(a0)),
		 print_race_access_locks(s->r, &x->accesses[1], a1, sizeof(a1)),
		 print_race_location(s->r, x, where, sizeof(where)));
	sarif_result_begin(s, x->kind == REPORT_RACE_OBJECT ? SARIF_OBJECT_RACE : SARIF_NDEADLOCK, msg);
	json_writer_key(w, "locations");
	json_writer_begin_array(w);
	sarif_location(s, x->accesses[0].stack, NULL, false);
	json_writer_end_array(w);
	json_writer_key(w, "relatedLocations");
	json_writer_begin_array(w);
	snprintf(msg, sizeof(msg), "previous %s", a1);
	sarif_location(s, x->accesses[1].stack, msg, true);
	if (x->location == REPORT_LOCATION_HEAP && x->block_stack) {
		snprintf(msg, sizeof(msg), "the %s was allocated here", where);
		sarif_location(s, x->block_stack, msg, true);
	}
	if (x->location == REPORT_LOCATION_HEAP && x->block_freed && x->free_stack) {
		snprintf(msg, sizeof(msg), "the %s was freed here", where);
		sarif_location(s, x->free_stack, msg, true);
	}
	json_writer_end_array(w);
	sarif_race_flows(s, x);
	uint32_t stacks[2] = { x->accesses[0].stack, x->accesses[1].stack };
	sarif_fingerprint(s, report_race_kind_name(x->kind), stacks, 2);
	json_writer_end_object(w);
}

int print_sarif(FILE *out, const struct report *r, const struct print_options *opt)
{
	struct sarif s = { .r = r };
	struct json_writer *w = &s.w;
	json_writer_init(w, out);
	json_writer_set_indent(w, opt ? opt->json_indent : 0);
	json_writer_begin_object(w);
	json_writer_key_string(w, "$schema", SARIF_SCHEMA);
	json_writer_key_string(w, "version", "2.1.0");
	json_writer_key(w, "runs");
	json_writer_begin_array(w);
	json_writer_begin_object(w);
	json_writer_key(w, "tool");
	json_writer_begin_object(w);
	json_writer_key(w, "driver");
	json_writer_begin_object(w);
	json_writer_key_string(w, "name", "ctrace");
	json_writer_key_string(w, "version", opt && opt->tool_version ? opt->tool_version : "0.1");
	sarif_rules(&s);
	json_writer_end_object(w);
	json_writer_end_object(w);
	json_writer_key(w, "results");
	json_writer_begin_array(w);
	for (size_t i = 0; i < r->ndeadlocks; i++)
		sarif_deadlock(&s, &r->deadlocks[i]);
	for (size_t i = 0; i < r->nraces; i++)
		sarif_race(&s, &r->races[i]);
	for (size_t i = 0; i < r->nmisuses; i++)
		sarif_misuse(&s, &r->misuses[i]);
	json_writer_end_array(w);
	json_writer_key(w, "properties");
	json_writer_begin_object(w);
	json_writer_key_uint(w, "suppressed", r->suppressed);
	json_writer_end_object(w);
	json_writer_end_object(w);
	json_writer_end_array(w);
	json_writer_end_object(w);
	return json_writer_finish(w) ? -EIO : 0;
}
