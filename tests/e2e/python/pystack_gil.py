# The GIL's locks named by role: two threads that compute hand the GIL to
# each other (its mutex and conds are used), in the parent and in a fork
# child.
import os
import threading
import time

def spin():
    n = 0
    for i in range(300000):
        n += i
    return n

ts = [threading.Thread(target=spin) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
pid = os.fork()
if pid == 0:
    time.sleep(0.01)
    spin()
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("child", os.waitstatus_to_exitcode(status))
