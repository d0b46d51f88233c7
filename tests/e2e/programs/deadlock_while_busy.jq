([.deadlocks[] | select(.kind == "deadlock")] | length) == 1
and ([.deadlocks[] | select(.kind == "deadlock")][0].cycle | map(.acquiring.symbol) | sort)
    == ["lock_a", "lock_b"]
and .program.duration_ns < 20000000000
