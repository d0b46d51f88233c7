# SPDX-License-Identifier: MIT
# join_deadlock.py - the main thread holds a lock while it joins a worker
# that waits for that lock: a real deadlock through Thread.join, which
# waits for the worker's _tstate_lock. `ctrace run` must detect it while it
# hangs, name the join's lock in Python terms, and end the program.
import threading

state = threading.Lock()


def update_state():
    with state:  # held by the main thread, which joins this one: hangs
        pass


with state:
    worker = threading.Thread(target=update_state, name="updater")
    worker.start()
    worker.join()
