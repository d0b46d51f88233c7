/* SPDX-License-Identifier: MIT */
/* trace_maps.h - the memory-map file beside each events file, so stacks can
 * be symbolized after the process is gone.
 *
 * "proc-<pid>-<gen>.maps", text, appended: one snapshot at start and one
 * after each dlopen. A snapshot counts only once its "end" line is there.
 *
 *   ctrace-maps 1
 *   snapshot <n> <mono_ns>
 *   map <a /proc/self/maps line, verbatim>
 *   module <lo> <hi> <bias> <build-id|-> <path>
 *   tls <lo> <[-]delta> <size>
 *   end <n>
 *
 * module: one per loaded ELF object (dl_iterate_phdr): lo/hi the absolute
 * range of its PT_LOAD segments, bias the load bias (runtime address =
 * bias + p_vaddr), all hex with 0x; build-id the GNU build-id in hex or "-";
 * path absolute (the main program's from /proc/self/exe; the vdso is left
 * out). A module seen in any snapshot stays valid for stacks taken before
 * a later snapshot drops it (dlclose).
 *
 * tls: the thread-local block of the module whose lo it gives, in the
 * static TLS (the first snapshot's modules only): in each thread of the
 * process it starts at the thread's pthread_t plus delta (hex, signed)
 * and holds size bytes (PT_TLS). Readers skip lines they do not know. */
#ifndef CTRACE_TRACE_MAPS_H
#define CTRACE_TRACE_MAPS_H

#define TRACE_MAPS_MAGIC "ctrace-maps 1"
#define TRACE_MAPS_SUFFIX ".maps"

#endif
