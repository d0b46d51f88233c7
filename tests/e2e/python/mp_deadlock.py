# SPDX-License-Identifier: MIT
# mp_deadlock.py - two processes (multiprocessing, fork context) take two
# multiprocessing.Lock (named POSIX semaphores, shared by the processes) in
# opposite orders.
#   deadlock: each takes its first lock, waits on a multiprocessing.Barrier
#             until both hold theirs, then takes the other's: a real
#             deadlock across processes; the parent joins them. `ctrace run`
#             must detect it while it hangs and end the program.
#   ordered:  the second process starts taking its locks only once the
#             first set an Event after releasing both: no hang, but a
#             lock-order inversion across processes.
# In "deadlock", each child ends itself (SIGALRM) 40 s after its start:
# `ctrace run`'s watchdog, once it ended the parent, has so far left the
# hung children behind.
# The first stdout line is JSON, printed before any hang (the last too).
# Usage: mp_deadlock.py deadlock|ordered
import json
import multiprocessing
import signal
import sys

SELF_END = 40  # seconds: see above


def holds_a_wants_b(lock_a, lock_b, barrier, first_done):
    if barrier:
        signal.alarm(SELF_END)
    with lock_a:
        if barrier:
            barrier.wait()
        with lock_b:
            pass
    first_done.set()


def holds_b_wants_a(lock_a, lock_b, barrier, first_done):
    if barrier:
        signal.alarm(SELF_END)
    if not barrier:
        first_done.wait(60)
    with lock_b:
        if barrier:
            barrier.wait()
        with lock_a:
            pass


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("deadlock", "ordered"):
        sys.exit("usage: mp_deadlock.py deadlock|ordered")
    ctx = multiprocessing.get_context("fork")
    lock_a, lock_b = ctx.Lock(), ctx.Lock()
    barrier = ctx.Barrier(2) if sys.argv[1] == "deadlock" else None
    first_done = ctx.Event()
    out = {"mode": sys.argv[1], "cycle": 2, "functions": ["holds_a_wants_b", "holds_b_wants_a"]}
    print(json.dumps(out), flush=True)
    procs = [ctx.Process(target=f, args=(lock_a, lock_b, barrier, first_done))
             for f in (holds_a_wants_b, holds_b_wants_a)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    out["exitcodes"] = [p.exitcode for p in procs]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
