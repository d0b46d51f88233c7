# SPDX-License-Identifier: MIT
# real_deadlock.py - threads really deadlock: each takes its first lock,
# waits on a Barrier until all hold theirs, then takes the next one's; the
# main thread joins them. `ctrace run` must detect it while it hangs,
# report it and end the program (as for real_deadlock.c).
#   lock:  two threads, two threading.Lock;
#   rlock: the same with threading.RLock;
#   three: three threads, three threading.Lock, a cycle a -> b -> c -> a;
#   self:  one thread takes a threading.Lock it holds (a cycle of one).
# The first stdout line (JSON, printed before the hang) says what the report
# must show: the cycle's length and the functions of its edges.
# Usage: real_deadlock.py lock|rlock|three|self
import json
import sys
import threading

MODES = {"lock": (threading.Lock, 2), "rlock": (threading.RLock, 2),
         "three": (threading.Lock, 3), "self": (threading.Lock, 1)}
if len(sys.argv) != 2 or sys.argv[1] not in MODES:
    sys.exit("usage: real_deadlock.py lock|rlock|three|self")
kind, n = MODES[sys.argv[1]]
lock_a, lock_b, lock_c = kind(), kind(), kind()
all_hold = threading.Barrier(n)


def take(first, second):
    with first:
        all_hold.wait()
        with second:  # held by the next thread: hangs
            pass


def holds_a_wants_b():
    take(lock_a, lock_b)


def holds_b_wants_a():
    take(lock_b, lock_a)


def holds_b_wants_c():
    take(lock_b, lock_c)


def holds_c_wants_a():
    take(lock_c, lock_a)


def reload_config():
    with lock_a:
        read_config()


def read_config():
    with lock_a:  # already held by this thread: hangs
        pass


workers = {1: [reload_config], 2: [holds_a_wants_b, holds_b_wants_a],
           3: [holds_a_wants_b, holds_b_wants_c, holds_c_wants_a]}[n]
print(json.dumps({"mode": sys.argv[1], "cycle": n,
                  "functions": sorted(f.__name__ for f in workers)}), flush=True)
threads = [threading.Thread(target=f) for f in workers]
for t in threads:
    t.start()
for t in threads:
    t.join()
