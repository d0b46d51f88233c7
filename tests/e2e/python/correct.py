# SPDX-License-Identifier: MIT
# correct.py - correct uses of CPython's threading, queue, concurrent.futures,
# logging and multiprocessing, one per mode: ctrace must report no deadlock,
# no misuse and no race, and keep the program's stdout. Every order an
# assertion depends on is forced by an Event, a Barrier or a join (a sleep
# only makes a wait likelier to block, never decides a result), and the
# program prints only results that do not depend on the interleaving.
# The last line is JSON for the checks: the mode, and the threads and
# processes ctrace info must show at least.
# Usage: correct.py MODE (correct.py --list prints the modes).
import concurrent.futures
import io
import json
import logging
import multiprocessing
import os
import queue
import random
import sys
import threading

WAIT = 60  # seconds: a bound on every wait, never reached in a passing run


def start(fn, n, *args):
    threads = [threading.Thread(target=fn, args=(i,) + args) for i in range(n)]
    for t in threads:
        t.start()
    return threads


def join(threads):
    for t in threads:
        t.join()


def run(fn, n, *args):
    join(start(fn, n, *args))


def mode_lock():
    """A Lock for a counter (8 threads); a thread blocked on a Lock until
    the main thread releases it, while another one's acquire(timeout) times
    out and a non-blocking acquire fails."""
    lock = threading.Lock()
    total = [0]

    def work(_):
        for _ in range(500):
            with lock:
                total[0] += 1

    run(work, 8)
    print("counter", total[0])

    # The main thread holds the lock; a thread blocks on it until released.
    lock.acquire()
    trying = threading.Event()
    got = []

    def waiter(_):
        trying.set()
        got.append(lock.acquire(timeout=WAIT))
        lock.release()

    t = start(waiter, 1)
    trying.wait(WAIT)
    failed = []
    join(start(lambda _: failed.extend([lock.acquire(timeout=0.05), lock.acquire(False)]), 1))
    lock.release()
    join(t)
    print("waiter_got", got, "timed out, non-blocking", failed)
    return 11


def mode_lock_self_timeout():
    """A thread's acquire(timeout) and acquire(False) of a Lock it holds
    itself: both fail, legal in Python (no relock, no self-deadlock)."""
    lock = threading.Lock()
    with lock:
        print("self timed", lock.acquire(timeout=0.05), "self non-blocking", lock.acquire(False))
    print("locked", lock.locked())
    return 1


def mode_rlock():
    """An RLock taken three deep by 8 threads, and held across a call that
    takes it again."""
    rlock = threading.RLock()
    total = [0]

    def bump():
        with rlock:
            total[0] += 1

    def work(_):
        for _ in range(300):
            with rlock:
                with rlock:
                    bump()
                    with rlock:
                        total[0] += 1

    run(work, 8)
    print("counter", total[0])
    return 9


def mode_condition():
    """A bounded buffer with notify and wait_for (producer, 2 consumers), a
    notify_all that wakes 4 waiters, a wait that times out, a wait with a
    timeout that is notified."""
    not_full = threading.Condition(threading.Lock())
    not_empty = threading.Condition(not_full._lock)  # two conditions, one Lock
    buf, got = [], []
    items, size = 600, 4

    def produce(_):
        for i in range(items):
            with not_full:
                not_full.wait_for(lambda: len(buf) < size, WAIT)
                buf.append(i)
                not_empty.notify()

    def consume(_):
        while True:
            with not_empty:
                while not buf:
                    not_empty.wait(WAIT)
                item = buf.pop(0)
                not_full.notify()
            if item is None:
                return
            got.append(item)

    consumers = start(consume, 2)
    run(produce, 1)
    with not_full:
        buf.extend([None, None])
        not_empty.notify_all()
    join(consumers)
    print("consumed", sorted(got) == list(range(items)), len(got))

    # notify_all: every waiter is in wait() (counted under the lock) first.
    go = threading.Condition(threading.Lock())
    state = {"waiting": 0, "go": False, "woken": 0}

    def wait_go(_):
        with go:
            state["waiting"] += 1
            go.notify_all()
            go.wait_for(lambda: state["go"], WAIT)
            state["woken"] += 1

    waiters = start(wait_go, 4)
    with go:
        go.wait_for(lambda: state["waiting"] == 4, WAIT)
        state["go"] = True
        go.notify_all()
    join(waiters)
    print("woken", state["woken"])

    cond = threading.Condition()  # an RLock
    with cond:
        print("timed_out", cond.wait(0.05))
    # A wait with a timeout that a notify ends.
    ready = threading.Event()
    notified = []

    def timed(_):
        with cond:
            ready.set()
            notified.append(cond.wait(WAIT))

    t = start(timed, 1)
    ready.wait(WAIT)
    with cond:  # taken once the waiter released it in wait()
        cond.notify()
    join(t)
    print("notified", notified)
    return 8


