/* SPDX-License-Identifier: MIT */
/* progress.c - the terminal progress bar of progress.h. */
#include "progress.h"

#include <inttypes.h>
#include <unistd.h>

#define PROGRESS_WIDTH 30

void progress_bar_init(struct progress_bar *p, FILE *out, const char *label)
{
	p->out = out && isatty(fileno(out)) ? out : NULL;
	p->label = label;
	p->last = -1;
	p->last_done = 0;
	p->shown = false;
}

void progress_bar_update(void *ctx, uint64_t done, uint64_t total)
{
	struct progress_bar *p = ctx;
	if (!p || !p->out)
		return;
	if (!total) {
		if (p->shown && done - p->last_done < 1000000)
			return;
		p->last_done = done;
		fprintf(p->out, "\rctrace: %s: %" PRIu64 " events read", p->label, done);
	} else if (done >= total) {
		progress_bar_finish(p); /* done: what follows may use the terminal */
		return;
	} else {
		int pct = (int)(done * 100 / total);
		if (pct == p->last)
			return;
		p->last = pct;
		int fill = pct * PROGRESS_WIDTH / 100;
		fprintf(p->out, "\rctrace: %s [%.*s%*s] %3d%%", p->label, fill,
			"##############################", PROGRESS_WIDTH - fill, "", pct);
	}
	p->shown = true;
	fflush(p->out);
}

void progress_bar_finish(struct progress_bar *p)
{
	if (!p->out || !p->shown)
		return;
	fprintf(p->out, "\r%*s\r", 60, "");
	fflush(p->out);
	p->shown = false;
}
