/* SPDX-License-Identifier: MIT */
/* symbolize_dwfl.c - one module through elfutils libdwfl: opening it at its
 * runtime address with a build-id check, and a return address to frames
 * (function, file, line, inlined calls expanded, C++ names demangled). */
#include "symbolize_internal.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYM_INLINE_DEPTH 64  /* function scopes nested at one address */

/* libstdc++'s demangler (libdw has none). */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* NULL: libdwfl's default search path ":.debug:/usr/lib/debug". */
static char *sym_debuginfo_path;

static const Dwfl_Callbacks sym_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &sym_debuginfo_path,
};

Dwfl *sym_dwfl_new(void)
{
	elf_version(EV_CURRENT);
	return dwfl_begin(&sym_callbacks);
}

/* The GNU build-id of the file at PATH, in hex ("" if it has none).
 * Returns 0 or -errno (-ENOEXEC: not an ELF file). */
static int file_build_id(const char *path, char *hex, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		elf_end(elf);
		close(fd);
		return -ENOEXEC;
	}
	const void *id;
	ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
	hex[0] = 0;
	for (ssize_t i = 0; i < len && (size_t)(2 * i + 2) < size; i++) {
		static const char digits[] = "0123456789abcdef";
		hex[2 * i] = digits[((const unsigned char *)id)[i] >> 4];
		hex[2 * i + 1] = digits[((const unsigned char *)id)[i] & 15];
		hex[2 * i + 2] = 0;
	}
	elf_end(elf);
	close(fd);
	return 0;
}

/* The file must still be the one that ran: a rebuilt binary would give
 * plausible but wrong functions and lines. */
static bool module_file_ok(struct symbolizer *s, struct sym_module *m)
{
	char hex[256];
	int ret = file_build_id(m->path, hex, sizeof hex);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		sym_note(s, "module %s is missing: its frames are not symbolized", m->path);
		return false;
	}
	if (ret < 0) {
		sym_note(s, "module %s cannot be read (%s): its frames are not symbolized",
			 m->path, strerror(-ret));
		return false;
	}
	if (m->build_id && strcmp(hex, m->build_id)) {
		sym_note(s, "module %s changed since the run (build-id mismatch): its frames are not symbolized",
			 m->path);
		return false;
	}
	return true;
}

/* Whether DM's file has a full symbol table (a stripped one keeps only its
 * exported symbols, .dynsym: its own functions have no names). */
static bool has_symtab(Dwfl_Module *dm)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(dm, &bias);
	for (Elf_Scn *scn = elf ? elf_nextscn(elf, NULL) : NULL; scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr shdr;
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			return true;
	}
	return false;
}

void sym_module_open(struct symbolizer *s, Dwfl *dwfl, struct sym_module *m)
{
	m->name = sym_intern(s, m->path);
	m->state = SYM_MODULE_UNUSABLE;
	if (!dwfl || !module_file_ok(s, m))
		return;
	/* base = bias with add_p_vaddr: libdwfl then takes the bias as is, for
	 * PIE and DSOs; for ET_EXEC it ignores the base (bias 0). */
	dwfl_report_begin_add(dwfl);
	Dwfl_Module *dm = dwfl_report_elf(dwfl, m->path, m->path, -1, m->bias, true);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!dm) {
		sym_note(s, "module %s cannot be read (%s): its frames are not symbolized",
			 m->path, dwfl_errmsg(-1));
		return;
	}
	m->dwmod = dm;
	m->state = SYM_MODULE_OK;
	m->dwarf = dwfl_module_getdwarf(dm, &m->dwarf_bias);
	if (m->dwarf)
		return;
	const char *base = strrchr(m->path, '/');
	base = base ? base + 1 : m->path;
	bool python = !strncmp(base, "python3", 7) || !strncmp(base, "libpython3", 10);
	if (!has_symtab(dm))   /* stripped: its own functions have no names either */
		sym_note(s, "module %s is stripped (no debug info, no symbol table): its frames show "
			 "exported functions only, no files or lines%s", m->path,
			 python ? " (Python frames have their own)" : "");
	else
		sym_note(s, "module %s has no debug info: its frames show functions but no files or "
			 "lines%s", m->path, python ? " (Python frames have their own)" : "");
}

const char *sym_clean_name(struct symbolizer *s, const char *raw)
{
	if (!raw || !*raw)
		return NULL;
	size_t n = strcspn(raw, "@");
	if (n > 2 && raw[0] == '_' && raw[1] == 'Z') {
		char *mangled = strndup(raw, n);
		int status = -1;
		char *d = mangled ? __cxa_demangle(mangled, NULL, NULL, &status) : NULL;
		free(mangled);
		if (d && status == 0) {
			const char *name = sym_intern(s, d);
			free(d);
			return name;
		}
		free(d);
	}
	return sym_intern_n(s, raw, n);
}