def mode_semaphore():
    """Semaphore(3) held by 3 threads at once (a Barrier proves it), and a
    Semaphore(0) released by other threads than the ones that acquire it;
    the same with BoundedSemaphore, and its over-release error."""
    for kind in (threading.Semaphore, threading.BoundedSemaphore):
        sem = kind(3)
        all_in = threading.Barrier(3)
        inside = [0]
        peak = [0]
        count_lock = threading.Lock()

        def hold(_):
            for _ in range(20):
                with sem:
                    with count_lock:
                        inside[0] += 1
                        peak[0] = max(peak[0], inside[0])
                    all_in.wait(WAIT)  # three holders at once, or a hang
                    with count_lock:
                        inside[0] -= 1
                    all_in.wait(WAIT)

        run(hold, 3)
        print(kind.__name__, "peak", peak[0])

        # Ping-pong: each semaphore is acquired by one thread and released
        # by the other (a bounded one never goes over its value, 1).
        ping, pong = kind(1), kind(1)
        ping.acquire()
        pong.acquire()
        hits = [0, 0]

        def player(i):
            mine, theirs = (ping, pong) if i == 0 else (pong, ping)
            for _ in range(100):
                mine.acquire(timeout=WAIT)
                hits[i] += 1
                theirs.release()

        players = start(player, 2)
        ping.release()
        join(players)
        print(kind.__name__, "ping-pong", hits, ping.acquire(False), pong.acquire(False))
    bounded = threading.BoundedSemaphore(1)
    try:
        bounded.release()
    except ValueError:
        print("bounded over-release refused")
    return 4


def mode_event():
    """Waiters released by set(), a wait that times out, clear and set
    again."""
    ev = threading.Event()
    ready = threading.Barrier(5)
    seen = []

    def wait(_):
        ready.wait(WAIT)
        seen.append(ev.wait(WAIT))

    ts = start(wait, 4)
    ready.wait(WAIT)
    ev.set()
    join(ts)
    ev.clear()
    print("woken", seen, "timed_out", ev.wait(0.05))
    ts = start(wait, 4)
    ready.wait(WAIT)
    ev.set()
    join(ts)
    print("woken again", len(seen))
    return 5


def mode_barrier():
    """A Barrier(4) for 30 rounds, with an action, and reused."""
    rounds = [0]
    barrier = threading.Barrier(4, action=lambda: rounds.__setitem__(0, rounds[0] + 1))
    ids = []
    lock = threading.Lock()

    def work(i):
        for _ in range(30):
            n = barrier.wait(WAIT)
            with lock:
                ids.append(n)

    run(work, 4)
    print("rounds", rounds[0], "ids", sorted(set(ids)), len(ids))
    return 5


def mode_queue():
    """queue.Queue(maxsize 4): 3 producers, 3 consumers, task_done and
    join; a LifoQueue and a PriorityQueue between two threads; a get that
    times out."""
    jobs = queue.Queue(maxsize=4)
    results = queue.Queue()

    def produce(i):
        for k in range(300):
            jobs.put(i * 1000 + k, timeout=WAIT)

    def consume(_):
        while True:
            item = jobs.get(timeout=WAIT)
            if item is not None:
                results.put(item)
            jobs.task_done()
            if item is None:
                return

    consumers = start(consume, 3)
    run(produce, 3)
    for _ in consumers:
        jobs.put(None)
    jobs.join()
    join(consumers)
    print("queue sum", sum(results.get() for _ in range(900)), results.empty())

    for q in (queue.LifoQueue(), queue.PriorityQueue()):
        t = start(lambda _: [q.put(k) for k in (5, 1, 9, 3)], 1)
        join(t)
        print(type(q).__name__, [q.get(timeout=WAIT) for _ in range(4)])
    try:
        queue.Queue().get(timeout=0.05)
    except queue.Empty:
        print("empty get timed out")
    return 7


def mode_simplequeue():
    """queue.SimpleQueue: consumers that block on an empty queue first, then
    producers."""
    q = queue.SimpleQueue()
    waiting = threading.Barrier(4)
    got = []

    def consume(_):
        waiting.wait(WAIT)
        while True:
            item = q.get(timeout=WAIT)
            if item is None:
                return
            got.append(item)

    consumers = start(consume, 3)
    waiting.wait(WAIT)
    for k in range(2000):
        q.put(k)
    for _ in consumers:
        q.put(None)
    join(consumers)
    print("simplequeue", sum(got), len(got))
    return 4


def square(x):
    return x * x


