// SPDX-License-Identifier: MIT
// norace.cpp MODE - race-free C++: std::thread, std::mutex,
// std::condition_variable, std::atomic, std::shared_ptr, call_once,
// shared_mutex, promise/future, async, fences, function-local statics, and
// with -std=c++20 latch, barrier, counting_semaphore, atomic wait/notify and
// jthread's stop token, built with `ctrace c++`: `ctrace report` must find
// no race.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>
#if __cplusplus >= 202002L
#include <barrier>
#include <latch>
#include <semaphore>
#include <stop_token>
#endif

namespace {
constexpr int kIters = 1000;
constexpr int kThreads = 4;

struct Config {
	std::string name;
	std::vector<int> values;
};

long mutex_counter()
{
	std::mutex mu;
	long counter = 0;
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&] {
			for (int i = 0; i < kIters; i++) {
				std::lock_guard<std::mutex> g(mu);
				counter++;
			}
		});
	for (auto &t : ts)
		t.join();
	return counter == kThreads * kIters;
}

long cond_queue()
{
	std::mutex mu;
	std::condition_variable cv;
	std::deque<std::unique_ptr<std::string>> q;
	bool done = false;
	long got = 0;
	std::thread consumer([&] {
		for (;;) {
			std::unique_lock<std::mutex> l(mu);
			cv.wait(l, [&] { return !q.empty() || done; });
			if (q.empty())
				return;
			auto s = std::move(q.front());
			q.pop_front();
			l.unlock();
			got += (long)s->size();	// the string was built by the producer
		}
	});
	std::thread producer([&] {
		for (int i = 0; i < kIters; i++) {
			auto s = std::make_unique<std::string>(10, 'x');
			std::lock_guard<std::mutex> g(mu);
			q.push_back(std::move(s));
			cv.notify_one();
		}
		std::lock_guard<std::mutex> g(mu);
		done = true;
		cv.notify_one();
	});
	producer.join();
	consumer.join();
	return got == 10L * kIters;
}

long atomic_flag_passing()
{
	std::vector<int> data;
	std::atomic<bool> ready{false};
	std::atomic<long> hits{0};
	std::thread writer([&] {
		data.assign(100, 7);
		ready.store(true, std::memory_order_release);
	});
	std::vector<std::thread> readers;
	for (int t = 0; t < kThreads; t++)
		readers.emplace_back([&] {
			while (!ready.load(std::memory_order_acquire))
				;
			long s = 0;
			for (int v : data)
				s += v;
			hits.fetch_add(s, std::memory_order_relaxed);
		});
	writer.join();
	for (auto &t : readers)
		t.join();
	return hits.load() == 700L * kThreads;
}

long shared_ptr_shared()
{
	// One object shared by copies of a shared_ptr in every thread, each
	// copy dropped in its own thread: the last one deletes the object,
	// after every other thread's reads (the count's acq_rel decrements).
	auto cfg = std::make_shared<Config>();
	cfg->name = "config";
	cfg->values.assign(64, 1);
	std::atomic<long> total{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&total](std::shared_ptr<Config> c) {
			long s = (long)c->name.size();
			for (int v : c->values)
				s += v;
			total += s;
			c.reset();
		}, cfg);
	cfg.reset();	// maybe before, maybe after the threads read it
	for (auto &t : ts)
		t.join();
	return total.load() == 70L * kThreads;
}
long call_once_init()
{
	std::once_flag once;
	int value = 0;
	std::atomic<int> ok{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&] {
			std::call_once(once, [&] { value = 5; });
			if (value == 5)
				ok++;
		});
	for (auto &t : ts)
		t.join();
	return ok.load() == kThreads;
}

long shared_mutex_rw()
{
	std::shared_mutex sm;
	int value = 0;
	std::atomic<long> seen{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&, t] {
			for (int i = 0; i < kIters; i++) {
				if (t == 0) {
					std::unique_lock<std::shared_mutex> l(sm);
					value++;
				} else {
					std::shared_lock<std::shared_mutex> l(sm);
					seen += value >= 0;
				}
			}
		});
	for (auto &t : ts)
		t.join();
	return value == kIters && seen.load() == (long)(kThreads - 1) * kIters;
}

long promise_future()
{
	int side = 0;
	std::promise<std::string> p;
	auto f = p.get_future();
	std::thread t([&] {
		side = 7;
		p.set_value(std::string(40, 'y'));
	});
	auto s = f.get();
	long ok = side == 7 && s.size() == 40;
	t.join();
	return ok;
}

long async_result()
{
	int side = 0;
	auto f = std::async(std::launch::async, [&side] {
		side = 8;
		return std::vector<int>(100, 1);
	});
	auto v = f.get();
	return side == 8 && v.size() == 100;
}

long fence_rmw()
{
	// A release fence before a relaxed RMW, a relaxed load before an acquire fence.
	int value = 0;
	std::atomic<int> flag{0};
	int got = 0;
	std::thread t1([&] {
		value = 9;
		std::atomic_thread_fence(std::memory_order_release);
		flag.fetch_add(1, std::memory_order_relaxed);
	});
	std::thread t2([&] {
		while (!flag.load(std::memory_order_relaxed))
			;
		std::atomic_thread_fence(std::memory_order_acquire);
		got = value;
	});
	t1.join();
	t2.join();
	return got == 9;
}

long acquire_chain()
{
	// Transitive: T1 -> T2 (release/acquire on a), T2 -> T3 (on b).
	int value = 0, got = 0;
	std::atomic<int> a{0}, b{0};
	std::thread t3([&] {
		while (!b.load(std::memory_order_acquire))
			;
		got = value;
	});
	std::thread t2([&] {
		while (!a.load(std::memory_order_acquire))
			;
		b.store(1, std::memory_order_release);
	});
	std::thread t1([&] {
		value = 1;
		a.store(1, std::memory_order_release);
	});
	t1.join();
	t2.join();
	t3.join();
	return got == 1;
}

