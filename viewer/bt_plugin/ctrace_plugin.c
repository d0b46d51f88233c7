/* SPDX-License-Identifier: MIT */
/* ctrace_plugin.c - the babeltrace2 plugin "ctrace": declares the source
 * component class source.ctrace.native (ctf_source.h) and answers
 * babeltrace.support-info, so that `babeltrace2 DIR` recognizes a ctrace
 * trace directory when the plugin is on the plugin path. */
#include "ctf_source.h"
#include "trace_run.h"

#include <dirent.h>
#include <stdbool.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

/* A ctrace trace directory holds run.info or proc-<pid>-<gen>.ctr files. */
static bool ctrace_plugin_is_trace_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool yes = false;

	if (!d)
		return false;
	while (!yes && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		yes = !strcmp(e->d_name, TRACE_RUN_FILE) ||
		      (!strncmp(e->d_name, "proc-", 5) && n > 9 && !strcmp(e->d_name + n - 4, ".ctr"));
	}
	closedir(d);
	return yes;
}

static bt_component_class_query_method_status
ctrace_plugin_query(bt_self_component_class_source *cls, bt_private_query_executor *qe,
		    const char *object, const bt_value *params, void *data, const bt_value **result)
{
	(void)cls;
	(void)qe;
	(void)data;
	if (strcmp(object, "babeltrace.support-info"))
		return BT_COMPONENT_CLASS_QUERY_METHOD_STATUS_UNKNOWN_OBJECT;
	const bt_value *type = bt_value_map_borrow_entry_value_const(params, "type");
	const bt_value *input = bt_value_map_borrow_entry_value_const(params, "input");
	double weight = 0.0;
	if (type && input && bt_value_is_string(type) && bt_value_is_string(input) &&
	    !strcmp(bt_value_string_get(type), "directory") &&
	    ctrace_plugin_is_trace_dir(bt_value_string_get(input)))
		weight = 0.75;
	bt_value *w = bt_value_real_create_init(weight);
	if (!w)
		return BT_COMPONENT_CLASS_QUERY_METHOD_STATUS_MEMORY_ERROR;
	*result = w;
	return BT_COMPONENT_CLASS_QUERY_METHOD_STATUS_OK;
}

BT_PLUGIN_MODULE();

BT_PLUGIN(ctrace);
BT_PLUGIN_DESCRIPTION("Reads ctrace concurrency traces (pthread, C11, semaphore and mq calls).");
BT_PLUGIN_AUTHOR("The ctrace authors");
BT_PLUGIN_LICENSE("MIT");

BT_PLUGIN_SOURCE_COMPONENT_CLASS(native, ctf_source_iter_next);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_DESCRIPTION(native,
	"Read a ctrace trace directory: one event per intercepted call, one stream per thread.");
BT_PLUGIN_SOURCE_COMPONENT_CLASS_HELP(native,
	"Parameter: path=\"DIR\" (a directory written by `ctrace run`).");
BT_PLUGIN_SOURCE_COMPONENT_CLASS_INITIALIZE_METHOD(native, ctf_source_init);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_FINALIZE_METHOD(native, ctf_source_finalize);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_QUERY_METHOD(native, ctrace_plugin_query);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD(native,
	ctf_source_iter_init);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_MESSAGE_ITERATOR_CLASS_FINALIZE_METHOD(native,
	ctf_source_iter_finalize);
