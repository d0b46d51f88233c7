/* SPDX-License-Identifier: MIT */
/* report_symbolizer.c - struct report_symbols over the real symbolizer
 * (symbolize.h). Kept apart so unit tests can resolve reports with a fake
 * symbol source and link without libdw. */
#include "report_resolve.h"

static size_t rs_stack(void *ctx, uint32_t stack, const struct sym_frame **frames)
{
	return symbolizer_stack(ctx, stack, frames);
}

static const char *rs_data_symbol(void *ctx, uint32_t process, uint64_t addr)
{
	return symbolizer_data_symbol(ctx, process, addr);
}

static const char *rs_tls_symbol(void *ctx, uint32_t process, uint64_t handle, uint64_t addr)
{
	return symbolizer_tls_symbol(ctx, process, handle, addr);
}

static const char *rs_stack_variable(void *ctx, uint32_t process, const uint64_t *pcs, size_t n,
				     const uint64_t root[3], uint64_t addr, const char **function)
{
	return symbolizer_stack_variable(ctx, process, pcs, n, root, addr, function);
}

static size_t rs_notes(void *ctx, const char *const **notes)
{
	return symbolizer_notes(ctx, notes);
}

void report_symbols_from_symbolizer(struct report_symbols *out, struct symbolizer *s)
{
	out->ctx = s;
	out->stack = rs_stack;
	out->data_symbol = rs_data_symbol;
	out->tls_symbol = rs_tls_symbol;
	out->stack_variable = rs_stack_variable;
	out->notes = rs_notes;
}
