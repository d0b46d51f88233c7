# The same GMutex orders at once: a real deadlock between the two threads, each waiting in g_mutex_lock for the other's lock.
([.deadlocks[] | select(.kind == "deadlock")] | length) == 1
and ([.deadlocks[] | select(.kind == "deadlock")][0].cycle
     | length == 2 and all(.[]; .op == "mutex_lock" and (.acquiring.symbol == "a" or .acquiring.symbol == "b")))
