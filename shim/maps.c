/* SPDX-License-Identifier: MIT */
/* maps.c - snapshots of the memory map (trace_maps.h) at start and after
 * each dlopen, so stacks can be symbolized once the process is gone. No
 * stdio or malloc: a static buffer and write(2), under maps_lock. The
 * module lines are kept too, for a fork's child that may not list the
 * loaded objects itself (loader_gate.h): it has its parent's. */
#include "shim.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "loader_gate.h"
#include "trace_maps.h"

/* Text kept of the latest snapshot (the first one's, for tls lines). */
struct kept {
	size_t len;
	char buf[48 * 1024];
};

static struct kept kept_modules, kept_tls;

struct out {
	int fd;
	bool static_tls;   /* the first snapshot: its modules' TLS is static */
	struct kept *tee;  /* also gets what is written, while set */
	size_t len;
	char buf[8192];
};

static void out_flush(struct out *o)
{
	size_t off = 0;
	while (off < o->len) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	o->len = 0;
}

static void out_str(struct out *o, const char *s, size_t n)
{
	struct kept *k = o->tee;
	if (k && k->len + n <= sizeof k->buf) {  /* past its end: left out */
		memcpy(k->buf + k->len, s, n);
		k->len += n;
	}
	while (n) {
		if (o->len == sizeof o->buf)
			out_flush(o);
		size_t k = sizeof o->buf - o->len < n ? sizeof o->buf - o->len : n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

static void out_cstr(struct out *o, const char *s)
{
	out_str(o, s, strlen(s));
}

static void out_num(struct out *o, uint64_t v, unsigned base)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		out_cstr(o, "0x");
	while (n)
		out_str(o, &tmp[--n], 1);
}

/* /proc/self/maps, each line prefixed with "map ". */
static void copy_proc_maps(struct out *o)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[4096];
	bool line_start = true;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (line_start)
				out_cstr(o, "map ");
			out_str(o, &buf[i], 1);
			line_start = buf[i] == '\n';
		}
	}
	if (!line_start)
		out_cstr(o, "\n");
	close(fd);
}

static void out_build_id(struct out *o, struct dl_phdr_info *info)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const char *name = p + sizeof *nh;
			const unsigned char *desc = (const unsigned char *)name + ((nh->n_namesz + 3) & ~3u);
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && !memcmp(name, "GNU", 4)) {
				for (uint32_t k = 0; k < nh->n_descsz; k++) {
					char hx[2] = { "0123456789abcdef"[desc[k] >> 4],
						       "0123456789abcdef"[desc[k] & 15] };
					out_str(o, hx, 2);
				}
				return;
			}
			p = (const char *)desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	out_cstr(o, "-");
}

void shim_object_range(const struct dl_phdr_info *info, uintptr_t *lo, uintptr_t *hi)
{
	*lo = UINTPTR_MAX;
	*hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		*lo = a < *lo ? a : *lo;
		*hi = a + ph->p_memsz > *hi ? a + ph->p_memsz : *hi;
	}
}

/* PATH, a loaded object's name relative to the working directory (a
 * dlopen("./lib.so"), a library found through LD_LIBRARY_PATH=.), made
 * absolute in BUF; NULL if no such file is there (the vdso's name). The
 * loader opened it from this directory moments ago (the snapshots follow
 * the start and each dlopen). */
static const char *absolute_path(const char *path, char *buf, size_t size)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	size_t n = getcwd(buf, size) ? strlen(buf) : 0;
	if (!n || n + 1 + strlen(path) >= size)
		return NULL;
	buf[n] = '/';
	strcpy(buf + n + 1, path);
	return access(buf, F_OK) == 0 ? buf : NULL;
}

/* Where the module's thread-local block lies in every thread, as the
 * calling thread's block minus its pthread_t: the modules loaded at start
 * have theirs in the static TLS, at one distance from each thread's
 * descriptor (a block that dlopen adds later is allocated per thread). */
