// SPDX-License-Identifier: MIT
// cxx_sync.cpp - std::thread, std::mutex and std::condition_variable go
// through the intercepted pthread calls: a producer/consumer of N items.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <queue>
#include <thread>

int main()
{
	std::mutex m;
	std::condition_variable cv;
	std::queue<int> q;
	const int n = 1000;
	long sum = 0;
	std::thread consumer([&] {
		for (int got = 0; got < n; got++) {
			std::unique_lock<std::mutex> lk(m);
			cv.wait(lk, [&] { return !q.empty(); });
			sum += q.front();
			q.pop();
		}
	});
	std::thread producer([&] {
		for (int i = 1; i <= n; i++) {
			{
				std::lock_guard<std::mutex> g(m);
				q.push(i);
			}
			cv.notify_one();
		}
	});
	producer.join();
	consumer.join();
	std::printf("{\"sum\": %ld}\n", sum);
	return sum == (long)n * (n + 1) / 2 ? 0 : 1;
}
