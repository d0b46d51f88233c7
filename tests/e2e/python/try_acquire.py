# SPDX-License-Identifier: MIT
# try_acquire.py - the classic way out of a lock-order inversion: one
# thread holds lock_a and only tries lock_b (a non-blocking or timed
# acquire, backing off when it fails), the other takes lock_b then lock_a.
# No deadlock is possible: ctrace must not report one, although CPython
# tries every acquire without blocking first, so the trace's call is the
# same as a blocking acquire's (the shim reads the Python call). The modes
# that block (`blocking_*`) are the inversion, reported.
#   try_kw: acquire(blocking=False)      try_pos: acquire(False)
#   try_local: acquire(flag), flag False  try_zero: acquire(0)
#   timeout_kw: acquire(timeout=5)        timeout_local: acquire(True, t)
#   rlock_try: RLocks, acquire(blocking=False)
#   mp_try: multiprocessing.Lock, acquire(block=False)
#   mp_timeout: multiprocessing.Lock, acquire(timeout=5)
#   blocking_true: acquire(True)          blocking_minus_one: acquire(timeout=-1)
#   settrace_try: acquire(blocking=False) under a line tracer (sys.settrace):
#     3.12 and later instrument the bytecode for it, which the shim cannot
#     read: the try counts as blocking (an inversion) and a note says why;
#     3.11 traces without touching the bytecode: no inversion
# Prints {"mode", "taken"} as abba_inversion.py does.
# Usage: try_acquire.py MODE
import json
import multiprocessing
import sys
import threading

MODE = sys.argv[1] if len(sys.argv) == 2 else ""
if MODE.startswith("rlock"):
    lock_a, lock_b = threading.RLock(), threading.RLock()
elif MODE.startswith("mp"):
    lock_a, lock_b = multiprocessing.Lock(), multiprocessing.Lock()
else:
    lock_a, lock_b = threading.Lock(), threading.Lock()
first_done = threading.Event()
taken = []


def try_b():
    flag, seconds = False, 5
    if MODE in ("try_kw", "rlock_try", "settrace_try"):
        return lock_b.acquire(blocking=False)
    if MODE == "try_pos":
        return lock_b.acquire(False)
    if MODE == "try_local":
        return lock_b.acquire(flag)
    if MODE == "try_zero":
        return lock_b.acquire(0)
    if MODE == "timeout_kw":
        return lock_b.acquire(timeout=5)
    if MODE == "timeout_local":
        return lock_b.acquire(True, seconds)
    if MODE == "mp_try":
        return lock_b.acquire(block=False)
    if MODE == "mp_timeout":
        return lock_b.acquire(timeout=5)
    if MODE == "blocking_true":
        return lock_b.acquire(True)
    if MODE == "blocking_minus_one":
        return lock_b.acquire(timeout=-1)
    sys.exit("usage: try_acquire.py MODE")


def worker_ab():
    with lock_a:
        if try_b():
            taken.append("ab")
            lock_b.release()
    first_done.set()


def worker_ba():
    first_done.wait(60)
    with lock_b:
        with lock_a:
            taken.append("ba")


def tracer(frame, event, arg):
    return tracer


def main():
    if MODE == "settrace_try":
        threading.settrace(tracer)
        sys.settrace(tracer)
    t2 = threading.Thread(target=worker_ba)
    t1 = threading.Thread(target=worker_ab)
    t2.start()
    t1.start()
    t1.join()
    t2.join()
    print(json.dumps({"mode": "event", "taken": taken}))


if __name__ == "__main__":
    main()
