# Daemon threads still taking locks while the interpreter finalizes: their
# thread states are freed under them (the shim must stop reading their
# frames, not crash); the exit status and output stay the program's.
import threading
import time

lock = threading.Lock()
cond = threading.Condition()

def churn():
    while True:
        with lock:
            pass
        with cond:
            cond.notify_all()

def waiter():
    with cond:
        while True:
            cond.wait(0.001)

for _ in range(3):
    threading.Thread(target=churn, daemon=True).start()
threading.Thread(target=waiter, daemon=True).start()
time.sleep(0.2)
print("exiting")
