/* SPDX-License-Identifier: MIT */
/* render_tui.c - the terminal timeline of render_tui.h: the timeline's
 * records are binned into time columns per thread as they stream by, then
 * the grid is printed. Nothing here decides what a thread was doing. */
#include "render_tui.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TUI_NAME_MAX 16
#define TUI_TICK_EVERY 10

/* Per state: the block, its ANSI color, its weight when columns compete. */
static const struct {
	const char *glyph;
	const char *color;
	double weight;
} tui_states[TL_STATE_COUNT] = {
	[TL_STATE_RUNNING]      = { "\u2591", "32", 1 },  /* ░ green */
	[TL_STATE_HOLD]         = { "\u2593", "33", 2 },  /* ▓ yellow */
	[TL_STATE_WAIT_LOCK]    = { "\u2588", "31", 4 },  /* █ red */
	[TL_STATE_WAIT_COND]    = { "\u2592", "35", 4 },  /* ▒ magenta */
	[TL_STATE_WAIT_SEM]     = { "\u2584", "34", 4 },  /* ▄ blue */
	[TL_STATE_WAIT_BARRIER] = { "\u2580", "36", 4 },  /* ▀ cyan */
	[TL_STATE_WAIT_JOIN]    = { "\u258c", "37", 4 },  /* ▌ white */
	[TL_STATE_WAIT_MQ]      = { "\u2590", "94", 4 },  /* ▐ bright blue */
	[TL_STATE_WAIT_OTHER]   = { "\u2596", "90", 4 },  /* ▖ grey */
};
#define TUI_MARK_COLOR "1;97;41"  /* finding: white on red */

struct tui_open {
	uint64_t id;
	uint8_t state;
};

struct tui_row {
	bool alive, seen;
	uint64_t since;               /* start of the current state */
	struct tui_open *open;        /* open spans, in begin order */
	size_t nopen, capopen;
	double *time;                 /* ncols x TL_STATE_COUNT ns */
	uint32_t *label;              /* per column: lock whose hold/wait begins */
	uint8_t *label_state;
	bool *mark;                   /* per column: a finding */
};

struct tui_lock {
	uint32_t obj;
	uint64_t holds, waits, wait_ns;
	bool open_wait;               /* a wait for it never ended */
	char letter;
};

struct tui_mark {
	uint64_t ts;
	uint32_t thread, obj;
	char *text;                   /* (owned) "kind: message" */
	size_t seq;                   /* order of arrival: the last tie-break */
};

struct tui {
	struct event_source *src;     /* (borrowed) */
	const struct tui_options *opt;
	bool ready;                   /* window and grid set up */
	uint64_t from, to;            /* absolute ns */
	uint32_t ncols, namew;
	struct tui_row *rows;
	size_t nrows;
	struct tui_lock *locks;
	size_t nlocks, caplocks;
	struct tui_mark *marks;
	size_t nmarks, capmarks;
	struct strbuf line;
};

static const struct trace_catalog *cat_of(struct tui *tu)
{
	return event_source_catalog(tu->src);
}

static void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	p = realloc(p, n * elem);
	if (!p)
		abort(); /* host tool: out of memory is fatal, as in strbuf */
	*cap = n;
	return p;
}

/* ---- the window and the grid ---- */

static void setup(struct tui *tu)
{
	const struct trace_catalog *cat = cat_of(tu);
	const struct tui_options *o = tu->opt;
	uint64_t end = event_source_end_ns(tu->src);
	tu->ready = true;
	tu->from = cat->start_ns + o->from_ns;
	tu->to = o->to_ns && cat->start_ns + o->to_ns < end ? cat->start_ns + o->to_ns : end;
	struct strbuf sb = STRBUF_INIT;
	tu->namew = 4;
	for (uint32_t t = 0; t < cat->nthreads; t++) {
		strbuf_reset(&sb);
		tl_thread_label(cat, t, &sb);
		if (sb.len > tu->namew)
			tu->namew = sb.len > TUI_NAME_MAX ? TUI_NAME_MAX : (uint32_t)sb.len;
	}
	strbuf_release(&sb);
	unsigned width = o->width ? o->width : TUI_DEFAULT_WIDTH;
	unsigned prefix = tu->namew + 1 + 5 + 1 + 1;  /* name, " #nnnn", " |" */
	tu->ncols = width > prefix + 1 + TUI_MIN_COLUMNS ? width - prefix - 1 : TUI_MIN_COLUMNS;
}

