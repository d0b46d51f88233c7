# SPDX-License-Identifier: MIT
# allocator_threads.py - threads that take CPython's locks, semaphores and
# conditions, then end, run with an allocator of its own preloaded
# (jemalloc): its key destructor takes its locks after each thread's end.
# Not the program's events: none is counted as dropped. The last line is
# JSON for the checks.
import json
import queue
import threading

lock = threading.Lock()
rlock = threading.RLock()
cond = threading.Condition()
sem = threading.Semaphore(3)
bsem = threading.BoundedSemaphore(2)
go = threading.Event()
barrier = threading.Barrier(4)
counter = 0
ready = []


def worker(i):
    global counter
    barrier.wait()
    for _ in range(500):
        with lock:
            counter += 1
        with rlock:
            with rlock:
                pass
        with sem:
            with bsem:
                pass
    with cond:
        ready.append(i)
        cond.notify_all()
    go.wait()


threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
with cond:
    cond.wait_for(lambda: len(ready) == 4)
fired = []
timer = threading.Timer(0.2, lambda: fired.append(1))
timer.start()
cancelled = threading.Timer(5, lambda: fired.append(2))
cancelled.start()
cancelled.cancel()
go.set()
for t in threads:
    t.join()
timer.join()
q = queue.Queue(maxsize=5)
producer = threading.Thread(target=lambda: [q.put(i) for i in range(2000)])
producer.start()
total = sum(q.get() for _ in range(2000))
producer.join()
print(counter, fired, total)
print(json.dumps({"mode": "allocator_threads", "threads": 8, "processes": 1}))
