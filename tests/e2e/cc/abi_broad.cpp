// SPDX-License-Identifier: MIT
// abi_broad.cpp - C++ code for check_symbols.sh (compiled, never run):
// std::atomic, std::mutex, std::vector, virtual calls, exceptions,
// shared_ptr, std::thread.
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct Base {
	virtual ~Base() = default;
	virtual int f() const { return 1; }
};
struct Derived : Base {
	int f() const override { return 2; }
};

std::atomic<bool> ab;
std::atomic<char> a8;
std::atomic<short> a16;
std::atomic<int> a32;
std::atomic<long> a64;
std::mutex mu;
std::vector<int> vec;
std::atomic_flag flag = ATOMIC_FLAG_INIT;

int atomics(int x)
{
	int e = x;
	a8.fetch_add(1), a16.fetch_sub(1), a32 |= 2, a64 ^= 3, a32 &= 1;
	a32.compare_exchange_strong(e, 5);
	a64.compare_exchange_weak(reinterpret_cast<long &>(e), 6, std::memory_order_acq_rel);
	ab.store(true, std::memory_order_release);
	while (flag.test_and_set(std::memory_order_acquire)) {
	}
	flag.clear(std::memory_order_release);
	std::atomic_thread_fence(std::memory_order_seq_cst);
	return a8 + a16 + a32.exchange(1) + (int)a64.load(std::memory_order_relaxed) + ab;
}

int virtuals(const Base &b)
{
	std::unique_ptr<Base> d(new Derived);
	return b.f() + d->f();
}

int exceptions(int x)
{
	std::lock_guard<std::mutex> g(mu);
	try {
		vec.push_back(x);
		if (x > 3)
			throw std::runtime_error(std::to_string(x));
	} catch (const std::exception &e) {
		return (int)e.what()[0];
	}
	return (int)vec.size();
}

int shared(std::shared_ptr<int> p)
{
	std::shared_ptr<int> q = p;
	std::weak_ptr<int> w = q;
	std::thread t([q] { (void)*q; });
	t.join();
	return *w.lock();
}
