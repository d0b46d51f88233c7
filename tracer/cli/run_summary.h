/* SPDX-License-Identifier: MIT */
/* run_summary.h - the few lines `ctrace run` prints when the program ends. */
#ifndef CTRACE_RUN_SUMMARY_H
#define CTRACE_RUN_SUMMARY_H

#include <stdio.h>

/* Analyzes DIR and prints the summary to OUT. */
void run_summary_print(const char *dir, FILE *out);

#endif
