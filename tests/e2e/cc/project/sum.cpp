// SPDX-License-Identifier: MIT
// sum.cpp - the test project's C++ program (CMake: CMAKE_CXX_COMPILER=
// ctrace-c++): four std::threads add up shapes' sides into an atomic.
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

extern "C" {
#include "shape.h"
}

int main()
{
	std::atomic<long> total{ 0 };
	std::vector<std::thread> threads;
	for (int t = 0; t < 4; t++)
		threads.emplace_back([&total, t] {
			for (int i = 0; i < 1000; i++)
				total += shape_sides(t + i);
		});
	for (auto &t : threads)
		t.join();
	std::printf("total %ld%s\n", total.load(), CTRACE_CC ? " (ctrace cc)" : "");
	return total != 18000;
}
