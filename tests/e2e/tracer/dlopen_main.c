/* SPDX-License-Identifier: MIT */
/* dlopen_main.c - dlopens argv[1] and calls its lib_work(). */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	void *h = dlopen(argc > 1 ? argv[1] : "missing.so", RTLD_NOW);
	if (!h)
		return fprintf(stderr, "%s\n", dlerror()), 2;
	int (*work)(int) = (int (*)(int))dlsym(h, "lib_work");
	int k = work ? work(42) : -1;
	printf("{\"k\": %d}\n", k);
	return k == 42 ? 0 : 1;
}