static struct tui_row *row_of(struct tui *tu, uint32_t t)
{
	if (t >= tu->nrows) {
		size_t n = (size_t)t + 1;
		tu->rows = realloc(tu->rows, n * sizeof *tu->rows);
		if (!tu->rows)
			abort();
		memset(tu->rows + tu->nrows, 0, (n - tu->nrows) * sizeof *tu->rows);
		tu->nrows = n;
	}
	struct tui_row *r = &tu->rows[t];
	if (!r->time) {
		r->time = calloc((size_t)tu->ncols * TL_STATE_COUNT, sizeof *r->time);
		r->label = calloc(tu->ncols, sizeof *r->label);
		r->label_state = calloc(tu->ncols, sizeof *r->label_state);
		r->mark = calloc(tu->ncols, sizeof *r->mark);
		if (!r->time || !r->label || !r->label_state || !r->mark)
			abort();
	}
	return r;
}

static bool in_window(const struct tui *tu, uint64_t ts)
{
	return ts >= tu->from && ts <= tu->to && tu->to > tu->from;
}

/* The column of TS, for a time inside the window. */
static uint32_t column(const struct tui *tu, uint64_t ts)
{
	double c = (double)(ts - tu->from) * tu->ncols / (double)(tu->to - tu->from);
	return c >= tu->ncols ? tu->ncols - 1 : (uint32_t)c;
}

/* Spreads [a, b) of STATE over the columns it overlaps. */
static void add_time(struct tui *tu, struct tui_row *r, enum tl_state state, uint64_t a, uint64_t b)
{
	if (a < tu->from)
		a = tu->from;
	if (b > tu->to)
		b = tu->to;
	if (a >= b)
		return;
	r->seen = true;
	double scale = tu->ncols / (double)(tu->to - tu->from);
	double c0 = (double)(a - tu->from) * scale, c1 = (double)(b - tu->from) * scale;
	for (uint32_t c = (uint32_t)c0; c < tu->ncols && c < c1; c++) {
		double lo = c0 > c ? c0 : c, hi = c1 < c + 1 ? c1 : c + 1;
		r->time[(size_t)c * TL_STATE_COUNT + state] += (hi - lo) / scale;
	}
}

/* Accounts the time since the last change to the innermost open state. */
static void advance(struct tui *tu, struct tui_row *r, uint64_t ts)
{
	if (r->alive && ts > r->since) {
		enum tl_state s = r->nopen ? r->open[r->nopen - 1].state : TL_STATE_RUNNING;
		add_time(tu, r, s, r->since, ts);
	}
	if (ts > r->since || !r->alive)
		r->since = ts;
}

/* ---- records ---- */

static struct tui_lock *lock_of(struct tui *tu, uint32_t obj)
{
	for (size_t i = 0; i < tu->nlocks; i++)
		if (tu->locks[i].obj == obj)
			return &tu->locks[i];
	tu->locks = xgrow(tu->locks, &tu->caplocks, tu->nlocks + 1, sizeof *tu->locks);
	struct tui_lock *l = &tu->locks[tu->nlocks++];
	memset(l, 0, sizeof *l);
	l->obj = obj;
	return l;
}

