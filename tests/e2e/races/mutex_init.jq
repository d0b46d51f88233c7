# T1 initializes a mutex, locks it and writes g4 under it; T2, after a relaxed flag (no order), locks it and reads g4: T2's lock races with T1's init, which only the mutex itself would order (the lock is checked before it acquires); g4's accesses are ordered by the mutex.
(.races | length) == 1 and .misuse == [] and .deadlocks == []
and (.races[0] | .kind == "sync-object-race" and .location == "object"
  and .object.kind == "mutex" and .object.symbol == "late_mutex"
  and (.accesses[0] | .thread == 2 and .op == "read" and .call == "mutex_lock"
    and (.stack[0].function | startswith("second_access")))
  and (.accesses[1] | .thread == 1 and .op == "write" and .call == "mutex_init"
    and (.stack[0].function | startswith("first_access"))))
