/* SPDX-License-Identifier: MIT */
/* maps_dump.h - test support: a program writes its own maps file in the
 * trace_maps.h format (what the shim does for real), so tests can symbolize
 * its addresses after it exits. */
#ifndef CTRACE_TEST_MAPS_DUMP_H
#define CTRACE_TEST_MAPS_DUMP_H

#ifdef __cplusplus
extern "C" {
#endif

/* Writes one complete snapshot of the calling process to PATH: its
 * /proc/self/maps lines and one "module" line per loaded ELF object.
 * Returns 0 or -1. */
int maps_dump_write(const char *path);

#ifdef __cplusplus
}
#endif

#endif