def mode_executor():
    """ThreadPoolExecutor: map, submit and as_completed, wait."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        print("map", sum(pool.map(square, range(500))))
        futures = [pool.submit(square, k) for k in range(200)]
        print("submit", sum(f.result(timeout=WAIT) for f in
                            concurrent.futures.as_completed(futures, timeout=WAIT)))
        done, _ = concurrent.futures.wait([pool.submit(sum, range(k)) for k in range(50)],
                                          timeout=WAIT)
        print("wait", sorted(f.result() for f in done)[-1])
    return 2


def mode_mp_pool_fork():
    with multiprocessing.get_context("fork").Pool(3) as pool:
        print("fork pool", pool.map(square, range(12)))
    return 1


def mode_mp_pool_spawn():
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        print("spawn pool", pool.map(square, range(12)))
    return 1


def mp_add(lock, counter):
    for _ in range(200):
        with lock:
            counter.value += 1


def mode_mp_lock(method="fork"):
    """A multiprocessing.Lock shared by 3 processes (fork) and the parent."""
    ctx = multiprocessing.get_context(method)
    lock = ctx.Lock()
    counter = ctx.Value("i", 0, lock=False)
    procs = [ctx.Process(target=mp_add, args=(lock, counter)) for _ in range(3)]
    for p in procs:
        p.start()
    mp_add(lock, counter)
    for p in procs:
        p.join()
    print("mp counter", counter.value, [p.exitcode for p in procs])
    return 1


def mode_mp_lock_spawn():
    """The same with spawn: each child opens the named semaphore itself."""
    return mode_mp_lock("spawn")


def mode_logging():
    """16 threads log through one handler (its RLock) and the module lock."""
    stream = io.StringIO()
    log = logging.getLogger("ctrace-e2e")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)

    def work(i):
        sub = logging.getLogger("ctrace-e2e.t%d" % i)  # takes the module lock
        for k in range(50):
            sub.info("thread %d record %d", i, k)

    run(work, 16)
    log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    print("records", len(lines), len(set(lines)))
    return 17


def mode_handoff():
    """A Lock acquired by one thread and released by another (legal in
    Python), in a relay of 4 threads, then by the main thread."""
    baton = threading.Lock()
    turns = [threading.Event() for _ in range(5)]
    order = []

    def runner(i):
        turns[i].wait(WAIT)
        if i == 0:
            baton.acquire()  # released by runner 1
        else:
            baton.release()  # taken by the previous runner
            baton.acquire()  # released by the next one
        order.append(i)
        turns[i + 1].set()

    ts = start(runner, 4)
    turns[0].set()
    turns[4].wait(WAIT)
    baton.release()  # the last runner's acquisition
    join(ts)
    print("relay", order, "locked", baton.locked())
    return 5


def mode_ordered():
    """Five locks, 8 threads, each taking random subsets always in the one
    global order."""
    locks = [threading.Lock() for _ in range(5)]
    counts = [0] * 5

    def work(i):
        rng = random.Random(i)
        for _ in range(200):
            subset = sorted(rng.sample(range(5), rng.randint(1, 5)))
            for k in subset:
                locks[k].acquire()
            for k in subset:
                counts[k] += 1
            for k in reversed(subset):
                locks[k].release()

    run(work, 8)
    print("counts", counts, sum(counts))
    return 9


def mode_many_locks():
    """20 000 short-lived Locks (their semaphores' memory comes back at the
    same addresses): first each taken inside `outer`, then each taken with
    `outer` inside it. Different locks, so no inversion."""
    outer = threading.Lock()
    n = [0]

    def inside(_):
        for _ in range(5000):
            tmp = threading.Lock()
            with outer:
                with tmp:
                    n[0] += 1

    def around(_):
        for _ in range(5000):
            tmp = threading.Lock()
            with tmp:
                with outer:
                    n[0] += 1

    run(inside, 2)
    run(around, 2)
    print("short-lived locks", n[0])
    return 3


def mode_cond_nested():
    """A thread holds `outer` while it waits on a Condition of `inner`; the
    notifier takes only `inner`. The order is outer -> inner everywhere."""
    outer = threading.Lock()
    inner = threading.Lock()
    cond = threading.Condition(inner)
    box = []

    def waiter(_):
        for k in range(100):
            with outer:
                with cond:
                    cond.wait_for(lambda: box, WAIT)
                    box.pop()
                    cond.notify()

    def notifier(_):
        for k in range(100):
            with cond:
                cond.wait_for(lambda: not box, WAIT)
                box.append(k)
                cond.notify()

    def other(_):  # the same order, outside the waits
        for _ in range(100):
            with outer:
                with inner:
                    pass

    join(start(waiter, 1) + start(notifier, 1) + start(other, 1))
    print("handed", len(box))
    return 4


def mode_fork_held():
    """os.fork() while another thread holds a Lock and an RLock, with a
    logging handler (whose at-fork hooks take and re-create its locks): the
    child never touches the held locks, runs threads of its own on new
    locks, and exits; the parent's thread then releases its locks."""
    held, rheld = threading.Lock(), threading.RLock()
    holding, forked = threading.Event(), threading.Event()
    log = logging.getLogger("ctrace-e2e-fork")
    log.addHandler(logging.StreamHandler(io.StringIO()))

    def holder(_):
        with held, rheld:
            holding.set()
            forked.wait(WAIT)

    t = start(holder, 1)
    holding.wait(WAIT)
    pid = os.fork()
    if pid == 0:
        lock = threading.Lock()
        n = [0]

        def work(_):
            for _ in range(100):
                with lock:
                    n[0] += 1
            log.warning("child thread")

        run(work, 2)
        os._exit(0 if n[0] == 200 else 1)
    _, status = os.waitpid(pid, 0)
    forked.set()
    join(t)
    print("child status", os.waitstatus_to_exitcode(status), "released", not held.locked())
    return 4


