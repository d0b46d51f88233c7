// SPDX-License-Identifier: MIT
// prog_cxx.cpp - C++ test subject for the symbolizer: a member function in a
// namespace (demangled name) and a std::mutex member of a global object.
#include "maps_dump.h"

#include <cstdio>
#include <mutex>

namespace ns {
struct Widget {
	int id;
	std::mutex m;
	void lock();
};
Widget g_widget;
} // namespace ns

static FILE *out;

static __attribute__((noinline)) void capture(const char *key)
{
	std::fprintf(out, "%s %p\n", key, __builtin_return_address(0));
	__asm__ volatile("");
}

__attribute__((noinline)) void ns::Widget::lock()
{
	capture("cxx_lock"); std::fprintf(out, "cxx_lock_line %d\n", __LINE__);
	m.lock();
	m.unlock();
}

int main(int argc, char **argv)
{
	if (argc != 3 || !(out = std::fopen(argv[1], "w")))
		return 2;
	ns::g_widget.lock();
	std::fprintf(out, "widget_m %p\n", static_cast<void *>(&ns::g_widget.m));
	if (std::fclose(out) || maps_dump_write(argv[2]))
		return 1;
	return 0;
}
