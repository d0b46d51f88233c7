/* SPDX-License-Identifier: MIT */
/* intercept_netdb.c - getaddrinfo: glibc shares what it caches between
 * calls (__check_pf's interface list) among threads under a lock of its
 * own and an atomic use count, which the trace does not see, so the
 * blocks it allocates in one thread and frees in another would look like
 * racing. They are not the program's accesses: in programs with
 * instrumented code the call is an ignored stretch (libtsan ignores it
 * too), its allocations and frees unrecorded as accesses. */
#include <netdb.h>
#include <stdatomic.h>

#include "emit.h"
#include "real.h"
#include "tsan_entry.h"
#include "tsan_record.h"
#include "tsan_thread.h"

SHIM_EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			    struct addrinfo **res)
{
	SHIM_REAL_LAZY(getaddrinfo);
	bool ignore = atomic_load_explicit(&tsan_on, memory_order_relaxed);
	if (ignore)
		tsan_record_ignore(true);
	int r = f(node, service, hints, res);
	if (ignore)
		tsan_record_ignore(false);
	return r;
}
