/* SPDX-License-Identifier: MIT */
/* watchdog.h - `ctrace run`'s live hang detection: follows the trace while
 * the program runs (a live reader), feeds the hang detector, and reports a
 * deadlock or a stall once, the moment it is seen. */
#ifndef CTRACE_WATCHDOG_H
#define CTRACE_WATCHDOG_H

#include <stdbool.h>
#include <stdio.h>

struct watchdog;

/* DIR is borrowed; PID is the program's. STALL_TIMEOUT_S = 0 disables
 * stall detection. Never fails: returns NULL only when out of memory (then
 * nothing is watched). */
struct watchdog *watchdog_new(const char *dir, int pid, double stall_timeout_s);

/* Reads what the program wrote since the last call: all of it when some
 * thread of the program used no CPU since the last call (it may be stuck),
 * else for at most a fifth of the time since the last call (the cores are
 * the program's; a thread that hangs goes idle, and then the watchdog
 * catches up). Returns true (once) when the program is hung; the
 * report has then been printed to OUT and saved in DIR/hang.json. */
bool watchdog_check(struct watchdog *wd, FILE *out);

/* Sends SIGNO to every traced process still running (children too: a
 * hang in a worker process ends the whole program). */
void watchdog_kill_all(struct watchdog *wd, int signo);

void watchdog_free(struct watchdog *wd);

#endif
