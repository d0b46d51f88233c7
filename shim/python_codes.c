/* SPDX-License-Identifier: MIT */
/* python_codes.c - the code objects a process's stacks name, described in
 * the trace once each (trace_format.h, TRACE_ENTRY_PYCODE). A code object
 * can be freed and another made at its address: a slot remembers the
 * filename and qualname objects it was described with, and a code found
 * with others is described again under a new id. */
#include "python_priv.h"

#include <stdatomic.h>
#include <sys/mman.h>

#define CODE_SLOTS  (1u << 14)
#define CODE_PROBES 32u

struct code_slot {
	const void *code, *filename, *qualname;
	uint32_t id;
};

static struct code_slot *slots;      /* CODE_SLOTS, mmap'd on first use */
static atomic_flag slots_lock = ATOMIC_FLAG_INIT;

const char *py_ascii(const void *str, size_t *len)
{
	const struct py_layout *L = &py_rt.L;
	if (!str || ((uintptr_t)str & 7) || py_type(str) != py_rt.str_type)
		return NULL;
	uint32_t state;
	int64_t n;
	memcpy(&state, (const char *)str + L->str_state, sizeof state);
	memcpy(&n, (const char *)str + 16, sizeof n);  /* length, after the header */
	if (!(state & 1u << 5) || !(state & 1u << 6) || n < 0 || n > 4096)
		return NULL;  /* not compact ASCII */
	*len = (size_t)n;
	return (const char *)str + L->str_ascii_data;
}

bool py_str_is(const void *str, const char *s)
{
	size_t len, n = strlen(s);
	const char *text = py_ascii(str, &len);
	return text && len == n && !memcmp(text, s, n);
}

/* Writes CODE's description; its id, or 0. */
static uint32_t describe(const void *code, const void *filename, const void *qualname)
{
	size_t flen = 0, qlen = 0;
	const char *f = py_ascii(filename, &flen), *q = py_ascii(qualname, &qlen);
	if (!f)
		f = "?", flen = 1;  /* not ASCII: not read (its UTF-8 may not exist yet) */
	if (!q)
		q = "?", qlen = 1;
	int first = py_rt.addr2line(code, -1);  /* a negative offset asks for co_firstlineno */
	return trace_writer_add_pycode(&shim.writer, first > 0 ? (uint32_t)first : 0, f, flen,
				       q, qlen);
}

static struct code_slot *slot_for(const void *code)
{
	uint64_t h = (uint64_t)(uintptr_t)code * 0x9E3779B97F4A7C15ull;
	uint32_t at = (uint32_t)(h >> 40);
	struct code_slot *free_slot = NULL;
	for (uint32_t i = 0; i < CODE_PROBES; i++) {
		struct code_slot *s = &slots[(at + i) & (CODE_SLOTS - 1)];
		if (s->code == code)
			return s;
		if (!s->code && !free_slot)
			free_slot = s;
	}
	return free_slot;
}

uint32_t py_code_id(const void *code)
{
	const struct py_layout *L = &py_rt.L;
	const void *filename = py_ptr(code, L->co_filename), *qualname = py_ptr(code, L->co_qualname);
	while (atomic_flag_test_and_set_explicit(&slots_lock, memory_order_acquire))
		;
	if (!slots) {
		void *p = mmap(NULL, CODE_SLOTS * sizeof *slots, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		slots = p == MAP_FAILED ? NULL : p;
	}
	uint32_t id = 0;
	struct code_slot *s = slots ? slot_for(code) : NULL;
	if (s && s->code == code && s->filename == filename && s->qualname == qualname) {
		id = s->id;
	} else {
		id = describe(code, filename, qualname);
		if (s && id)
			*s = (struct code_slot){ code, filename, qualname, id };
	}
	atomic_flag_clear_explicit(&slots_lock, memory_order_release);
	return id;
}

void py_codes_reset(void)
{
	atomic_flag_clear(&slots_lock);  /* a fork child: no other thread holds it */
	if (slots)
		memset(slots, 0, CODE_SLOTS * sizeof *slots);
}
