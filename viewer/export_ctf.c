/* SPDX-License-Identifier: MIT */
/* export_ctf.c - the babeltrace2 graph of `ctrace export --format=ctf`:
 * our source component -> sink.ctf.fs (found with bt_plugin_find), run step
 * by step so progress can be reported. */
#include "export_ctf.h"
#include "make_dirs.h"

#include "ctf_source.h"
#include "event_source.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#define EXPORT_CTF_PROGRESS_STEP 65536u /* events between progress calls */

struct export_ctf_graph {
	bt_graph *graph;                       /* (owned) */
	bt_component_class_source *src_cls;    /* (owned) */
	const bt_plugin *ctf_plugin;           /* (owned) */
	const bt_component_source *source;     /* (weak: the graph's) */
	const bt_component_sink *sink;         /* (weak: the graph's) */
};

/* Moves babeltrace2's current error, root cause first, into err. */
static int export_ctf_fail(struct ct_error *err, const char *file, const char *what)
{
	const bt_error *e = bt_current_thread_take_error();
	const char *cause = NULL;

	if (e && bt_error_get_cause_count(e))
		cause = bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, 0));
	ct_error_set(err, file, -1, "%s%s%s", what, cause ? ": " : "", cause ? cause : "");
	if (e)
		bt_error_release(e);
	return -EIO;
}

static int export_ctf_add_source(struct export_ctf_graph *g, struct event_source *src,
				 struct ct_error *err)
{
	struct ctf_source_input input = { src };

	g->src_cls = ctf_source_class_create();
	if (!g->src_cls) {
		ct_error_set(err, "", -1, "out of memory");
		return -ENOMEM;
	}
	/* the component copies what it needs from input during initialization */
	if (bt_graph_add_source_component_with_initialize_method_data(g->graph, g->src_cls,
			"ctrace", NULL, &input, BT_LOGGING_LEVEL_NONE, &g->source) !=
	    BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		return export_ctf_fail(err, "", "cannot read the trace");
	return 0;
}

static int export_ctf_add_sink(struct export_ctf_graph *g, const char *out_dir,
			       struct ct_error *err)
{
	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &g->ctf_plugin) !=
	    BT_PLUGIN_FIND_STATUS_OK)
		return export_ctf_fail(err, "", "babeltrace2's ctf plugin was not found "
				       "(install babeltrace2)");
	const bt_component_class_sink *fs =
		bt_plugin_borrow_sink_component_class_by_name_const(g->ctf_plugin, "fs");
	if (!fs)
		return export_ctf_fail(err, "", "babeltrace2's ctf plugin has no sink.ctf.fs");
	bt_value *params = bt_value_map_create();
	int ret = -ENOMEM;
	if (params && bt_value_map_insert_string_entry(params, "path", out_dir) ==
	    BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK &&
	    bt_value_map_insert_bool_entry(params, "assume-single-trace", BT_TRUE) ==
	    BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK &&
	    bt_value_map_insert_bool_entry(params, "quiet", BT_TRUE) ==
	    BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
		ret = bt_graph_add_sink_component(g->graph, fs, "ctf", params,
						  BT_LOGGING_LEVEL_NONE, &g->sink) ==
		      BT_GRAPH_ADD_COMPONENT_STATUS_OK ? 0 : -EIO;
	bt_value_put_ref(params);
	if (ret)
		return export_ctf_fail(err, out_dir, "cannot start the CTF writer");
	return 0;
}

static int export_ctf_connect(struct export_ctf_graph *g, struct ct_error *err)
{
	const bt_port_output *out = bt_component_source_borrow_output_port_by_name_const(
		g->source, "out");
	const bt_port_input *in = bt_component_sink_borrow_input_port_by_name_const(g->sink, "in");

	if (!out || !in || bt_graph_connect_ports(g->graph, out, in, NULL) !=
	    BT_GRAPH_CONNECT_PORTS_STATUS_OK)
		return export_ctf_fail(err, "", "cannot connect the CTF writer");
	return 0;
}

static void export_ctf_report(const struct export_ctf_progress *progress,
			      struct event_source *src)
{
	if (progress && progress->fn)
		progress->fn(progress->ctx, event_source_position(src), event_source_total(src));
}

static int export_ctf_run(struct export_ctf_graph *g, struct event_source *src,
			  const char *out_dir, const struct export_ctf_progress *progress,
			  struct ct_error *err)
{
	uint64_t reported = 0;

	for (;;) {
		bt_graph_run_once_status st = bt_graph_run_once(g->graph);
		if (st == BT_GRAPH_RUN_ONCE_STATUS_END)
			break;
		if (st != BT_GRAPH_RUN_ONCE_STATUS_OK && st != BT_GRAPH_RUN_ONCE_STATUS_AGAIN)
			return export_ctf_fail(err, out_dir, "CTF export failed");
		if (event_source_position(src) - reported >= EXPORT_CTF_PROGRESS_STEP) {
			reported = event_source_position(src);
			export_ctf_report(progress, src);
		}
	}
	export_ctf_report(progress, src);
	return 0;
}


static bool export_ctf_dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* sink.ctf.fs creates OUT_DIR itself, refuses an existing one and fails
 * without a reason when it cannot: check first, so errors say why. An empty
 * OUT_DIR is accepted (removed, then made again by the sink). */
static int export_ctf_prepare_out(const char *out_dir, struct ct_error *err)
{
	char parent[4096];
	struct stat st;

	if (stat(out_dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !export_ctf_dir_is_empty(out_dir) || rmdir(out_dir)) {
			ct_error_set(err, out_dir, -1, "exists and is not an empty directory");
			return -EEXIST;
		}
		return 0;
	}
	if (snprintf(parent, sizeof parent, "%s", out_dir) >= (int)sizeof parent) {
		ct_error_set(err, out_dir, -1, "path too long");
		return -ENAMETOOLONG;
	}
	char *slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	if (slash == parent)
		slash[1] = 0;
	else
		*slash = 0;
	int ret = make_dirs(parent);
	if (ret)
		ct_error_set(err, parent, -1, "cannot create the directory: %s", strerror(-ret));
	return ret;
}

int export_ctf_source(struct event_source *src, const char *out_dir,
		      const struct export_ctf_progress *progress, struct ct_error *err)
{
	struct export_ctf_graph g = { 0 };
	int ret = export_ctf_prepare_out(out_dir, err);

	if (ret)
		return ret;
	g.graph = bt_graph_create(0);
	if (!g.graph) {
		ct_error_set(err, "", -1, "out of memory");
		return -ENOMEM;
	}
	ret = export_ctf_add_source(&g, src, err);
	if (!ret)
		ret = export_ctf_add_sink(&g, out_dir, err);
	if (!ret)
		ret = export_ctf_connect(&g, err);
	if (!ret)
		ret = export_ctf_run(&g, src, out_dir, progress, err);
	bt_graph_put_ref(g.graph);
	bt_plugin_put_ref(g.ctf_plugin);
	bt_component_class_source_put_ref(g.src_cls);
	if (!ret && err && event_source_error(src))
		*err = *event_source_error(src);
	return ret;
}

int export_ctf(const char *trace_dir, const char *out_dir, struct ct_error *err)
{
	struct event_source src;
	int ret = event_source_open(&src, trace_dir, err);

	if (ret)
		return ret;
	ret = export_ctf_source(&src, out_dir, NULL, err);
	event_source_release(&src);
	return ret;
}
