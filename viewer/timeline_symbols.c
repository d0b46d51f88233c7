/* SPDX-License-Identifier: MIT */
/* timeline_symbols.c - the renderers' names backed by the symbolizer:
 * tl_names (object symbols, and stack texts cached per stack id: renderers
 * ask again and again), and the page's render_html_symbols. */
#include "timeline_support.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render_html.h"
#include "symbolize.h"

struct tl_symbols {
	const struct trace_catalog *cat;  /* (borrowed) */
	struct symbolizer *sym;           /* (owned) */
	struct tl_names names;
	char **text;                      /* (owned) per stack id, NULL = not yet */
	size_t ntext;
};

static const char *object_symbol(void *ctx, const struct trace_object *o)
{
	struct tl_symbols *s = ctx;
	return symbolizer_object_label(s->sym, o);
}

static void frame_text(const struct sym_frame *f, struct strbuf *sb)
{
	if (f->function)
		strbuf_addstr(sb, f->function);
	else
		strbuf_addf(sb, "0x%" PRIx64, f->pc);
	if (f->file && f->line)
		strbuf_addf(sb, " %s:%" PRIu32, f->file, f->line);
	else if (f->file)
		strbuf_addf(sb, " %s", f->file);
	else if (f->module)
		strbuf_addf(sb, " (%s)", strrchr(f->module, '/') ? strrchr(f->module, '/') + 1 : f->module);
	if (f->inlined)
		strbuf_addstr(sb, " [inlined]");
}

static void stack_text(void *ctx, uint32_t stack, struct strbuf *sb)
{
	struct tl_symbols *s = ctx;
	if (stack >= s->ntext) {
		size_t n = (size_t)stack + 1 > 2 * s->ntext ? (size_t)stack + 1 : 2 * s->ntext;
		s->text = realloc(s->text, n * sizeof *s->text);
		if (!s->text)
			abort();
		memset(s->text + s->ntext, 0, (n - s->ntext) * sizeof *s->text);
		s->ntext = n;
	}
	if (!s->text[stack]) {
		const struct sym_frame *frames;
		size_t n = symbolizer_stack(s->sym, stack, &frames);
		struct strbuf t = STRBUF_INIT;
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addch(&t, '\n');
			frame_text(&frames[i], &t);
		}
		s->text[stack] = strbuf_detach(&t);
	}
	strbuf_addstr(sb, s->text[stack]);
}

struct tl_symbols *tl_symbols_new(const struct trace_catalog *cat)
{
	struct tl_symbols *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->cat = cat;
	s->sym = symbolizer_new(cat);
	s->names = (struct tl_names){ s, object_symbol, stack_text };
	return s;
}

const struct tl_names *tl_symbols_names(struct tl_symbols *s)
{
	return &s->names;
}

struct symbolizer *tl_symbols_symbolizer(struct tl_symbols *s)
{
	return s->sym;
}

void tl_symbols_free(struct tl_symbols *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntext; i++)
		free(s->text[i]);
	free(s->text);
	symbolizer_free(s->sym);
	free(s);
}

static size_t html_stack(void *ctx, uint32_t stack, struct render_html_frame *out, size_t max)
{
	const struct sym_frame *f;
	size_t n = symbolizer_stack(ctx, stack, &f);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = (struct render_html_frame){ f[i].pc, f[i].function, f[i].file,
			f[i].line, f[i].module, f[i].python };
	return n;
}

static const char *html_object_symbol(void *ctx, const struct trace_object *o)
{
	return symbolizer_object_label(ctx, o);
}

void tl_symbols_for_html(struct render_html_symbols *out, struct symbolizer *s)
{
	*out = (struct render_html_symbols){ s, html_stack, html_object_symbol };
}