static const char *die_function_name(struct symbolizer *s, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
	if (name)
		return sym_clean_name(s, name);
	return sym_intern(s, dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a)));
}

/* FILE as its unit CU names it, made absolute with the unit's compile
 * directory when relative (gcc keeps "../src/x.c" of a relative command
 * line), as addr2line shows it. */
static const char *unit_file(struct symbolizer *s, Dwarf_Die *cu, const char *file)
{
	Dwarf_Attribute a;
	const char *dir = file && file[0] != '/' && cu ? dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a))
						       : NULL;
	if (!dir || !*dir)
		return sym_intern(s, file);
	size_t n = strlen(dir) + 1 + strlen(file) + 1;
	char *path = malloc(n);
	if (!path)
		return sym_intern(s, file);
	snprintf(path, n, "%s/%s", dir, file);
	const char *out = sym_intern(s, path);
	free(path);
	return out;
}

static void line_at(struct symbolizer *s, struct sym_module *m, Dwarf_Addr addr, struct sym_frame *f)
{
	Dwarf_Die cu;
	Dwarf_Addr a;
	Dwfl_Line *line = dwfl_module_getsrc(m->dwmod, addr);
	int lineno = 0;
	const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	/* the unit: for its line table (no .debug_aranges: clang), or for
	 * its directory (a relative file name) */
	bool unit = (!line || (file && file[0] != '/')) && m->dwarf && sym_unit_at(m, addr, &cu, &a);
	if (!line) {
		Dwarf_Line *l = unit ? dwarf_getsrc_die(&cu, a) : NULL;
		if (!l || dwarf_lineno(l, &lineno) != 0)
			return;
		file = dwarf_linesrc(l, NULL, NULL);
	}
	f->file = unit_file(s, unit ? &cu : NULL, file);
	f->line = lineno > 0 ? (uint32_t)lineno : 0;
}

/* Where the inlined subroutine INL was called from (its caller's frame). */
static void call_site(struct symbolizer *s, Dwarf_Die *inl, struct sym_frame *f)
{
	Dwarf_Attribute a;
	Dwarf_Word file_idx, line;
	Dwarf_Die cu;
	Dwarf_Files *files;
	size_t nfiles;

	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &a), &line) == 0)
		f->line = (uint32_t)line;
	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &a), &file_idx) != 0
	    || !dwarf_diecu(inl, &cu, NULL, NULL)
	    || dwarf_getsrcfiles(&cu, &files, &nfiles) != 0 || file_idx >= nfiles)
		return;
	const char *file = dwarf_filesrc(files, file_idx, NULL, NULL);
	if (file && strcmp(file, "???")) /* libdw's name for DWARF 4's "no file" */
		f->file = unit_file(s, &cu, file);
}

/* Frames from the DWARF scopes at ADDR, innermost first; FRAMES[0]
 * already holds pc, module and the line-table position. Each function
 * scope is a frame, placed at the call site of the inlined one inside it.
 * Returns 0 if DWARF has no function at ADDR. */
static size_t dwarf_frames(struct symbolizer *s, struct sym_module *m, Dwarf_Addr addr,
			   struct sym_frame *frames, size_t cap)
{
	Dwarf_Die chain[SYM_INLINE_DEPTH];
	size_t n = sym_scopes_at(m, addr, chain, cap < SYM_INLINE_DEPTH ? cap : SYM_INLINE_DEPTH);

	for (size_t k = 0; k < n; k++) {
		Dwarf_Die *scope = &chain[n - 1 - k];
		struct sym_frame *f = &frames[k];
		if (k > 0) {
			*f = frames[0];
			f->file = NULL;
			f->line = 0;
			call_site(s, &chain[n - k], f);
		}
		f->function = die_function_name(s, scope);
		f->inlined = k + 1 < n;
	}
	return n;
}

size_t sym_module_frames(struct symbolizer *s, struct sym_module *m, uint64_t pc,
			 struct sym_frame *frames, size_t cap)
{
	struct sym_frame *f = &frames[0];
	Dwarf_Addr addr = pc - 1; /* a return address: the call is before it */

	memset(f, 0, sizeof *f);
	f->pc = pc;
	f->module = m->name;
	f->module_offset = pc - m->bias;
	f->has_offset = true;
	if (m->state != SYM_MODULE_OK)
		return 1;
	line_at(s, m, addr, f);
	size_t n = m->dwarf ? dwarf_frames(s, m, addr, frames, cap) : 0;
	if (!n)
		n = 1;
	/* The symbol table names what DWARF does not (or there is no DWARF). */
	if (!frames[n - 1].function) {
		sym_symbols_load(m);
		const struct sym_symbol *sym = sym_symtab_at(&m->funcs, addr);
		frames[n - 1].function = sym ? sym_clean_name(s, sym->name) : NULL;
	}
	return n;
}
