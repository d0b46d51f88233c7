([.deadlocks[] | select(.kind == "deadlock")] | length) == 1
and ([.deadlocks[] | select(.kind == "deadlock")][0] as $d
     | ($d.cycle | length) == 2
     and ([$d.cycle[].acquiring.symbol] | sort) == ["lock_a", "lock_b"]
     and ([$d.cycle[].holding.symbol] | sort) == ["lock_a", "lock_b"]
     and ($d.cycle | all(.owner != null and .op == "mutex_lock"))
     and ([$d.cycle[].acquiring_stack[0].function] | sort) == ["holds_a_wants_b", "holds_b_wants_a"]
     and ([$d.cycle[].holding_stack[0].function] | sort) == ["holds_a_wants_b", "holds_b_wants_a"])
and .program.duration_ns < 20000000000  # caught while it hangs, not after a minute
# the cycle the blocked requests close is a lock-order inversion too
and ([.deadlocks[] | select(.kind == "lock-order-inversion")] as $i
     | ($i | length) == 1 and $i[0].concurrent == true
     and ([$i[0].cycle[].acquiring_stack[0].function] | sort) == ["holds_a_wants_b", "holds_b_wants_a"])
