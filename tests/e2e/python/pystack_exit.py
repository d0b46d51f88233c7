# The interpreter's exit status and output stay its own under ctrace: a
# worker thread takes locks, then the script exits with status 3.
import sys
import threading

lock = threading.Lock()

def work():
    for _ in range(1000):
        with lock:
            pass

t = threading.Thread(target=work, name="worker-1")
t.start()
t.join()
print("exit 3")
sys.exit(3)
