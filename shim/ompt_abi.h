/* SPDX-License-Identifier: MIT */
/* ompt_abi.h - the part of the OpenMP tools interface (OMPT, OpenMP 5.0
 * and 5.1, omp-tools.h) that the shim's tool (ompt.c) uses, declared here
 * so that the shim builds without an OpenMP runtime's headers. Values and
 * layouts are the specification's. */
#ifndef CTRACE_SHIM_OMPT_ABI_H
#define CTRACE_SHIM_OMPT_ABI_H

#include <stdint.h>

typedef union ompt_data_t {
	uint64_t value;
	void *ptr;
} ompt_data_t;

typedef struct ompt_frame_t ompt_frame_t;   /* never looked into */
typedef uint64_t ompt_wait_id_t;

typedef void (*ompt_interface_fn_t)(void);
typedef ompt_interface_fn_t (*ompt_function_lookup_t)(const char *name);
typedef void (*ompt_callback_t)(void);
typedef int (*ompt_set_callback_t)(int event, ompt_callback_t callback);

typedef struct ompt_start_tool_result_t {
	int (*initialize)(ompt_function_lookup_t lookup, int initial_device_num,
			  ompt_data_t *tool_data);
	void (*finalize)(ompt_data_t *tool_data);
	ompt_data_t tool_data;
} ompt_start_tool_result_t;

typedef ompt_start_tool_result_t *(*ompt_start_tool_t)(unsigned int omp_version,
						       const char *runtime_version);

enum {   /* ompt_callbacks_t */
	ompt_callback_parallel_begin = 3,
	ompt_callback_parallel_end = 4,
	ompt_callback_task_create = 5,
	ompt_callback_task_schedule = 6,
	ompt_callback_implicit_task = 7,
	ompt_callback_mutex_released = 17,
	ompt_callback_dependences = 18,
	ompt_callback_sync_region = 23,
	ompt_callback_mutex_acquired = 27,
	ompt_callback_reduction = 31,
};

enum { ompt_set_never = 1 };   /* ompt_set_callback's answers above it: registered */

enum {   /* ompt_scope_endpoint_t */
	ompt_scope_begin = 1,
	ompt_scope_end = 2,
	ompt_scope_beginend = 3,
};

enum {   /* ompt_sync_region_t */
	ompt_sync_region_barrier = 1,
	ompt_sync_region_barrier_implicit = 2,
	ompt_sync_region_barrier_explicit = 3,
	ompt_sync_region_barrier_implementation = 4,
	ompt_sync_region_taskwait = 5,
	ompt_sync_region_taskgroup = 6,
	ompt_sync_region_reduction = 7,
	ompt_sync_region_barrier_implicit_workshare = 8,
	ompt_sync_region_barrier_implicit_parallel = 9,
	ompt_sync_region_barrier_teams = 10,
};

enum {   /* ompt_task_flag_t */
	ompt_task_initial = 0x1,
	ompt_task_implicit = 0x2,
	ompt_task_explicit = 0x4,
	ompt_task_target = 0x8,
	ompt_task_taskwait = 0x10,
	ompt_task_undeferred = 0x8000000,
};

enum {   /* ompt_task_status_t */
	ompt_task_complete = 1,
	ompt_task_yield = 2,
	ompt_task_cancel = 3,
	ompt_task_detach = 4,
	ompt_task_early_fulfill = 5,
	ompt_task_late_fulfill = 6,
	ompt_task_switch = 7,
	ompt_taskwait_complete = 8,
};

enum {   /* ompt_dependence_type_t */
	ompt_dependence_type_in = 1,
	ompt_dependence_type_out = 2,
	ompt_dependence_type_inout = 3,
	ompt_dependence_type_mutexinoutset = 4,
	ompt_dependence_type_source = 5,
	ompt_dependence_type_sink = 6,
	ompt_dependence_type_inoutset = 7,
};

typedef struct ompt_dependence_t {
	ompt_data_t variable;
	int dependence_type;   /* ompt_dependence_type_t: an int-sized enum */
} ompt_dependence_t;

#endif
