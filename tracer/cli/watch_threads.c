/* SPDX-License-Identifier: MIT */
/* watch_threads.c - the hang watchdog's rule for reading the trace now. */
#include "watch_threads.h"

bool watch_threads_look(const struct watch_thread *prev, uint32_t nprev,
			struct watch_thread *now, uint32_t n)
{
	bool stopped = false;
	for (uint32_t k = 0; k < n; k++) {
		now[k].seen = -1;
		now[k].seen_looks = 0;
		for (uint32_t i = 0; i < nprev; i++) {
			if (prev[i].tid != now[k].tid)
				continue;
			now[k].seen = prev[i].seen;
			now[k].seen_looks = prev[i].seen_looks;
			if (prev[i].run == now[k].run &&
			    (now[k].seen != now[k].run || now[k].seen_looks < 2))
				stopped = true;
			break;
		}
	}
	return stopped;
}

bool watch_threads_still(const struct watch_thread *t, uint32_t n, int tid)
{
	for (uint32_t i = 0; i < n; i++)
		if (t[i].tid == tid)
			return t[i].seen_looks >= 2;
	return true;
}

void watch_threads_caught_up(struct watch_thread *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		t[i].seen_looks = t[i].seen == t[i].run ? t[i].seen_looks + 1 : 1;
		t[i].seen = t[i].run;
	}
}
