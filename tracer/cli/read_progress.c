/* SPDX-License-Identifier: MIT */
/* read_progress.c - the progress line of a long trace analysis. */
#include "read_progress.h"

#include <stdio.h>
#include <unistd.h>

#define READ_PROGRESS_MIN_BYTES (16u << 20)   /* smaller traces read at once */

void read_progress_init(struct read_progress *p)
{
	p->enabled = isatty(STDERR_FILENO);
	p->shown = false;
}

void read_progress_update(void *ctx, uint64_t done, uint64_t total)
{
	struct read_progress *p = ctx;
	if (!p->enabled || total < READ_PROGRESS_MIN_BYTES)
		return;
	if (done >= total) {   /* read: the line goes before what is printed next */
		read_progress_finish(p);
		return;
	}
	unsigned pct = (unsigned)(done * 100 / total);
	fprintf(stderr, "\rctrace: reading trace %3u%% (%llu of %llu MB)", pct,
		(unsigned long long)(done >> 20), (unsigned long long)(total >> 20));
	p->shown = true;
}

void read_progress_finish(struct read_progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r\033[K");
	p->shown = false;
}
