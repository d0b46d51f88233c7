/* SPDX-License-Identifier: MIT */
/* cmd_timeline.c - `ctrace timeline [--from T] [--to T] [--width N]
 * [--color=auto|always|never] DIR`: options, the terminal's width and
 * colors, viewer/render_tui.c, exit status 0 or 2. */
#include "cmd.h"
#include "event_source.h"
#include "progress.h"
#include "render_tui.h"
#include "timeline_support.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char timeline_usage[] =
	"usage: ctrace timeline [--from T] [--to T] [--width N] [--color=auto|always|never]\n"
	"                       [--no-findings] DIR\n"
	"  T: a time after the start of the trace, with a unit: 500ns, 20us, 1.5ms, 2s";

struct timeline_args {
	const char *from, *to, *color;
	unsigned width;
	bool no_findings;
	const char *dir;
};

static int timeline_option(void *ctx, int c)
{
	struct timeline_args *a = ctx;
	switch (c) {
	case 'f': a->from = optarg; return 0;
	case 't': a->to = optarg; return 0;
	case 'c': a->color = optarg; return cmd_check_color("timeline", optarg);
	case 'w': return cmd_parse_uint("timeline", "--width", optarg, 20, 10000, &a->width);
	case 'n': a->no_findings = true; return 0;
	}
	return 0;
}

static int timeline_parse(int argc, char **argv, struct timeline_args *a)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "color", required_argument, NULL, 'c' },
		{ "width", required_argument, NULL, 'w' },
		{ "no-findings", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cmd_options("timeline", argc, argv, "", longopts, timeline_usage, timeline_option, a);
	return rc ? rc : cmd_trace_dir("timeline", argc, argv, timeline_usage, &a->dir);
}

/* The options the renderer needs from the arguments and the terminal. */
static int timeline_setup(const struct timeline_args *a, struct tui_options *o)
{
	if (a->from && tui_parse_time(a->from, &o->from_ns) < 0)
		return cmd_fail("timeline", "bad time '%s' (e.g. 500ns, 20us, 1.5ms, 2s)", a->from);
	if (a->to && tui_parse_time(a->to, &o->to_ns) < 0)
		return cmd_fail("timeline", "bad time '%s' (e.g. 500ns, 20us, 1.5ms, 2s)", a->to);
	if (a->to && o->to_ns <= o->from_ns)
		return cmd_fail("timeline", "--to must come after --from");
	bool tty = isatty(STDOUT_FILENO);
	struct winsize ws;
	o->width = a->width;
	if (!o->width && tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		o->width = ws.ws_col;
	if (!o->width)
		o->width = TUI_DEFAULT_WIDTH;
	const char *term = getenv("TERM");
	if (!a->color || !strcmp(a->color, "auto"))
		o->color = tty && !getenv("NO_COLOR") && term && strcmp(term, "dumb");
	else
		o->color = !strcmp(a->color, "always");
	return 0;
}

int cmd_timeline(int argc, char **argv)
{
	struct timeline_args a = { 0 };
	struct tui_options opt = { 0 };
	int rc = timeline_parse(argc, argv, &a);
	if (!rc)
		rc = timeline_setup(&a, &opt);
	if (rc)
		return rc == 1 ? 0 : rc;
	struct ct_error err = { 0 };
	struct event_source src;
	char buf[1024];
	if (event_source_open(&src, a.dir, &err) < 0)
		return cmd_fail("timeline", "%s", ct_error_format(&err, buf, sizeof buf));
	struct tl_symbols *sym = tl_symbols_new(event_source_catalog(&src));
	struct tl_analysis *an = a.no_findings ? NULL : tl_analysis_new(event_source_catalog(&src), sym);
	struct progress_bar bar;
	progress_bar_init(&bar, stderr, "timeline");
	opt.names = tl_symbols_names(sym);
	opt.progress = progress_bar_update;
	opt.progress_ctx = &bar;
	if (an) {
		opt.scan_event = tl_analysis_scan_event;
		opt.scan_done = tl_analysis_scan_done;
		opt.scan_ctx = an;
	}
	rc = render_tui(&src, &opt, stdout, &err);
	progress_bar_finish(&bar);
	struct ct_error damage;
	unsigned problems = event_source_damage(&src, &damage);
	cmd_note_running("timeline", event_source_catalog(&src));
	tl_analysis_free(an);
	tl_symbols_free(sym);
	event_source_release(&src);
	if (rc)
		return cmd_fail("timeline", "%s", ct_error_format(&err, buf, sizeof buf));
	return problems ? cmd_damaged("timeline", &damage, problems) : 0;
}
