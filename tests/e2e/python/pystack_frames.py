# Python frames in the stacks of lock calls: a Lock made at LOCK_LINE (its
# sem_init gets the Python stack), taken in inner() called by outer(), from
# the main thread and from a worker thread; through a C function (map) too.
import json
import sys
import threading

def line_of(marker):
    with open(__file__) as f:
        return next(i for i, l in enumerate(f, 1) if l.rstrip().endswith("# " + marker))

lock = threading.Lock()  # LOCK_LINE

def inner():
    with lock:  # INNER_LINE
        pass

def outer():
    inner()  # OUTER_LINE

def via_map():
    list(map(lambda _: inner(), range(3)))  # MAP_LINE

for _ in range(100):
    outer()
via_map()
t = threading.Thread(target=outer, name="worker-1")
t.start()
t.join()
print("done")
out = {m.lower(): line_of(m) for m in ("LOCK_LINE", "INNER_LINE", "OUTER_LINE", "MAP_LINE")}
out["version"] = "%d.%d." % sys.version_info[:2]
print(json.dumps(out))
