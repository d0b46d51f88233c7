/* SPDX-License-Identifier: MIT */
/* cmd_export.c - `ctrace export --format=perfetto|chrome|ctf -o OUT DIR`:
 * options, the exporter (viewer/export.h, viewer/export_ctf.h), a progress
 * bar on a terminal, exit status 0 or 2. Findings and symbols are plugged
 * in from viewer/timeline_support.h. */
#include "cmd.h"
#include "event_source.h"
#include "export.h"
#include "export_ctf.h"
#include "progress.h"
#include "timeline_support.h"

#include <errno.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char export_usage[] =
	"usage: ctrace export --format=perfetto|chrome|json|ctf -o|--output OUT [--no-findings]\n"
	"                     [--hot-locks=N] DIR\n"
	"  perfetto: a protobuf trace for ui.perfetto.dev; chrome (or json): JSON for\n"
	"  chrome://tracing; ctf: a CTF directory for babeltrace2 and Trace Compass.\n"
	"  OUT \"-\" = stdout (not ctf).";

enum export_format { EXPORT_NONE, EXPORT_PERFETTO, EXPORT_CHROME, EXPORT_CTF };

struct export_args {
	enum export_format format;
	const char *out;
	const char *dir;
	bool no_findings;
	unsigned hot_locks;
};

static int export_option(void *ctx, int c)
{
	struct export_args *a = ctx;
	switch (c) {
	case 'f':
		if (!strcmp(optarg, "perfetto"))
			a->format = EXPORT_PERFETTO;
		else if (!strcmp(optarg, "chrome") || !strcmp(optarg, "json"))
			a->format = EXPORT_CHROME;
		else if (!strcmp(optarg, "ctf"))
			a->format = EXPORT_CTF;
		else
			return cmd_fail("export", "unknown format '%s' (perfetto, chrome or ctf)", optarg);
		return 0;
	case 'o': a->out = optarg; return 0;
	case 'n': a->no_findings = true; return 0;
	case 'k': return cmd_parse_uint("export", "--hot-locks", optarg, 1, 64, &a->hot_locks);
	}
	return 0;
}

static int export_parse(int argc, char **argv, struct export_args *a)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-findings", no_argument, NULL, 'n' },
		{ "hot-locks", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cmd_options("export", argc, argv, "o:", longopts, export_usage, export_option, a);
	if (rc || (rc = cmd_trace_dir("export", argc, argv, export_usage, &a->dir)))
		return rc;
	if (!a->format || !a->out)
		return cmd_fail("export", "%s", export_usage);
	if (a->format == EXPORT_CTF && !strcmp(a->out, "-"))
		return cmd_fail("export", "ctf writes a directory: give -o DIR");
	return 0;
}

/* Writes to a temporary file beside OUT, renamed on success, so a failure
 * never leaves half a trace under the requested name. */
static int export_file(const struct export_args *a, struct event_source *src,
		       const struct export_options *opt, struct ct_error *err)
{
	int (*fn)(struct event_source *, FILE *, const struct export_options *, struct ct_error *) =
		a->format == EXPORT_PERFETTO ? export_perfetto : export_chrome;
	if (!strcmp(a->out, "-"))
		return fn(src, stdout, opt, err);
	struct strbuf tmp = STRBUF_INIT;
	strbuf_addf(&tmp, "%s.tmp%d", a->out, (int)getpid());
	FILE *f = fopen(tmp.buf, "wb");
	int rc = 0;
	if (!f) {
		rc = -errno;
		ct_error_set(err, tmp.buf, -1, "%s", strerror(errno));
	} else {
		rc = fn(src, f, opt, err);
		if (fclose(f) != 0 && !rc) {
			rc = -EIO;
			ct_error_set(err, tmp.buf, -1, "%s", strerror(errno));
		}
	}
	if (!rc && rename(tmp.buf, a->out) != 0) {
		rc = -errno;
		ct_error_set(err, a->out, -1, "%s", strerror(errno));
	}
	if (rc)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	return rc;
}

static int export_timeline(const struct export_args *a, struct event_source *src,
			   struct progress_bar *bar, struct ct_error *err)
{
	struct tl_symbols *sym = tl_symbols_new(event_source_catalog(src));
	struct tl_analysis *an = a->no_findings ? NULL : tl_analysis_new(event_source_catalog(src), sym);
	struct export_options opt = {
		.names = tl_symbols_names(sym), .hot_locks = a->hot_locks,
		.progress = progress_bar_update, .progress_ctx = bar,
	};
	if (an) {
		opt.scan_event = tl_analysis_scan_event;
		opt.scan_done = tl_analysis_scan_done;
		opt.scan_ctx = an;
	}
	int rc = export_file(a, src, &opt, err);
	tl_analysis_free(an);
	tl_symbols_free(sym);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a = { 0 };
	int rc = export_parse(argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	struct ct_error err = { 0 };
	struct event_source src;
	char buf[1024];
	if (event_source_open(&src, a.dir, &err) < 0)
		return cmd_fail("export", "%s", ct_error_format(&err, buf, sizeof buf));
	struct progress_bar bar;
	progress_bar_init(&bar, stderr, "export");
	if (a.format == EXPORT_CTF) {
		struct export_ctf_progress p = { progress_bar_update, &bar };
		rc = export_ctf_source(&src, a.out, &p, &err);
	} else {
		rc = export_timeline(&a, &src, &bar, &err);
	}
	progress_bar_finish(&bar);
	struct ct_error damage;
	unsigned problems = event_source_damage(&src, &damage);
	cmd_note_running("export", event_source_catalog(&src));
	event_source_release(&src);
	if (rc)
		return cmd_fail("export", "%s", ct_error_format(&err, buf, sizeof buf));
	return problems ? cmd_damaged("export", &damage, problems) : 0;
}
