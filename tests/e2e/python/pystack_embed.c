/* SPDX-License-Identifier: MIT */
/* pystack_embed.c - a C program that loads libpython itself (dlopen,
 * RTLD_LOCAL: its symbols are not global) and runs Python that takes a
 * lock in a thread: the shim finds CPython after the dlopen, through its
 * handle, and records the Python frames. Exit 77 if there is no
 * libpython3.11. */
#include <dlfcn.h>
#include <stdio.h>

static const char code[] =
	"import threading\n"
	"lock = threading.Lock()\n"
	"def embedded_lock():\n"
	"    with lock:\n"
	"        pass\n"
	"t = threading.Thread(target=embedded_lock, name='embedded-1')\n"
	"t.start()\n"
	"t.join()\n"
	"embedded_lock()\n"
	"print('embedded done')\n";

int main(void)
{
	void *py = dlopen("libpython3.11.so.1.0", RTLD_NOW | RTLD_LOCAL);
	if (!py) {
		printf("no libpython3.11: %s\n", dlerror());
		return 77;
	}
	void (*initialize)(int) = (void (*)(int))dlsym(py, "Py_InitializeEx");
	int (*run)(const char *) = (int (*)(const char *))dlsym(py, "PyRun_SimpleString");
	int (*finalize)(void) = (int (*)(void))dlsym(py, "Py_FinalizeEx");
	if (!initialize || !run || !finalize)
		return 1;
	initialize(0);
	int r = run(code);
	fflush(stdout);
	return finalize() < 0 || r != 0;
}