static void span_begin(struct tui *tu, struct tui_row *r, const struct tl_span *s, uint64_t ts)
{
	advance(tu, r, ts);
	r->open = xgrow(r->open, &r->capopen, r->nopen + 1, sizeof *r->open);
	r->open[r->nopen++] = (struct tui_open){ s->id, s->state };
	bool lockish = s->state == TL_STATE_HOLD || s->state == TL_STATE_WAIT_LOCK;
	if (!lockish || !s->obj || !in_window(tu, ts))
		return;
	/* a letter only where the span is wide enough to be seen */
	if (s->end_known && (double)(s->end_ns - s->begin_ns) * tu->ncols < 2.0 * (double)(tu->to - tu->from))
		return;
	uint32_t c = column(tu, ts);
	if (!r->label[c] || (s->state == TL_STATE_WAIT_LOCK && r->label_state[c] == TL_STATE_HOLD)) {
		r->label[c] = s->obj;
		r->label_state[c] = s->state;
	}
}

static void span_end(struct tui *tu, struct tui_row *r, const struct tl_span *s, uint64_t ts)
{
	advance(tu, r, ts);
	for (size_t i = r->nopen; i-- > 0;) {
		if (r->open[i].id != s->id)
			continue;
		memmove(&r->open[i], &r->open[i + 1], (r->nopen - i - 1) * sizeof *r->open);
		r->nopen--;
		break;
	}
	bool lockish = s->state == TL_STATE_HOLD || s->state == TL_STATE_WAIT_LOCK;
	if (!lockish || !s->obj || s->end_ns < tu->from || s->begin_ns > tu->to)
		return;
	struct tui_lock *l = lock_of(tu, s->obj);
	if (s->state == TL_STATE_HOLD) {
		l->holds++;
	} else {
		l->waits++;
		l->wait_ns += s->end_ns - s->begin_ns;
		l->open_wait |= s->open_at_end;
	}
}

static void finding(struct tui *tu, const struct tl_record *rec)
{
	const struct tl_instant *in = rec->instant;
	if (!in_window(tu, rec->ts_ns))
		return;
	if (rec->thread != TRACE_NONE)
		row_of(tu, rec->thread)->mark[column(tu, rec->ts_ns)] = true;
	tu->marks = xgrow(tu->marks, &tu->capmarks, tu->nmarks + 1, sizeof *tu->marks);
	struct tui_mark *m = &tu->marks[tu->nmarks++];
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, in->finding->kind ? in->finding->kind : "finding");
	if (in->finding->message)
		strbuf_addf(&sb, ": %s", in->finding->message);
	*m = (struct tui_mark){ rec->ts_ns, rec->thread, in->obj, strbuf_detach(&sb),
				tu->nmarks - 1 };
	if (in->obj)
		lock_of(tu, in->obj);
}

static int tui_emit(void *ctx, const struct tl_record *rec)
{
	struct tui *tu = ctx;
	if (!tu->ready)
		setup(tu);
	if (rec->type == TL_REC_COUNTER)
		return 0;
	if (rec->type == TL_REC_INSTANT && rec->instant->kind == TL_INSTANT_FINDING) {
		finding(tu, rec);
		return 0;
	}
	if (rec->thread == TRACE_NONE)
		return 0;
	struct tui_row *r = row_of(tu, rec->thread);
	switch ((enum tl_record_type)rec->type) {
	case TL_REC_THREAD_BEGIN:
		r->alive = true;
		r->since = rec->ts_ns;
		break;
	case TL_REC_THREAD_END:
		advance(tu, r, rec->ts_ns);
		r->alive = false;
		break;
	case TL_REC_SPAN_BEGIN:
		span_begin(tu, r, rec->span, rec->ts_ns);
		break;
	case TL_REC_SPAN_END:
		span_end(tu, r, rec->span, rec->ts_ns);
		break;
	case TL_REC_INSTANT:
	case TL_REC_COUNTER:
		break;
	}
	return 0;
}

/* ---- printing ---- */

/* Letters go first to the locks that kept threads waiting (a wait that
 * never ended, then the longest waits, then the most held): a program's
 * own locks before a runtime's many short-lived ones. */
