/* SPDX-License-Identifier: MIT */
/* fnv.h - FNV-1a, the one hash of names and bytes: the same in every run
 * and build (SARIF fingerprints, CTF uuids, message-queue keys), and cheap
 * enough for interning. Header only: the shim uses it too. */
#ifndef CTRACE_FNV_H
#define CTRACE_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_INIT 0xcbf29ce484222325ull

static inline uint64_t fnv1a_byte(uint64_t h, uint8_t byte)
{
	return (h ^ byte) * 0x100000001b3ull;
}

static inline uint64_t fnv1a_bytes(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = fnv1a_byte(h, ((const uint8_t *)p)[i]);
	return h;
}

static inline uint64_t fnv1a_str(uint64_t h, const char *s)
{
	while (*s)
		h = fnv1a_byte(h, (uint8_t)*s++);
	return h;
}

#endif
