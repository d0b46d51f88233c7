# SPDX-License-Identifier: MIT
# py_multiprocessing.py - CPython's multiprocessing under ctrace with one
# start method (fork, spawn or forkserver): a Pool, processes sharing a
# multiprocessing.Lock and Value, a Queue between processes, and last a
# process terminated while it waits for a Lock. Prints only results that do
# not depend on the interleaving.
# Usage: py_multiprocessing.py fork|spawn|forkserver [--linger S] (then the
# parent lives on S seconds after the terminated process is gone).
import multiprocessing as mp
import sys
import time


def square(x):
    return x * x


def add(lock, counter, rounds):
    for _ in range(rounds):
        with lock:
            counter.value += 1


def produce(q, first, count):
    for i in range(first, first + count):
        q.put(i)
    q.put(None)


def wait_for(lock, ready):
    ready.set()
    lock.acquire()  # held by the parent until this process is terminated


def terminate_waiter(ctx):
    """Pool.terminate() ends its idle workers the same way."""
    lock = ctx.Lock()
    ready = ctx.Event()
    lock.acquire()
    p = ctx.Process(target=wait_for, args=(lock, ready))
    p.start()
    ready.wait(60)
    time.sleep(0.2)  # into sem_wait
    p.terminate()
    p.join()
    lock.release()
    return p.exitcode


def main():
    ctx = mp.get_context(sys.argv[1])
    with ctx.Pool(4) as pool:
        print("pool_map", sum(pool.map(square, range(20000), chunksize=500)))
        print("pool_async", pool.apply_async(square, (12,)).get(timeout=60))

    lock = ctx.Lock()
    counter = ctx.Value("i", 0, lock=False)
    procs = [ctx.Process(target=add, args=(lock, counter, 500)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("locked_value", counter.value, [p.exitcode for p in procs])

    q = ctx.Queue()
    producers = [ctx.Process(target=produce, args=(q, i * 1000, 1000)) for i in range(3)]
    for p in producers:
        p.start()
    total, ends = 0, 0
    while ends < len(producers):
        item = q.get(timeout=60)
        if item is None:
            ends += 1
        else:
            total += item
    for p in producers:
        p.join()
    print("queue_sum", total, [p.exitcode for p in producers])

    print("terminated", terminate_waiter(ctx))
    if len(sys.argv) == 4 and sys.argv[2] == "--linger":
        time.sleep(float(sys.argv[3]))


if __name__ == "__main__":
    main()
