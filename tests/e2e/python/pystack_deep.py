# A lock taken 150 Python calls deep: the stack keeps the innermost 64
# Python frames (and its native frames); a generator's frame is one too.
import json
import sys
import threading

lock = threading.Lock()

def take():
    with lock:
        pass

def down(n):
    if n == 0:
        take()
    else:
        down(n - 1)

def gen():
    take()
    yield 1

down(150)
list(gen())
print(json.dumps({"ok": True}))