// A function-local static made by whichever thread comes first (the
// compiler's guard and libstdc++'s __cxa_guard_*), read by all.
const Config &local_static()
{
	static const Config config{"static", {1, 2, 3}};
	return config;
}

long static_local()
{
	std::atomic<long> sum{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&] { sum += static_cast<long>(local_static().values.size()); });
	for (auto &t : ts)
		t.join();
	return sum == 3 * kThreads;
}

#if __cplusplus >= 202002L
// Each worker writes its slot, then counts the latch down; main reads all.
long latch_slots()
{
	long slot[kThreads] = {};
	std::latch done(kThreads);
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&, t] {
			slot[t] = t + 1;
			done.count_down();
			// still running: main's reads are ordered by the latch, not the join
			while (done.try_wait() == false)
				std::this_thread::yield();
		});
	done.wait();
	long sum = 0;
	for (int t = 0; t < kThreads; t++)
		sum += slot[t];
	for (auto &t : ts)
		t.join();
	return sum == kThreads * (kThreads + 1) / 2;
}

// Phases: in each, every thread writes its own cell, then reads its
// neighbour's from the phase before (std::barrier, a completion function).
long barrier_phases()
{
	constexpr int kPhases = 50;
	long cell[kThreads] = {};
	long seen[kThreads] = {};
	long phases = 0;
	std::barrier sync(kThreads, [&]() noexcept { phases++; });
	std::vector<std::thread> ts;
	for (int t = 0; t < kThreads; t++)
		ts.emplace_back([&, t] {
			for (int p = 1; p <= kPhases; p++) {
				cell[t] = p;
				sync.arrive_and_wait();
				seen[t] += cell[(t + 1) % kThreads];
				sync.arrive_and_wait();
			}
		});
	for (auto &t : ts)
		t.join();
	return phases == 2 * kPhases && seen[0] == kPhases * (kPhases + 1) / 2;
}

// A bounded queue of counting semaphores (slots free, items ready) and a
// binary semaphore as its lock.
long semaphore_queue()
{
	constexpr int kSlots = 4;
	long ring[kSlots];
	int head = 0, tail = 0;
	std::counting_semaphore<kSlots> free_slots(kSlots), items(0);
	std::binary_semaphore lock(1);
	long got = 0;
	std::thread producer([&] {
		for (int i = 1; i <= kIters; i++) {
			free_slots.acquire();
			lock.acquire();
			ring[head] = i;
			head = (head + 1) % kSlots;
			lock.release();
			items.release();
		}
	});
	for (int i = 0; i < kIters; i++) {
		items.acquire();
		lock.acquire();
		got += ring[tail];
		tail = (tail + 1) % kSlots;
		lock.release();
		free_slots.release();
	}
	producer.join();
	return got == (long)kIters * (kIters + 1) / 2;
}

// std::atomic wait and notify: a published value, then one handed back.
long atomic_wait_notify()
{
	long value = 0;
	std::atomic<int> turn{0};
	std::thread t([&] {
		turn.wait(0, std::memory_order_acquire);
		value *= 3;
		turn.store(2, std::memory_order_release);
		turn.notify_one();
	});
	value = 7;
	turn.store(1, std::memory_order_release);
	turn.notify_one();
	turn.wait(1, std::memory_order_acquire);
	long got = value;
	t.join();
	return got == 21;
}

// A jthread stopped and joined by its destructor: its last write is
// ordered before main's read.
long jthread_stop()
{
	long result = 0;
	{
		std::jthread t([&](std::stop_token stop) {
			long n = 0;
			while (!stop.stop_requested())
				n++;
			result = n >= 0;
		});
		t.request_stop();
	}
	return result;
}
#endif
}  // namespace

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	long ok;
	if (!strcmp(m, "cxx_mutex"))
		ok = mutex_counter();
	else if (!strcmp(m, "cxx_cond"))
		ok = cond_queue();
	else if (!strcmp(m, "cxx_atomic"))
		ok = atomic_flag_passing();
	else if (!strcmp(m, "cxx_shared_ptr"))
		ok = shared_ptr_shared();
	else if (!strcmp(m, "cxx_call_once"))
		ok = call_once_init();
	else if (!strcmp(m, "cxx_shared_mutex"))
		ok = shared_mutex_rw();
	else if (!strcmp(m, "cxx_future"))
		ok = promise_future();
	else if (!strcmp(m, "cxx_async"))
		ok = async_result();
	else if (!strcmp(m, "cxx_fence_rmw"))
		ok = fence_rmw();
	else if (!strcmp(m, "cxx_chain"))
		ok = acquire_chain();
	else if (!strcmp(m, "cxx_static_local"))
		ok = static_local();
#if __cplusplus >= 202002L
	else if (!strcmp(m, "cxx20_latch"))
		ok = latch_slots();
	else if (!strcmp(m, "cxx20_barrier"))
		ok = barrier_phases();
	else if (!strcmp(m, "cxx20_semaphore"))
		ok = semaphore_queue();
	else if (!strcmp(m, "cxx20_atomic_wait"))
		ok = atomic_wait_notify();
	else if (!strcmp(m, "cxx20_jthread"))
		ok = jthread_stop();
#endif
	else {
		fprintf(stderr, "usage: norace MODE\n");
		return 2;
	}
	printf("{\"mode\": \"%s\", \"counter\": %ld, \"expect\": 1}\n", m, ok);
	return ok ? 0 : 1;
}
