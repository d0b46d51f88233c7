# A block freed with a mutex and a condition variable in it, unordered with another thread's uses: sync-object races whose newer access is the free, at main's line.
(.races | map(select(.kind == "sync-object-race" and .accesses[0].call == "free" and .accesses[0].stack[0].function == "main")) | length) >= 1
and all(.races[] | select(.kind == "sync-object-race"); .accesses[0].call == "free" and .accesses[1].thread != .accesses[0].thread)
and .deadlocks == [] and .misuse == []
