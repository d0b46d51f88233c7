# multiprocessing pool workers are named after their process
# (ForkPoolWorker-1, SpawnPoolWorker-3): the main thread of each worker.
import multiprocessing as mp

def square(x):
    return x * x

if __name__ == "__main__":
    for method in ("fork", "spawn"):
        pool = mp.get_context(method).Pool(2)
        print(method, sum(pool.map(square, range(20))))
        pool.close()  # not terminate(): a worker killed while it imports
        pool.join()   # would never reach its _bootstrap
