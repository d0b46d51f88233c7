# GMutex a and b taken in both orders by two threads one after the other: one lock-order inversion between the two, no hang, no misuse.
([.deadlocks[] | select(.kind == "lock-order-inversion")] | length) == 1
and ([.deadlocks[] | select(.kind == "lock-order-inversion")][0].cycle
     | length == 2 and ([.[].acquiring.symbol] | sort) == ["a", "b"])
and ([.deadlocks[] | select(.kind != "lock-order-inversion")] | length) == 0
and .misuse == [] and $out.done == 1
