/* SPDX-License-Identifier: MIT */
/* make_dirs.h - a directory and its missing parents (mkdir -p). */
#ifndef CTRACE_MAKE_DIRS_H
#define CTRACE_MAKE_DIRS_H

/* Creates DIR (mode 0777 less the umask) and any parent it lacks. Returns
 * 0 if DIR is then a directory the caller may write to, else -errno. */
int make_dirs(const char *dir);

#endif
