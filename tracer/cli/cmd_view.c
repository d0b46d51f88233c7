/* SPDX-License-Identifier: MIT */
/* cmd_view.c - `ctrace view -o OUT.html DIR`: runs the analyzers over the
 * trace, symbolizes, and has viewer/render_html.c write one self-contained
 * page. Options, calls and exit status only. */
#include "cmd.h"
#include "analyzer.h"
#include "event_source.h"
#include "render_html.h"
#include "report.h"
#include "symbolize.h"
#include "timeline_support.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char view_usage[] =
	"usage: ctrace view -o|--output OUT.html DIR\n"
	"  one self-contained HTML page; OUT \"-\" = stdout";

struct view_args {
	const char *out;        /* "-" = stdout */
	const char *dir;
};

static int view_option(void *ctx, int c)
{
	(void)c;  /* -o / --output only */
	((struct view_args *)ctx)->out = optarg;
	return 0;
}

static int view_parse(int argc, char **argv, struct view_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cmd_options("view", argc, argv, "o:", longopts, view_usage, view_option, a);
	if (rc || (rc = cmd_trace_dir("view", argc, argv, view_usage, &a->dir)))
		return rc;
	if (!a->out)
		return cmd_fail("view", "%s", view_usage);
	return 0;
}

static void view_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	if (total)
		fprintf(stderr, "\r\033[Kctrace: view: writing the page, %3u%%",
			(unsigned)(done * 100 / total));
	if (!total || done >= total)
		fputs("\r\033[K", stderr);
}

/* Integration point: the findings of every analyzer, in one pass over SRC
 * (then rewound for the page). */
static int view_analyze(struct event_source *src, struct report *rep, bool tty,
			struct ct_error *err)
{
	struct analysis *a = analysis_new(event_source_catalog(src), ANALYZER_ALL, NULL);
	struct trace_event ev;
	if (!a) {
		ct_error_set(err, "", -1, "out of memory");
		return -ENOMEM;
	}
	while (event_source_next(src, &ev)) {
		analysis_feed(a, &ev);
		if (tty && (event_source_position(src) & 0xffff) == 0)
			fprintf(stderr, "\r\033[Kctrace: view: analyzing, %" PRIu64 " events",
				event_source_position(src));
	}
	analysis_finish(a, rep);
	analysis_free(a);
	report_finalize(rep);
	return event_source_rewind(src, err);
}

/* Writes the page to a temporary file beside OUT, renamed on success, so a
 * failure never leaves half a page. */
static int view_write(const char *out, struct event_source *src,
		      const struct render_html_options *opt, struct ct_error *err)
{
	if (!strcmp(out, "-"))
		return render_html(src, opt, stdout, err);
	size_t len = strlen(out) + 16;
	char *tmp = malloc(len);
	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, len, "%s.tmp%d", out, (int)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = 0;
	if (!f) {
		rc = -errno;
		ct_error_set(err, tmp, -1, "%s", strerror(errno));
	} else {
		rc = render_html(src, opt, f, err);
		if (fclose(f) != 0 && !rc) {
			rc = -EIO;
			ct_error_set(err, tmp, -1, "%s", strerror(errno));
		}
	}
	if (!rc && rename(tmp, out) != 0) {
		rc = -errno;
		ct_error_set(err, out, -1, "%s", strerror(errno));
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cmd_view(int argc, char **argv)
{
	struct view_args a = { 0 };
	int rc = view_parse(argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : rc;

	struct ct_error err = { 0 };
	struct event_source src;
	struct report rep;
	char buf[1024];
	if (event_source_open(&src, a.dir, &err) < 0)
		return cmd_fail("view", "%s", ct_error_format(&err, buf, sizeof(buf)));
	report_init(&rep);
	bool tty = isatty(STDERR_FILENO);
	rc = view_analyze(&src, &rep, tty, &err);
	struct symbolizer *sym = rc ? NULL : symbolizer_new(event_source_catalog(&src));
	struct render_html_symbols symbols;
	if (sym)
		tl_symbols_for_html(&symbols, sym);
	struct render_html_options opt = {
		.report = &rep, .symbols = sym ? &symbols : NULL,
		.progress = tty ? view_progress : NULL,
	};
	if (!rc)
		rc = view_write(a.out, &src, &opt, &err);
	struct ct_error damage;
	unsigned problems = event_source_damage(&src, &damage);
	cmd_note_running("view", event_source_catalog(&src));
	if (sym)
		symbolizer_free(sym);
	report_release(&rep);
	event_source_release(&src);
	if (rc)
		return cmd_fail("view", "%s", ct_error_format(&err, buf, sizeof(buf)));
	return problems ? cmd_damaged("view", &damage, problems) : 0;
}
