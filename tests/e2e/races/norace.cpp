// SPDX-License-Identifier: MIT
// norace.cpp MODE - race-free C++: std::thread, std::mutex,
// std::condition_variable, std::atomic, std::shared_ptr, built with
// `ctrace c++`: `ctrace report` must find no race.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
	else {
		fprintf(stderr, "usage: norace MODE\n");
		return 2;
	}
	printf("{\"mode\": \"%s\", \"counter\": %ld, \"expect\": 1}\n", m, ok);
	return ok ? 0 : 1;
}
