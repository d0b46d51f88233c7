/* SPDX-License-Identifier: MIT */
/* print_summary.c - the few lines `ctrace run` ends with: how many findings
 * of each kind, and the most contended lock with where it was waited for. */
#include "print.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "print_common.h"

static void summary_kind(FILE *out, bool *first, size_t n, const char *name)
{
	if (!n)
		return;
	fprintf(out, "%s%zu %s", *first ? "" : ", ", n, name);
	*first = false;
}

static void summary_misuse(FILE *out, bool *first, const size_t *mu, enum report_severity level)
{
	for (int k = 0; k < REPORT_MISUSE_KIND_COUNT; k++)
		if (report_misuse_kind_severity((enum report_misuse_kind)k) == level)
			summary_kind(out, first, mu[k], report_misuse_kind_name((enum report_misuse_kind)k));
}

static void summary_findings(FILE *out, const struct report *r)
{
	size_t dl[3] = { 0 }, mu[REPORT_MISUSE_KIND_COUNT] = { 0 };
	size_t n = report_findings(r), notes = report_note_findings(r);
	bool first = true;
	for (size_t i = 0; i < r->ndeadlocks; i++)
		dl[r->deadlocks[i].kind]++;
	for (size_t i = 0; i < r->nmisuses; i++)
		mu[r->misuses[i].kind]++;
	if (n) {
		fprintf(out, "ctrace: %zu finding%s: ", n, n == 1 ? "" : "s");
		for (int k = 0; k < 3; k++)
			summary_kind(out, &first, dl[k], report_deadlock_kind_name((enum report_deadlock_kind)k));
		size_t races[2] = { 0 };
		for (size_t i = 0; i < r->nraces; i++)
			races[r->races[i].kind]++;
		for (int k = 0; k < 2; k++)
			summary_kind(out, &first, races[k], report_race_kind_name((enum report_race_kind)k));
		summary_misuse(out, &first, mu, REPORT_SEVERITY_WARNING);
		fputc('\n', out);
	} else {
		fprintf(out, "ctrace: no deadlock, race or misuse found\n");
	}
	if (!notes)
		return;
	first = true;
	fprintf(out, "ctrace: %zu note%s (not counted as findings): ", notes, notes == 1 ? "" : "s");
	summary_misuse(out, &first, mu, REPORT_SEVERITY_NOTE);
	fputc('\n', out);
}

static void summary_contention(FILE *out, const struct report *r)
{
	const struct report_lockstat *top = NULL;
	for (size_t i = 0; i < r->nlockstats && !top; i++)
		if (print_lockstat_is_lock(r, &r->lockstats[i]) && r->lockstats[i].contended)
			top = &r->lockstats[i];
	if (!top)
		return;
	char lock[768], d[32], where[512];
	fprintf(out, "ctrace: most contended: %s: waited %s in %" PRIu64 " of %" PRIu64 " acquisition%s",
		print_lockstat_label(r, top, lock, sizeof(lock)), print_duration(top->wait_ns, d, sizeof(d)),
		top->contended, top->acquisitions, top->acquisitions == 1 ? "" : "s");
	if (top->nsites)
		fprintf(out, ", mostly at %s", print_stack_where(r, top->sites[0].stack, where, sizeof(where)));
	fputc('\n', out);
}

int print_summary(FILE *out, const struct report *r, const struct print_options *opt)
{
	(void)opt;
	char d[32];
	fprintf(out, "ctrace: %" PRIu64 " events, %zu thread%s, %" PRIu64 " dropped, %" PRIu64 " bytes\n",
		r->trace.events, r->nthreads, r->nthreads == 1 ? "" : "s", r->trace.dropped, r->trace.bytes);
	if (r->trace.stacks_dropped)
		fprintf(out, "ctrace: %" PRIu64 " stack%s not stored (the stack table was full): "
			"their events have no stack\n", r->trace.stacks_dropped,
			r->trace.stacks_dropped == 1 ? "" : "s");
	/* killed from outside (a hang ctrace ended is told above) */
	if (r->program.exit_signal && !r->program.ended_by_ctrace)
		fprintf(out, "ctrace: the program was ended by signal %d (%s) after %s\n",
			r->program.exit_signal, strsignal(r->program.exit_signal),
			print_duration(r->program.duration_ns, d, sizeof(d)));
	summary_findings(out, r);
	if (r->suppressed)
		fprintf(out, "ctrace: %" PRIu64 " finding%s suppressed\n", r->suppressed,
			r->suppressed == 1 ? "" : "s");
	summary_contention(out, r);
	return fflush(out) || ferror(out) ? -EIO : 0;
}
