// SPDX-License-Identifier: MIT
// cv_reuse.cpp - new std::condition_variables where destroyed ones were: a
// local in a function called twice (the same stack slot), and one made by
// new where one was deleted (the same block). libstdc++'s destructor calls
// pthread_cond_destroy, its constructor no pthread_cond_init (a static
// initializer): each is a new object, used correctly, not a use after
// destroy (leveldb's port::CondVar). A std::shared_mutex (pthread_rwlock,
// destroyed, statically initialized) likewise.
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <shared_mutex>
#include <thread>

struct handoff {
	std::mutex m;
	std::condition_variable cv;
	bool ready = false;
};

static void exchange(handoff &h)
{
	std::thread t([&h] {
		std::lock_guard<std::mutex> g(h.m);
		h.ready = true;
		h.cv.notify_one();
	});
	{
		std::unique_lock<std::mutex> l(h.m);
		h.cv.wait(l, [&h] { return h.ready; });
	}
	t.join();
}

__attribute__((noinline)) static uintptr_t on_stack()
{
	handoff h;
	exchange(h);
	std::shared_mutex rw;
	{
		std::shared_lock<std::shared_mutex> r(rw);
	}
	std::unique_lock<std::shared_mutex> w(rw);
	return reinterpret_cast<uintptr_t>(&h.cv);
}

int main()
{
	uintptr_t first = on_stack(), second = on_stack();
	handoff *a = new handoff;
	exchange(*a);
	const void *third = &a->cv;
	delete a;
	handoff *b = new handoff;   // the same block, from the allocator's cache
	exchange(*b);
	const void *fourth = &b->cv;
	delete b;
	std::printf("{\"same_stack\": %d, \"same_heap\": %d}\n", first == second, third == fourth);
	return 0;
}
