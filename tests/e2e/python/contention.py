# SPDX-License-Identifier: MIT
# contention.py - contention on Python locks, as contention_blame.c has it on
# mutexes: stats_lock is taken 20 times, 10 of them by record_sample()
# while slow_flush() holds it for 50 ms (an Event says it does: the
# recorder then blocks, unless 50 ms were not enough for it to get there);
# quiet_lock is taken 5 times, never contended. The rounds are kept apart
# by a Barrier; the last sample stays. The threads also wait on an Event
# and a Barrier, whose waiter locks are no contended locks of the program.
import json
import threading
import time

ROUNDS = 10
stats_lock = threading.Lock()
quiet_lock = threading.Lock()
held = threading.Event()
next_round = threading.Barrier(2)
samples = []


def record_sample(i):
    with stats_lock:
        samples.append(i)


def slow_flush():
    with stats_lock:
        held.set()
        time.sleep(0.05)  # contention, not synchronization
        samples.clear()


def flusher():
    for _ in range(ROUNDS):
        slow_flush()
        next_round.wait()


def recorder():
    for i in range(ROUNDS):
        held.wait()
        held.clear()
        record_sample(i)
        next_round.wait()


threads = [threading.Thread(target=flusher), threading.Thread(target=recorder)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for _ in range(5):
    with quiet_lock:
        pass
print(json.dumps({"rounds": ROUNDS, "samples": len(samples)}))