static int lock_cmp(const void *a, const void *b)
{
	const struct tui_lock *x = a, *y = b;
	if (x->open_wait != y->open_wait)
		return x->open_wait ? -1 : 1;
	if (x->wait_ns != y->wait_ns)
		return x->wait_ns > y->wait_ns ? -1 : 1;
	if (x->holds != y->holds)
		return x->holds > y->holds ? -1 : 1;
	return x->obj < y->obj ? -1 : x->obj > y->obj;
}

/* Findings in time order (they arrive by thread), then by thread. */
static int mark_cmp(const void *a, const void *b)
{
	const struct tui_mark *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static char letter_of(const struct tui *tu, uint32_t obj)
{
	for (size_t i = 0; i < tu->nlocks; i++)
		if (tu->locks[i].obj == obj)
			return tu->locks[i].letter;
	return '?';
}

static void assign_letters(struct tui *tu)
{
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	if (tu->nlocks) /* locks is NULL without any: qsort(NULL, 0) is undefined */
		qsort(tu->locks, tu->nlocks, sizeof *tu->locks, lock_cmp);
	for (size_t i = 0; i < tu->nlocks; i++)
		tu->locks[i].letter = i < sizeof letters - 1 ? letters[i] : '*';
}

/* The state a column shows, or -1 for none (thread not alive). */
static int dominant(const double *t)
{
	int best = -1;
	double bw = 0;
	for (int s = 0; s < TL_STATE_COUNT; s++) {
		double w = t[s] * tui_states[s].weight;
		if (w > bw) {
			bw = w;
			best = s;
		}
	}
	return best;
}

static double lock_time(const double *t)
{
	return t[TL_STATE_HOLD] + t[TL_STATE_WAIT_LOCK];
}

static void put_colored(struct tui *tu, const char *color, const char **cur, const char *text)
{
	if (tu->opt->color && color != *cur) {
		strbuf_addf(&tu->line, "\033[%sm", color ? color : "0");
		*cur = color;
	}
	strbuf_addstr(&tu->line, text);
}

static void print_cells(struct tui *tu, const struct tui_row *r)
{
	const char *cur = NULL;
	for (uint32_t c = 0; c < tu->ncols; c++) {
		int s = dominant(&r->time[(size_t)c * TL_STATE_COUNT]);
		char letter[2] = { 0, 0 };
		if (r->mark[c]) {
			put_colored(tu, TUI_MARK_COLOR, &cur, "!");
		} else if (s < 0) {
			put_colored(tu, NULL, &cur, " ");
		} else if (r->label[c] && lock_time(&r->time[(size_t)c * TL_STATE_COUNT]) > 0) {
			s = r->label_state[c];
			letter[0] = letter_of(tu, r->label[c]);
			put_colored(tu, tui_states[s].color, &cur, letter);
		} else {
			put_colored(tu, tui_states[s].color, &cur, tui_states[s].glyph);
		}
	}
	put_colored(tu, NULL, &cur, "");
}

/* A tick step of 1, 2 or 5 times a power of ten, at least MIN ns. */
static uint64_t nice_step(uint64_t min)
{
	uint64_t p = 1;
	while (p * 10 <= min)
		p *= 10;
	for (uint64_t m = 1; m <= 10; m = m == 1 ? 2 : m == 2 ? 5 : 10)
		if (p * m >= min)
			return p * m;
	return p * 10;
}

/* Labels at round times (relative to the trace start), then tick marks
 * under the columns they fall in. */
static void print_axis(struct tui *tu, FILE *out)
{
	char buf[32];
	uint64_t start = cat_of(tu)->start_ns, span = tu->to - tu->from;
	uint64_t step = nice_step(span * TUI_TICK_EVERY / tu->ncols + 1);
	uint64_t first = (tu->from - start + step - 1) / step * step;
	char *ticks = malloc(tu->ncols + 1);
	if (!ticks)
		abort();
	memset(ticks, '-', tu->ncols);
	ticks[tu->ncols] = 0;
	strbuf_reset(&tu->line);
	size_t base = tu->namew + 8;
	strbuf_addf(&tu->line, "%*s", (int)base, "");
	for (uint64_t t = first; start + t <= tu->to; t += step) {
		uint32_t c = column(tu, start + t);
		ticks[c] = '|';
		tui_format_time(t, buf, sizeof buf);
		if (tu->line.len > base + c || c + strlen(buf) > tu->ncols)
			continue;
		while (tu->line.len < base + c)
			strbuf_addch(&tu->line, ' ');
		strbuf_addstr(&tu->line, buf);
	}
	fprintf(out, "%s\n%*s%s\n", tu->line.buf, (int)base, "", ticks);
	free(ticks);
}

static void print_rows(struct tui *tu, FILE *out)
{
	struct strbuf name = STRBUF_INIT;
	for (uint32_t t = 0; t < tu->nrows; t++) {
		const struct tui_row *r = &tu->rows[t];
		if (!r->seen && !r->alive)
			continue;
		strbuf_reset(&name);
		tl_thread_label(cat_of(tu), t, &name);
		strbuf_reset(&tu->line);
		strbuf_addf(&tu->line, "%-*.*s #%-4" PRIu32 " |", (int)tu->namew, (int)tu->namew, name.buf, t);
		print_cells(tu, r);
		strbuf_addch(&tu->line, '|');
		fprintf(out, "%s\n", tu->line.buf);
	}
	strbuf_release(&name);
}

static void print_legend(struct tui *tu, FILE *out)
{
	unsigned width = tu->opt->width ? tu->opt->width : TUI_DEFAULT_WIDTH;
	size_t visible = 7;
	strbuf_reset(&tu->line);
	strbuf_addstr(&tu->line, "legend:");
	for (int s = 0; s < TL_STATE_COUNT; s++) {
		const char *cur = NULL, *name = tl_state_name((enum tl_state)s);
		if (visible + 3 + strlen(name) > width) {
			fprintf(out, "%s\n", tu->line.buf);
			strbuf_reset(&tu->line);
			strbuf_addstr(&tu->line, "       ");
			visible = 7;
		}
		strbuf_addch(&tu->line, ' ');
		put_colored(tu, tui_states[s].color, &cur, tui_states[s].glyph);
		put_colored(tu, NULL, &cur, "");
		strbuf_addf(&tu->line, " %s", name);
		visible += 3 + strlen(name);
	}
	fprintf(out, "%s\n        A-Z: a hold or wait of that lock begins   !: a finding\n",
		tu->line.buf);
}

static void print_locks(struct tui *tu, FILE *out)
{
	char buf[32];
	if (tu->nlocks)
		fprintf(out, "locks:\n");
	for (size_t i = 0; i < tu->nlocks; i++) {
		const struct tui_lock *l = &tu->locks[i];
		strbuf_reset(&tu->line);
		tl_object_label(cat_of(tu), tu->opt->names, l->obj, &tu->line);
		fprintf(out, "  %c  %-32s holds %" PRIu64 ", waits %" PRIu64 " (%s)%s\n", l->letter,
			tu->line.buf, l->holds, l->waits, tui_format_time(l->wait_ns, buf, sizeof buf),
			l->open_wait ? ", a wait never ended" : "");
	}
}

static void print_findings(struct tui *tu, FILE *out)
{
	char buf[32];
	struct strbuf who = STRBUF_INIT;
	if (tu->nmarks) {
		fprintf(out, "findings:\n");
		qsort(tu->marks, tu->nmarks, sizeof *tu->marks, mark_cmp);
	}
	for (size_t i = 0; i < tu->nmarks; i++) {
		const struct tui_mark *m = &tu->marks[i];
		strbuf_reset(&who);
		strbuf_reset(&tu->line);
		if (m->thread == TRACE_NONE) {
			strbuf_addstr(&tu->line, "process");
		} else { /* as the rows name it */
			tl_thread_label(cat_of(tu), m->thread, &who);
			strbuf_addf(&tu->line, "%.*s #%" PRIu32, (int)tu->namew, who.buf, m->thread);
		}
		fprintf(out, "  ! %-8s %-*s %s", tui_format_time(m->ts - cat_of(tu)->start_ns, buf, sizeof buf),
			(int)tu->namew + 6, tu->line.buf, m->text);
		if (m->obj)
			fprintf(out, " [%c]", letter_of(tu, m->obj));
		fputc('\n', out);
	}
	strbuf_release(&who);
}

static void print_all(struct tui *tu, FILE *out)
{
	const struct trace_catalog *cat = cat_of(tu);
	char a[32], b[32], total[32], col[32];
	const struct trace_process *p = cat->nprocesses ? &cat->processes[0] : NULL;
	const char *prog = p && p->argc ? p->argv[0] : "?";
	assign_letters(tu);
	fprintf(out, "%s (pid %" PRIu32 "): %s .. %s of %s, 1 column = %s\n", prog, p ? p->pid : 0,
		tui_format_time(tu->from - cat->start_ns, a, sizeof a),
		tui_format_time(tu->to - cat->start_ns, b, sizeof b),
		tui_format_time(event_source_end_ns(tu->src) - cat->start_ns, total, sizeof total),
		tui_format_time((tu->to - tu->from) / tu->ncols, col, sizeof col));
	print_axis(tu, out);
	print_rows(tu, out);
	fputc('\n', out);
	print_legend(tu, out);
	print_locks(tu, out);
	print_findings(tu, out);
}

static void tui_release(struct tui *tu)
{
	for (size_t i = 0; i < tu->nrows; i++) {
		free(tu->rows[i].open);
		free(tu->rows[i].time);
		free(tu->rows[i].label);
		free(tu->rows[i].label_state);
		free(tu->rows[i].mark);
	}
	for (size_t i = 0; i < tu->nmarks; i++)
		free(tu->marks[i].text);
	free(tu->rows);
	free(tu->locks);
	free(tu->marks);
	strbuf_release(&tu->line);
}

int render_tui(struct event_source *src, const struct tui_options *opt, FILE *out,
	       struct ct_error *err)
{
	struct tui tu = { .src = src, .opt = opt, .line = STRBUF_INIT };
	struct timeline_options to = {
		.findings = opt->findings, .nfindings = opt->nfindings,
		.scan_event = opt->scan_event, .scan_done = opt->scan_done, .scan_ctx = opt->scan_ctx,
		.progress = opt->progress, .progress_ctx = opt->progress_ctx, .no_counters = true,
	};
	struct tl_sink sink = { &tu, tui_emit };
	int rc = timeline_run(src, &to, &sink, err);
	if (!rc && !tu.ready)
		setup(&tu);
	if (!rc && tu.to <= tu.from) {
		ct_error_set(err, "", -1, "the time window is empty (the trace lasts %" PRIu64 " ns)",
			     event_source_end_ns(src) - cat_of(&tu)->start_ns);
		rc = -EINVAL;
	}
	if (!rc)
		print_all(&tu, out);
	if (!rc && (fflush(out) || ferror(out))) {
		ct_error_set(err, "", -1, "writing the timeline failed");
		rc = -EIO;
	}
	tui_release(&tu);
	return rc;
}

/* ---- times ---- */

int tui_parse_time(const char *s, uint64_t *ns)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0 || !isfinite(v))
		return -EINVAL;
	static const struct { const char *unit; double mul; } units[] = {
		{ "", 1 }, { "ns", 1 }, { "us", 1e3 }, { "\u00b5s", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (!strcmp(end, units[i].unit)) {
			*ns = (uint64_t)(v * units[i].mul + 0.5);
			return 0;
		}
	}
	return -EINVAL;
}

const char *tui_format_time(uint64_t ns, char *buf, size_t size)
{
	static const struct { uint64_t div; const char *unit; } units[] = {
		{ 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (ns >= units[i].div) {
			snprintf(buf, size, "%.4g%s", (double)ns / (double)units[i].div, units[i].unit);
			return buf;
		}
	}
	snprintf(buf, size, "%" PRIu64 "%s", ns, ns ? "ns" : "");
	return buf;
}