def mode_daemon_exit():
    """The program ends while daemon threads still wait: two on an empty
    queue.Queue (in a Condition wait, each holding its waiter lock), one
    holding a Lock while it waits on an Event never set. Legal: no finding."""
    jobs = queue.Queue()
    lock = threading.Lock()
    never = threading.Event()
    ready = threading.Barrier(4)

    def idle(_):
        ready.wait(WAIT)
        jobs.get()

    def hold(_):
        with lock:
            ready.wait(WAIT)
            never.wait()

    threads = [threading.Thread(target=idle, args=(i,), daemon=True) for i in range(2)]
    threads.append(threading.Thread(target=hold, args=(0,), daemon=True))
    for t in threads:
        t.start()
    ready.wait(WAIT)
    print("daemons left waiting", sum(t.is_alive() for t in threads))
    return 4


def mode_subprocess_threads():
    """Six threads at once run a command each through subprocess (vfork
    and exec, its output through a pipe), ten rounds: each reads its own
    output back, whole. (Unwinding inside a vfork child once reopened
    libunwind's pipe in the parent's memory: the parent's unwinds then read
    and wrote the program's pipes.)"""
    import subprocess
    bad = []

    def one(i):
        out = subprocess.run(["echo", "hi%d" % i], capture_output=True, text=True,
                             timeout=WAIT).stdout
        if out != "hi%d\n" % i:
            bad.append((i, out))

    for _ in range(10):
        run(one, 6)
    print("subprocess outputs wrong:", len(bad))
    return 7


def mode_long_waits():
    """Waits far longer than the 100 ms after which a blocked cycle is a
    deadlock, each ended by another thread after 0.6 s (a sleep only makes
    the waits long; nothing depends on it): a thread blocked acquiring a
    Lock it acquired itself, until another thread releases it (the classic
    Python signal); a Condition.wait() without timeout (the waiter blocks on
    its own waiter lock the same way); Event.wait(), queue.Queue.get(),
    queue.SimpleQueue.get(), Semaphore(0).acquire(), Thread.join(). None is
    a deadlock, nor a misuse."""
    signal = threading.Lock()
    signal.acquire()
    cond = threading.Condition()
    ev = threading.Event()
    q, sq = queue.Queue(), queue.SimpleQueue()
    sem = threading.Semaphore(0)
    flag = []
    woke = []

    def wait_cond():
        with cond:
            cond.wait_for(lambda: flag)
        return "cond"

    waits = [lambda: signal.acquire() and "lock", wait_cond, lambda: ev.wait() and "event",
             lambda: q.get(), lambda: sq.get(), lambda: sem.acquire() and "semaphore"]
    threads = [threading.Thread(target=lambda w=w: woke.append(w())) for w in waits]
    for t in threads:
        t.start()

    def release_all():
        threading.Event().wait(0.6)  # a timed wait: no one sets it
        signal.release()
        with cond:
            flag.append(1)
            cond.notify()
        ev.set()
        q.put("queue")
        sq.put("simplequeue")
        sem.release()

    releaser = threading.Thread(target=release_all)
    releaser.start()
    releaser.join()  # blocked in join for 0.6 s
    join(threads)
    print("woken", sorted(woke))
    return 8


MODES = {name[5:]: fn for name, fn in sorted(globals().items()) if name.startswith("mode_")}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MODES and sys.argv[1] != "--list":
        sys.exit("usage: correct.py MODE|--list; modes: " + " ".join(MODES))
    if sys.argv[1] == "--list":
        print(" ".join(MODES))
        return
    threads = MODES[sys.argv[1]]()
    processes = {"mp_pool_fork": 4, "mp_lock": 4, "mp_pool_spawn": 3, "fork_held": 2,
                 "mp_lock_spawn": 4, "subprocess_threads": 2}
    processes = processes.get(sys.argv[1], 1)
    print(json.dumps({"mode": sys.argv[1], "threads": threads, "processes": processes}))


if __name__ == "__main__":
    main()
