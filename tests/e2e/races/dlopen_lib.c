/* SPDX-License-Identifier: MIT */
/* dlopen_lib.c - a library with no shared state, loaded and unloaded by
 * several threads at once (dlopen_threads.c). */
long lib_work(int n)
{
	long sum = 0;
	for (int i = 0; i < n; i++)
		sum += i;
	return sum;
}
