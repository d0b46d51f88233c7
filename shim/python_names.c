/* SPDX-License-Identifier: MIT */
/* python_names.c - a Python thread's name, which CPython up to 3.13 never
 * gives the OS (formats.md H.5, H.7): a threading.Thread's _name, read from
 * the `self` of its _bootstrap_inner frame; for the main thread of a
 * multiprocessing child, its process's _name (BaseProcess._bootstrap);
 * else "MainThread" for the main thread. Every object read is checked
 * against what the layout says it must be; anything else gives no name. */
#include "python_priv.h"

#include "emit.h"

#define TPFLAGS_INLINE_VALUES (1ul << 2)   /* 3.13 */
#define TPFLAGS_MANAGED_DICT  (1ul << 4)
#define TPFLAGS_HEAPTYPE      (1ul << 9)
#define PY313_VALUES_VALID    3  /* PyDictValues' `valid` byte */
#define DICT_ENTRIES_MAX      256

static bool aligned(const void *p)
{
	return p && !((uintptr_t)p & 7);
}

static int64_t py_type_basicsize(const char *type)
{
	int64_t n;
	memcpy(&n, type + 32, sizeof n);  /* tp_basicsize, after tp_name */
	return n;
}

/* The value of key "_name" among the entries of dict keys KEYS, with the
 * values in the array VALUES for a split dict, else in the entries. */
static const void *name_in_keys(const char *keys, const char *values)
{
	if (!aligned(keys))
		return NULL;
	uint8_t log2_index = (uint8_t)keys[9], kind = (uint8_t)keys[10];
	int64_t n;
	memcpy(&n, keys + 24, sizeof n);  /* dk_nentries */
	if (log2_index > 32 || n < 0 || n > DICT_ENTRIES_MAX)
		return NULL;
	/* general entries are {hash, key, value}; unicode ones {key, value} */
	size_t size = kind == 0 ? 24 : 16, key_at = kind == 0 ? 8 : 0;
	const char *entries = keys + 32 + ((size_t)1 << log2_index);
	for (int64_t i = 0; i < n; i++) {
		const char *e = entries + (size_t)i * size;
		if (!py_str_is(py_ptr(e, (ptrdiff_t)key_at), "_name"))
			continue;
		return values ? py_ptr(values, 8 * i) : py_ptr(e, (ptrdiff_t)key_at + 8);
	}
	return NULL;
}

/* "_name" among the shared keys KEYS of a split dict whose values are the
 * PyDictValues VALUES. */
static const void *name_in_split(const char *keys, const char *values)
{
	return aligned(values) ? name_in_keys(keys, values + py_rt.L.values_array) : NULL;
}

/* "_name" in the dict DICT (NULL: none). */
static const void *name_in_dict(const char *dict)
{
	const struct py_layout *L = &py_rt.L;
	if (!aligned(dict) || py_type(dict) != py_rt.dict_type)
		return NULL;
	const char *keys = py_ptr(dict, L->dict_keys), *split = py_ptr(dict, L->dict_values);
	return split ? name_in_split(keys, split) : name_in_keys(keys, NULL);
}

/* self._name of a Thread or a BaseProcess: an instance of a class, whose
 * attributes are in a managed dict (python_priv.h, PY_DICT_*). */
static const void *attr_name(const char *self)
{
	const struct py_layout *L = &py_rt.L;
	if (!aligned(self))
		return NULL;
	const char *type = py_type(self);
	unsigned long flags;
	memcpy(&flags, type + L->tp_flags, sizeof flags);
	if ((flags & (TPFLAGS_MANAGED_DICT | TPFLAGS_HEAPTYPE)) !=
	    (TPFLAGS_MANAGED_DICT | TPFLAGS_HEAPTYPE))
		return NULL;
	const char *cached_keys = py_ptr(type, L->ht_cached_keys);
	const char *word = py_ptr(self, -24), *values;
	switch (L->managed_dict) {
	case PY_DICT_311:
		values = py_ptr(self, -32);
		if (values)
			return name_in_split(cached_keys, values);
		return name_in_dict(word);
	case PY_DICT_312:
		if ((uintptr_t)word & 1)  /* tagged values */
			return name_in_split(cached_keys, word + 1);
		return name_in_dict(word);
	case PY_DICT_313:
		if (word)
			return name_in_dict(word);
		if (!(flags & TPFLAGS_INLINE_VALUES) || py_type_basicsize(type) != 16)
			return NULL;
		values = self + 16;  /* after ob_refcnt and ob_type */
		if (!values[PY313_VALUES_VALID])
			return NULL;
		return name_in_split(cached_keys, values);
	default:
		return NULL;
	}
}

static bool filename_ends(const void *code, const char *tail)
{
	size_t len, n = strlen(tail);
	const char *f = py_ascii(py_ptr(code, py_rt.L.co_filename), &len);
	return f && len >= n && !memcmp(f + len - n, tail, n);
}

static bool is_main(const struct shim_thread *t, const char *tstate)
{
	const struct py_layout *L = &py_rt.L;
	if (L->rt_main_thread < 0)
		return t->index == 0;  /* the process's first thread (a fork child's forker) */
	unsigned long id, main;
	memcpy(&id, tstate + L->ts_thread_id, sizeof id);
	memcpy(&main, py_rt.runtime + L->rt_main_thread, sizeof main);
	return id == main;
}

/* The name the thread has in Python now: its text, or NULL. */
static const char *python_name(const struct shim_thread *t, const char *tstate, size_t *len)
{
	const struct py_layout *L = &py_rt.L;
	const char *thread_self = NULL, *process_self = NULL;
	bool dicts = L->tp_flags != 0;
	uint32_t n = 0;
	for (const char *f = py_current_frame(tstate); dicts && f && n < PY_WALK_MAX;
	     f = py_ptr(f, L->fr_previous), n++) {
		const void *code = py_frame_code(f);
		if (!code || py_type(code) != py_rt.code_type)
			continue;
		const void *name = py_ptr(code, L->co_name);
		if (py_str_is(name, "_bootstrap_inner") && filename_ends(code, "/threading.py"))
			thread_self = py_ptr(f, L->fr_localsplus);
		else if (py_str_is(name, "_bootstrap") &&
			 filename_ends(code, "/multiprocessing/process.py"))
			process_self = py_ptr(f, L->fr_localsplus);
	}
	bool main = is_main(t, tstate);
	const char *self = thread_self ? thread_self : main ? process_self : NULL;
	const char *text = self ? py_ascii(attr_name(self), len) : NULL;
	if (!text && main && !t->pyname[0]) {
		/* only as long as it has no other: a multiprocessing worker
		 * is still its process after _bootstrap returns */
		text = "MainThread";
		*len = strlen(text);
	}
	return text;
}

bool py_name_update(struct shim_thread *t, const char *tstate)
{
	size_t len = 0;
	const char *name = python_name(t, tstate, &len);
	if (!name || !len)
		return false;
	if (len >= sizeof t->pyname)
		len = sizeof t->pyname - 1;
	if (!strncmp(t->pyname, name, len) && !t->pyname[len])
		return false;
	memcpy(t->pyname, name, len);
	t->pyname[len] = 0;
	struct shim_call c = { .t = t, .stack = 0 };
	shim_emit(&c, TRACE_OP_THREAD_NAME, 0, 0, 0, 0, 0, 0, t->pyname);
	return true;
}
