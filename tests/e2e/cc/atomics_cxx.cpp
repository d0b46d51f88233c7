// SPDX-License-Identifier: MIT
// atomics_cxx.cpp - built with `ctrace c++` (g++ and clang++): std::atomic
// at every width (compare_exchange_strong/weak writing the value seen back
// to expected), atomic_flag, shared_ptr shared by threads, virtual calls,
// exceptions, mutex and condition_variable. Prints the results; exit 0 when
// they hold (run natively and under `ctrace run`).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

static int failures;
#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			std::printf("FAIL line %d: %s\n", __LINE__, #cond); \
			failures++; \
		} \
	} while (0)

template <typename T> static void test_width(const char *name)
{
	std::atomic<T> v{ 5 };
	T e = 4;
	CHECK(!v.compare_exchange_strong(e, 9) && e == 5);
	CHECK(v.compare_exchange_strong(e, 9, std::memory_order_acq_rel) && v == 9);
	e = 0;
	CHECK(!v.compare_exchange_weak(e, 1, std::memory_order_release, std::memory_order_relaxed) &&
	      e == 9);
	while (!v.compare_exchange_weak(e, 3))
		;
	CHECK(v.load(std::memory_order_acquire) == 3);
	CHECK(v.fetch_add(2) == 3 && v.fetch_sub(1, std::memory_order_relaxed) == 5);
	CHECK(v.fetch_or(8) == 4 && v.fetch_and(9) == 12 && v.fetch_xor(1) == 8);
	CHECK(v.exchange(T(-1)) == 9 && v == T(-1));
	v.store(7, std::memory_order_release);
	CHECK(++v == 8 && v-- == 8 && v == 7);
	std::printf("%-8s ok\n", name);
}

struct Shape {
	virtual ~Shape() = default;
	virtual int sides() const = 0;
};
struct Square : Shape {
	int sides() const override { return 4; }
};
struct Triangle : Shape {
	int sides() const override { return 3; }
};

static int throws(int x)
{
	if (x % 3 == 0)
		throw std::runtime_error("three");
	return x;
}

int main()
{
	test_width<int8_t>("int8");
	test_width<uint16_t>("uint16");
	test_width<int32_t>("int32");
	test_width<uint64_t>("uint64");

	std::atomic<long> total{ 0 };
	std::atomic_flag spin = ATOMIC_FLAG_INIT;
	long locked = 0, caught = 0;
	auto shared = std::make_shared<std::vector<int>>(100, 1);
	std::mutex mu;
	std::condition_variable cv;
	int ready = 0;
	std::vector<std::thread> threads;
	for (int t = 0; t < 4; t++)
		threads.emplace_back([&, shared, t] {
			std::unique_ptr<Shape> s(t % 2 ? (Shape *)new Square : new Triangle);
			for (int i = 0; i < 20000; i++) {
				std::shared_ptr<std::vector<int>> copy = shared;
				total.fetch_add((*copy)[i % 100] + s->sides() - (t % 2 ? 4 : 3));
				while (spin.test_and_set(std::memory_order_acquire))
					;
				locked++;
				try {
					throws(i);
				} catch (const std::exception &) {
					caught++;
				}
				spin.clear(std::memory_order_release);
			}
			std::lock_guard<std::mutex> g(mu);
			ready++;
			cv.notify_one();
		});
	{
		std::unique_lock<std::mutex> g(mu);
		cv.wait(g, [&] { return ready == 4; });
	}
	for (auto &t : threads)
		t.join();
	CHECK(total == 80000 && locked == 80000 && caught == 4 * 6667 && shared.use_count() == 1);
	std::printf("threads: %ld %ld %ld\n", total.load(), locked, caught);
	std::printf("%s\n", failures ? "FAILED" : "all C++ atomics ok");
	return failures != 0;
}
