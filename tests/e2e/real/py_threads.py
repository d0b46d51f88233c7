# SPDX-License-Identifier: MIT
# py_threads.py - CPython's threading under ctrace: locks, conditions,
# queue.Queue, a ThreadPoolExecutor, semaphores, a barrier, events,
# short-lived threads and logging from many threads. Prints only results
# that do not depend on the interleaving. Usage: py_threads.py [--idle S]
# (then ends no sooner than S seconds after its start, a worker idle on a
# queue meanwhile).
import concurrent.futures
import hashlib
import logging
import queue
import sys
import threading
import time

START = time.monotonic()


def locked_counter(threads=8, rounds=2000):
    lock = threading.Lock()
    rlock = threading.RLock()
    total = [0]

    def work():
        for _ in range(rounds):
            with lock:
                total[0] += 1
            with rlock:
                with rlock:
                    total[0] += 1

    run_all(work, threads)
    return total[0]


def bounded_buffer(items=3000, size=8):
    cond = threading.Condition()
    buf = []
    got = []

    def produce():
        for i in range(items):
            with cond:
                cond.wait_for(lambda: len(buf) < size)
                buf.append(i)
                cond.notify_all()

    def consume():
        for _ in range(items):
            with cond:
                cond.wait_for(lambda: buf)
                got.append(buf.pop(0))
                cond.notify_all()

    run_each([produce, consume])
    return got == list(range(items))


def queue_workers(workers=4, items=4000):
    jobs = queue.Queue(maxsize=16)
    results = queue.Queue()

    def work():
        while True:
            item = jobs.get()
            if item is None:
                jobs.task_done()
                return
            results.put(item * item)
            jobs.task_done()

    threads = start(work, workers)
    for i in range(items):
        jobs.put(i)
    for _ in threads:
        jobs.put(None)
    jobs.join()
    for t in threads:
        t.join()
    return sum(results.get() for _ in range(items))


def pool_hashes(chunks=64, size=256 * 1024):
    data = [bytes([i % 251]) * size for i in range(chunks)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        digests = list(pool.map(lambda b: hashlib.sha256(b).hexdigest(), data))
    return hashlib.sha256("".join(digests).encode()).hexdigest()[:16]


def sync_objects(threads=6, rounds=50):
    sem = threading.BoundedSemaphore(2)
    barrier = threading.Barrier(threads)
    done = threading.Event()
    passed = [0]
    lock = threading.Lock()

    def work():
        for _ in range(rounds):
            with sem:
                with lock:
                    passed[0] += 1
            barrier.wait()
        done.wait()

    ts = start(work, threads)
    while passed[0] < threads * rounds:
        time.sleep(0.001)
    done.set()
    for t in ts:
        t.join()
    return passed[0]


def short_lived(threads=1000):
    """One thread after another: each new one may reuse the stack (and the
    pthread_t) of one that ended; CPython detaches each right after creating
    it."""
    results = []
    for i in range(threads):
        t = threading.Thread(target=results.append, args=(i,))
        t.start()
        t.join()
    return sum(results)


def many_loggers(path, threads=8, records=200):
    log = logging.getLogger("ctrace-e2e")
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(logging.Formatter("%(threadName)s %(message)s"))
    log.addHandler(handler)

    def work():
        for i in range(records):
            log.info("record %d", i)

    run_all(work, threads)
    log.removeHandler(handler)
    handler.close()
    with open(path) as f:
        return len(f.read().splitlines())


def idle_until(seconds):
    """A worker idles on a queue while the main thread sleeps."""
    jobs = queue.Queue()
    worker = threading.Thread(target=jobs.get)
    worker.start()
    time.sleep(max(0.0, seconds - (time.monotonic() - START)))
    jobs.put(None)
    worker.join()


def start(fn, n):
    threads = [threading.Thread(target=fn) for _ in range(n)]
    for t in threads:
        t.start()
    return threads


def run_all(fn, n):
    for t in start(fn, n):
        t.join()


def run_each(fns):
    threads = [threading.Thread(target=fn) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    print("locked_counter", locked_counter())
    print("bounded_buffer", bounded_buffer())
    print("queue_workers", queue_workers())
    print("pool_hashes", pool_hashes())
    print("sync_objects", sync_objects())
    print("short_lived", short_lived())
    print("many_loggers", many_loggers("threads.log"))
    if len(sys.argv) == 3 and sys.argv[1] == "--idle":
        idle_until(float(sys.argv[2]))
    print("threads_left", threading.active_count())


if __name__ == "__main__":
    main()
