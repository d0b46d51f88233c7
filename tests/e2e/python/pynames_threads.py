# Python thread names: a named Thread, a ThreadPoolExecutor's workers, a
# thread that renames itself, the main thread.
import concurrent.futures
import threading

lock = threading.Lock()

def use_lock():
    with lock:
        pass

def rename_then_lock():
    use_lock()
    threading.current_thread().name = "renamed-2"
    with lock:  # a new call site: its stack is new, the name is read again
        pass

t = threading.Thread(target=use_lock, name="worker-1")
t.start()
t.join()
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
    print(sum(ex.map(lambda x: (use_lock(), x)[1], range(10))))
r = threading.Thread(target=rename_then_lock, name="before-rename")
r.start()
r.join()
use_lock()
print("done")
