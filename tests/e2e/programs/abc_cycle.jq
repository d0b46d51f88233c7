(.deadlocks | length) == 1
and .deadlocks[0].kind == "lock-order-inversion"
and (.deadlocks[0].cycle | length) == 3
and ([.deadlocks[0].cycle[].holding.symbol]) == ["lock_a", "lock_b", "lock_c"]
and ([.deadlocks[0].cycle[].acquiring.symbol]) == ["lock_b", "lock_c", "lock_a"]
and ([.deadlocks[0].cycle[].thread] | unique | length) == 3
