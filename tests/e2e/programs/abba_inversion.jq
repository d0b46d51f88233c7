(.deadlocks | length) == 1
and .deadlocks[0].kind == "lock-order-inversion"
and .deadlocks[0].concurrent == true
and (.deadlocks[0].cycle | length) == 2
and ([.deadlocks[0].cycle[].holding.symbol] | sort) == ["lock_a", "lock_b"]
and ([.deadlocks[0].cycle[].acquiring_stack[0].function] | sort) == ["take_a_then_b", "take_b_then_a"]
and ([.deadlocks[0].cycle[].holding_stack[0].function] | sort) == ["take_a_then_b", "take_b_then_a"]
and (.deadlocks[0].cycle[0].acquiring_stack[0].file | test("abba_inversion.c$"))
and .misuse == []
