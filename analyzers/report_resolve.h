/* SPDX-License-Identifier: MIT */
/* report_resolve.h - turning the ids in a report into what printers show:
 * the program, every thread, every lock and stack a finding names, with
 * names from a symbol source (the real symbolizer, or a fake one in tests).
 */
#ifndef CTRACE_REPORT_RESOLVE_H
#define CTRACE_REPORT_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "symbolize.h"
#include "trace_event.h"

/* Where names come from. Any callback may be NULL (pcs stay raw). Strings
 * returned are copied into the report. */
struct report_symbols {
	void *ctx;
	/* The frames of catalog stack STACK, innermost first (inlined calls
	 * expanded); returns the count, 0 = use the raw pcs. */
	size_t (*stack)(void *ctx, uint32_t stack, const struct sym_frame **frames);
	/* The global variable holding ADDR in PROCESS, or NULL. */
	const char *(*data_symbol)(void *ctx, uint32_t process, uint64_t addr);
	/* The thread-local variable holding ADDR in the thread of PROCESS
	 * whose pthread_t is HANDLE, or NULL. */
	const char *(*tls_symbol)(void *ctx, uint32_t process, uint64_t handle, uint64_t addr);
	/* Notes for the user (missing debug info, changed binaries). */
	size_t (*notes)(void *ctx, const char *const **notes);
	/* The local variable holding ADDR in the frames of a thread of
	 * PROCESS (symbolizer_stack_variable): its expression, and its
	 * function in *function; NULL when not known exactly. */
	const char *(*stack_variable)(void *ctx, uint32_t process, const uint64_t *pcs, size_t n,
				      const uint64_t root[3], uint64_t addr, const char **function);
};

/* Races of the same kind on the same variable (a global by its name
 * without element or field, a heap block by its allocation stack as source
 * lines, else the address) between the same two source lines are one race,
 * the first kept (the others released). Needs symbols (sym->stack); called
 * by report_resolve. */
void report_merge_race_places(struct report *r, const struct report_symbols *sym);

/* Fills r's program, threads, trace counters, and the lock and stack tables
 * for every id its findings, lockstats, locks and threads name; replaces
 * the placeholders of misuse messages by the names of their objects
 * (report.h); copies the symbol source's notes. sym may be NULL. Call after the analyzers finished
 * and before report_finalize(). */
void report_resolve(struct report *r, const struct trace_catalog *cat,
		    const struct report_symbols *sym);

/* A report_symbols reading from a real symbolizer (borrowed). */
void report_symbols_from_symbolizer(struct report_symbols *out, struct symbolizer *s);

#endif