static void tls_line(struct out *o, const struct dl_phdr_info *info, size_t size, uintptr_t lo)
{
	if (!o->static_tls || size < offsetof(struct dl_phdr_info, dlpi_tls_data) + sizeof(void *) ||
	    !info->dlpi_tls_data)
		return;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_TLS || !ph->p_memsz)
			continue;
		uintptr_t self = (uintptr_t)pthread_self(), block = (uintptr_t)info->dlpi_tls_data;
		struct kept *modules = o->tee;
		o->tee = &kept_tls;
		out_cstr(o, "tls ");
		out_num(o, lo, 16);
		out_cstr(o, block < self ? " -" : " ");
		out_num(o, block < self ? self - block : block - self, 16);
		out_cstr(o, " ");
		out_num(o, ph->p_memsz, 16);
		out_cstr(o, "\n");
		o->tee = modules;
	}
}

static int module_line(struct dl_phdr_info *info, size_t size, void *data)
{
	struct out *o = data;
	static char exe[TRACE_PATH_MAX], abs[TRACE_PATH_MAX];
	const char *path = info->dlpi_name;
	if (!path || !*path) {
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		exe[n > 0 ? n : 0] = 0;
		path = exe;
	}
	if (path[0] != '/' && !(path = absolute_path(path, abs, sizeof abs)))
		return 0;  /* the vdso and other file-less objects */
	uintptr_t lo, hi;
	shim_object_range(info, &lo, &hi);
	if (hi == 0)
		return 0;
	out_cstr(o, "module ");
	out_num(o, lo, 16);
	out_cstr(o, " ");
	out_num(o, hi, 16);
	out_cstr(o, " ");
	out_num(o, info->dlpi_addr, 16);
	out_cstr(o, " ");
	out_build_id(o, info);
	out_cstr(o, " ");
	out_cstr(o, path);
	out_cstr(o, "\n");
	tls_line(o, info, size, lo);
	return 0;
}

static int open_maps_file(bool *fresh)
{
	char path[TRACE_PATH_MAX + 8];
	size_t n = strlen(shim.writer.path);
	if (n < 4 || n + 8 > sizeof path)
		return -1;
	memcpy(path, shim.writer.path, n - 4);  /* drop ".ctr" */
	strcpy(path + n - 4, TRACE_MAPS_SUFFIX);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	*fresh = fd >= 0 && lseek(fd, 0, SEEK_END) == 0;
	return fd;
}

uint32_t shim_maps_snapshot(void)
{
	static struct out o;
	while (atomic_flag_test_and_set_explicit(&shim.maps_lock, memory_order_acquire))
		;
	uint32_t n = shim.maps_snapshots++;
	bool fresh;
	o.fd = open_maps_file(&fresh);
	o.len = 0;
	o.static_tls = n == 0;
	if (o.fd >= 0) {
		if (fresh)
			out_cstr(&o, TRACE_MAPS_MAGIC "\n");
		out_cstr(&o, "snapshot ");
		out_num(&o, n, 10);
		out_cstr(&o, " ");
		out_num(&o, trace_mono_ns(), 10);
		out_cstr(&o, "\n");
		copy_proc_maps(&o);
		if (shim_loader_enter()) {
			kept_modules.len = 0;
			if (o.static_tls)
				kept_tls.len = 0;
			o.tee = &kept_modules;
			dl_iterate_phdr(module_line, &o);
			o.tee = NULL;
			shim_loader_leave();
		} else {
			out_str(&o, kept_modules.buf, kept_modules.len);
			out_str(&o, kept_tls.buf, kept_tls.len);
		}
		out_cstr(&o, "end ");
		out_num(&o, n, 10);
		out_cstr(&o, "\n");
		out_flush(&o);
		close(o.fd);
	}
	atomic_flag_clear_explicit(&shim.maps_lock, memory_order_release);
	return n;
}
