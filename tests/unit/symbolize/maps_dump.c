/* SPDX-License-Identifier: MIT */
/* maps_dump.c - test support: the "module" lines of trace_maps.h from
 * dl_iterate_phdr and the GNU build-id notes of each loaded object. */
#include "maps_dump.h"

#include <elf.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void build_id_hex(const struct dl_phdr_info *info, char *hex, size_t size)
{
	snprintf(hex, size, "-");
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			const char *name = p + sizeof *n;
			const unsigned char *desc = (const unsigned char *)name + ((n->n_namesz + 3) & ~3u);
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && !memcmp(name, "GNU", 4)
			    && 2 * n->n_descsz + 1 <= size) {
				for (unsigned k = 0; k < n->n_descsz; k++)
					snprintf(hex + 2 * k, 3, "%02x", desc[k]);
				return;
			}
			p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
		}
	}
}

static int module_line(struct dl_phdr_info *info, size_t size, void *arg)
{
	FILE *f = arg;
	char path[PATH_MAX], hex[128];
	uintptr_t lo = UINTPTR_MAX, hi = 0;

	(void)size;
	if (info->dlpi_name[0] == '/') {
		snprintf(path, sizeof path, "%s", info->dlpi_name);
	} else if (!info->dlpi_name[0]) {
		ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
		if (n <= 0)
			return 0;
		path[n] = 0;
	} else {
		return 0; /* the vdso */
	}
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (hi <= lo)
		return 0;
	build_id_hex(info, hex, sizeof hex);
	fprintf(f, "module 0x%lx 0x%lx 0x%lx %s %s\n", (unsigned long)lo, (unsigned long)hi,
		(unsigned long)info->dlpi_addr, hex, path);
	for (int i = 0; i < info->dlpi_phnum && info->dlpi_tls_data; i++)
		if (info->dlpi_phdr[i].p_type == PT_TLS) {
			long delta = (long)((uintptr_t)info->dlpi_tls_data - (uintptr_t)pthread_self());
			fprintf(f, "tls 0x%lx %s0x%lx 0x%lx\n", (unsigned long)lo, delta < 0 ? "-" : "",
				(unsigned long)labs(delta), (unsigned long)info->dlpi_phdr[i].p_memsz);
		}
	return 0;
}

int maps_dump_write(const char *path)
{
	struct timespec ts;
	char line[4096];

	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(f, "ctrace-maps 1\nsnapshot 0 %llu\n",
		(unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec);
	FILE *m = fopen("/proc/self/maps", "r");
	while (m && fgets(line, sizeof line, m))
		fprintf(f, "map %s", line);
	if (m)
		fclose(m);
	dl_iterate_phdr(module_line, f);
	fprintf(f, "end 0\n");
	return fclose(f) ? -1 : 0;
}
