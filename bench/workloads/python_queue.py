# SPDX-License-Identifier: MIT
# bench/workloads/python_queue.py - the Python row of the benchmarks: one
# producer puts ITEMS into a queue.Queue, CONSUMERS threads get them. Each
# put and get takes the queue's Lock (sem_trywait/sem_post) and its
# Conditions; blocked gets and the GIL handoffs add sem_wait and the GIL's
# mutex and condvar calls. WORK: Python work per item on both sides (a loop
# of WORK steps), to bring the lock calls a second down to a given rate.
# Usage: python3 python_queue.py [ITEMS [CONSUMERS [WORK]]]
import queue
import sys
import threading

items = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
consumers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
work = int(sys.argv[3]) if len(sys.argv) > 3 else 0
q = queue.Queue(maxsize=1000)
done = [0] * consumers

def consume(k):
    n = 0
    while True:
        item = q.get()
        if item is None:
            break
        for _ in range(work):
            pass
        n += 1
    done[k] = n

threads = [threading.Thread(target=consume, args=(k,), name=f"consumer-{k}")
           for k in range(consumers)]
for t in threads:
    t.start()
for i in range(items):
    for _ in range(work):
        pass
    q.put(i)
for _ in threads:
    q.put(None)
for t in threads:
    t.join()
assert sum(done) == items
print(sum(done))
