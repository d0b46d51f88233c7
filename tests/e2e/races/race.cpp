// SPDX-License-Identifier: MIT
// race.cpp MODE - data races in C++ (std::thread), as race.c: the first
// thread makes its access, then a relaxed std::atomic store; the second
// spins on relaxed loads and makes the other access (no happens-before).
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <thread>

struct Account {
	long id;
	long balance;
};

static std::atomic<int> go{0};
static Account account;

// cxx_new, cxx_new_array, cxx_new_aligned: a block the first thread's new
// made and nobody wrote (no constructor writes it), handed over with a
// relaxed store: the second thread's read races with the allocation, a
// write of the whole block (as TSan takes new); cxx_new_after_throw: after
// a new that threw std::bad_alloc. cxx_delete: handed over
// with release and acquire, read by the second thread, then deleted by
// the first after a relaxed flag: the delete races with the read.
struct alignas(64) Line {
	long word[8];
};
static std::atomic<long *> made{nullptr};
static void *volatile sink_block;
static long *made_at;

__attribute__((noinline)) static long *first_access(const char *m)
{
	if (!strcmp(m, "cxx_new_array"))
		return new long[6];
	if (!strcmp(m, "cxx_new_aligned"))
		return (new Line)->word;
	if (!strcmp(m, "cxx_new_after_throw")) {
		try {
			sink_block = ::operator new(size_t(1) << 62);  // more than any machine has
		} catch (const std::bad_alloc &) {
		}
	}
	return &(new Account)->id;
}

__attribute__((noinline)) static long second_access(const long *p)
{
	return p[1];
}

__attribute__((noinline)) static void last_access(long *p)
{
	delete reinterpret_cast<Account *>(p);
}

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
	} else if (!strncmp(m, "cxx_new", 7) || !strcmp(m, "cxx_delete")) {
		std::thread t1([m] {
			long *p = first_access(strcmp(m, "cxx_delete") ? m : "cxx_new");
			made_at = p;
			if (strcmp(m, "cxx_delete")) {
				made.store(p, std::memory_order_relaxed);
			} else {
				made.store(p, std::memory_order_release);
				while (go.load(std::memory_order_relaxed) != 1)
					;
				last_access(p);
			}
		});
		std::thread t2([m, &sink] {
			long *p;
			while (!(p = made.load(std::memory_order_acquire)))
				;
			sink = second_access(p);
			go.store(1, std::memory_order_relaxed);
		});
		t1.join();
		t2.join();
		printf("{\"mode\": \"%s\", \"made\": \"%p\"}\n", m, (void *)made_at);
		return 0;
	} else {
		fprintf(stderr, "usage: race MODE\n");
		return 2;
	}
	printf("{\"mode\": \"%s\"}\n", m);
	return 0;
}
