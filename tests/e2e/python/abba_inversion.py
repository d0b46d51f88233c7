# SPDX-License-Identifier: MIT
# abba_inversion.py - two threads take lock_a and lock_b (threading.Lock) in
# opposite orders, kept from deadlocking, so the run ends: ctrace must still
# report the lock-order inversion, as it does for abba_inversion.c.
#   joined: the first thread is joined before the second starts (an
#           inversion ordered by create/join in Python terms);
#   event:  both threads live at once; the second waits on an Event that the
#           first sets once done (concurrent, as in abba_inversion.c).
# Usage: abba_inversion.py joined|event
import json
import sys
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()
first_done = threading.Event()
taken = []


def worker_ab():
    with lock_a:
        with lock_b:
            taken.append("ab")
    first_done.set()


def worker_ba():
    first_done.wait(60)
    with lock_b:
        with lock_a:
            taken.append("ba")


def main():
    mode = sys.argv[1] if len(sys.argv) == 2 else ""
    t1 = threading.Thread(target=worker_ab)
    t2 = threading.Thread(target=worker_ba)
    if mode == "joined":
        t1.start()
        t1.join()
        t2.start()
        t2.join()
    elif mode == "event":
        t2.start()
        t1.start()
        t1.join()
        t2.join()
    else:
        sys.exit("usage: abba_inversion.py joined|event")
    print(json.dumps({"mode": mode, "taken": taken}))


if __name__ == "__main__":
    main()
