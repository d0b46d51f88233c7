# Two locks annotated for TSan taken A then B and B then A by two threads: one lock-order inversion on lock_a and lock_b, no race, no misuse.
(.deadlocks | length) == 1
and .deadlocks[0].kind == "lock-order-inversion"
and (.deadlocks[0].cycle | length) == 2
and ([.deadlocks[0].cycle[].holding.symbol] | map(sub("\\..*"; "")) | sort) == ["lock_a", "lock_b"]
and .races == [] and .misuse == []
and $out.counter == $out.expect
