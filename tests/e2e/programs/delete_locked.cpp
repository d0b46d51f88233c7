// SPDX-License-Identifier: MIT
// delete_locked.cpp locked|unlocked - an object with a std::mutex, a
// std::recursive_mutex and a std::shared_mutex (none has a destroy call)
// deleted by another thread. locked: main still holds the three (undefined
// behaviour in C++): three destroy-locked at the delete. unlocked: main
// lets them go first: nothing.
#include <cstdio>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>

struct guarded {
	std::mutex m;
	std::recursive_mutex rm;
	std::shared_mutex sm;
	int value = 0;
};

int main(int argc, char **argv)
{
	bool locked = argc > 1 && !strcmp(argv[1], "locked");
	guarded *g = new guarded;
	g->m.lock();
	g->rm.lock();
	g->sm.lock();
	g->value = 1;
	if (!locked) {
		g->sm.unlock();
		g->rm.unlock();
		g->m.unlock();
	}
	std::thread([g] { delete g; }).join();
	std::printf("{\"deleted\": 1}\n");
	return 0;
}
