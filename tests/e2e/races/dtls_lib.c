// SPDX-License-Identifier: MIT
// dtls_lib.c - the library norace.c's detached_dtls mode loads with dlopen
// (built with `ctrace cc -shared`): its thread-local array is dynamic TLS,
// a block glibc allocates at a thread's first use and frees inside the
// pthread_create that gives the ended thread's stack to a new thread.
static __thread int dtls_values[1024];

int dtls_fill(int seed)
{
	int sum = 0;
	for (int i = 0; i < 1024; i++)
		dtls_values[i] = seed + i;
	for (int i = 0; i < 1024; i++)
		sum += dtls_values[i];
	return sum;
}
