/* SPDX-License-Identifier: MIT */
/* tsan_mutex.cpp - a reader-writer spin lock annotated through TSan's
 * interface (<sanitizer/tsan_interface.h>: __tsan_mutex_*), as abseil's
 * Mutex is. Its own atomics are relaxed: only the annotations say it is a
 * lock. Modes:
 *   guarded:       writers under the write lock, readers under the read
 *                  lock, and the lock's own statistics written inside its
 *                  pre/post stretches (lock and signal): no finding.
 *   reader_writes: two threads write under the read lock only, one after
 *                  the other (a relaxed flag orders nothing): a race.
 *   inversion:     A then B in one thread, B then A in another, one after
 *                  the other: a lock-order inversion, no race.
 *   readers:       two threads read-lock it at the same time, 20,000
 *                  times each: no finding, and no contention (a read
 *                  request is not held up by other readers).
 *   reentrant:     a reentrant lock taken twice by its holder, and let go of
 *                  at both levels at once for another thread (a monitor's
 *                  wait: __tsan_mutex_recursive_unlock, then recursive_lock
 *                  takes both back): no finding.
 *   self_deadlock: a thread locks the (non-reentrant) lock it holds: it
 *                  spins for good, a deadlock the hang analysis catches.
 * Prints {"mode", "counter", "expect"}. */
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>

struct SpinRW {
	std::atomic<int> state{0};   /* -1 a writer, n > 0 readers */
	long stats = 0;              /* the lock's own, unsynchronized */
	SpinRW() { __tsan_mutex_create(this, 0); }
	explicit SpinRW(unsigned flags) { __tsan_mutex_create(this, flags); }
	~SpinRW() { __tsan_mutex_destroy(this, 0); }
	void lock()
	{
		__tsan_mutex_pre_lock(this, 0);
		stats++;
		int c = 0;
		while (!state.compare_exchange_weak(c, -1, std::memory_order_relaxed))
			c = 0;
		__tsan_mutex_post_lock(this, 0, 0);
	}
	void unlock()
	{
		__tsan_mutex_pre_unlock(this, 0);
		state.store(0, std::memory_order_relaxed);
		__tsan_mutex_post_unlock(this, 0);
	}
	void lock_shared()
	{
		__tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
		int c;
		do
			c = state.load(std::memory_order_relaxed);
		while (c < 0 || !state.compare_exchange_weak(c, c + 1, std::memory_order_relaxed));
		__tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
	}
	void unlock_shared()
	{
		__tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
		state.fetch_sub(1, std::memory_order_relaxed);
		__tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
	}
	void notify()
	{
		__tsan_mutex_pre_signal(this, 0);
		stats++;
		__tsan_mutex_post_signal(this, 0);
	}
};

/* A reentrant lock on SpinRW: its holder's relock only counts a level. */
struct Reentrant {
	SpinRW inner{__tsan_mutex_write_reentrant};
	std::atomic<std::thread::id> owner{};
	int levels = 0;
	void lock()
	{
		__tsan_mutex_pre_lock(this, 0);
		if (owner.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
			int c = 0;
			while (!inner.state.compare_exchange_weak(c, -1, std::memory_order_relaxed))
				c = 0;
			owner.store(std::this_thread::get_id(), std::memory_order_relaxed);
		}
		levels++;
		__tsan_mutex_post_lock(this, 0, 0);
	}
	void unlock()
	{
		__tsan_mutex_pre_unlock(this, 0);
		if (!--levels) {
			owner.store(std::thread::id(), std::memory_order_relaxed);
			inner.state.store(0, std::memory_order_relaxed);
		}
		__tsan_mutex_post_unlock(this, 0);
	}
	/* lets go of every level; returns them for relock_all */
	int unlock_all()
	{
		int n = __tsan_mutex_pre_unlock(this, __tsan_mutex_recursive_unlock);
		int had = levels;
		levels = 0;
		owner.store(std::thread::id(), std::memory_order_relaxed);
		inner.state.store(0, std::memory_order_relaxed);
		__tsan_mutex_post_unlock(this, __tsan_mutex_recursive_unlock);
		return n ? n : had;
	}
	void relock_all(int n)
	{
		__tsan_mutex_pre_lock(this, 0);
		int c = 0;
		while (!inner.state.compare_exchange_weak(c, -1, std::memory_order_relaxed))
			c = 0;
		owner.store(std::this_thread::get_id(), std::memory_order_relaxed);
		levels = n;
		__tsan_mutex_post_lock(this, __tsan_mutex_recursive_lock, n);
	}
};

