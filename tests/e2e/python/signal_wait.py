# SPDX-License-Identifier: MIT
# signal_wait.py - a daemon's pattern: every thread waits (the main thread
# on an Event, a worker on an empty Queue) until a signal's handler sets
# the Event; SIGALRM stands for a SIGTERM sent later. Correct: the waits
# are for a notify (CPython's Condition.wait takes its waiter lock twice),
# which the handler makes, not a deadlock or a stall.
import queue
import signal
import threading

stop = threading.Event()
work = queue.Queue()


def worker():
    while work.get() is not None:
        pass


signal.signal(signal.SIGALRM, lambda signum, frame: stop.set())
t = threading.Thread(target=worker)
t.start()
signal.alarm(2)
stop.wait()
work.put(None)
t.join()
print("clean shutdown")
