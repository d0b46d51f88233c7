// SPDX-License-Identifier: MIT
// race.cpp MODE - data races in C++ (std::thread), as race.c: the first
// thread makes its access, then a relaxed std::atomic store; the second
// spins on relaxed loads and makes the other access (no happens-before).
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

struct Account {
	long id;
	long balance;
};

static std::atomic<int> go{0};
static Account account;

__attribute__((noinline)) static void deposit(Account &a, long v)
{
	a.balance += v;
}

__attribute__((noinline)) static long peek(const Account &a)
{
	return a.balance;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	volatile long sink = 0;
	if (!strcmp(m, "cxx_member")) {
		// A global object's field: written by one std::thread, read by another.
		std::thread t1([] {
			deposit(account, 5);
			go.store(1, std::memory_order_relaxed);
		});
		std::thread t2([&sink] {
			while (!go.load(std::memory_order_relaxed))
				;
			sink = peek(account);
		});
		t1.join();
		t2.join();
	} else if (!strcmp(m, "cxx_shared_ptr")) {
		// shared_ptr copies make their counts safe, not the object: a heap race.
		// Both copies are made before either thread runs: a copy made
		// after the writer dropped its own (an acq_rel decrement) would
		// acquire the write, and order it before the second thread.
		auto acc = std::make_shared<Account>();
		auto for_t1 = acc, for_t2 = acc;
		std::thread t2([for_t2, &sink] {
			while (!go.load(std::memory_order_relaxed))
				;
			sink = peek(*for_t2);
		});
		std::thread t1([for_t1] {
			deposit(*for_t1, 7);
			go.store(1, std::memory_order_relaxed);
		});
		t1.join();
		t2.join();
	} else {
		fprintf(stderr, "usage: race MODE\n");
		return 2;
	}
	printf("{\"mode\": \"%s\"}\n", m);
	return 0;
}
