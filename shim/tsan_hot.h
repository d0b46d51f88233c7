/* SPDX-License-Identifier: MIT */
/* tsan_hot.h - the part of a thread's access-recording state that the
 * entry points linked into the program (tsan_hooks.c) read and write
 * without calling the shim: the shadow call stack and the interval's table
 * of kept accesses, and the steps on them both sides share. Not the rest
 * of the state (tsan_thread.h), not the recording of a new access.
 *
 * The program reaches the state through one initial-exec TLS pointer that
 * the stub libctrace-tsan.so defines (always NULL) and the preloaded shim
 * defines again (its definition wins). The layout is part of the symbol
 * names (_v2): a program built against another layout finds the stub's
 * NULL pointer and the stub's calls, and records nothing rather than
 * misreading the state. Change the layout, change the suffix. */
#ifndef CTRACE_SHIM_TSAN_HOT_H
#define CTRACE_SHIM_TSAN_HOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSAN_DEPTH_MAX    256u   /* shadow frames; deeper calls are not kept */
/* The interval's table starts with 2^MIN slots and doubles, up to 2^MAX,
 * when an interval fills half of it: a thread that works long without
 * synchronizing (a compressor's loop) keeps each address once, not once
 * per 1024; one that synchronizes often keeps a table that fits its cache. */
#define TSAN_SLOT_BITS_MIN 11u
#define TSAN_SLOT_BITS_MAX 16u
#define TSAN_SLOTS_MAX    (1u << TSAN_SLOT_BITS_MAX)
#define TSAN_KEYS_MAX     (TSAN_SLOTS_MAX / 2)  /* keys of an interval before its table restarts */
#define TSAN_HASH_SEED    0x9E3779B97F4A7C15ull

/* The interval's table holds keys: address | (size << 2 | free << 1 |
 * write) << 48, 0 = empty. Accesses whose key does not fit (16 KiB or
 * more, addresses above 2^48) are never merged. */
#define TSAN_KEY_SIZE_MAX (1u << 14)

struct tsan_frame {
	uintptr_t pc;                /* the function's return address */
	uintptr_t sp;                /* its entry hook's frame address: deeper is lower */
	uint64_t hash;               /* of this frame and every outer one */
};

struct tsan_hot {
	int ignore;                  /* __tsan_ignore_thread_begin depth */
	uint32_t depth;
	uint32_t overflow;           /* entries beyond TSAN_DEPTH_MAX not yet exited */
	uint32_t shift;              /* 64 - log2 of the table's slots in use */
	uint64_t seen;               /* accesses since they were added to the header */
	struct tsan_frame frames[TSAN_DEPTH_MAX];
	uint64_t slot[TSAN_SLOTS_MAX];  /* the interval's keys, open addressing, in
	                                   the first 2^(64 - shift) slots */
};

/* The calling thread's state: NULL when it has none (yet, or any more), or
 * when the program runs without ctrace. Owned by the shim (tsan_record.c). */
extern __thread struct tsan_hot *__ctrace_tsan_thread_v2 __attribute__((tls_model("initial-exec")));

/* Calls from the program's entry points into the runtime (tsan_abi.c).
 * Each returns false in the stub (the module's hooks then stop calling)
 * and true in the shim. miss: an access the inline check did not find in
 * the table (or the thread has no state: it is made, the access counted
 * as seen). func_entry/func_exit: the thread has no state yet. */
bool __ctrace_tsan_miss_v2(uintptr_t pc, void *addr, size_t size, unsigned flags);
bool __ctrace_tsan_func_entry_v2(uintptr_t pc, uintptr_t sp);
bool __ctrace_tsan_func_exit_v2(void);

static inline __attribute__((always_inline)) uint64_t tsan_hot_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* The key of an access (0: never merged); flags: enum trace_access_flags
 * (1 write, 8 free). */
static inline __attribute__((always_inline)) uint64_t tsan_hot_key(uint64_t addr, uint64_t size,
								   unsigned flags)
{
	if (__builtin_expect(size >= TSAN_KEY_SIZE_MAX || addr >> 48, 0))
		return 0;
	/* write 1, a free's write 3, an atomic read 2 */
	uint64_t sf = size << 2 | (flags & 1u) | ((flags & (8u | 32u)) ? 2u : 0u);
	return addr | sf << 48;
}

/* The slot where the search for KEY starts in a table of 2^(64 - SHIFT). */
static inline __attribute__((always_inline)) uint32_t tsan_hot_slot(uint64_t key, uint32_t shift)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> shift);
}

/* A function entered at PC, its entry hook's frame at SP. Entries whose
 * frame lies at or below this one's are gone (left by longjmp, or by an
 * exception that skipped their exit hook): popped, so a missing exit
 * never leaves the stack deeper than the real one for long. */
static inline __attribute__((always_inline)) void tsan_hot_enter(struct tsan_hot *h, uintptr_t pc,
								 uintptr_t sp)
{
	uint32_t d = h->depth;
	if (__builtin_expect(d && h->frames[d - 1].sp <= sp, 0)) {
		while (d && h->frames[d - 1].sp <= sp)
			d--;
		h->overflow = 0;
	}
	if (__builtin_expect(d < TSAN_DEPTH_MAX, 1)) {
		struct tsan_frame *f = &h->frames[d];
		f->pc = pc;
		f->sp = sp;
		f->hash = tsan_hot_mix(d ? h->frames[d - 1].hash : TSAN_HASH_SEED, pc);
		d++;
	} else {
		h->overflow++;
	}
	h->depth = d;
}

static inline __attribute__((always_inline)) void tsan_hot_exit(struct tsan_hot *h)
{
	if (h->overflow)
		h->overflow--;
	else if (h->depth)
		h->depth--;
}

#endif