static SpinRW lock_a, lock_b;
static Reentrant lock_r;
static long counter, expect;
static std::atomic<int> turn{0};

static void wait_turn(int t)
{
	while (turn.load(std::memory_order_relaxed) != t)
		std::this_thread::yield();
}

static void guarded()
{
	auto writer = [] {
		for (int i = 0; i < 1000; i++) {
			lock_a.lock();
			counter++;
			lock_a.unlock();
			lock_a.notify();
		}
	};
	auto reader = [] {
		long seen = 0;
		for (int i = 0; i < 1000; i++) {
			lock_a.lock_shared();
			seen += counter;
			lock_a.unlock_shared();
		}
		(void)seen;
	};
	std::thread w1(writer), w2(writer), r1(reader), r2(reader);
	w1.join(), w2.join(), r1.join(), r2.join();
	expect = 2000;
}

static void reader_writes()
{
	std::thread first([] {
		lock_a.lock_shared();
		counter++;
		lock_a.unlock_shared();
		turn.store(1, std::memory_order_relaxed);
	});
	std::thread second([] {
		wait_turn(1);
		lock_a.lock_shared();
		counter++;
		lock_a.unlock_shared();
	});
	first.join(), second.join();
	expect = 2;
}

static void inversion()
{
	std::thread first([] {
		lock_a.lock();
		lock_b.lock();
		counter++;
		lock_b.unlock();
		lock_a.unlock();
		turn.store(1, std::memory_order_release);
	});
	std::thread second([] {
		while (turn.load(std::memory_order_acquire) != 1)
			std::this_thread::yield();
		lock_b.lock();
		lock_a.lock();
		counter++;
		lock_a.unlock();
		lock_b.unlock();
	});
	first.join(), second.join();
	expect = 2;
}

static void readers()
{
	auto reader = [] {
		long seen = 0;
		turn.fetch_add(1, std::memory_order_relaxed);  /* both start together */
		while (turn.load(std::memory_order_relaxed) < 2)
			std::this_thread::yield();
		for (int i = 0; i < 20000; i++) {
			lock_a.lock_shared();
			seen += counter;
			lock_a.unlock_shared();
		}
		(void)seen;
	};
	std::thread r1(reader), r2(reader);
	r1.join(), r2.join();
}

static void reentrant()
{
	std::thread holder([] {
		lock_r.lock();
		lock_r.lock();
		counter++;
		int n = lock_r.unlock_all();
		turn.store(1, std::memory_order_relaxed);
		wait_turn(2);
		lock_r.relock_all(n);
		counter++;
		lock_r.unlock();
		lock_r.unlock();
	});
	std::thread other([] {
		wait_turn(1);
		lock_r.lock();
		counter++;
		lock_r.unlock();
		turn.store(2, std::memory_order_relaxed);
	});
	holder.join(), other.join();
	expect = 3;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "guarded"))
		guarded();
	else if (!strcmp(mode, "reader_writes"))
		reader_writes();
	else if (!strcmp(mode, "inversion"))
		inversion();
	else if (!strcmp(mode, "reentrant"))
		reentrant();
	else if (!strcmp(mode, "readers"))
		readers();
	else if (!strcmp(mode, "self_deadlock")) {
		std::thread t([] {
			lock_a.lock();
			lock_a.lock();   /* never returns */
		});
		t.join();
	} else {
		fprintf(stderr, "usage: tsan_mutex guarded|reader_writes|inversion|reentrant|readers|"
				"self_deadlock\n");
		return 2;
	}
	printf("{\"mode\": \"%s\", \"counter\": %ld, \"expect\": %ld}\n", mode, counter, expect);
	return 0;
}
