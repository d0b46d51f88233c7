/* SPDX-License-Identifier: MIT */
/* ctf_source.h - the babeltrace2 source component class "native": reads a
 * ctrace trace and emits one CTF event per trace event, one stream per
 * thread (schema: ctf_source's helper ctf_schema.h and docs/ctf.md).
 * The same methods serve the in-process graph of export_ctf.c and the
 * plugin source.ctrace.native (viewer/bt_plugin/).
 *
 * What it reads: the event source passed as initialization method data
 * (struct ctf_source_input), or else the trace directory named by the
 * string parameter "path". A component gives one message iterator: the
 * events are a stream read once, never held in memory. */
#ifndef CTRACE_CTF_SOURCE_H
#define CTRACE_CTF_SOURCE_H

#include <babeltrace2/babeltrace.h>

struct event_source;

/* Initialization method data for an in-process graph. */
struct ctf_source_input {
	struct event_source *src;  /* (borrowed) must outlive the component */
};

/* A new component class "native" with the methods below, for
 * bt_graph_add_source_component_with_initialize_method_data(). NULL when
 * out of memory. The caller puts its reference. */
bt_component_class_source *ctf_source_class_create(void);

/* The component and iterator methods (the plugin names them in its
 * BT_PLUGIN_SOURCE_COMPONENT_CLASS_* declarations). */
bt_component_class_initialize_method_status
ctf_source_init(bt_self_component_source *self, bt_self_component_source_configuration *config,
		const bt_value *params, void *init_data);
void ctf_source_finalize(bt_self_component_source *self);

bt_message_iterator_class_initialize_method_status
ctf_source_iter_init(bt_self_message_iterator *self,
		     bt_self_message_iterator_configuration *config,
		     bt_self_component_port_output *port);
void ctf_source_iter_finalize(bt_self_message_iterator *self);
bt_message_iterator_class_next_method_status
ctf_source_iter_next(bt_self_message_iterator *self, bt_message_array_const msgs,
		     uint64_t capacity, uint64_t *count);

#endif
